package config

import (
	"fmt"
	"os"
	"strings"
)

// KafkaTLS configures TLS to the brokers. Files are read at start-up.
type KafkaTLS struct {
	// Enabled turns TLS on; it is also on when any file below is set.
	Enabled bool `yaml:"enabled"`
	// CAFile is a PEM bundle of the CAs that sign the brokers' certificates
	// (default: the system pool).
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client certificate and key (PEM), for
	// clusters that require mutual TLS. Both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName overrides the name checked in the brokers' certificates.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify turns certificate checks off (tests only).
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// On reports whether TLS is used.
func (t KafkaTLS) On() bool {
	return t.Enabled || t.CAFile != "" || t.CertFile != "" || t.KeyFile != ""
}

// KafkaSASL configures SASL authentication. Secrets are never written in
// the file: PasswordEnv names the environment variable that holds the
// password.
type KafkaSASL struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: no SASL.
	Mechanism string `yaml:"mechanism"`
	// Username, or UsernameEnv naming the variable that holds it.
	Username    string `yaml:"username"`
	UsernameEnv string `yaml:"username_env"`
	// PasswordEnv names the environment variable that holds the password,
	// e.g. KAFKA_PASSWORD.
	PasswordEnv string `yaml:"password_env"`
}

// SASL mechanisms.
var saslMechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// Credentials returns the user name and password, read from the
// environment where the config names a variable.
func (s KafkaSASL) Credentials() (user, pass string, err error) {
	user = s.Username
	if s.UsernameEnv != "" {
		user = os.Getenv(s.UsernameEnv)
		if user == "" {
			return "", "", fmt.Errorf("environment variable %s (kafka.sasl.username_env) is empty", s.UsernameEnv)
		}
	}
	pass = os.Getenv(s.PasswordEnv)
	if pass == "" {
		return "", "", fmt.Errorf("environment variable %s (kafka.sasl.password_env) is empty", s.PasswordEnv)
	}
	return user, pass, nil
}

// KafkaTopics configures topic provisioning.
type KafkaTopics struct {
	// Events are the event topics (TopicPrefix + type). Zero partitions or
	// replication factor: Kafka.Partitions and Kafka.ReplicationFactor.
	// Default cleanup policy delete.
	Events TopicConfig `yaml:"events"`
	// Articles is news.articles. Default cleanup policy compact (one record
	// per canonical URL is kept).
	Articles TopicConfig `yaml:"articles"`
	// DeadLetter is news.deadletter. Default cleanup policy delete.
	DeadLetter TopicConfig `yaml:"deadletter"`
	// OnMismatch says what happens when an existing topic differs from
	// its configuration in partition count or cleanup policy: fail (the
	// default: start-up stops with an error naming the topic) or warn (log
	// it and go on). Replication factor and retention differences are
	// always warnings.
	OnMismatch string `yaml:"on_mismatch"`
	// Create creates missing topics at start-up (default true; false when
	// the cluster's topics are managed elsewhere: they are then only checked).
	Create *bool `yaml:"create"`
}

// TopicConfig is the provisioning of one topic or group of topics.
type TopicConfig struct {
	Partitions        int `yaml:"partitions"`
	ReplicationFactor int `yaml:"replication_factor"`
	// Retention is retention.ms; zero: the broker's default; negative (-1ns
	// in YAML as "-1ns"): keep forever.
	Retention Duration `yaml:"retention"`
	// CleanupPolicy is delete, compact or "compact,delete".
	CleanupPolicy string `yaml:"cleanup_policy"`
}

var compressions = []string{"", "none", "gzip", "snappy", "lz4", "zstd"}

// validateClient checks the TLS, SASL, compression and topic settings.
func (k *Kafka) validateClient(bad func(field, format string, args ...any) error) error {
	if !oneOf(strings.ToLower(k.Compression), compressions) {
		return bad("kafka.compression", "%q: want none, gzip, snappy, lz4 or zstd", k.Compression)
	}
	if (k.TLS.CertFile == "") != (k.TLS.KeyFile == "") {
		return bad("kafka.tls", "cert_file and key_file go together: set both or neither")
	}
	for field, path := range map[string]string{"kafka.tls.ca_file": k.TLS.CAFile, "kafka.tls.cert_file": k.TLS.CertFile, "kafka.tls.key_file": k.TLS.KeyFile} {
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			return bad(field, "%v", err)
		}
	}
	s := k.SASL
	if s.Mechanism != "" {
		if !oneOf(strings.ToUpper(s.Mechanism), saslMechanisms) {
			return bad("kafka.sasl.mechanism", "%q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.Mechanism)
		}
		if s.Username == "" && s.UsernameEnv == "" {
			return bad("kafka.sasl.username", "no user name: set username or username_env")
		}
		if s.PasswordEnv == "" {
			return bad("kafka.sasl.password_env", "name the environment variable that holds the password, e.g. KAFKA_PASSWORD")
		}
		if _, _, err := s.Credentials(); err != nil {
			return bad("kafka.sasl", "%v", err)
		}
	} else if s.Username != "" || s.UsernameEnv != "" || s.PasswordEnv != "" {
		return bad("kafka.sasl.mechanism", "credentials given without a mechanism: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	}
	for name, t := range map[string]TopicConfig{"events": k.Topics.Events, "articles": k.Topics.Articles, "deadletter": k.Topics.DeadLetter} {
		field := "kafka.topics." + name
		if t.Partitions < 0 {
			return bad(field+".partitions", "%d: must not be negative", t.Partitions)
		}
		if t.ReplicationFactor < 0 {
			return bad(field+".replication_factor", "%d: must not be negative", t.ReplicationFactor)
		}
		if !oneOf(t.CleanupPolicy, []string{"", "delete", "compact", "compact,delete", "delete,compact"}) {
			return bad(field+".cleanup_policy", "%q: want delete, compact or compact,delete", t.CleanupPolicy)
		}
	}
	if !oneOf(k.Topics.OnMismatch, []string{"", "fail", "warn"}) {
		return bad("kafka.topics.on_mismatch", "%q: want fail or warn", k.Topics.OnMismatch)
	}
	return nil
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
