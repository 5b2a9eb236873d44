package feeds

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsevents/newsevents/internal/fetch"
)

var day1 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

var twoItems = []rssItem{
	{Title: "Tariff on steel coils", Link: "https://news.example/a/1", GUID: "n-1", Date: day1},
	{Title: "Port strike ends", Link: "https://news.example/a/2", GUID: "n-2", Date: day1.Add(time.Hour)},
}

// TestConditionalGET: the second poll sends both validators; a 304 emits
// nothing; a restart reopens the state, polls conditionally and
// republishes nothing.
func TestConditionalGET(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		const etag, lastMod = `"v1"`, "Fri, 20 Nov 2026 09:00:00 GMT"
		body := rss("", twoItems...)
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Last-Modified", lastMod)
			fmt.Fprint(w, body)
		}), fetch.Options{})
		feed := []Feed{{URL: "http://news.example/feed.xml"}}

		store, err := OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := &sink{store: store}
		ctx, cancel := context.WithTimeout(t.Context(), offset(feed[0].URL, 10*time.Minute)+15*time.Minute)
		if err := newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(ctx, false, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		cancel()
		store.Close()

		reqs := rec.requests("/feed.xml")
		if len(reqs) != 2 {
			t.Fatalf("%d polls in 15 minutes after the first at a 10m interval, want 2", len(reqs))
		}
		if h := reqs[0].Header; h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
			t.Errorf("first poll sent validators: %v", h)
		}
		if h := reqs[1].Header; h.Get("If-None-Match") != etag || h.Get("If-Modified-Since") != lastMod {
			t.Errorf("second poll: If-None-Match %q, If-Modified-Since %q; want %q, %q",
				h.Get("If-None-Match"), h.Get("If-Modified-Since"), etag, lastMod)
		}
		if got := out.guids(); !slices.Equal(got, []string{"n-2", "n-1"}) {
			t.Errorf("emitted %v, want both items once, oldest first", got)
		}

		// Restart.
		store, err = OpenStore(dir, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		again := &sink{store: store}
		if err := newTestScheduler(t, client, store, feed, SchedulerOptions{}).Run(t.Context(), true, again.emit, nil); err != nil {
			t.Fatal(err)
		}
		reqs = rec.requests("/feed.xml")
		if h := reqs[len(reqs)-1].Header; h.Get("If-None-Match") != etag {
			t.Errorf("poll after restart sent If-None-Match %q, want %q", h.Get("If-None-Match"), etag)
		}
		if len(again.items) != 0 {
			t.Errorf("restart republished %v", again.guids())
		}
	})
}

// TestValidatorsIndependent: a feed that sends only Last-Modified still
// gets If-Modified-Since, and a 304 that omits the ETag keeps it.
func TestValidatorsIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int32
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch n.Add(1) {
			case 1:
				w.Header().Set("Last-Modified", "Fri, 20 Nov 2026 09:00:00 GMT")
				fmt.Fprint(w, rss("", twoItems...))
			case 2:
				w.Header().Set("ETag", `"e2"`)
				w.WriteHeader(http.StatusNotModified)
			default:
				w.WriteHeader(http.StatusNotModified)
			}
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		s := newTestScheduler(t, client, store, []Feed{{URL: "http://news.example/lm.xml"}}, SchedulerOptions{})
		for range 3 {
			if err := s.Run(t.Context(), true, (&sink{}).emit, nil); err != nil {
				t.Fatal(err)
			}
		}
		reqs := rec.requests("")
		if got := reqs[1].Header.Get("If-Modified-Since"); got == "" {
			t.Error("second poll without If-Modified-Since")
		}
		h := reqs[2].Header
		if h.Get("If-None-Match") != `"e2"` || h.Get("If-Modified-Since") == "" {
			t.Errorf("third poll: If-None-Match %q, If-Modified-Since %q; want both", h.Get("If-None-Match"), h.Get("If-Modified-Since"))
		}
	})
}

// TestScheduleTiming: the gaps between polls follow the interval, the
// minimum, Cache-Control, Expires, <ttl>, Retry-After and the caps.
func TestScheduleTiming(t *testing.T) {
	tests := []struct {
		name      string
		feed      Feed
		opts      SchedulerOptions
		header    map[string]string
		status    int
		extra     string
		wantFirst time.Duration // from start; -1: the URL hash offset
		wantGap   time.Duration
		slack     time.Duration // HTTP dates have a resolution of 1s
	}{
		{name: "default interval", wantFirst: -1, wantGap: 10 * time.Minute},
		{name: "feed interval", feed: Feed{Interval: 20 * time.Minute}, wantFirst: -1, wantGap: 20 * time.Minute},
		{name: "interval below the minimum is raised", feed: Feed{Interval: time.Minute}, wantFirst: -1, wantGap: 5 * time.Minute},
		{name: "Cache-Control max-age raises the interval", header: map[string]string{"Cache-Control": "public, max-age=1800"}, wantFirst: -1, wantGap: 30 * time.Minute},
		{name: "short max-age does not lower it", header: map[string]string{"Cache-Control": "max-age=60"}, wantFirst: -1, wantGap: 10 * time.Minute},
		{name: "Expires raises the interval", header: map[string]string{"Expires": "+45m"}, wantFirst: -1, wantGap: 45 * time.Minute, slack: time.Second},
		{name: "RSS ttl raises the interval", extra: "<ttl>60</ttl>", wantFirst: -1, wantGap: time.Hour},
		{name: "max-age capped by MaxInterval", opts: SchedulerOptions{MaxInterval: 2 * time.Hour}, header: map[string]string{"Cache-Control": "max-age=604800"}, wantFirst: -1, wantGap: 2 * time.Hour},
		{name: "429 Retry-After in seconds", status: 429, header: map[string]string{"Retry-After": "3600"}, wantFirst: -1, wantGap: time.Hour},
		{name: "503 Retry-After as a date", status: 503, header: map[string]string{"Retry-After": "+90m"}, wantFirst: -1, wantGap: 90 * time.Minute, slack: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					for k, v := range tt.header {
						if d, err := time.ParseDuration(strings.TrimPrefix(v, "+")); err == nil && strings.HasPrefix(v, "+") {
							v = time.Now().Add(d).UTC().Format(http.TimeFormat)
						}
						w.Header().Set(k, v)
					}
					if tt.status != 0 {
						w.WriteHeader(tt.status)
						return
					}
					fmt.Fprint(w, rss(tt.extra, twoItems...))
				}), fetch.Options{})
				store := openTestStore(t, t.TempDir(), StoreOptions{})
				defer store.Close()
				f := tt.feed
				f.URL = "http://news.example/" + strings.ReplaceAll(tt.name, " ", "-")
				s := newTestScheduler(t, client, store, []Feed{f}, tt.opts)
				first := tt.wantFirst
				if first < 0 {
					first = offset(f.URL, s.interval(f))
				}
				ctx, cancel := context.WithTimeout(t.Context(), first+3*tt.wantGap+time.Minute)
				defer cancel()
				if err := s.Run(ctx, false, (&sink{}).emit, nil); err != nil {
					t.Fatal(err)
				}
				reqs := rec.requests("")
				if len(reqs) != 4 {
					t.Fatalf("%d polls, want 4", len(reqs))
				}
				if got := reqs[0].At.Sub(start); got != first {
					t.Errorf("first poll after %s, want %s", got, first)
				}
				for i := 1; i < len(reqs); i++ {
					if gap := reqs[i].At.Sub(reqs[i-1].At); gap > tt.wantGap || gap < tt.wantGap-tt.slack {
						t.Errorf("gap %d = %s, want %s", i, gap, tt.wantGap)
					}
				}
			})
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{n: 1, r: 0, want: 5 * time.Minute},
		{n: 1, r: 0.999999, want: 10 * time.Minute},
		{n: 2, r: 0, want: 10 * time.Minute},
		{n: 3, r: 0.5, want: 30 * time.Minute},
		{n: 6, r: 0, want: 160 * time.Minute},
		{n: 7, r: 0.999999, want: 6 * time.Hour},
		{n: 100, r: 0, want: 3 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%v", tt.n, tt.r), func(t *testing.T) {
			got := Backoff(10*time.Minute, tt.n, 6*time.Hour, tt.r)
			if got.Round(time.Second) != tt.want {
				t.Errorf("Backoff = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestFailingFeedBacksOffAndRecovers: a feed failing five times is polled
// at growing, jittered, capped gaps, is never dropped, and is back to its
// interval once it answers again; the logs say when it turned failing (and
// why) and when it recovered.
func TestFailingFeedBacksOffAndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int32
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 5 {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, rss("", twoItems...))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		core, logs := observer.New(zap.InfoLevel)
		const url = "http://news.example/flaky.xml"
		s := newTestScheduler(t, client, store, []Feed{{URL: url}}, SchedulerOptions{MaxBackoff: 30 * time.Minute, Logger: zap.New(core)})
		ctx, cancel := context.WithTimeout(t.Context(), 4*time.Hour)
		defer cancel()
		out := &sink{store: store}
		if err := s.Run(ctx, false, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		reqs := rec.requests("")
		// After failure k the wait is in [d/2, d], d = min(10m·2^(k-1), 30m);
		// after the success, the interval.
		ranges := [][2]time.Duration{{5 * time.Minute, 10 * time.Minute}, {10 * time.Minute, 20 * time.Minute},
			{15 * time.Minute, 30 * time.Minute}, {15 * time.Minute, 30 * time.Minute}, {15 * time.Minute, 30 * time.Minute},
			{10 * time.Minute, 10 * time.Minute}}
		if len(reqs) < len(ranges)+1 {
			t.Fatalf("%d polls in 4h, want at least %d", len(reqs), len(ranges)+1)
		}
		for i, r := range ranges {
			if gap := reqs[i+1].At.Sub(reqs[i].At); gap < r[0] || gap > r[1] {
				t.Errorf("gap after poll %d = %s, want %s to %s", i+1, gap, r[0], r[1])
			}
		}
		if len(out.items) != 2 {
			t.Errorf("emitted %d items after recovery, want 2", len(out.items))
		}
		failing := logs.FilterMessage("feed failing").All()
		if len(failing) != 1 || !strings.Contains(fmt.Sprint(failing[0].ContextMap()["error"]), "HTTP 500") ||
			failing[0].ContextMap()["feed_url"] != url {
			t.Errorf("feed failing logged %d times (%v), want once with the cause and the feed", len(failing), failing)
		}
		if got := logs.FilterMessage("feed recovered").Len(); got != 1 {
			t.Errorf("feed recovered logged %d times, want 1", got)
		}
		// One line per poll for an operator tailing the log.
		still, polled := logs.FilterMessage("feed still failing").Len(), logs.FilterMessage("feed polled").Len()
		if 1+still+polled != len(reqs) || still != 4 {
			t.Errorf("%d polls logged 1 feed failing, %d feed still failing and %d feed polled lines, want one line per poll (4 still failing)",
				len(reqs), still, polled)
		}
		st, _, _ := store.Feed(url)
		if st.Failures != 0 || st.LastSuccess.IsZero() || !strings.Contains(st.LastError, "500") {
			t.Errorf("state after recovery %+v", st)
		}
	})
}

// TestEndPass: with first polls spread over the interval, a pass (and the
// pipeline's pass summary) ends once every feed has been polled, not at
// every round of polls.
func TestEndPass(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("", rssItem{Title: "x", Link: "https://news.example" + r.URL.Path, GUID: r.URL.Path}))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		var fs []Feed
		for i := range 6 {
			fs = append(fs, Feed{URL: fmt.Sprintf("http://s%d.example/feed", i)})
		}
		var perPass []int
		seenBefore := 0
		endPass := func() {
			reqs := rec.requests("")
			perPass = append(perPass, len(reqs)-seenBefore)
			seenBefore = len(reqs)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 45*time.Minute)
		defer cancel()
		if err := newTestScheduler(t, client, store, fs, SchedulerOptions{}).Run(ctx, false, (&sink{store: store}).emit, endPass); err != nil {
			t.Fatal(err)
		}
		if len(perPass) < 4 {
			t.Fatalf("%d passes in 45 minutes at a 10m interval, want at least 4", len(perPass))
		}
		for i, n := range perPass {
			if n != len(fs) {
				t.Errorf("pass %d covered %d polls, want one per feed (%d)", i+1, n, len(fs))
			}
		}
	})
}

// TestSlowFeedDelaysNoOther: a feed whose server takes minutes to answer
// does not delay the polls of the other feeds.
func TestSlowFeedDelaysNoOther(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, rec := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				time.Sleep(8 * time.Minute)
			}
			fmt.Fprint(w, rss("", rssItem{Title: "x", Link: "https://news.example" + r.URL.Path, GUID: r.URL.Path}))
		}), fetch.Options{Timeout: 20 * time.Minute})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		fs := []Feed{{URL: "http://slow.example/slow"}, {URL: "http://fast.example/fast"}}
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		if err := newTestScheduler(t, client, store, fs, SchedulerOptions{}).Run(ctx, false, (&sink{store: store}).emit, nil); err != nil {
			t.Fatal(err)
		}
		fast := rec.requests("/fast")
		if len(fast) < 5 {
			t.Fatalf("fast feed polled %d times in an hour, want at least 5", len(fast))
		}
		for i := 1; i < len(fast); i++ {
			if gap := fast[i].At.Sub(fast[i-1].At); gap != 10*time.Minute {
				t.Errorf("fast feed gap %d = %s, want 10m", i, gap)
			}
		}
	})
}

// TestItemsOlderThanRetention: an item dated before the retention window is
// not news: it is not emitted, and the poll's log line counts it, so an
// operator can see why a feed yields nothing.
func TestItemsOlderThanRetention(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("",
				rssItem{Title: "Quota cut announced", Link: "https://news.example/a/new", GUID: "new", Date: now.Add(-2 * time.Hour)},
				rssItem{Title: "Levy on tiles", Link: "https://news.example/a/old", GUID: "old", Date: now.Add(-40 * 24 * time.Hour)}))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{Retention: 30 * 24 * time.Hour})
		defer store.Close()
		core, logs := observer.New(zap.InfoLevel)
		out := &sink{store: store}
		s := newTestScheduler(t, client, store, []Feed{{URL: "http://news.example/feed.xml"}}, SchedulerOptions{Logger: zap.New(core)})
		if err := s.Run(t.Context(), true, out.emit, nil); err != nil {
			t.Fatal(err)
		}
		if got := out.guids(); !slices.Equal(got, []string{"new"}) {
			t.Errorf("emitted %v, want only the item inside the retention window", got)
		}
		polled := logs.FilterMessage("feed polled").All()
		if len(polled) != 1 {
			t.Fatalf("%d feed polled lines, want 1", len(polled))
		}
		if f := polled[0].ContextMap(); f["items"] != int64(2) || f["new"] != int64(1) || f["too_old"] != int64(1) {
			t.Errorf("feed polled fields %v, want items 2, new 1, too_old 1", f)
		}
	})
}

// TestFirstPollsAnnounced: a new feed's first poll waits a hash offset of
// its interval, and the start says when polling begins.
func TestFirstPollsAnnounced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, _ := startSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("", twoItems...))
		}), fetch.Options{})
		store := openTestStore(t, t.TempDir(), StoreOptions{})
		defer store.Close()
		core, logs := observer.New(zap.InfoLevel)
		fs := []Feed{{URL: "http://a.example/feed.xml"}, {URL: "http://b.example/feed.xml"}}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		s := newTestScheduler(t, client, store, fs, SchedulerOptions{Logger: zap.New(core)})
		if err := s.Run(ctx, false, (&sink{}).emit, nil); err != nil {
			t.Fatal(err)
		}
		got := logs.FilterMessage("feeds scheduled").All()
		if len(got) != 1 {
			t.Fatalf("%d feeds scheduled lines, want 1", len(got))
		}
		a, b := offset(fs[0].URL, 10*time.Minute), offset(fs[1].URL, 10*time.Minute)
		f := got[0].ContextMap()
		if f["feeds"] != int64(2) || f["first_poll_in"] != min(a, b) || f["last_first_poll_in"] != max(a, b) {
			t.Errorf("feeds scheduled %v, want 2 feeds, first poll in %s, last in %s", f, min(a, b), max(a, b))
		}
	})
}
