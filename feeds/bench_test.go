package feeds

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/internal/fetch"
)

// BenchmarkPoll10000Feeds polls a local farm of 10,000 feeds (one
// httptest server, 10,000 paths, 5 items each) once with the scheduler,
// state in bbolt, and reports polls/s and the peak RSS of the process
// (VmHWM; it includes the farm itself, so it overstates the poller). It
// then keeps polling every feed each second for 5s (conditional GETs, 304)
// and reports that rate too; the peak RSS covers both phases.
//
//	go test ./feeds/ -run '^$' -bench Poll10000 -benchtime 1x
func BenchmarkPoll10000Feeds(b *testing.B) {
	if testing.Short() {
		b.Skip("10,000 feeds: skipped under -short")
	}
	const nFeeds, nItems = 10000, 5
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", `"`+r.URL.Path+`"`)
		if r.Header.Get("If-None-Match") == `"`+r.URL.Path+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var items []rssItem
		for i := range nItems {
			items = append(items, rssItem{
				Title: fmt.Sprintf("Duties on item %d of %s", i, r.URL.Path),
				Link:  fmt.Sprintf("https://news.example%s/%d?utm_source=rss", r.URL.Path, i),
				GUID:  fmt.Sprintf("%s#%d", r.URL.Path, i),
				Date:  time.Now().Add(-time.Duration(i) * time.Hour),
			})
		}
		fmt.Fprint(w, rss("", items...))
	}))
	defer srv.Close()
	var fs []Feed
	for i := range nFeeds {
		fs = append(fs, Feed{URL: fmt.Sprintf("%s/feeds/%05d.xml", srv.URL, i)})
	}
	for b.Loop() {
		b.StopTimer()
		client, err := fetch.NewClient(fetch.Options{AllowCIDRs: []string{"127.0.0.0/8"}, PerHostRate: rate.Inf, PerHostConcurrency: 64})
		if err != nil {
			b.Fatal(err)
		}
		store, err := OpenStore(b.TempDir(), StoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		s, err := NewScheduler(client, store, fs, SchedulerOptions{Pollers: 64, PerHostPolls: 64})
		if err != nil {
			b.Fatal(err)
		}
		var emitted atomic.Int64
		var peakG atomic.Int64
		emit := func(ctx context.Context, it Item) error {
			if n := int64(runtime.NumGoroutine()); n > peakG.Load() {
				peakG.Store(n)
			}
			emitted.Add(1)
			return nil
		}
		b.StartTimer()
		start := time.Now()
		if err := s.Run(context.Background(), true, emit, nil); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		states, err := store.Feeds()
		if err != nil {
			b.Fatal(err)
		}
		failed := 0
		for _, st := range states {
			if st.Failures > 0 {
				failed++
			}
		}
		if len(states) != nFeeds || failed > 0 || emitted.Load() != nFeeds*nItems {
			b.Fatalf("%d feeds in state, %d failed, %d items emitted; want %d, 0, %d", len(states), failed, emitted.Load(), nFeeds, nFeeds*nItems)
		}
		// Steady state: the scheduler keeps polling every feed each second
		// (conditional GETs answered 304) for 5 seconds.
		steady, err := NewScheduler(client, store, fs, SchedulerOptions{Pollers: 64, PerHostPolls: 64, Interval: time.Second, MinInterval: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		var passes atomic.Int64
		before := served.Load()
		const steadyFor = 5 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), steadyFor)
		if err := steady.Run(ctx, false, emit, func() { passes.Add(1) }); err != nil {
			b.Fatal(err)
		}
		cancel()
		steadyPolls := served.Load() - before
		store.Close()
		client.CloseIdleConnections()
		b.ReportMetric(float64(nFeeds)/elapsed.Seconds(), "polls/s")
		b.ReportMetric(float64(peakG.Load()), "peak-goroutines")
		b.ReportMetric(float64(passes.Load()), "steady-passes")
		b.ReportMetric(float64(steadyPolls)/steadyFor.Seconds(), "steady-304-polls/s")
		if hwm := vmHWM(); hwm > 0 {
			b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
		}
		b.StartTimer()
	}
}

// vmHWM is the process's peak resident set size in bytes (Linux), 0 if unknown.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
