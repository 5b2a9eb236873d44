package publish

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/schema"
)

// Conn is how to reach a cluster: the brokers and the TLS and SASL
// settings shared by the writer (kafka.Transport), the readers
// (kafka.Dialer) and the admin client (kafka.Client).
type Conn struct {
	Brokers []string
	TLS     *tls.Config    // nil: plain TCP
	SASL    sasl.Mechanism // nil: no authentication
}

// Transport returns a kafka.Transport for writers and admin clients.
// kafka-go's default transport keeps metadata for 6 s; ours refreshes
// after 2 s so that a restarted broker's partitions are found quickly.
func (c Conn) Transport() *kafka.Transport {
	return &kafka.Transport{
		DialTimeout: 5 * time.Second,
		IdleTimeout: 30 * time.Second,
		MetadataTTL: 2 * time.Second,
		ClientID:    "newsevents",
		TLS:         c.TLS,
		SASL:        c.SASL,
	}
}

// Dialer returns a kafka.Dialer for partition readers.
func (c Conn) Dialer() *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:      "newsevents",
		Timeout:       10 * time.Second,
		DualStack:     true,
		TLS:           c.TLS,
		SASLMechanism: c.SASL,
	}
}

// Client returns an admin client.
func (c Conn) Client() *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Timeout: 10 * time.Second, Transport: c.Transport()}
}

// CloseClient closes the idle connections of a client made by Client,
// which its transport otherwise keeps with a goroutine per broker.
func CloseClient(c *kafka.Client) {
	if t, ok := c.Transport.(*kafka.Transport); ok {
		t.CloseIdleConnections()
	}
}

// ParseCompression reads none, gzip, snappy, lz4 or zstd ("" is none).
func ParseCompression(s string) (kafka.Compression, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return 0, nil
	case "gzip":
		return kafka.Gzip, nil
	case "snappy":
		return kafka.Snappy, nil
	case "lz4":
		return kafka.Lz4, nil
	case "zstd":
		return kafka.Zstd, nil
	}
	return 0, fmt.Errorf("compression %q: want none, gzip, snappy, lz4 or zstd", s)
}

// SASLMechanism builds the mechanism of name (PLAIN, SCRAM-SHA-256,
// SCRAM-SHA-512) for user and pass.
func SASLMechanism(name, user, pass string) (sasl.Mechanism, error) {
	switch strings.ToUpper(name) {
	case "PLAIN":
		return plain.Mechanism{Username: user, Password: pass}, nil
	case "SCRAM-SHA-256":
		return scram.Mechanism(scram.SHA256, user, pass)
	case "SCRAM-SHA-512":
		return scram.Mechanism(scram.SHA512, user, pass)
	}
	return nil, fmt.Errorf("SASL mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", name)
}

// TLSConfig builds the client TLS configuration: CA bundle, client
// certificate, server name.
func TLSConfig(t config.KafkaTLS) (*tls.Config, error) {
	if !t.On() {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kafka CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka CA file %s: no PEM certificate in it", t.CAFile)
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafka client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// ConnFromConfig builds the connection settings of cfg for brokers (the
// configured ones, or the embedded broker's address). Secrets are read
// from the environment variables the config names.
func ConnFromConfig(cfg config.Kafka, brokers []string) (Conn, error) {
	c := Conn{Brokers: brokers}
	var err error
	if c.TLS, err = TLSConfig(cfg.TLS); err != nil {
		return Conn{}, err
	}
	if cfg.SASL.Mechanism != "" {
		user, pass, err := cfg.SASL.Credentials()
		if err != nil {
			return Conn{}, fmt.Errorf("kafka SASL: %w", err)
		}
		if c.SASL, err = SASLMechanism(cfg.SASL.Mechanism, user, pass); err != nil {
			return Conn{}, err
		}
	}
	return c, nil
}

// OptionsFromConfig returns the publisher options of cfg for brokers.
func OptionsFromConfig(cfg config.Kafka, brokers []string, log *zap.Logger) (Options, error) {
	conn, err := ConnFromConfig(cfg, brokers)
	if err != nil {
		return Options{}, err
	}
	comp, err := ParseCompression(cfg.Compression)
	if err != nil {
		return Options{}, err
	}
	return Options{
		Brokers:      brokers,
		TLS:          conn.TLS,
		SASL:         conn.SASL,
		Compression:  comp,
		TopicPrefix:  cfg.TopicPrefix,
		BatchTimeout: cfg.BatchTimeout.D(),
		MaxAttempts:  cfg.MaxAttempts,
		Logger:       log,
	}, nil
}

// TopicSpecsFromConfig returns the topics newsevents writes, as cfg
// provisions them: the event topics (cleanup delete), news.articles
// (compact: one record per canonical URL) and news.deadletter (delete,
// 14 days unless configured).
func TopicSpecsFromConfig(cfg config.Kafka) []TopicSpec {
	spec := func(name string, t config.TopicConfig, policy string, retention time.Duration) TopicSpec {
		s := TopicSpec{Name: name, Partitions: t.Partitions, ReplicationFactor: t.ReplicationFactor, CleanupPolicy: t.CleanupPolicy, Retention: t.Retention.D()}
		if s.Partitions == 0 {
			s.Partitions = cfg.Partitions
		}
		if s.ReplicationFactor == 0 {
			s.ReplicationFactor = cfg.ReplicationFactor
		}
		if s.CleanupPolicy == "" {
			s.CleanupPolicy = policy
		}
		if s.Retention == 0 {
			s.Retention = retention
		}
		return s
	}
	prefix := cfg.TopicPrefix
	if prefix == "" {
		prefix = schema.DefaultTopicPrefix
	}
	var specs []TopicSpec
	for _, t := range schema.CoreTypes() {
		specs = append(specs, spec(schema.Topic(prefix, t), cfg.Topics.Events, "delete", 0))
	}
	specs = append(specs,
		spec(ArticlesTopic, cfg.Topics.Articles, "compact", 0),
		spec(DeadLetterTopic, cfg.Topics.DeadLetter, "delete", 14*24*time.Hour))
	return specs
}

// ProvisionOptionsFromConfig returns how ProvisionTopics treats existing
// topics, as cfg says.
func ProvisionOptionsFromConfig(cfg config.Kafka) ProvisionOptions {
	o := ProvisionOptions{Create: true, WarnOnly: cfg.Topics.OnMismatch == "warn"}
	if cfg.Topics.Create != nil {
		o.Create = *cfg.Topics.Create
	}
	return o
}
