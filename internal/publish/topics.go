package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
)

// TopicSpec is a topic as newsevents wants it.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	// CleanupPolicy is delete, compact or "compact,delete"; "" leaves the
	// broker's default.
	CleanupPolicy string
	// Retention is retention.ms: zero leaves the broker's default, a
	// negative value keeps records forever.
	Retention time.Duration
	// Configs are further topic configs set at creation.
	Configs map[string]string
}

// configs returns every topic config of s.
func (s TopicSpec) configs() map[string]string {
	out := map[string]string{}
	for k, v := range s.Configs {
		out[k] = v
	}
	if s.CleanupPolicy != "" {
		out["cleanup.policy"] = s.CleanupPolicy
	}
	if s.Retention < 0 {
		out["retention.ms"] = "-1"
	} else if s.Retention > 0 {
		out["retention.ms"] = strconv.FormatInt(s.Retention.Milliseconds(), 10)
	}
	return out
}

// ProvisionOptions say how ProvisionTopics treats the cluster.
type ProvisionOptions struct {
	// Create creates missing topics; when false a missing topic is an error.
	Create bool
	// WarnOnly logs a partition count or cleanup policy mismatch instead of
	// returning it as an error.
	WarnOnly bool
}

// MismatchError lists the existing topics that differ from their spec in a
// way that changes behaviour: partition count (changes which partition a
// key lands on, so per-event ordering) or cleanup policy (compacting an
// event topic loses history; not compacting news.articles grows it forever).
type MismatchError struct {
	Problems []string
}

func (e *MismatchError) Error() string {
	return "existing topics differ from the configuration: " + strings.Join(e.Problems, "; ") +
		" (fix the topics, or the config, or set kafka.topics.on_mismatch: warn)"
}

// ProvisionTopics makes the cluster's topics match specs: it creates the
// missing ones (with partitions, replication factor, cleanup policy and
// retention) and compares the existing ones with their spec. A partition
// count or cleanup policy mismatch is a *MismatchError (or a warning with
// opts.WarnOnly); replication factor and retention differences are
// logged as warnings.
func ProvisionTopics(ctx context.Context, conn Conn, specs []TopicSpec, opts ProvisionOptions, log *zap.Logger) error {
	if log == nil {
		log = zap.NewNop()
	}
	client := conn.Client()
	defer CloseClient(client)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	existing, err := describeTopics(ctx, client, names)
	if err != nil {
		return err
	}
	var create []TopicSpec
	var have []TopicSpec
	for _, s := range specs {
		if _, ok := existing[s.Name]; ok {
			have = append(have, s)
		} else {
			create = append(create, s)
		}
	}
	if len(create) > 0 {
		if !opts.Create {
			var missing []string
			for _, s := range create {
				missing = append(missing, s.Name)
			}
			return fmt.Errorf("topics missing on %v and creation is off: %s", conn.Brokers, strings.Join(missing, ", "))
		}
		if err := createTopics(ctx, client, create); err != nil {
			return err
		}
		for _, s := range create {
			log.Info("topic created", zap.String("topic", s.Name), zap.Int("partitions", s.Partitions),
				zap.Int("replication_factor", s.ReplicationFactor), zap.String("cleanup_policy", s.CleanupPolicy), zap.Duration("retention", s.Retention))
		}
	}
	if len(have) == 0 {
		return nil
	}
	cfgs, err := describeConfigs(ctx, client, have)
	if err != nil {
		return err
	}
	var problems []string
	for _, s := range have {
		t := existing[s.Name]
		c := cfgs[s.Name]
		if s.Partitions > 0 && t.partitions != s.Partitions {
			problems = append(problems, fmt.Sprintf("%s has %d partitions, configured %d", s.Name, t.partitions, s.Partitions))
		}
		if s.CleanupPolicy != "" && normPolicy(c["cleanup.policy"]) != normPolicy(s.CleanupPolicy) {
			problems = append(problems, fmt.Sprintf("%s has cleanup.policy=%s, configured %s", s.Name, c["cleanup.policy"], s.CleanupPolicy))
		}
		if s.ReplicationFactor > 0 && t.replicas != s.ReplicationFactor {
			log.Warn("topic replication factor differs from the configuration", zap.String("topic", s.Name),
				zap.Int("replication_factor", t.replicas), zap.Int("configured", s.ReplicationFactor))
		}
		if want, ok := s.configs()["retention.ms"]; ok && c["retention.ms"] != want {
			log.Warn("topic retention differs from the configuration", zap.String("topic", s.Name),
				zap.String("retention_ms", c["retention.ms"]), zap.String("configured", want))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	if opts.WarnOnly {
		for _, p := range problems {
			log.Warn("topic differs from the configuration", zap.String("problem", p))
		}
		return nil
	}
	return &MismatchError{Problems: problems}
}

func normPolicy(s string) string {
	parts := strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

type topicInfo struct {
	partitions int
	replicas   int
}

// describeTopics returns the topics of names that exist.
func describeTopics(ctx context.Context, client *kafka.Client, names []string) (map[string]topicInfo, error) {
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return nil, fmt.Errorf("topic metadata from %v: %w", client.Addr, err)
	}
	out := map[string]topicInfo{}
	for _, t := range md.Topics {
		if t.Error != nil {
			if errors.Is(t.Error, kafka.UnknownTopicOrPartition) {
				continue
			}
			return nil, fmt.Errorf("topic %s: %w", t.Name, t.Error)
		}
		info := topicInfo{partitions: len(t.Partitions)}
		if len(t.Partitions) > 0 {
			info.replicas = len(t.Partitions[0].Replicas)
		}
		out[t.Name] = info
	}
	return out, nil
}

func createTopics(ctx context.Context, client *kafka.Client, specs []TopicSpec) error {
	req := &kafka.CreateTopicsRequest{}
	for _, s := range specs {
		tc := kafka.TopicConfig{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: s.ReplicationFactor}
		for k, v := range s.configs() {
			tc.ConfigEntries = append(tc.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: v})
		}
		req.Topics = append(req.Topics, tc)
	}
	resp, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("creating topics on %v: %w", client.Addr, err)
	}
	var errs []error
	for topic, terr := range resp.Errors {
		if terr == nil || errors.Is(terr, kafka.TopicAlreadyExists) {
			continue
		}
		errs = append(errs, fmt.Errorf("creating topic %s: %w", topic, terr))
	}
	return errors.Join(errs...)
}

// describeConfigs returns cleanup.policy and retention.ms of each topic.
func describeConfigs(ctx context.Context, client *kafka.Client, specs []TopicSpec) (map[string]map[string]string, error) {
	req := &kafka.DescribeConfigsRequest{}
	for _, s := range specs {
		req.Resources = append(req.Resources, kafka.DescribeConfigRequestResource{
			ResourceType: kafka.ResourceTypeTopic, ResourceName: s.Name,
			ConfigNames: []string{"cleanup.policy", "retention.ms"},
		})
	}
	resp, err := client.DescribeConfigs(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("describing topic configs on %v: %w", client.Addr, err)
	}
	out := map[string]map[string]string{}
	for _, r := range resp.Resources {
		if r.Error != nil {
			return nil, fmt.Errorf("describing topic %s: %w", r.ResourceName, r.Error)
		}
		m := map[string]string{}
		for _, e := range r.ConfigEntries {
			m[e.ConfigName] = e.ConfigValue
		}
		out[r.ResourceName] = m
	}
	return out, nil
}

// EnsureTopics creates the topics that do not exist yet, over plain TCP.
// Topics that exist are left as they are; see ProvisionTopics for the
// checked version.
func EnsureTopics(ctx context.Context, brokers []string, specs []TopicSpec) error {
	client := Conn{Brokers: brokers}.Client()
	defer CloseClient(client)
	return createTopics(ctx, client, specs)
}

// Partitions returns the partition ids of topic.
func Partitions(ctx context.Context, brokers []string, topic string) ([]int, error) {
	return Conn{Brokers: brokers}.Partitions(ctx, topic)
}

// Partitions returns the partition ids of topic.
func (c Conn) Partitions(ctx context.Context, topic string) ([]int, error) {
	client := c.Client()
	defer CloseClient(client)
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s from %v: %w", topic, c.Brokers, err)
	}
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("topic %s: %w", topic, t.Error)
		}
		ids := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
		sort.Ints(ids)
		return ids, nil
	}
	return nil, fmt.Errorf("topic %s: not found", topic)
}

// Ping reports whether a broker accepts TCP connections, within ctx.
func Ping(ctx context.Context, brokers []string) error {
	var d net.Dialer
	var errs []error
	for _, b := range brokers {
		c, err := d.DialContext(ctx, "tcp", b)
		if err == nil {
			c.Close()
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("no broker reachable: %w", errors.Join(errs...))
}
