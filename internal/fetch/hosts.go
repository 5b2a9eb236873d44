package fetch

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// hostLimits holds, per host, a semaphore of PerHostConcurrency slots and
// a token bucket of PerHostRate requests per second. Idle hosts are
// forgotten so 10,000 feed hosts do not pin memory forever.
type hostLimits struct {
	conc int
	rate rate.Limit

	mu    sync.Mutex
	hosts map[string]*hostLimit
	sweep time.Time
}

type hostLimit struct {
	sem   chan struct{}
	lim   *rate.Limiter
	users int // requests holding or waiting for this entry
	last  time.Time
}

func newHostLimits(conc int, r rate.Limit) *hostLimits {
	return &hostLimits{conc: conc, rate: r, hosts: map[string]*hostLimit{}}
}

func (h *hostLimits) get(host string) *hostLimit {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if now.Sub(h.sweep) > time.Minute {
		h.sweep = now
		for k, e := range h.hosts {
			// An entry idle for a minute has a full bucket again: dropping it
			// changes nothing for the host.
			if e.users == 0 && now.Sub(e.last) > time.Minute {
				delete(h.hosts, k)
			}
		}
	}
	e := h.hosts[host]
	if e == nil {
		e = &hostLimit{sem: make(chan struct{}, h.conc), lim: rate.NewLimiter(h.rate, 1)}
		h.hosts[host] = e
	}
	e.users++
	e.last = now
	return e
}

func (h *hostLimits) put(e *hostLimit) {
	h.mu.Lock()
	e.users--
	e.last = time.Now()
	h.mu.Unlock()
}

// acquire waits for a slot and a token of host.
func (h *hostLimits) acquire(ctx context.Context, host string) (*hostLimit, error) {
	e := h.get(host)
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		h.put(e)
		return nil, ctx.Err()
	}
	if err := e.lim.Wait(ctx); err != nil {
		h.release(e)
		return nil, err
	}
	return e, nil
}

func (h *hostLimits) release(e *hostLimit) {
	<-e.sem
	h.put(e)
}

// preSlot is a slot of the first request's host acquired before the
// request's timeout starts, so time spent queueing behind other requests to
// the same host is not charged to this one.
type preSlot struct {
	host string
	e    *hostLimit
	used atomic.Bool
}

type preSlotKey struct{}

// limitedTransport applies the per-host limits to every request, redirect
// hops included; a slot is held until the response body is closed.
type limitedTransport struct {
	next  http.RoundTripper
	hosts *hostLimits
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	host := hostOf(req.URL)
	var e *hostLimit
	if ps, ok := ctx.Value(preSlotKey{}).(*preSlot); ok && ps.host == host && ps.used.CompareAndSwap(false, true) {
		e = ps.e
	} else {
		var err error
		if e, err = t.hosts.acquire(ctx, host); err != nil {
			return nil, err
		}
	}
	release := func() { t.hosts.release(e) }
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
