package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// replayRig is an embedded broker with the topics and a publisher.
func replayRig(t *testing.T) (*publish.Embedded, *publish.Publisher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	p, err := publish.New(publish.Options{Brokers: []string{b.Addr()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := publish.ProvisionTopics(ctx, p.Conn(), publish.TopicSpecsFromConfig(config.Default().Kafka), publish.ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	return b, p
}

// publishN publishes n tariff events numbered from first and returns their
// JSON values.
func publishN(t *testing.T, p *publish.Publisher, first, n int) []string {
	t.Helper()
	var evs []schema.Event
	var values []string
	for i := first; i < first+n; i++ {
		f := schema.Fields{ImposingCountry: "US", TargetCountry: "CA", RatePct: schema.Float(float64(i))}
		url := fmt.Sprintf("https://news.example/cli/%d", i)
		key := schema.Key(schema.TariffImposed, f)
		e := schema.Event{SchemaVersion: schema.Version, ID: schema.ID(url, key), EventKey: key, Type: schema.TariffImposed, Fields: f,
			Evidence: schema.Evidence{Sentence: "Written for this test.", End: 22}, Confidence: 0.5,
			Article: schema.ArticleRef{URL: url, CanonicalURL: url}, ExtractorVersion: "test", ExtractedAt: time.Now().UTC()}
		evs = append(evs, e)
		v, _ := json.Marshal(e)
		values = append(values, string(v))
	}
	if _, err := p.Publish(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return values
}

func between() time.Time {
	time.Sleep(5 * time.Millisecond)
	t := time.Now()
	time.Sleep(5 * time.Millisecond)
	return t
}

func TestReplayCommandWritesTheWindowAndItValidates(t *testing.T) {
	b, p := replayRig(t)
	publishN(t, p, 0, 10)
	t1 := between()
	want := publishN(t, p, 100, 30)
	t2 := between()
	publishN(t, p, 200, 10)

	out := filepath.Join(t.TempDir(), "window.jsonl")
	ctx := context.Background()
	code, _, stderr := runCmd(t, ctx, "replay", "--brokers", b.Addr(), "--since", t1.Format(time.RFC3339Nano), "--until", t2.Format(time.RFC3339Nano), "--out", out)
	if code != 0 {
		t.Fatalf("replay exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "ETA") || !strings.Contains(stderr, "replayed 30 events") {
		t.Errorf("stderr has no progress bar or summary:\n%s", stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(data)), "\n")
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replayed %d lines, want the %d events of the window", len(got), len(want))
	}

	code, stdout, stderr := runCmd(t, ctx, "schema", "-validate", out)
	if code != 0 || !strings.Contains(stdout, "30 values, 30 valid, 0 invalid") {
		t.Errorf("schema -validate: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestReplayCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		give []string
		want string
	}{
		{"no output", []string{"replay", "--since", "24h"}, "exactly one of --out and --to-topic-prefix"},
		{"both outputs", []string{"replay", "--since", "24h", "--out", "x", "--to-topic-prefix", "p."}, "exactly one of --out and --to-topic-prefix"},
		{"no since", []string{"replay", "--out", "x"}, "--since is required"},
		{"bad since", []string{"replay", "--since", "last tuesday", "--out", "x"}, "is not a time"},
		{"until before since", []string{"replay", "--since", "2026-11-24", "--until", "2026-11-23", "--out", "x"}, "is not after"},
		{"reextract without since", []string{"reextract"}, "--since is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, context.Background(), tt.give...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give string
		want time.Time
	}{
		{"2026-11-24T08:30:00Z", time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)},
		{"2026-11-24T08:30:00+02:00", time.Date(2026, 11, 24, 6, 30, 0, 0, time.UTC)},
		{"2026-11-24", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)},
		{"2026-11-24 08:30", time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)},
		{"90m", time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)},
		{"-24h", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := parseTime(tt.give, now)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("parseTime(%q) = %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}

func TestReextractCommandDryRun(t *testing.T) {
	b, p := replayRig(t)
	ctx := context.Background()
	t0 := between()
	art := schema.Article{URL: "https://news.example/r/1", CanonicalURL: "https://news.example/r/1", Title: "Tariffs",
		Body: "The United States will impose a 25% tariff on steel imports from Canada starting next month, the government said on Tuesday."}
	if err := p.PublishArticle(ctx, &art, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, ctx, "reextract", "--brokers", b.Addr(), "--since", t0.Format(time.RFC3339Nano), "--dry-run", "--quiet")
	if code != 0 {
		t.Fatalf("reextract exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "1 articles, ") || !strings.Contains(stdout, "0 published") {
		t.Errorf("summary %q, want 1 article and nothing published", stdout)
	}
}
