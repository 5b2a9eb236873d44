package feeds

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsevents/newsevents/internal/fetch"
)

// routes answers each path with "200" (the feed, ETag = path, 304 when
// If-None-Match matches), "404", "410", "500", or "3xx LOCATION".
type routes struct {
	mu sync.Mutex
	m  map[string]string
}

func (rt *routes) set(m map[string]string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for k, v := range m {
		rt.m[k] = v
	}
}

func (rt *routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	spec := rt.m[r.URL.Path]
	rt.mu.Unlock()
	code, loc, _ := strings.Cut(spec, " ")
	var status int
	fmt.Sscan(code, &status)
	switch {
	case status == 200:
		etag := `"` + r.URL.Path + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		fmt.Fprint(w, rss("", twoItems...))
	case status >= 300 && status < 400:
		http.Redirect(w, r, loc, status)
	case status > 0:
		w.WriteHeader(status)
	default:
		http.NotFound(w, r)
	}
}

// TestPermanentRedirect: a feed that moved permanently (301, 308) is
// polled at its new address from the next poll on, across a restart, with
// its validators, and logged once; temporary redirects change nothing; the
// feed keeps its configured URL as identity; a new address that answers
// 404 or 410 sends the feed back to its configured URL in the same poll; a
// permanent redirect to an address the SSRF guard refuses is not followed
// and not recorded.
func TestPermanentRedirect(t *testing.T) {
	const feedURL = "http://news.example/old"
	tests := []struct {
		name  string
		give1 map[string]string // routes of the first poll
		give2 map[string]string // changed routes for the second poll
		// wantMoved1, wantMoved2: the recorded new address after each poll.
		wantMoved1, wantMoved2 string
		wantPaths2             []string // requests of the second poll
		wantETag2              string   // If-None-Match of its first request
		wantFailures2          int
		wantErr2               string // in the last error after the second poll
		wantLogs               map[string]int
	}{
		{name: "301", give1: map[string]string{"/old": "301 /new", "/new": "200"},
			wantMoved1: "http://news.example/new", wantMoved2: "http://news.example/new",
			wantPaths2: []string{"/new"}, wantETag2: `"/new"`,
			wantLogs: map[string]int{"feed moved permanently": 1}},
		{name: "308", give1: map[string]string{"/old": "308 /new", "/new": "200"},
			wantMoved1: "http://news.example/new", wantMoved2: "http://news.example/new",
			wantPaths2: []string{"/new"}, wantETag2: `"/new"`,
			wantLogs: map[string]int{"feed moved permanently": 1}},
		{name: "permanent chain to another host", give1: map[string]string{"/old": "301 /mid", "/mid": "308 http://feeds.example/rss", "/rss": "200"},
			wantMoved1: "http://feeds.example/rss", wantMoved2: "http://feeds.example/rss",
			wantPaths2: []string{"/rss"}, wantETag2: `"/rss"`,
			wantLogs: map[string]int{"feed moved permanently": 1}},
		{name: "permanent then temporary", give1: map[string]string{"/old": "301 /new", "/new": "302 /today", "/today": "200"},
			wantMoved1: "http://news.example/new", wantMoved2: "http://news.example/new",
			wantPaths2: []string{"/new", "/today"}, wantETag2: `"/today"`,
			wantLogs: map[string]int{"feed moved permanently": 1}},
		{name: "302", give1: map[string]string{"/old": "302 /new", "/new": "200"},
			wantPaths2: []string{"/old", "/new"}, wantETag2: `"/new"`},
		{name: "303", give1: map[string]string{"/old": "303 /new", "/new": "200"},
			wantPaths2: []string{"/old", "/new"}, wantETag2: `"/new"`},
		{name: "307", give1: map[string]string{"/old": "307 /new", "/new": "200"},
			wantPaths2: []string{"/old", "/new"}, wantETag2: `"/new"`},
		{name: "temporary then permanent", give1: map[string]string{"/old": "302 /mid", "/mid": "301 /new", "/new": "200"},
			wantPaths2: []string{"/old", "/mid", "/new"}, wantETag2: `"/new"`},
		{name: "new address gone: back to the configured URL", give1: map[string]string{"/old": "301 /new", "/new": "200"},
			give2:      map[string]string{"/old": "200", "/new": "410"},
			wantMoved1: "http://news.example/new",
			wantPaths2: []string{"/new", "/old"}, wantETag2: `"/new"`,
			wantLogs: map[string]int{"feed moved permanently": 1, "feed moved-to URL gone: polling the configured URL again": 1}},
		{name: "new address not found, configured URL moved elsewhere", give1: map[string]string{"/old": "301 /new", "/new": "200"},
			give2:      map[string]string{"/old": "301 /newer", "/new": "404", "/newer": "200"},
			wantMoved1: "http://news.example/new", wantMoved2: "http://news.example/newer",
			wantPaths2: []string{"/new", "/old", "/newer"}, wantETag2: `"/new"`,
			wantLogs: map[string]int{"feed moved permanently": 2, "feed moved-to URL gone: polling the configured URL again": 1}},
		{name: "new address failing for now: stays", give1: map[string]string{"/old": "301 /new", "/new": "200"},
			give2:      map[string]string{"/new": "500"},
			wantMoved1: "http://news.example/new", wantMoved2: "http://news.example/new",
			wantPaths2: []string{"/new"}, wantETag2: `"/new"`, wantFailures2: 1, wantErr2: "HTTP 500",
			wantLogs: map[string]int{"feed moved permanently": 1}},
		{name: "moved back to the configured URL", give1: map[string]string{"/old": "301 /new", "/new": "200"},
			give2:      map[string]string{"/old": "200", "/new": "301 /old"},
			wantMoved1: "http://news.example/new",
			wantPaths2: []string{"/new", "/old"}, wantETag2: `"/new"`,
			wantLogs: map[string]int{"feed moved permanently": 2}},
		{name: "permanent redirect to a refused address", give1: map[string]string{"/old": "301 http://metadata.internal/feed", "/feed": "200"},
			wantPaths2: []string{"/old"}, wantFailures2: 2, wantErr2: "refused by the SSRF guard"},
		{name: "permanent redirect to 127.0.0.1", give1: map[string]string{"/old": "308 http://127.0.0.1:8080/feed", "/feed": "200"},
			wantPaths2: []string{"/old"}, wantFailures2: 2, wantErr2: "refused by the SSRF guard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &routes{m: map[string]string{}}
				rt.set(tt.give1)
				client, rec := startSite(t, rt, fetch.Options{})
				dir := t.TempDir()
				core, logs := observer.New(zap.InfoLevel)
				feed := []Feed{{URL: feedURL, Name: "Trade wire"}}
				poll := func() (FeedState, []Item) {
					t.Helper()
					// A fresh store and scheduler for each poll: a restart.
					store := openTestStore(t, dir, StoreOptions{})
					defer store.Close()
					out := &sink{store: store}
					s := newTestScheduler(t, client, store, feed, SchedulerOptions{Logger: zap.New(core)})
					if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
						t.Fatal(err)
					}
					st, ok, err := store.Feed(feedURL)
					if err != nil || !ok {
						t.Fatalf("no state under the configured URL: %v", err)
					}
					all, err := store.Feeds()
					if err != nil || len(all) != 1 {
						t.Errorf("state of %d feeds (%v), want the configured one only", len(all), err)
					}
					return st, out.items
				}

				st1, items := poll()
				if st1.MovedTo != tt.wantMoved1 {
					t.Errorf("after the first poll moved to %q, want %q", st1.MovedTo, tt.wantMoved1)
				}
				for _, it := range items {
					if it.FeedURL != feedURL {
						t.Errorf("item %s of feed %s, want the configured URL %s", it.GUID, it.FeedURL, feedURL)
					}
				}
				rt.set(tt.give2)
				n := len(rec.requests(""))
				st2, _ := poll()
				var paths []string
				reqs := rec.requests("")[n:]
				for _, r := range reqs {
					paths = append(paths, r.Path)
				}
				if !slices.Equal(paths, tt.wantPaths2) {
					t.Errorf("second poll requested %v, want %v", paths, tt.wantPaths2)
				}
				if len(reqs) > 0 && reqs[0].Header.Get("If-None-Match") != tt.wantETag2 {
					t.Errorf("second poll sent If-None-Match %q, want %q", reqs[0].Header.Get("If-None-Match"), tt.wantETag2)
				}
				if st2.MovedTo != tt.wantMoved2 || st2.Failures != tt.wantFailures2 {
					t.Errorf("after the second poll moved to %q, %d failures (%s); want %q, %d",
						st2.MovedTo, st2.Failures, st2.LastError, tt.wantMoved2, tt.wantFailures2)
				}
				if !strings.Contains(st2.LastError, tt.wantErr2) {
					t.Errorf("last error %q, want %q", st2.LastError, tt.wantErr2)
				}
				if (st2.MovedTo == "") != st2.MovedAt.IsZero() {
					t.Errorf("moved to %q at %s", st2.MovedTo, st2.MovedAt)
				}
				for _, msg := range []string{"feed moved permanently", "feed moved-to URL gone: polling the configured URL again"} {
					got := logs.FilterMessage(msg).All()
					if len(got) != tt.wantLogs[msg] {
						t.Errorf("%q logged %d times, want %d", msg, len(got), tt.wantLogs[msg])
					}
					for _, e := range got {
						if m := e.ContextMap(); m["feed_url"] != feedURL || (msg == "feed moved permanently" && m["new_url"] == "") {
							t.Errorf("%q logged with %v, want feed_url %s and new_url", msg, m, feedURL)
						}
					}
				}
			})
		})
	}
}

// TestMovedFeedWhileRunning: in a long run, the poll after a 301 goes to
// the new host directly, and so do the following ones.
func TestMovedFeedWhileRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &routes{m: map[string]string{"/old": "301 http://feeds.example/rss", "/rss": "200"}}
		client, rec := startSite(t, rt, fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		const feedURL = "http://news.example/old"
		s := newTestScheduler(t, client, store, []Feed{{URL: feedURL}}, SchedulerOptions{StartNow: true})
		ctx, cancel := context.WithTimeout(t.Context(), 25*time.Minute) // polls at 0, 10m, 20m
		defer cancel()
		if err := s.Run(ctx, false, (&sink{store: store}).emit, nil); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rec.requests("") {
			got = append(got, r.Path)
		}
		if want := []string{"/old", "/rss", "/rss", "/rss"}; !slices.Equal(got, want) {
			t.Errorf("requests %v, want %v", got, want)
		}
		st, _, _ := store.Feed(feedURL)
		if st.MovedTo != "http://feeds.example/rss" || st.Failures != 0 {
			t.Errorf("state: moved to %q, %d failures", st.MovedTo, st.Failures)
		}
	})
}
