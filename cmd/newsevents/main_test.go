package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/kafkatest"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/internal/testshared"
	"github.com/newsevents/newsevents/schema"
)

func runCmd(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndUnknownCommand(t *testing.T) {
	code, _, stderr := runCmd(t, context.Background(), "frobnicate")
	if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "run ") {
		t.Errorf("exit %d, stderr:\n%s\nwant 2 and the list of commands", code, stderr)
	}
}

func TestExtractSeedPrintsItsFourEvents(t *testing.T) {
	seed := testshared.Path(t, "seed", "000_819cb3dde3cf8934.txt")
	code, stdout, stderr := runCmd(t, context.Background(), "extract", seed)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e schema.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not a JSON event line: %q: %v", line, err)
		}
		if e.Evidence.Sentence == "" || e.ID == "" {
			t.Errorf("event without evidence or id: %s", line)
		}
		keys = append(keys, e.EventKey)
	}
	sort.Strings(keys)
	want := []string{
		"investment_pledged|JP|US|5.5e+11",
		"tariff_rate_agreed|US|JP|15",
		"trade_deal_reached|JP,US",
		"trip_cancelled|JP|US",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadConfigFailsWithFieldAndFile(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"unknown field", "feeds: [{url: 'https://a.example/rss'}]\nfeed_timeout: 3s\n", "feed_timeout"},
		{"no feeds", "workers: 2\n", "feeds"},
		{"malformed broker", "kafka: {brokers: ['localhost']}\nfeeds: [{url: 'https://a.example/rss'}]\n", "kafka.brokers[0]"},
		{"feed not http", "feeds: [{url: 'ftp://a.example/rss'}]\n", "feeds[0].url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(path, []byte(tt.give), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCmd(t, context.Background(), "run", "--config", path, "--log-format", "json")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, path) || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not name the file %s and %q", stderr, path, tt.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
				t.Errorf("want one clear message, got:\n%s", stderr)
			}
		})
	}
}

func TestRunDemoOncePublishesOnEveryTopic(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, stdout, stderr := runCmd(t, ctx, "run", "--demo", "--once", "--broker-addr", "127.0.0.1:0", "--log-format", "json")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, typ := range schema.CoreTypes() {
		topic := schema.Topic(schema.DefaultTopicPrefix, typ)
		var total int
		for _, line := range strings.Split(stdout, "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == topic {
				total = atoi(f[2])
			}
		}
		if total == 0 {
			t.Errorf("summary shows no event on %s:\n%s", topic, stdout)
		}
	}
	for _, msg := range []string{"embedded Kafka broker started", "event published", "article processed", "pass summary"} {
		if !strings.Contains(stderr, msg) {
			t.Errorf("logs lack %q", msg)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func TestTailPrintsPublishedEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := publish.StartEmbedded("127.0.0.1:0", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	brokers := []string{b.Addr()}
	var specs []publish.TopicSpec
	for _, typ := range schema.CoreTypes() {
		specs = append(specs, publish.TopicSpec{Name: schema.Topic(schema.DefaultTopicPrefix, typ), Partitions: 1, ReplicationFactor: 1})
	}
	if err := publish.EnsureTopics(ctx, brokers, specs); err != nil {
		t.Fatal(err)
	}
	pub, err := publish.New(publish.Options{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	f := schema.Fields{ImposingCountry: "EU", TargetCountry: "CN", RatePct: schema.Float(25), Products: "electric vehicles"}
	key := schema.Key(schema.TariffImposed, f)
	e := schema.Event{SchemaVersion: 1, Type: schema.TariffImposed, Fields: f, EventKey: key, ID: schema.ID("https://n.example/a", key),
		Article: schema.ArticleRef{URL: "https://n.example/a", CanonicalURL: "https://n.example/a", Title: "Brussels sets duty on Chinese EVs"}, ExtractedAt: time.Now()}
	if _, err := pub.Publish(ctx, []schema.Event{e}); err != nil {
		t.Fatal(err)
	}
	pub.Close()

	tailCtx, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	code, stdout, stderr := runCmd(t, tailCtx, "tail", "--brokers", b.Addr(), "--from-beginning", "--type", "tariff-imposed")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "EU on CN: 25% imposed on electric vehicles"
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, "trade.tariff-imposed/0@0") {
		t.Errorf("tail printed:\n%s\nwant a line with %q at trade.tariff-imposed/0@0", stdout, want)
	}
}

func TestRunConfigUsesItsFeedsAndBrokers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	siteCtx, stopSite := context.WithCancel(ctx)
	base, wait, err := demo.Serve(siteCtx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stopSite(); wait() }()
	// A broker of its own stands in for a real cluster named in the config.
	b, err := publish.StartEmbedded("127.0.0.1:0", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := fmt.Sprintf(`kafka:
  brokers: [%q]
  partitions: 2
feeds:
  - url: %s
    name: demo rss
poll:
  allow_cidrs: [127.0.0.0/8]
  per_host_rate: 1000
  per_host_concurrency: 8
state_dir: %s
retention: 876000h # the demo articles are dated early in 2026
`, b.Addr(), demo.FeedURLs(base)[0], t.TempDir())
	path := filepath.Join(t.TempDir(), "newsevents.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, ctx, "run", "--config", path, "--once", "--log-format", "json")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "embedded Kafka broker started") {
		t.Error("started the embedded broker although the config names brokers")
	}
	if strings.Contains(stderr, demo.FeedURLs(base)[1]) {
		t.Error("polled the Atom feed, which the config does not list")
	}
	msgs, err := kafkatest.ReadAll(ctx, []string{b.Addr()}, "trade.trip-cancelled")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		t.Error("no trip_cancelled event on the configured broker (the RSS feed lists two such articles)")
	}

	// A restart over the same feeds and state publishes nothing again.
	before := countEvents(t, ctx, b.Addr())
	code, _, stderr = runCmd(t, ctx, "run", "--config", path, "--once", "--log-format", "json")
	if code != 0 {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if after := countEvents(t, ctx, b.Addr()); after != before {
		t.Errorf("second run over the same state: %d events on the topics, want still %d", after, before)
	}
}

func countEvents(t *testing.T, ctx context.Context, broker string) int {
	t.Helper()
	n := 0
	for _, typ := range schema.CoreTypes() {
		msgs, err := kafkatest.ReadAll(ctx, []string{broker}, schema.Topic(schema.DefaultTopicPrefix, typ))
		if err != nil {
			t.Fatal(err)
		}
		n += len(msgs)
	}
	return n
}
