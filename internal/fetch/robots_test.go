package fetch

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/internal/fetch/fetchtest"
)

// startMemSite serves h on an in-memory network (usable inside a synctest
// bubble) where names resolve as fetchtest.MemNet.LookupIP says, and returns
// a client for it with opts.
func startMemSite(t *testing.T, h http.Handler, opts Options) *Client {
	t.Helper()
	mn := fetchtest.Serve(t, h)
	opts.Dial, opts.LookupIP = mn.Dial, mn.LookupIP
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestCrawlDelay: page requests to a host start at most once per
// max(1/per-host rate, Crawl-delay), the Crawl-delay capped; feeds and
// hosts without a Crawl-delay for us keep the per-host rate; the slowdown
// is logged once per host.
func TestCrawlDelay(t *testing.T) {
	tests := []struct {
		name     string
		robots   string
		rate     rate.Limit
		maxDelay time.Duration
		feed     bool // fetch with GetFeed
		noRobots bool // Options.Robots off
		wantGap  time.Duration
		wantLog  time.Duration // delay logged; 0: no log
	}{
		{name: "crawl-delay longer than the rate", robots: "User-agent: *\nCrawl-delay: 5\n", rate: 1,
			wantGap: 5 * time.Second, wantLog: 5 * time.Second},
		{name: "fractional crawl-delay", robots: "User-agent: *\nCrawl-delay: 2.5\n", rate: 1,
			wantGap: 2500 * time.Millisecond, wantLog: 2500 * time.Millisecond},
		{name: "crawl-delay shorter than the rate", robots: "User-agent: *\nCrawl-delay: 0.5\n", rate: 1,
			wantGap: time.Second},
		{name: "no per-host rate", robots: "User-agent: *\nCrawl-delay: 3\n", rate: rate.Inf,
			wantGap: 3 * time.Second, wantLog: 3 * time.Second},
		{name: "hostile crawl-delay capped", robots: "User-agent: *\nCrawl-delay: 86400\n", rate: 1,
			wantGap: DefaultMaxCrawlDelay, wantLog: DefaultMaxCrawlDelay},
		{name: "configured cap", robots: "User-agent: *\nCrawl-delay: 86400\n", rate: 1, maxDelay: 10 * time.Second,
			wantGap: 10 * time.Second, wantLog: 10 * time.Second},
		{name: "crawl-delay ignored", robots: "User-agent: *\nCrawl-delay: 30\n", rate: 1, maxDelay: -1,
			wantGap: time.Second},
		{name: "our own group wins", robots: "User-agent: *\nCrawl-delay: 30\n\nUser-agent: newsevents\nCrawl-delay: 4\n", rate: 1,
			wantGap: 4 * time.Second, wantLog: 4 * time.Second},
		{name: "crawl-delay for another agent", robots: "User-agent: otherbot\nCrawl-delay: 30\n", rate: 1,
			wantGap: time.Second},
		{name: "feeds keep the per-host rate", robots: "User-agent: *\nCrawl-delay: 30\n", rate: 1, feed: true,
			wantGap: time.Second},
		{name: "robots switched off", robots: "User-agent: *\nCrawl-delay: 30\n", rate: 1, noRobots: true,
			wantGap: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mu sync.Mutex
				var starts []time.Time
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/robots.txt" {
						fmt.Fprint(w, tt.robots)
						return
					}
					mu.Lock()
					starts = append(starts, time.Now())
					mu.Unlock()
					fmt.Fprint(w, "page")
				})
				core, logs := observer.New(zap.InfoLevel)
				c := startMemSite(t, h, Options{Robots: !tt.noRobots, PerHostRate: tt.rate, MaxCrawlDelay: tt.maxDelay,
					PerHostConcurrency: 4, Logger: zap.New(core)})
				get := c.Get
				if tt.feed {
					get = c.GetFeed
				}
				// Four pages at once, as busy workers ask for them.
				var wg sync.WaitGroup
				for i := range 4 {
					wg.Go(func() {
						if _, err := get(t.Context(), fmt.Sprintf("http://news.example/a/%d", i), nil, 100); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				if len(starts) != 4 {
					t.Fatalf("%d page requests, want 4", len(starts))
				}
				for i := 1; i < len(starts); i++ {
					if gap := starts[i].Sub(starts[i-1]); gap != tt.wantGap {
						t.Errorf("gap %d between page requests %s, want %s", i, gap, tt.wantGap)
					}
				}
				applied := logs.FilterMessage("robots crawl-delay applied").All()
				switch {
				case tt.wantLog == 0 && len(applied) != 0:
					t.Errorf("logged %v, want no crawl-delay line", applied[0].ContextMap())
				case tt.wantLog != 0 && len(applied) != 1:
					t.Errorf("crawl-delay logged %d times, want once", len(applied))
				case tt.wantLog != 0:
					if m := applied[0].ContextMap(); m["host"] != "news.example" || m["delay"] != tt.wantLog {
						t.Errorf("logged %v, want host news.example, delay %s", m, tt.wantLog)
					}
				}
			})
		})
	}
}
