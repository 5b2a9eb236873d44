package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/goleak"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is an embedded broker with the topics and a publisher.
type env struct {
	b *publish.Embedded
	p *publish.Publisher
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	p, err := publish.New(publish.Options{Brokers: []string{b.Addr()}, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := publish.ProvisionTopics(ctx, p.Conn(), publish.TopicSpecsFromConfig(config.Default().Kafka), publish.ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	return &env{b: b, p: p}
}

func event(typ schema.Type, article string, rate float64) schema.Event {
	var f schema.Fields
	switch typ {
	case schema.TripCancelled:
		f = schema.Fields{TravelerCountry: "JP", DestinationCountry: "US", Status: "cancelled"}
	case schema.TariffRateAgreed, schema.TariffImposed:
		f = schema.Fields{ImposingCountry: "US", TargetCountry: "JP", RatePct: schema.Float(rate)}
	case schema.InvestmentPledged:
		f = schema.Fields{Investor: "JP", RecipientCountry: "US", AmountUSD: schema.Float(rate * 1e9)}
	case schema.TradeDealReached:
		f = schema.Fields{Parties: []string{"JP", "US"}}
	}
	key := schema.Key(typ, f)
	return schema.Event{
		SchemaVersion: schema.Version, ID: schema.ID(article, key), EventKey: key, Type: typ, Fields: f,
		Evidence: schema.Evidence{Sentence: "A sentence we wrote.", End: 20}, Confidence: 0.6,
		Article:          schema.ArticleRef{URL: article, CanonicalURL: article},
		ExtractorVersion: "v1", ExtractedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	}
}

// batch publishes n events numbered from first and returns their values.
func (e *env) batch(t testing.TB, first, n int) []string {
	t.Helper()
	var evs []schema.Event
	var values []string
	for i := first; i < first+n; i++ {
		ev := event(schema.CoreTypes()[i%5], fmt.Sprintf("https://news.example/a/%d", i), float64(i))
		evs = append(evs, ev)
		v, _ := json.Marshal(ev)
		values = append(values, string(v))
	}
	if _, err := e.p.Publish(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return values
}

// mark returns a time strictly between the messages written before and
// after it (Kafka timestamps have millisecond precision).
func mark() time.Time {
	time.Sleep(5 * time.Millisecond)
	t := time.Now()
	time.Sleep(5 * time.Millisecond)
	return t
}

func lines(s string) []string {
	out := strings.Split(strings.TrimSpace(s), "\n")
	if len(out) == 1 && out[0] == "" {
		return nil
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestReplayToFileIsExactlyTheWindow(t *testing.T) {
	e := newEnv(t)
	before := e.batch(t, 0, 25)
	t1 := mark()
	inside := e.batch(t, 100, 40)
	t2 := mark()
	after := e.batch(t, 200, 15)

	tests := []struct {
		name   string
		window Window
		types  []schema.Type
		want   []string
	}{
		{"window", Window{Since: t1, Until: t2}, nil, inside},
		{"since only", Window{Since: t2}, nil, after},
		{"everything", Window{}, nil, append(append(append([]string{}, before...), inside...), after...)},
		{"one type", Window{Since: t1, Until: t2}, []schema.Type{schema.TariffImposed}, filterType(inside, schema.TariffImposed)},
		{"empty window", Window{Since: t2.Add(time.Hour)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, progress bytes.Buffer
			res, err := Replay(context.Background(), Options{Conn: e.p.Conn(), Window: tt.window, Types: tt.types, Out: &out, Progress: &progress})
			if err != nil {
				t.Fatal(err)
			}
			got := lines(out.String())
			if strings.Join(got, "\n") != strings.Join(sorted(tt.want), "\n") {
				t.Errorf("replay gave %d events, want %d\n got: %.300s\nwant: %.300s", len(got), len(tt.want), got, sorted(tt.want))
			}
			if res.Messages != int64(len(tt.want)) {
				t.Errorf("Result.Messages = %d, want %d", res.Messages, len(tt.want))
			}
			if !strings.Contains(progress.String(), "messages") {
				t.Errorf("no progress bar: %q", progress.String())
			}
		})
	}
}

func filterType(values []string, typ schema.Type) []string {
	var out []string
	for _, v := range values {
		if strings.Contains(v, `"type":"`+string(typ)+`"`) {
			out = append(out, v)
		}
	}
	return out
}

func TestReplayToTopicsKeepsKeyValueHeaders(t *testing.T) {
	e := newEnv(t)
	e.batch(t, 0, 10)
	t1 := mark()
	e.batch(t, 100, 20)
	ctx := context.Background()
	res, err := Replay(ctx, Options{Conn: e.p.Conn(), Window: Window{Since: t1}, ToTopicPrefix: "replayed."})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 20 {
		t.Fatalf("copied %d, want 20", res.Messages)
	}
	src := readMessages(t, e.p.Conn(), "trade.", Window{Since: t1})
	dst := readMessages(t, e.p.Conn(), "replayed.", Window{})
	if len(dst) != len(src) {
		t.Fatalf("%d copies of %d messages", len(dst), len(src))
	}
	for i := range src {
		if src[i] != dst[i] {
			t.Errorf("copy differs:\n src %s\n dst %s", src[i], dst[i])
		}
	}
	if _, err := Replay(ctx, Options{Conn: e.p.Conn(), ToTopicPrefix: "trade."}); err == nil {
		t.Error("replaying onto the source topics was accepted")
	}
}

// readMessages returns key, value and headers of the event messages under
// prefix, as sorted strings, the topic name with the prefix cut off.
func readMessages(t *testing.T, conn publish.Conn, prefix string, w Window) []string {
	t.Helper()
	var topics []string
	for _, typ := range schema.CoreTypes() {
		topics = append(topics, schema.Topic(prefix, typ))
	}
	ranges, err := Plan(context.Background(), conn, topics, w)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	err = Read(context.Background(), conn, ranges, w, func(m kafka.Message) error {
		var hs []string
		for _, h := range m.Headers {
			hs = append(hs, h.Key+"="+string(h.Value))
		}
		out = append(out, fmt.Sprintf("%s/%d %s %s %v", strings.TrimPrefix(m.Topic, prefix), m.Partition, m.Key, m.Value, hs))
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestReplayEndsWhileWritesGoOn: the end offsets are taken at the start,
// so a replay ends although the pipeline keeps writing.
func TestReplayEndsWhileWritesGoOn(t *testing.T) {
	e := newEnv(t)
	start := e.batch(t, 0, 30)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1000; ctx.Err() == nil; i += 5 {
			evs := []schema.Event{event(schema.TradeDealReached, fmt.Sprintf("https://news.example/live/%d", i), 0)}
			if _, err := e.p.Publish(ctx, evs); err != nil {
				return
			}
		}
	}()
	defer func() { cancel(); wg.Wait() }()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := Replay(ctx, Options{Conn: e.p.Conn(), Out: &out})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("replay did not end while events kept coming")
	}
	if n := len(lines(out.String())); n < len(start) {
		t.Errorf("replay gave %d events, want at least the %d written before it", n, len(start))
	}
}
