package feeds

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/fetch/fetchtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// request is one request a test server received.
type request struct {
	Path   string
	Header http.Header
	At     time.Time
}

// recorder records the requests of a handler.
type recorder struct {
	mu   sync.Mutex
	reqs []request
	next http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, request{Path: req.URL.Path, Header: req.Header.Clone(), At: time.Now()})
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

func (r *recorder) requests(path string) []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []request
	for _, q := range r.reqs {
		if path == "" || q.Path == path {
			out = append(out, q)
		}
	}
	return out
}

// startSite serves h on the in-memory network: every host name resolves
// to a public test address (203.0.113.7) except *.internal, which resolves
// to 127.0.0.1. It returns a client for it; cleanup runs at the end of the
// test (or bubble).
func startSite(t *testing.T, h http.Handler, opts fetch.Options) (*fetch.Client, *recorder) {
	t.Helper()
	rec := &recorder{next: h}
	mn := fetchtest.Serve(t, rec)
	opts.Dial, opts.LookupIP = mn.Dial, mn.LookupIP
	if opts.PerHostRate == 0 {
		opts.PerHostRate = rate.Inf
	}
	if opts.PerHostConcurrency == 0 {
		opts.PerHostConcurrency = 64
	}
	c, err := fetch.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, rec
}

// rssItem is an item of a test feed.
type rssItem struct {
	Title, Link, GUID string
	Date              time.Time
	Content           string
}

// rss renders an RSS 2.0 feed; extra goes in <channel> (e.g. <ttl>).
func rss(extra string, items ...rssItem) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Trade wire</title><link>https://news.example/</link>`)
	b.WriteString(extra)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid>", it.Title, it.Link, it.GUID)
		if !it.Date.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Date.Format(time.RFC1123Z))
		}
		if it.Content != "" {
			fmt.Fprintf(&b, "<content:encoded><![CDATA[%s]]></content:encoded>", it.Content)
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// sink collects emitted items; with store set it marks them done, as the
// pipeline does once Kafka has acknowledged their events.
type sink struct {
	mu    sync.Mutex
	items []Item
	store *Store
}

func (s *sink) emit(ctx context.Context, it Item) error {
	s.mu.Lock()
	s.items = append(s.items, it)
	s.mu.Unlock()
	if s.store != nil {
		return s.store.MarkDone(it, CanonicalURL(it.Link))
	}
	return nil
}

func (s *sink) guids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, it := range s.items {
		out = append(out, it.GUID)
	}
	return out
}

func newTestScheduler(t *testing.T, c *fetch.Client, st *Store, fs []Feed, opts SchedulerOptions) *Scheduler {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	s, err := NewScheduler(c, st, fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
