package pipeline

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// listSource emits a fixed list of items once per pass.
type listSource struct{ items []feeds.Item }

func (s *listSource) Run(ctx context.Context, once bool, emit func(context.Context, feeds.Item) error, endPass func()) error {
	for _, it := range s.items {
		if err := emit(ctx, it); err != nil {
			return nil
		}
	}
	endPass()
	if !once {
		<-ctx.Done()
	}
	return nil
}

// pages serves fixed bodies; a missing URL is a 404.
type pages map[string]string

func (p pages) Get(_ context.Context, url string, _ http.Header, _ int64) (*fetch.Response, error) {
	body, ok := p[url]
	if !ok {
		return nil, &fetch.StatusError{URL: url, StatusCode: 404}
	}
	if body == "503" {
		return nil, &fetch.StatusError{URL: url, StatusCode: 503}
	}
	return &fetch.Response{URL: url, StatusCode: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(body)}, nil
}

// fakePublisher fails the first failures calls to Publish, then acks.
type fakePublisher struct {
	mu       sync.Mutex
	failures int
	block    chan struct{} // when set, Publish waits for it or ctx
	events   []schema.Event
	dead     []publish.DeadLetter
	articles int
}

func (f *fakePublisher) Publish(ctx context.Context, evs []schema.Event) ([]publish.Ack, error) {
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures > 0 {
		f.failures--
		return nil, errors.New("dial tcp 127.0.0.1:9092: connection refused")
	}
	acks := make([]publish.Ack, len(evs))
	for i, e := range evs {
		acks[i] = publish.Ack{Topic: f.Topic(e.Type), Partition: 0, Offset: int64(len(f.events))}
		f.events = append(f.events, e)
	}
	return acks, nil
}

func (f *fakePublisher) PublishArticle(context.Context, *schema.Article, time.Time) error {
	f.mu.Lock()
	f.articles++
	f.mu.Unlock()
	return nil
}

func (f *fakePublisher) PublishDeadLetter(_ context.Context, d publish.DeadLetter) error {
	f.mu.Lock()
	f.dead = append(f.dead, d)
	f.mu.Unlock()
	return nil
}

func (f *fakePublisher) Topic(t schema.Type) string { return schema.Topic("trade.", t) }

const dealPage = `<html><head><title>Deal</title></head><body><article><h1>Chile and Japan sign trade pact</h1>
<p>Chile and Japan signed a trade agreement in Tokyo on Monday, the two governments said.</p>
<p>The pact covers farm goods and machinery, officials said.</p></article></body></html>`

func newTestPipeline(t *testing.T, src Source, f Fetcher, pub Publisher, store Store, log *zap.Logger) *Pipeline {
	t.Helper()
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Options{Source: src, Fetcher: f, Extractor: x, Publisher: pub, Store: store, Workers: 2,
		Logger: log, RetryMax: 20 * time.Millisecond, Grace: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFailedFetchGoesToDeadLetterAndStaysUndone(t *testing.T) {
	good := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/deal", GUID: "1"}
	gone := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/gone", GUID: "2"}
	busy := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/busy", GUID: "3"}
	pub := &fakePublisher{}
	store := NewMemoryStore()
	p := newTestPipeline(t, &listSource{items: []feeds.Item{good, gone, busy}}, pages{good.Link: dealPage, busy.Link: "503"}, pub, store, zap.NewNop())
	if err := p.Run(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Articles != 1 || s.Failed != 2 {
		t.Errorf("articles %d failed %d, want 1 and 2", s.Articles, s.Failed)
	}
	classes := map[string]string{}
	for _, d := range pub.dead {
		if d.Stage != "fetch" || d.Attempts != 1 || d.FeedURL != good.FeedURL {
			t.Errorf("dead letter %+v: want stage fetch, attempt 1, the feed URL", d)
		}
		classes[d.URL] = d.ErrorClass
	}
	if classes[gone.Link] != "http_4xx" || classes[busy.Link] != "http_5xx" || len(classes) != 2 {
		t.Errorf("dead letters by URL %v, want %s: http_4xx and %s: http_5xx", classes, gone.Link, busy.Link)
	}
	if done, _ := store.Seen(busy); done {
		t.Error("a page that answered 503 is marked done; it must be tried again later")
	}
	if done, _ := store.Seen(good); !done {
		t.Error("the article that was published is not marked done")
	}
	if done, _ := store.Seen(gone); !done {
		t.Error("a page that answers 404 is not marked done after its dead letter: it would be fetched again and again")
	}
}

func TestPublishRetriedUntilBrokerIsBack(t *testing.T) {
	item := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/deal", GUID: "1"}
	pub := &fakePublisher{failures: 3}
	core, logs := observer.New(zap.InfoLevel)
	store := NewMemoryStore()
	p := newTestPipeline(t, &listSource{items: []feeds.Item{item}}, pages{item.Link: dealPage}, pub, store, zap.New(core))
	if err := p.Run(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if len(pub.events) == 0 {
		t.Fatal("no event published after the broker came back")
	}
	if done, _ := store.Seen(item); !done {
		t.Error("article not marked done after its events were acknowledged")
	}
	if n := logs.FilterMessageSnippet("broker unreachable").Len(); n != 1 {
		t.Errorf("%d 'broker unreachable' lines, want exactly 1", n)
	}
	if n := logs.FilterMessage("broker reachable again: publishing resumed").Len(); n != 1 {
		t.Errorf("%d 'broker reachable again' lines, want 1", n)
	}
}

func TestShutdownLeavesUnacknowledgedArticleUndone(t *testing.T) {
	item := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/deal", GUID: "1"}
	pub := &fakePublisher{block: make(chan struct{})} // the broker never answers
	store := NewMemoryStore()
	p := newTestPipeline(t, &listSource{items: []feeds.Item{item}}, pages{item.Link: dealPage}, pub, store, zap.NewNop())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx, false) }()
	time.Sleep(50 * time.Millisecond) // let the worker reach Publish
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the grace period")
	}
	if seen, _ := store.Seen(item); seen {
		t.Error("an article whose events were never acknowledged is marked done")
	}
}

func TestFullTextFeedItemIsNotFetched(t *testing.T) {
	item := feeds.Item{FeedURL: "https://n.example/rss", Link: "https://n.example/deal", GUID: "1", Title: "Chile and Japan sign trade pact",
		SkipFetch: true, Content: "<p>Chile and Japan signed a trade agreement in Tokyo on Monday, the two governments said.</p>"}
	pub := &fakePublisher{}
	p := newTestPipeline(t, &listSource{items: []feeds.Item{item}}, pages{}, pub, NewMemoryStore(), zaptest.NewLogger(t))
	if err := p.Run(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Failed != 0 {
		t.Fatalf("%d failed: the page was fetched although the feed carries the full text", s.Failed)
	}
	var keys []string
	for _, e := range pub.events {
		keys = append(keys, e.EventKey)
	}
	if len(keys) != 1 || keys[0] != "trade_deal_reached|CL,JP" {
		t.Errorf("events %v, want [trade_deal_reached|CL,JP]", keys)
	}
}
