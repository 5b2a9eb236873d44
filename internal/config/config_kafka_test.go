package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKafkaClientSettings(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("not checked here"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NE_TEST_KAFKA_PASSWORD", "s3cret")
	t.Setenv("NE_TEST_EMPTY", "")
	const feeds = "feeds: [{url: https://news.example/feed}]\n"
	tests := []struct {
		name      string
		give      string
		wantField string // "" means valid
	}{
		{"defaults", "", ""},
		{"compression zstd", "kafka: {compression: zstd}", ""},
		{"compression unknown", "kafka: {compression: brotli}", "kafka.compression"},
		{"tls with ca file", "kafka: {tls: {ca_file: " + ca + ", server_name: kafka.internal}}", ""},
		{"tls ca file missing", "kafka: {tls: {ca_file: " + filepath.Join(dir, "nope.pem") + "}}", "kafka.tls.ca_file"},
		{"tls cert without key", "kafka: {tls: {cert_file: " + ca + "}}", "kafka.tls"},
		{"sasl scram", "kafka: {sasl: {mechanism: SCRAM-SHA-512, username: svc, password_env: NE_TEST_KAFKA_PASSWORD}}", ""},
		{"sasl plain user from env", "kafka: {sasl: {mechanism: PLAIN, username_env: NE_TEST_KAFKA_PASSWORD, password_env: NE_TEST_KAFKA_PASSWORD}}", ""},
		{"sasl unknown mechanism", "kafka: {sasl: {mechanism: GSSAPI, username: svc, password_env: NE_TEST_KAFKA_PASSWORD}}", "kafka.sasl.mechanism"},
		{"sasl without password env", "kafka: {sasl: {mechanism: PLAIN, username: svc}}", "kafka.sasl.password_env"},
		{"sasl password env empty", "kafka: {sasl: {mechanism: PLAIN, username: svc, password_env: NE_TEST_EMPTY}}", "kafka.sasl"},
		{"sasl without user", "kafka: {sasl: {mechanism: PLAIN, password_env: NE_TEST_KAFKA_PASSWORD}}", "kafka.sasl.username"},
		{"sasl credentials without mechanism", "kafka: {sasl: {username: svc}}", "kafka.sasl.mechanism"},
		{"topics", "kafka: {topics: {events: {partitions: 6, retention: 720h}, articles: {cleanup_policy: compact}, on_mismatch: warn}}", ""},
		{"topic cleanup policy unknown", "kafka: {topics: {deadletter: {cleanup_policy: shred}}}", "kafka.topics.deadletter.cleanup_policy"},
		{"topic partitions negative", "kafka: {topics: {articles: {partitions: -1}}}", "kafka.topics.articles.partitions"},
		{"on_mismatch unknown", "kafka: {topics: {on_mismatch: ignore}}", "kafka.topics.on_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("test.yaml", []byte(feeds+tt.give))
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %v, want a FieldError on %s", err, tt.wantField)
			}
			if fe.Field != tt.wantField {
				t.Errorf("error on field %q (%v), want %q", fe.Field, err, tt.wantField)
			}
		})
	}
}

func TestKafkaSASLCredentialsFromEnvironment(t *testing.T) {
	t.Setenv("NE_TEST_USER", "svc-events")
	t.Setenv("NE_TEST_PASS", "pw")
	user, pass, err := KafkaSASL{Mechanism: "PLAIN", UsernameEnv: "NE_TEST_USER", PasswordEnv: "NE_TEST_PASS"}.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	if user != "svc-events" || pass != "pw" {
		t.Errorf("Credentials = %q, %q; want svc-events, pw", user, pass)
	}
	_, _, err = KafkaSASL{Mechanism: "PLAIN", Username: "u", PasswordEnv: "NE_TEST_UNSET_VARIABLE"}.Credentials()
	if err == nil || !strings.Contains(err.Error(), "NE_TEST_UNSET_VARIABLE") {
		t.Errorf("Credentials with an unset variable = %v, want an error naming it", err)
	}
}
