package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsevents/newsevents/internal/config"
)

func TestProvisionTopicsCreatesFromConfig(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	conn := Conn{Brokers: []string{b.Addr()}}
	client := conn.Client()
	defer CloseClient(client)
	cfg := config.Default().Kafka
	cfg.Topics.Events = config.TopicConfig{Partitions: 4, Retention: config.Duration(720 * time.Hour)}
	specs := TopicSpecsFromConfig(cfg)
	if err := ProvisionTopics(ctx, conn, specs, ProvisionOptionsFromConfig(cfg), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		topic      string
		partitions int
		policy     string
		retention  string
	}{
		{"trade.tariff-imposed", 4, "delete", "2592000000"},
		{"news.articles", 3, "compact", ""},
		{"news.deadletter", 3, "delete", "1209600000"},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			parts, err := conn.Partitions(ctx, tt.topic)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != tt.partitions {
				t.Errorf("%d partitions, want %d", len(parts), tt.partitions)
			}
			cfgs, err := describeConfigs(ctx, client, []TopicSpec{{Name: tt.topic}})
			if err != nil {
				t.Fatal(err)
			}
			if got := cfgs[tt.topic]["cleanup.policy"]; got != tt.policy {
				t.Errorf("cleanup.policy %q, want %q", got, tt.policy)
			}
			if tt.retention != "" && cfgs[tt.topic]["retention.ms"] != tt.retention {
				t.Errorf("retention.ms %q, want %q", cfgs[tt.topic]["retention.ms"], tt.retention)
			}
		})
	}
	// Again: everything exists and matches.
	if err := ProvisionTopics(ctx, conn, specs, ProvisionOptionsFromConfig(cfg), nil); err != nil {
		t.Fatalf("second ProvisionTopics: %v", err)
	}
}

func TestProvisionTopicsReportsMismatch(t *testing.T) {
	tests := []struct {
		name     string
		existing TopicSpec
		want     string // in the error
	}{
		{"partition count", TopicSpec{Name: "news.articles", Partitions: 1, ReplicationFactor: 1, CleanupPolicy: "compact"}, "news.articles has 1 partitions, configured 3"},
		{"cleanup policy", TopicSpec{Name: "news.articles", Partitions: 3, ReplicationFactor: 1, CleanupPolicy: "delete"}, "news.articles has cleanup.policy=delete, configured compact"},
		{"event topic compacted", TopicSpec{Name: "trade.trip-cancelled", Partitions: 3, ReplicationFactor: 1, CleanupPolicy: "compact"}, "trade.trip-cancelled has cleanup.policy=compact, configured delete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b := startBroker(t)
			conn := Conn{Brokers: []string{b.Addr()}}
			client := conn.Client()
			defer CloseClient(client)
			if err := createTopics(ctx, client, []TopicSpec{tt.existing}); err != nil {
				t.Fatal(err)
			}
			cfg := config.Default().Kafka
			specs := TopicSpecsFromConfig(cfg)

			err := ProvisionTopics(ctx, conn, specs, ProvisionOptions{Create: true}, nil)
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("ProvisionTopics = %v, want a *MismatchError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}

			core, logs := observer.New(zap.WarnLevel)
			if err := ProvisionTopics(ctx, conn, specs, ProvisionOptions{Create: true, WarnOnly: true}, zap.New(core)); err != nil {
				t.Fatalf("with on_mismatch: warn: %v", err)
			}
			if logs.FilterMessage("topic differs from the configuration").Len() != 1 {
				t.Errorf("want one warning, got %v", logs.All())
			}
		})
	}
}

func TestProvisionTopicsWithoutCreate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	conn := Conn{Brokers: []string{b.Addr()}}
	err := ProvisionTopics(ctx, conn, TopicSpecsFromConfig(config.Default().Kafka), ProvisionOptions{Create: false}, nil)
	if err == nil || !strings.Contains(err.Error(), "news.deadletter") {
		t.Fatalf("ProvisionTopics without create on an empty cluster = %v, want an error naming the missing topics", err)
	}
	client := conn.Client()
	defer CloseClient(client)
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Topics) != 0 {
		t.Errorf("%d topics created with create off", len(md.Topics))
	}
}

func TestSetupFailsOnMismatchUnlessWarn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	brokers := []string{b.Addr()}
	if err := EnsureTopics(ctx, brokers, []TopicSpec{{Name: ArticlesTopic, Partitions: 3, ReplicationFactor: 1, CleanupPolicy: "delete"}}); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Kafka
	if _, err := Setup(ctx, cfg, brokers, nil); err == nil || !strings.Contains(err.Error(), "cleanup.policy=delete") {
		t.Fatalf("Setup with news.articles not compacted = %v, want a mismatch error", err)
	}
	cfg.Topics.OnMismatch = "warn"
	p, err := Setup(ctx, cfg, brokers, nil)
	if err != nil {
		t.Fatalf("Setup with on_mismatch: warn: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}
