package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/fetch"
)

// slowHost holds every page of slow.example until open is closed (as a
// robots.txt Crawl-delay or a low per-host rate would) and serves the
// other hosts' pages at once.
type slowHost struct {
	pages
	open chan struct{}

	mu            sync.Mutex
	slowNow, most int
	fetched       []string
}

func (s *slowHost) Get(ctx context.Context, url string, h http.Header, n int64) (*fetch.Response, error) {
	s.mu.Lock()
	s.fetched = append(s.fetched, url)
	slow := strings.Contains(url, "slow.example")
	if slow {
		s.slowNow++
		s.most = max(s.most, s.slowNow)
	}
	s.mu.Unlock()
	if slow {
		defer func() { s.mu.Lock(); s.slowNow--; s.mu.Unlock() }()
		select {
		case <-s.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.pages.Get(ctx, url, h, n)
}

// newSlowSite returns a fetcher with slow articles of slow.example and
// fast ones of fast.example, and the items listing them, slow ones first.
func newSlowSite(slow, fast int) (*slowHost, []feeds.Item) {
	f := &slowHost{pages: pages{}, open: make(chan struct{})}
	var items []feeds.Item
	for _, h := range []struct {
		host string
		n    int
	}{{"slow.example", slow}, {"fast.example", fast}} {
		for i := range h.n {
			it := feeds.Item{FeedURL: "https://" + h.host + "/rss", Link: fmt.Sprintf("https://%s/%d", h.host, i), GUID: fmt.Sprint(h.host, i)}
			f.pages[it.Link] = dealPage
			items = append(items, it)
		}
	}
	return f, items
}

// newGatedPipeline runs items through f with workers workers and one
// article of a host fetched at a time.
func newGatedPipeline(t *testing.T, f Fetcher, items []feeds.Item, store Store, workers int) *Pipeline {
	t.Helper()
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Options{Source: &listSource{items: items}, Fetcher: f, Extractor: x, Publisher: &fakePublisher{},
		Store: store, Workers: workers, PerHost: 1, Logger: zap.NewNop(), Grace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSlowHostDoesNotHoldEveryWorker: with four workers and one article of
// a host fetched at a time, the articles of a host that answers slowly wait
// aside while the other hosts' articles, queued behind them, are done.
func TestSlowHostDoesNotHoldEveryWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, items := newSlowSite(6, 3)
		store := NewMemoryStore()
		p := newGatedPipeline(t, f, items, store, 4)
		done := make(chan error, 1)
		go func() { done <- p.Run(t.Context(), true) }()
		synctest.Wait() // every goroutine blocked: the slow host holds what it can

		for _, it := range items[6:] {
			if seen, _ := store.Seen(it); !seen {
				t.Errorf("%s is not done while slow.example holds its first page: the slow host's articles hold the workers", it.Link)
			}
		}
		f.mu.Lock()
		if f.most != 1 {
			t.Errorf("%d pages of slow.example fetched at once, want 1", f.most)
		}
		f.mu.Unlock()

		close(f.open)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if seen, _ := store.Seen(it); !seen {
				t.Errorf("%s not done after the pass", it.Link)
			}
		}
		if f.most != 1 {
			t.Errorf("%d pages of slow.example fetched at once, want 1", f.most)
		}
	})
}

// TestShutdownDropsQueuedArticles: at shutdown the article in flight is
// finished, and the articles waiting for its host are not started: they
// stay undone, for the next run.
func TestShutdownDropsQueuedArticles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, items := newSlowSite(5, 0)
		store := NewMemoryStore()
		p := newGatedPipeline(t, f, items, store, 2)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx, false) }()
		synctest.Wait()
		cancel()
		synctest.Wait()
		close(f.open) // the page in flight arrives within the grace period
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.fetched) != 1 {
			t.Errorf("fetched %v, want only the page in flight when shutdown began", f.fetched)
		}
		for i, it := range items {
			if seen, _ := store.Seen(it); seen != (i == 0) {
				t.Errorf("%s done: %v, want only the article in flight done", it.Link, seen)
			}
		}
	})
}

// TestEveryArticleOfAPassIsDone: many articles of many hosts through few
// workers, pass after pass. Run ends each time with every article done
// (a worker's last release of a host slot may come after the dispatcher
// handed out the last article).
func TestEveryArticleOfAPassIsDone(t *testing.T) {
	for run := range 30 {
		synctest.Test(t, func(t *testing.T) {
			f := pages{}
			var items []feeds.Item
			for i := range 40 {
				it := feeds.Item{FeedURL: "https://feed.example/rss", Link: fmt.Sprintf("https://h%d.example/%d", i%(1+run%5), i), GUID: fmt.Sprint(i)}
				f[it.Link] = dealPage
				items = append(items, it)
			}
			store := NewMemoryStore()
			p := newGatedPipeline(t, f, items, store, 2)
			if err := p.Run(t.Context(), true); err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if seen, _ := store.Seen(it); !seen {
					t.Fatalf("run %d: %s not done after the pass", run, it.Link)
				}
			}
		})
	}
}
