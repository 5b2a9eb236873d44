package pipeline

import (
	"context"
	"net/url"
	"strings"

	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/metrics"
)

// dispatcher hands the items emitted by the source to the workers, at most
// perHost items of one host being fetched at once. The fetch client keeps
// its own per-host limits and waits (rate, robots.txt Crawl-delay); without
// this, every worker could sit in such a wait for one slow host while the
// items of other hosts queue behind them. Items of a busy host are set
// aside (up to maxQueued items in all) and the workers take others.
//
// The hand-off is a queue, not a channel, because the next item is the
// oldest one whose host is free, not the oldest. One goroutine owns the
// queue: no locks. It ends when the source is done
// and the queue is empty, or at once when shutdown begins, leaving the
// queued items undone (their feeds' pending lists bring them back).
type dispatcher struct {
	perHost   int // 0: no per-host limit
	maxQueued int
	metrics   *metrics.Metrics

	in       <-chan job      // from emit; closed when the source is done
	out      chan job        // to the workers; closed when the dispatcher ends
	released chan string     // hosts whose fetch ended
	stop     <-chan struct{} // shutdown began
	ended    chan struct{}   // closed when run returns: releases no longer matter
}

func newDispatcher(ctx context.Context, in <-chan job, workers, perHost int, m *metrics.Metrics) *dispatcher {
	return &dispatcher{
		perHost:   perHost,
		maxQueued: 64 * workers,
		metrics:   m,
		in:        in,
		out:       make(chan job),
		released:  make(chan string, workers),
		stop:      ctx.Done(),
		ended:     make(chan struct{}),
	}
}

// fetchHost is the host whose slot an item needs: the lower-case host of
// its link, or "" when the feed's full text is used instead of the page.
func fetchHost(it feeds.Item) string {
	if it.SkipFetch && strings.TrimSpace(it.Content) != "" {
		return ""
	}
	u, err := url.Parse(it.Link)
	if err != nil {
		return it.Link // fails at fetch, with a clear error
	}
	return strings.ToLower(u.Host)
}

// release returns host's slot; the worker calls it once the fetch ended.
// run reads releases until it returns; after that there is nothing left to
// hand out and the release is dropped.
func (d *dispatcher) release(host string) {
	if host == "" {
		return
	}
	select {
	case d.released <- host:
	case <-d.ended:
	}
}

func (d *dispatcher) run() {
	defer close(d.out)
	defer close(d.ended)
	var (
		queue []job
		busy  = map[string]int{}
		in    = d.in
		stop  = d.stop
		// After shutdown began, items still arriving are dropped (left
		// undone) while releases go on being read.
		stopping bool
	)
	for {
		if in == nil && len(queue) == 0 {
			return
		}
		// The oldest item whose host has a free slot.
		next := -1
		for i, q := range queue {
			if q.host == "" || d.perHost <= 0 || busy[q.host] < d.perHost {
				next = i
				break
			}
		}
		var out chan job
		var nextJob job
		if next >= 0 {
			out, nextJob = d.out, queue[next]
		}
		recv := in
		if len(queue) >= d.maxQueued {
			recv = nil // backpressure: emit blocks, so the pollers wait
		}
		select {
		case j, ok := <-recv:
			if !ok {
				in = nil
				continue
			}
			if stopping {
				d.metrics.Queued(metrics.StageFetch, -1)
				j.pass.done()
				continue
			}
			queue = append(queue, j)
		case out <- nextJob:
			d.metrics.Queued(metrics.StageFetch, -1)
			if h := queue[next].host; h != "" {
				busy[h]++
			}
			queue = append(queue[:next], queue[next+1:]...)
		case h := <-d.released:
			if busy[h]--; busy[h] <= 0 {
				delete(busy, h)
			}
		case <-stop:
			// Shutdown: the items not started stay undone; in-flight ones
			// drain in the workers.
			for _, q := range queue {
				d.metrics.Queued(metrics.StageFetch, -1)
				q.pass.done()
			}
			queue, stop, stopping = nil, nil, true
		}
	}
}
