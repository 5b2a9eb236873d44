package fetch

import (
	"io"
	"net/http"
	"sync"
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

// limitedTransport applies the per-host limits to every request, redirect
// hops included; a slot is held until the response body is closed.
type limitedTransport struct {
	next  http.RoundTripper
	hosts *hostLimits
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	e := t.hosts.get(hostOf(req.URL))
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		t.hosts.put(e)
		return nil, ctx.Err()
	}
	release := func() {
		<-e.sem
		t.hosts.put(e)
	}
	if err := e.lim.Wait(ctx); err != nil {
		release()
		return nil, err
	}
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
