package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/newsevents/newsevents/internal/fetch"
)

// TestFeedErrors: every kind of broken feed is recorded as failing with
// its cause, emits nothing, and stays scheduled.
func TestFeedErrors(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 32<<20))
	zw.Close()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "HTTP 404"},
		{"410", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }, "HTTP 410"},
		{"500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, "HTTP 500"},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusTooManyRequests)
		}, "retry after 10m0s"},
		{"malformed XML", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><item><title>Half`)
		}, "parse"},
		{"not a feed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html><body>Welcome</body></html>") }, "parse"},
		{"oversize body", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("", twoItems...))
			w.Write(bytes.Repeat([]byte("<!-- padding -->"), 80<<10))
		}, "size limit"},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		}, "size limit"},
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel>`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, "timed out"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, map[string]string{"/a": "/b", "/b": "/a"}[r.URL.Path], http.StatusFound)
		}, "redirect loop"},
		{"redirect to an internal host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://metadata.internal/latest", http.StatusFound)
		}, "refused by the SSRF guard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, _ := startSite(t, tt.handler, fetch.Options{Timeout: 30 * time.Second})
				store := openTestStore(t, t.TempDir(), StoreOptions{})
				defer store.Close()
				const url = "http://news.example/a"
				s := newTestScheduler(t, client, store, []Feed{{URL: url}}, SchedulerOptions{MaxFeedBytes: 1 << 20})
				out := &sink{}
				start := time.Now()
				if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
					t.Fatal(err)
				}
				st, ok, err := store.Feed(url)
				if err != nil || !ok {
					t.Fatalf("no state: %v", err)
				}
				if st.Failures != 1 || !strings.Contains(st.LastError, tt.wantErr) {
					t.Errorf("failures %d, last error %q; want 1 and %q", st.Failures, st.LastError, tt.wantErr)
				}
				if !st.NextPoll.After(start) {
					t.Errorf("next poll %s not scheduled", st.NextPoll)
				}
				if len(out.items) != 0 {
					t.Errorf("emitted %d items", len(out.items))
				}
			})
		})
	}
}

// TestCrashBeforeDone: items emitted but not marked done (the process was
// killed before Kafka acknowledged them) are emitted again after a restart,
// even though the feed now answers 304; done ones are not.
func TestCrashBeforeDone(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		items := append(slices.Clone(twoItems), rssItem{Title: "Quota lifted", Link: "https://news.example/a/3", GUID: "n-3", Date: day1.Add(2 * time.Hour)})
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") == `"x"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"x"`)
			fmt.Fprint(w, rss("", items...))
		}), fetch.Options{})
		feed := []Feed{{URL: "http://news.example/feed"}}
		// run starts the service on the state in dir, emits, acknowledges
		// the items ack says, and stops (closing the file without any
		// flush: MarkDone must already be durable).
		run := func(ack func(Item) bool) []string {
			store, err := OpenStore(dir, StoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			var got []string
			emit := func(ctx context.Context, it Item) error {
				got = append(got, it.GUID)
				if ack(it) {
					return store.MarkDone(it, CanonicalURL(it.Link))
				}
				return nil
			}
			if err := newTestScheduler(t, client, store, feed, SchedulerOptions{Pollers: 1}).Run(t.Context(), true, emit, nil); err != nil {
				t.Fatal(err)
			}
			return got
		}
		all := func(Item) bool { return true }
		if got := run(func(it Item) bool { return it.GUID == "n-3" }); !slices.Equal(got, []string{"n-3", "n-2", "n-1"}) {
			t.Fatalf("first run emitted %v", got)
		}
		if got := run(all); !slices.Equal(got, []string{"n-2", "n-1"}) {
			t.Errorf("after the crash, emitted %v; want the two unacknowledged items", got)
		}
		if got := run(all); len(got) != 0 {
			t.Errorf("third run emitted %v; want nothing", got)
		}
	})
}

// TestRewrittenGUIDs: a feed that rewrites its GUIDs (and adds tracking
// parameters to its links) does not get its articles processed twice.
func TestRewrittenGUIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var version atomic.Int32
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if version.Load() == 0 {
				fmt.Fprint(w, rss("", twoItems...))
				return
			}
			fmt.Fprint(w, rss("",
				rssItem{Title: "Tariff on steel coils", Link: "https://news.example/a/1?utm_source=rss&utm_medium=feed", GUID: "urn:v2:1", Date: day1},
				rssItem{Title: "Port  strike ends", Link: "https://news.example/story/port-strike", GUID: "urn:v2:2", Date: day1.Add(3 * time.Hour)},
				rssItem{Title: "New anti-dumping probe", Link: "https://news.example/a/9", GUID: "urn:v2:9", Date: day1.Add(5 * time.Hour)},
			))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		s := newTestScheduler(t, client, store, []Feed{{URL: "http://news.example/rewrites"}}, SchedulerOptions{})
		out := &sink{store: store}
		if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		version.Store(1)
		out.items = nil
		if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		if got := out.guids(); !slices.Equal(got, []string{"urn:v2:9"}) {
			t.Errorf("after the GUID rewrite, emitted %v; want only the new article", got)
		}
	})
}

// TestSameArticleInTwoFeeds: an article listed by two feeds is processed once.
func TestSameArticleInTwoFeeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("", rssItem{Title: "Shared", Link: "https://news.example/shared?utm_campaign=" + r.URL.Path, GUID: r.URL.Path, Date: day1}))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		fs := []Feed{{URL: "http://one.example/rss"}, {URL: "http://two.example/rss"}}
		steps := []struct {
			name string
			ack  bool
			want int
		}{
			// The pipeline has not finished the first copy: the second is held back.
			{name: "in flight", ack: false, want: 1},
			// After a restart the article is still not done: redone once.
			{name: "restart", ack: true, want: 1},
			// Done: never again.
			{name: "done", ack: true, want: 0},
		}
		for _, st := range steps {
			out := &sink{}
			if st.ack {
				out.store = store
			}
			s := newTestScheduler(t, client, store, fs, SchedulerOptions{Pollers: 2})
			if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
				t.Fatal(err)
			}
			if len(out.items) != st.want {
				t.Errorf("%s: emitted %d copies of one article, want %d", st.name, len(out.items), st.want)
			}
		}
	})
}

// TestBoundedPollers: however many feeds, at most Pollers are polled at once.
func TestBoundedPollers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var inFlight, peak atomic.Int32
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Second)
			inFlight.Add(-1)
			fmt.Fprint(w, rss("", rssItem{Title: "x", Link: "https://news.example" + r.URL.Path + "/1", GUID: r.URL.Path}))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		var fs []Feed
		for i := range 40 {
			fs = append(fs, Feed{URL: fmt.Sprintf("http://f%d.example/feed/%d", i%7, i)})
		}
		var passes atomic.Int32
		out := &sink{}
		s := newTestScheduler(t, client, store, fs, SchedulerOptions{Pollers: 3})
		start := time.Now()
		if err := s.Run(t.Context(), true, out.emit, func() { passes.Add(1) }); err != nil {
			t.Fatal(err)
		}
		if p := peak.Load(); p > 3 || p < 1 {
			t.Errorf("%d feeds polled at once, want at most 3", p)
		}
		if n := len(rec.requests("")); n != 40 {
			t.Errorf("%d feeds polled, want 40", n)
		}
		if got := rec.requests("")[0].At; !got.Equal(start) {
			t.Errorf("once: first poll %s after start, want immediately", got.Sub(start))
		}
		if passes.Load() != 1 || len(out.items) != 40 {
			t.Errorf("endPass called %d times, %d items; want 1 and 40", passes.Load(), len(out.items))
		}
	})
}

// TestFullText: items of a full_text feed that carry content:encoded are
// emitted with SkipFetch and their content.
func TestFullText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("",
				rssItem{Title: "Full", Link: "https://news.example" + r.URL.Path + "/full", GUID: r.URL.Path + "full", Content: "<p>The ministry raised duties on steel coils to 25%.</p>"},
				rssItem{Title: "Teaser", Link: "https://news.example" + r.URL.Path + "/teaser", GUID: r.URL.Path + "teaser"},
			))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		fs := []Feed{{URL: "http://news.example/full", FullText: true, Name: "Full wire", Tags: []string{"steel"}}, {URL: "http://news.example/plain"}}
		out := &sink{}
		if err := newTestScheduler(t, client, store, fs, SchedulerOptions{}).Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		got := map[string]Item{}
		for _, it := range out.items {
			got[it.GUID] = it
		}
		tests := []struct {
			guid     string
			wantSkip bool
		}{
			{"/fullfull", true},
			{"/fullteaser", false},
			{"/plainfull", false},
			{"/plainteaser", false},
		}
		for _, tt := range tests {
			it, ok := got[tt.guid]
			if !ok {
				t.Errorf("%s not emitted", tt.guid)
				continue
			}
			if it.SkipFetch != tt.wantSkip {
				t.Errorf("%s: SkipFetch %v, want %v", tt.guid, it.SkipFetch, tt.wantSkip)
			}
		}
		if it := got["/fullfull"]; !strings.Contains(it.Content, "25%") || it.FeedName != "Full wire" || len(it.Tags) != 1 {
			t.Errorf("full-text item %+v", it)
		}
	})
}

// TestFeedOnInternalAddress: a feed whose host resolves to 127.0.0.1 is
// refused (and the cause recorded) unless its network is allow-listed.
func TestFeedOnInternalAddress(t *testing.T) {
	tests := []struct {
		name    string
		allow   []string
		wantErr string
	}{
		{name: "refused", wantErr: "feeds.internal resolves to 127.0.0.1, a loopback address: refused by the SSRF guard"},
		{name: "allow-listed", allow: []string{"127.0.0.0/8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, rss("", twoItems...))
				}), fetch.Options{AllowCIDRs: tt.allow})
				store := openTestStore(t, t.TempDir(), StoreOptions{})
				defer store.Close()
				const url = "http://feeds.internal/rss"
				if err := newTestScheduler(t, client, store, []Feed{{URL: url}}, SchedulerOptions{}).Run(t.Context(), true, (&sink{}).emit, nil); err != nil {
					t.Fatal(err)
				}
				st, _, _ := store.Feed(url)
				if tt.wantErr == "" {
					if st.Failures != 0 || len(rec.requests("")) != 1 {
						t.Errorf("allow-listed feed: failures %d (%s), %d requests", st.Failures, st.LastError, len(rec.requests("")))
					}
					return
				}
				if !strings.Contains(st.LastError, tt.wantErr) {
					t.Errorf("last error %q, want %q", st.LastError, tt.wantErr)
				}
				if n := len(rec.requests("")); n != 0 {
					t.Errorf("the internal server got %d requests", n)
				}
			})
		})
	}
}

// TestShutdownDuringEmit: when emit fails because the service stops, Run
// returns and the items not handed over are emitted on the next start.
func TestShutdownDuringEmit(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"same"`)
			if r.Header.Get("If-None-Match") == `"same"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, rss("", twoItems...))
		}), fetch.Options{})
		feed := []Feed{{URL: "http://news.example/stop"}}
		store, err := OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var mu sync.Mutex
		var got []string
		err = newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(ctx, true, func(ctx context.Context, it Item) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, it.GUID)
			cancel() // SIGTERM while the first item is handed over
			return ctx.Err()
		}, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled for an interrupted pass", err)
		}
		store.Close()
		store, err = OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		out := &sink{store: store}
		if err := newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		if g := out.guids(); !slices.Equal(g, []string{"n-2", "n-1"}) {
			t.Errorf("after restart emitted %v, want both items", g)
		}
	})
}

// TestPoliteToOneHost: feeds sharing a host are polled at most 1 request/s
// and 2 at a time, and queueing for the host does not count against the
// request timeout (no feed fails for waiting its turn).
func TestPoliteToOneHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var inFlight, peak atomic.Int32
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(1500 * time.Millisecond)
			inFlight.Add(-1)
			fmt.Fprint(w, rss("", rssItem{Title: "x", Link: "https://busy.example" + r.URL.Path + "/1", GUID: r.URL.Path}))
		}), fetch.Options{PerHostRate: 1, PerHostConcurrency: 2, Timeout: 3 * time.Second})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		var fs []Feed
		for i := range 12 {
			fs = append(fs, Feed{URL: fmt.Sprintf("http://busy.example/feed/%d", i)})
		}
		if err := newTestScheduler(t, client, store, fs, SchedulerOptions{Pollers: 8}).Run(t.Context(), true, (&sink{}).emit, nil); err != nil {
			t.Fatal(err)
		}
		reqs := rec.requests("")
		if len(reqs) != 12 {
			t.Fatalf("%d requests, want 12", len(reqs))
		}
		for i := 1; i < len(reqs); i++ {
			if gap := reqs[i].At.Sub(reqs[i-1].At); gap < time.Second {
				t.Errorf("requests %d and %d to one host %s apart, want at least 1s", i-1, i, gap)
			}
		}
		if p := peak.Load(); p > 2 {
			t.Errorf("%d requests in flight to one host, want at most 2", p)
		}
		states, _ := store.Feeds()
		for _, st := range states {
			if st.Failures > 0 {
				t.Errorf("%s failed while queueing for its host: %s", st.URL, st.LastError)
			}
		}
	})
}

// TestBusyHostDoesNotStarveOthers: a host with many feeds, slowed by its
// per-host rate limit, occupies at most two pollers, so the feeds of other
// hosts due at the same time are polled at once rather than after it.
func TestBusyHostDoesNotStarveOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("", rssItem{Title: "x", Link: "https://" + r.Host + r.URL.Path + "/1", GUID: r.URL.Path}))
		}), fetch.Options{PerHostRate: 1, PerHostConcurrency: 2})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		var fs []Feed
		for i := range 30 {
			fs = append(fs, Feed{URL: fmt.Sprintf("http://busy.example/feed/%d", i)})
		}
		for i := range 6 {
			fs = append(fs, Feed{URL: fmt.Sprintf("http://quiet%d.example/feed", i)})
		}
		start := time.Now()
		if err := newTestScheduler(t, client, store, fs, SchedulerOptions{Pollers: 4}).Run(t.Context(), true, (&sink{}).emit, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range rec.requests("/feed") {
			// The busy host needs 29s for its 30 feeds at 1 req/s.
			if wait := q.At.Sub(start); wait > 2*time.Second {
				t.Errorf("a quiet host's feed waited %s behind the busy host", wait)
			}
		}
		if n := len(rec.requests("")); n != 36 {
			t.Errorf("%d polls, want 36", n)
		}
	})
}

// TestRestartRedoesPendingSoon: after a stop with items handed over but
// not done, the next start redoes them at once rather than at the feed's
// next poll an hour later.
func TestRestartRedoesPendingSoon(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=3600")
			fmt.Fprint(w, rss("", twoItems...))
		}), fetch.Options{})
		feed := []Feed{{URL: "http://news.example/hourly"}}
		store, err := OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		handed := 0
		err = newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(ctx, false, func(ctx context.Context, it Item) error {
			if handed++; handed == 2 {
				cancel() // stop with both items in flight
			}
			return nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		store.Close()

		time.Sleep(6 * time.Minute)
		store, err = OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		restart := time.Now()
		ctx, cancel = context.WithTimeout(t.Context(), 50*time.Minute)
		defer cancel()
		var at []time.Duration
		err = newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(ctx, false, func(ctx context.Context, it Item) error {
			at = append(at, time.Since(restart))
			return store.MarkDone(it, "")
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(at) != 2 || at[1] > time.Second {
			t.Errorf("pending items redone after %v, want both at once on restart", at)
		}
	})
}

// TestWrongCharsetFromServer: a server that sends Latin-1 bytes while the
// feed claims UTF-8 (and the header says ISO-8859-1) still yields correct titles.
func TestWrongCharsetFromServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const title = "Exportações de café crescem"
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=ISO-8859-1")
			fmt.Fprint(w, latin1(rss("", rssItem{Title: title, Link: "https://news.example/cafe", GUID: "cafe"})))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		out := &sink{}
		if err := newTestScheduler(t, client, store, []Feed{{URL: "http://news.example/latin1"}}, SchedulerOptions{}).Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		if len(out.items) != 1 || out.items[0].Title != title {
			t.Errorf("items %+v, want one titled %q", out.items, title)
		}
	})
}
