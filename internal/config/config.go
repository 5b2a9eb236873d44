// Package config is the one configuration struct of newsevents, its
// documented defaults, YAML loading and validation. Bad configuration fails
// at start-up with one message naming the file and the field.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newsevents/newsevents/schema"
)

// Config is everything newsevents reads from its YAML file.
type Config struct {
	// Kafka is where events go. No brokers means the embedded broker.
	Kafka Kafka `yaml:"kafka"`
	// Feeds are the news feeds to poll.
	Feeds []Feed `yaml:"feeds"`
	// Poll is how feeds are polled and pages fetched.
	Poll Poll `yaml:"poll"`
	// Workers is the number of articles fetched and extracted at once (default 8).
	Workers int `yaml:"workers"`
	// Admin is the HTTP listener for /metrics, /healthz, /readyz and /loglevel.
	Admin Admin `yaml:"admin"`
	// OPML files listing more feeds (paths relative to this file), merged
	// with Feeds (see feeds.go).
	OPML []string `yaml:"opml"`
	// StateDir holds the durable feed and article state (default "state",
	// relative to the working directory; see feeds.go).
	StateDir string `yaml:"state_dir"`
	// Retention is how long a done article is remembered (default 720h).
	Retention Duration `yaml:"retention"`
	// Shard "i/N" makes this instance poll only its share of the feeds
	// (rendezvous hashing on the feed URL); empty: all feeds.
	Shard string `yaml:"shard"`

	// path is the file the config came from, for error messages.
	path string
}

// Kafka configures the brokers, topics and producer.
type Kafka struct {
	// Brokers are host:port addresses of a Kafka cluster. Empty: start the
	// embedded in-memory broker on EmbeddedAddr.
	Brokers []string `yaml:"brokers"`
	// EmbeddedAddr is where the embedded broker listens (default 127.0.0.1:9092).
	EmbeddedAddr string `yaml:"embedded_addr"`
	// TopicPrefix prefixes the event topics (default "trade.").
	TopicPrefix string `yaml:"topic_prefix"`
	// Partitions of each topic created at start-up (default 3).
	Partitions int `yaml:"partitions"`
	// ReplicationFactor of each topic created at start-up (default 1).
	ReplicationFactor int `yaml:"replication_factor"`
	// BatchTimeout bounds how long a partial batch waits before it is sent (default 10ms).
	BatchTimeout Duration `yaml:"batch_timeout"`
	// MaxAttempts is how many times a batch is tried before its error is surfaced (default 10).
	MaxAttempts int `yaml:"max_attempts"`
	// Compression of produced batches: none, gzip, snappy, lz4 or zstd (default none).
	Compression string `yaml:"compression"`
	// TLS to the brokers (see kafka.go).
	TLS KafkaTLS `yaml:"tls"`
	// SASL authentication (see kafka.go).
	SASL KafkaSASL `yaml:"sasl"`
	// Topics: how each topic is provisioned at start-up (see kafka.go).
	Topics KafkaTopics `yaml:"topics"`
}

// Feed is one feed to poll.
type Feed struct {
	URL  string   `yaml:"url"`
	Name string   `yaml:"name"`
	Tags []string `yaml:"tags"`
	// Interval overrides Poll.Interval for this feed.
	Interval Duration `yaml:"interval"`
	// FullText: the feed carries whole articles (content:encoded), which
	// are extracted from the feed instead of fetching each page.
	FullText bool `yaml:"full_text"`
}

// Poll configures polling and fetching.
type Poll struct {
	// Interval between two polls of one feed (default 10m).
	Interval Duration `yaml:"interval"`
	// Timeout for one request, connect to last byte (default 30s).
	Timeout Duration `yaml:"timeout"`
	// UserAgent sent with every request (default names newsevents and ContactURL).
	UserAgent string `yaml:"user_agent"`
	// ContactURL is put in the User-Agent so publishers can reach the operator.
	ContactURL string `yaml:"contact_url"`
	// MaxFeedBytes is the largest feed body read, decoded (default 10 MiB).
	MaxFeedBytes int64 `yaml:"max_feed_bytes"`
	// MaxPageBytes is the largest page body read, decoded (default 5 MiB).
	MaxPageBytes int64 `yaml:"max_page_bytes"`
	// AllowCIDRs lets requests reach these otherwise refused (private,
	// loopback...) networks, e.g. ["127.0.0.0/8"] for a local test site.
	AllowCIDRs []string `yaml:"allow_cidrs"`
	// PollFeeds holds the scheduler and politeness settings (see feeds.go).
	PollFeeds `yaml:",inline"`
}

// Admin configures the admin HTTP listener (internal/admin).
type Admin struct {
	// Addr is host:port to listen on, e.g. "127.0.0.1:9090", or ":9090" for
	// every interface (in a container). Port 0 picks a free port; the "admin
	// listening" log line names it. Empty (the default): no listener.
	Addr string `yaml:"addr"`
}

// Default returns the configuration used when a field is not set.
func Default() Config {
	return Config{
		Kafka: Kafka{
			EmbeddedAddr:      "127.0.0.1:9092",
			TopicPrefix:       schema.DefaultTopicPrefix,
			Partitions:        3,
			ReplicationFactor: 1,
			BatchTimeout:      Duration(10 * time.Millisecond),
			MaxAttempts:       10,
		},
		Poll: Poll{
			Interval:     Duration(10 * time.Minute),
			Timeout:      Duration(30 * time.Second),
			MaxFeedBytes: 10 << 20,
			MaxPageBytes: 5 << 20,
			PollFeeds:    defaultPollFeeds(),
		},
		StateDir:  "state",
		Retention: Duration(30 * 24 * time.Hour),
		Workers:   8,
	}
}

// Load reads the YAML file at path over the defaults and validates it.
// Unknown fields are errors.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse reads YAML data (from the file named path) over the defaults and
// validates it.
func Parse(path string, data []byte) (Config, error) {
	cfg := Default()
	cfg.path = path
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config %s: %w", path, cleanYAMLError(err))
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func cleanYAMLError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return errors.New(msg)
}

// Path is the file the configuration was loaded from ("" for none).
func (c *Config) Path() string { return c.path }

// FieldError names the field of a bad value.
type FieldError struct {
	File  string
	Field string
	Err   error
}

func (e *FieldError) Error() string {
	where := "config"
	if e.File != "" {
		where = "config " + e.File
	}
	return fmt.Sprintf("%s: %s: %v", where, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks every field and returns the first problem, naming the
// file and the field.
func (c *Config) Validate() error {
	bad := func(field string, format string, args ...any) error {
		return &FieldError{File: c.path, Field: field, Err: fmt.Errorf(format, args...)}
	}
	for i, b := range c.Kafka.Brokers {
		if err := checkHostPort(b); err != nil {
			return bad(fmt.Sprintf("kafka.brokers[%d]", i), "%q: %v", b, err)
		}
	}
	if err := checkEmbeddedAddr(c.Kafka.EmbeddedAddr); err != nil {
		return bad("kafka.embedded_addr", "%q: %v", c.Kafka.EmbeddedAddr, err)
	}
	if err := schema.ValidateTopicPrefix(c.Kafka.TopicPrefix); err != nil {
		return bad("kafka.topic_prefix", "%v", err)
	}
	if c.Kafka.Partitions < 1 {
		return bad("kafka.partitions", "%d: must be at least 1", c.Kafka.Partitions)
	}
	if c.Kafka.ReplicationFactor < 1 {
		return bad("kafka.replication_factor", "%d: must be at least 1", c.Kafka.ReplicationFactor)
	}
	if c.Kafka.MaxAttempts < 1 {
		return bad("kafka.max_attempts", "%d: must be at least 1", c.Kafka.MaxAttempts)
	}
	if err := c.Kafka.validateClient(bad); err != nil {
		return err
	}
	if c.Kafka.BatchTimeout <= 0 {
		return bad("kafka.batch_timeout", "must be positive")
	}
	if len(c.Feeds) == 0 && len(c.OPML) == 0 {
		return bad("feeds", "no feeds configured: add at least one {url: ...} or an opml: file")
	}
	seen := map[string]int{}
	for i, f := range c.Feeds {
		field := fmt.Sprintf("feeds[%d].url", i)
		if err := CheckHTTPURL(f.URL); err != nil {
			return bad(field, "%q: %v", f.URL, err)
		}
		if j, dup := seen[f.URL]; dup {
			return bad(field, "%q is listed twice (also feeds[%d])", f.URL, j)
		}
		seen[f.URL] = i
		if f.Interval < 0 {
			return bad(fmt.Sprintf("feeds[%d].interval", i), "must not be negative")
		}
	}
	if c.Poll.Interval <= 0 {
		return bad("poll.interval", "must be positive")
	}
	if c.Poll.Timeout <= 0 {
		return bad("poll.timeout", "must be positive")
	}
	if c.Poll.MaxFeedBytes <= 0 {
		return bad("poll.max_feed_bytes", "must be positive")
	}
	if c.Poll.MaxPageBytes <= 0 {
		return bad("poll.max_page_bytes", "must be positive")
	}
	if c.Poll.ContactURL != "" {
		if err := CheckHTTPURL(c.Poll.ContactURL); err != nil {
			return bad("poll.contact_url", "%q: %v", c.Poll.ContactURL, err)
		}
	}
	for i, s := range c.Poll.AllowCIDRs {
		if _, _, err := net.ParseCIDR(s); err != nil {
			return bad(fmt.Sprintf("poll.allow_cidrs[%d]", i), "%q is not a CIDR such as 127.0.0.0/8", s)
		}
	}
	if c.Workers < 1 {
		return bad("workers", "%d: must be at least 1", c.Workers)
	}
	if err := c.validateFeeds(bad); err != nil {
		return err
	}
	if c.Admin.Addr != "" {
		if err := checkListenAddr(c.Admin.Addr); err != nil {
			return bad("admin.addr", "%q: %v", c.Admin.Addr, err)
		}
	}
	return nil
}

// CheckHTTPURL reports whether s is an absolute http or https URL.
func CheckHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme must be http or https, not %q", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	return nil
}

func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("want host:port")
	}
	if host == "" {
		return errors.New("has no host")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return nil
}

// checkListenAddr accepts host:port and :port (every interface); port 0
// picks a free port, which the listener logs.
func checkListenAddr(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("want host:port or :port, such as 127.0.0.1:9090")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

// Duration is a time.Duration written as "10m" or "1h30m" in YAML.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration such as 10m", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 10m or 1h30m", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// checkEmbeddedAddr accepts host:port where port 0 picks a free port.
func checkEmbeddedAddr(s string) error {
	if host, port, err := net.SplitHostPort(s); err == nil && host != "" && port == "0" {
		return nil
	}
	return checkHostPort(s)
}
