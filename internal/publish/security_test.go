package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/schema"
)

// TestSASL publishes, provisions topics and reads back through a broker
// that requires SASL, for each mechanism, with the credentials taken from
// the configuration and the environment as `run` does.
func TestSASL(t *testing.T) {
	tests := []struct {
		mechanism string
	}{{"PLAIN"}, {"SCRAM-SHA-256"}, {"SCRAM-SHA-512"}}
	for _, tt := range tests {
		t.Run(tt.mechanism, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b, err := StartEmbedded("127.0.0.1:0", 2, kfake.EnableSASL(), kfake.Superuser(tt.mechanism, "svc", "right-password"))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			t.Setenv("NE_TEST_KAFKA_PASSWORD", "right-password")
			cfg := config.Default().Kafka
			cfg.SASL = config.KafkaSASL{Mechanism: tt.mechanism, Username: "svc", PasswordEnv: "NE_TEST_KAFKA_PASSWORD"}
			opts, err := OptionsFromConfig(cfg, []string{b.Addr()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			opts.MaxAttempts = 2
			p, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := ProvisionTopics(ctx, p.Conn(), TopicSpecsFromConfig(cfg), ProvisionOptions{Create: true}, nil); err != nil {
				t.Fatalf("ProvisionTopics with SASL: %v", err)
			}
			e := testEvent(schema.TradeDealReached, 1)
			if _, err := p.Publish(ctx, []schema.Event{e}); err != nil {
				t.Fatalf("Publish with SASL: %v", err)
			}
			got := readAll(ctx, t, p.Conn(), p.Topic(schema.TradeDealReached))
			if len(got) != 1 {
				t.Fatalf("read %d messages with SASL, want 1", len(got))
			}

			// The wrong password is refused.
			t.Setenv("NE_TEST_KAFKA_PASSWORD", "wrong-password")
			bad, err := OptionsFromConfig(cfg, []string{b.Addr()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			short, cancelShort := context.WithTimeout(ctx, 5*time.Second)
			defer cancelShort()
			if err := ProvisionTopics(short, bad.Conn(), TopicSpecsFromConfig(cfg), ProvisionOptions{Create: true}, nil); err == nil {
				t.Error("ProvisionTopics with the wrong password succeeded")
			}
		})
	}
}

func TestCompression(t *testing.T) {
	for _, name := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b := startBroker(t)
			cfg := config.Default().Kafka
			cfg.Compression = name
			opts, err := OptionsFromConfig(cfg, []string{b.Addr()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := ProvisionTopics(ctx, p.Conn(), eventSpecs(p, 1), ProvisionOptions{Create: true}, nil); err != nil {
				t.Fatal(err)
			}
			var evs []schema.Event
			for i := 0; i < 20; i++ {
				evs = append(evs, testEvent(schema.InvestmentPledged, i))
			}
			if _, err := p.Publish(ctx, evs); err != nil {
				t.Fatal(err)
			}
			got := readAll(ctx, t, p.Conn(), p.Topic(schema.InvestmentPledged))
			if len(got) != len(evs) {
				t.Fatalf("read %d, want %d", len(got), len(evs))
			}
			for _, m := range got {
				if err := schema.Validate(m.Value); err != nil {
					t.Errorf("after %s: %v", name, err)
				}
			}
		})
	}
	if _, err := ParseCompression("brotli"); err == nil || !strings.Contains(err.Error(), "brotli") {
		t.Errorf("ParseCompression(brotli) = %v, want an error naming it", err)
	}
}
