// Package e2e holds end-to-end tests across packages: the real pipeline
// against a local news site and the embedded broker.
//
// The broker outage tests stop the embedded broker in the middle of a run
// and start it again on the same address. The outage lasts 3 s by default
// so that CI stays fast; the check of the issue (60 s) is
//
//	go test ./internal/e2e/ -run Outage -v -timeout 10m -outage 60s
//
// or NEWSEVENTS_OUTAGE=60s go test ./internal/e2e/ -run Outage -v -timeout 10m.
package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/pipeline"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/internal/replay"
	"github.com/newsevents/newsevents/schema"
)

var outageFlag = flag.Duration("outage", 0, "how long the broker is stopped in the outage tests (default 3s, or $NEWSEVENTS_OUTAGE)")

func outage(t *testing.T) time.Duration {
	if *outageFlag > 0 {
		return *outageFlag
	}
	if s := os.Getenv("NEWSEVENTS_OUTAGE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("NEWSEVENTS_OUTAGE=%q: %v", s, err)
		}
		return d
	}
	return 3 * time.Second
}

// message is what the tests keep of a message read back.
type message struct {
	topic string
	id    string
	value string
}

// readTopics reads every message of the event topics.
func readTopics(ctx context.Context, t *testing.T, conn publish.Conn) []message {
	t.Helper()
	var topics []string
	for _, typ := range schema.CoreTypes() {
		topics = append(topics, schema.Topic(schema.DefaultTopicPrefix, typ))
	}
	ranges, err := replay.Plan(ctx, conn, topics, replay.Window{})
	if err != nil {
		t.Fatal(err)
	}
	var out []message
	err = replay.Read(ctx, conn, ranges, replay.Window{}, func(m kafka.Message) error {
		if err := schema.Validate(m.Value); err != nil {
			t.Errorf("%s@%d: %v", m.Topic, m.Offset, err)
		}
		var e schema.Event
		if err := json.Unmarshal(m.Value, &e); err != nil {
			return err
		}
		out = append(out, message{topic: m.Topic, id: e.ID, value: string(m.Value)})
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compare checks that got holds every event of want, and nothing else:
// duplicates are allowed only as exact copies (same id, same value).
func compare(t *testing.T, want, got []message) {
	t.Helper()
	wantIDs := map[string]bool{}
	for _, m := range want {
		wantIDs[m.id] = true
	}
	gotValue := map[string]string{}
	dups := 0
	for _, m := range got {
		if v, ok := gotValue[m.id]; ok {
			dups++
			if v != m.value {
				t.Errorf("event %s arrived twice with different values:\n%s\n%s", m.id, v, m.value)
			}
			continue
		}
		gotValue[m.id] = m.value
	}
	var missing, extra []string
	for id := range wantIDs {
		if _, ok := gotValue[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id := range gotValue {
		if !wantIDs[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	t.Logf("undisturbed: %d messages, %d events; with the outage: %d messages, %d events, %d duplicates",
		len(want), len(wantIDs), len(got), len(gotValue), dups)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("with the outage %d events are missing and %d extra:\nmissing %v\nextra %v", len(missing), len(extra), missing, extra)
	}
}

func heapMB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// observed returns a logger writing to the test log and to an observer.
func observed(t *testing.T) (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zap.InfoLevel)
	return zap.New(zapcore.NewTee(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)).Core(), core)), logs
}

func checkLogs(t *testing.T, logs *observer.ObservedLogs) {
	t.Helper()
	for _, msg := range []string{"kafka broker unreachable", "kafka backlog while the broker is unreachable", "kafka broker reachable again"} {
		if logs.FilterMessage(msg).Len() == 0 {
			t.Errorf("no log line %q", msg)
		}
	}
}

// slowSite serves the demo news site, each article page after delay, so
// that one pass over its feeds lasts long enough to stop the broker in
// the middle of it.
func slowSite(t *testing.T, delay time.Duration) *httptest.Server {
	site := httptest.NewUnstartedServer(nil)
	site.Start()
	h := demo.Handler(site.URL)
	feedPaths := map[string]bool{}
	for _, u := range demo.FeedURLs("") {
		feedPaths[u] = true
	}
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !feedPaths[r.URL.Path] {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	})
	t.Cleanup(site.Close)
	return site
}

// pipelineRun is one run of the real pipeline over the site into a fresh
// embedded broker.
type pipelineRun struct {
	broker *publish.Embedded
	pub    *publish.Publisher
	p      *pipeline.Pipeline
}

const workers = 3

func newPipelineRun(ctx context.Context, t *testing.T, siteURL string, log *zap.Logger) *pipelineRun {
	t.Helper()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return newPipelineOn(ctx, t, b, siteURL, log, nil, 0)
}

// newPipelineOn builds the pipeline and its publisher on broker b, with
// store (nil: in memory) and shutdown grace (0: the default).
func newPipelineOn(ctx context.Context, t *testing.T, b *publish.Embedded, siteURL string, log *zap.Logger, store pipeline.Store, grace time.Duration) *pipelineRun {
	t.Helper()
	cfg := config.Default().Kafka
	opts, err := publish.OptionsFromConfig(cfg, []string{b.Addr()}, log)
	if err != nil {
		t.Fatal(err)
	}
	opts.MaxAttempts = 3
	opts.ProbeInterval = 250 * time.Millisecond
	opts.BacklogLogInterval = time.Second
	pub, err := publish.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	if err := publish.ProvisionTopics(ctx, pub.Conn(), publish.TopicSpecsFromConfig(cfg), publish.ProvisionOptionsFromConfig(cfg), log); err != nil {
		t.Fatal(err)
	}
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	client, err := fetch.NewClient(fetch.Options{Timeout: 10 * time.Second, AllowCIDRs: []string{"127.0.0.0/8"}, PerHostRate: rate.Inf})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Options{
		Source:    &pipeline.FeedList{Poller: &feeds.Poller{Client: client, Logger: log}, URLs: demo.FeedURLs(siteURL), Logger: log},
		Fetcher:   client,
		Extractor: x,
		Publisher: pub,
		Store:     store,
		Workers:   workers,
		RetryMax:  time.Second,
		Grace:     grace,
		Logger:    log,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &pipelineRun{broker: b, pub: pub, p: p}
}

// TestOutagePipeline runs the real pipeline over the demo site twice: once
// undisturbed, once with the broker stopped in the middle of the pass for
// the outage duration. Both runs must put the same events on the topics.
func TestOutagePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end outage test: skipped with -short")
	}
	d := outage(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+3*time.Minute)
	defer cancel()
	site := slowSite(t, 100*time.Millisecond)

	base := newPipelineRun(ctx, t, site.URL, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err := base.p.Run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := base.pub.Close(); err != nil {
		t.Fatal(err)
	}
	want := readTopics(ctx, t, base.pub.Conn())
	if len(want) == 0 {
		t.Fatal("the undisturbed run published nothing")
	}

	log, logs := observed(t)
	run := newPipelineRun(ctx, t, site.URL, log)
	done := make(chan error, 1)
	go func() { done <- run.p.Run(ctx, true) }()
	// Stop the broker once about a third of the events are acknowledged.
	for run.pub.Status().Acked < uint64(len(want)/3+1) {
		select {
		case err := <-done:
			t.Fatalf("the run ended (%v) before the broker could be stopped; slow the site down", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	ackedBefore := run.pub.Status().Acked
	heapBefore := heapMB()
	run.broker.Stop()
	t.Logf("broker stopped after %d acknowledged messages, for %s", ackedBefore, d)
	time.Sleep(d)
	st := run.pub.Status()
	t.Logf("during the outage: %+v; heap %.1f MB before, %.1f MB at the end of it", st, heapBefore, heapMB())
	if st.Reachable {
		t.Error("Status().Reachable is true with the broker stopped")
	}
	if st.PendingCalls > workers {
		t.Errorf("%d publish calls waiting with %d workers: the backlog is not bounded by the pool", st.PendingCalls, workers)
	}
	if err := run.broker.Start(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := run.pub.Close(); err != nil {
		t.Fatal(err)
	}
	snap := run.p.Stats()
	if snap.Failed != 0 {
		t.Errorf("%d articles failed with the outage", snap.Failed)
	}
	compare(t, want, readTopics(ctx, t, run.pub.Conn()))
	checkLogs(t, logs)
}

// TestOutageStream publishes a steady stream of events from a pool of
// workers, as the pipeline does (retrying with backoff), stops the broker
// in the middle for the outage duration, and checks that every event
// arrived and that memory stayed bounded by MaxPending.
func TestOutageStream(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end outage test: skipped with -short")
	}
	d := outage(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+3*time.Minute)
	defer cancel()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	log, logs := observed(t)
	const maxPending = 64
	pub, err := publish.New(publish.Options{Brokers: []string{b.Addr()}, MaxAttempts: 3, MaxPending: maxPending, ProbeInterval: 250 * time.Millisecond, BacklogLogInterval: time.Second, Logger: log, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	cfg := config.Default().Kafka
	if err := publish.ProvisionTopics(ctx, pub.Conn(), publish.TopicSpecsFromConfig(cfg), publish.ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}

	const streamWorkers, perWorker = 8, 150
	var want []message
	evs := make([][]schema.Event, streamWorkers)
	for w := range evs {
		for i := 0; i < perWorker; i++ {
			e := streamEvent(w*perWorker + i)
			evs[w] = append(evs[w], e)
			v, _ := json.Marshal(e)
			want = append(want, message{id: e.ID, value: string(v)})
		}
	}
	var sent sync.WaitGroup
	var mu sync.Mutex
	acked := 0
	for w := range evs {
		sent.Add(1)
		go func() {
			defer sent.Done()
			for i := 0; i < len(evs[w]); i += 3 { // three events an "article"
				batch := evs[w][i:min(i+3, len(evs[w]))]
				if err := publishRetry(ctx, pub, batch); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked += len(batch)
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	for {
		mu.Lock()
		n := acked
		mu.Unlock()
		if n >= len(want)/2 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Stop()
	t.Logf("broker stopped after %d acknowledged events, for %s", pub.Status().Acked, d)
	var maxSeen int64
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		maxSeen = max(maxSeen, pub.Status().PendingMessages)
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("during the outage: at most %d messages pending; %+v; heap %.1f MB", maxSeen, pub.Status(), heapMB())
	if maxSeen > maxPending {
		t.Errorf("%d messages pending, above MaxPending %d", maxSeen, maxPending)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	sent.Wait()
	compare(t, want, readTopics(ctx, t, pub.Conn()))
	checkLogs(t, logs)
}

func streamEvent(i int) schema.Event {
	f := schema.Fields{Investor: fmt.Sprintf("Company %d", i), RecipientCountry: "US", AmountUSD: schema.Float(float64(i+1) * 1e6)}
	url := fmt.Sprintf("https://news.example/stream/%d", i/3)
	key := schema.Key(schema.InvestmentPledged, f)
	return schema.Event{
		SchemaVersion: schema.Version, ID: schema.ID(url, key), EventKey: key, Type: schema.InvestmentPledged, Fields: f,
		Evidence: schema.Evidence{Sentence: "A pledge we made up for the test.", End: 33}, Confidence: 0.5,
		Article: schema.ArticleRef{URL: url, CanonicalURL: url}, ExtractorVersion: "test", ExtractedAt: time.Now().UTC(),
	}
}

// publishRetry publishes like the pipeline: again with a capped backoff
// until it succeeds or ctx ends.
func publishRetry(ctx context.Context, p *publish.Publisher, evs []schema.Event) error {
	wait := 100 * time.Millisecond
	for {
		_, err := p.Publish(ctx, evs)
		if err == nil {
			return nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		}
		wait = min(2*wait, time.Second)
	}
}

// TestShutdownDuringOutage stops the pipeline (as on SIGTERM) while the
// broker is away: the run and the publisher's flush end within the grace
// period, no article whose events were not acknowledged counts as done,
// and a second run with the same state store, broker back, completes the
// topics: together they hold every event of an undisturbed run.
func TestShutdownDuringOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	site := slowSite(t, 100*time.Millisecond)
	quiet := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))

	base := newPipelineRun(ctx, t, site.URL, quiet)
	if err := base.p.Run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := base.pub.Close(); err != nil {
		t.Fatal(err)
	}
	want := readTopics(ctx, t, base.pub.Conn())

	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	store := pipeline.NewMemoryStore()
	const grace = 2 * time.Second
	first := newPipelineOn(ctx, t, b, site.URL, quiet, store, grace)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- first.p.Run(runCtx, true) }()
	for first.pub.Status().Acked < uint64(len(want)/3+1) {
		select {
		case err := <-done:
			t.Fatalf("the run ended (%v) before the broker could be stopped; slow the site down", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	b.Stop()
	time.Sleep(500 * time.Millisecond)
	stopped := time.Now()
	stop() // SIGTERM
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	closeCtx, cancelClose := context.WithTimeout(ctx, grace)
	closeErr := first.pub.CloseContext(closeCtx)
	cancelClose()
	took := time.Since(stopped)
	t.Logf("shutdown with the broker away took %s (grace %s per stage); close: %v; first run: %+v", took, grace, closeErr, first.p.Stats())
	if took > 2*grace+5*time.Second {
		t.Errorf("shutdown took %s, want about the grace period %s (pipeline drain + writer flush)", took, grace)
	}

	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	second := newPipelineOn(ctx, t, b, site.URL, quiet, store, grace)
	if err := second.p.Run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := second.pub.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %+v", second.p.Stats())
	compare(t, want, readTopics(ctx, t, second.pub.Conn()))
}
