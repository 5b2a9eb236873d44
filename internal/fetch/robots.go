package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
	"go.uber.org/zap"
)

// maxRobotsBytes is the most of a robots.txt read (Google reads 500 KiB).
const maxRobotsBytes = 512 << 10

// maxRobotsHosts bounds the cache; past it, expired entries are dropped,
// then arbitrary ones.
const maxRobotsHosts = 10000

type robotsCache struct {
	c     *Client
	ttl   time.Duration
	agent string
	// maxDelay caps Crawl-delay (0: Crawl-delay ignored); hostInterval is
	// the gap the per-host rate already imposes (0: none).
	maxDelay, hostInterval time.Duration

	mu      sync.Mutex
	entries map[string]*robotsEntry // by scheme://host:port
}

type robotsEntry struct {
	mu      sync.Mutex // held while fetching, so one fetch per host
	data    *robotstxt.RobotsData
	expires time.Time
	// crawl spaces the pages of the origin by its Crawl-delay when that is
	// longer than the per-host rate's gap; nil otherwise.
	crawl *crawlGate
	// logged is the delay last logged, so each host is logged once (and
	// again only if its robots.txt changes the delay).
	logged time.Duration
}

func newRobotsCache(c *Client, ttl, maxDelay, hostInterval time.Duration) *robotsCache {
	return &robotsCache{c: c, ttl: ttl, agent: "newsevents", maxDelay: maxDelay, hostInterval: hostInterval,
		entries: map[string]*robotsEntry{}}
}

// allowed returns nil if robots.txt lets us fetch rawURL, an error wrapping
// ErrDisallowed if not, or the error fetching robots.txt; and, when the
// origin's Crawl-delay is longer than the per-host rate's gap, the gate to
// pass before the request.
func (r *robotsCache) allowed(ctx context.Context, rawURL string) (*crawlGate, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("GET %s: scheme must be http or https", rawURL)
	}
	origin := u.Scheme + "://" + u.Host
	e := r.entry(origin)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.data == nil || time.Now().After(e.expires) {
		data, ttl, err := r.fetch(ctx, origin)
		if err != nil {
			return nil, fmt.Errorf("GET %s: robots.txt: %w", rawURL, err)
		}
		if ttl > r.ttl {
			ttl = r.ttl
		}
		e.data, e.expires = data, time.Now().Add(ttl)
		r.setCrawlDelay(e, u.Hostname())
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.data.TestAgent(path, r.agent) {
		return nil, fmt.Errorf("GET %s: %w", rawURL, ErrDisallowed)
	}
	return e.crawl, nil
}

// setCrawlDelay sets e.crawl from the Crawl-delay of e.data for our agent
// (its own group, else "*"), capped at maxDelay; with e.mu held.
func (r *robotsCache) setCrawlDelay(e *robotsEntry, host string) {
	asked := e.data.FindGroup(r.agent).CrawlDelay
	d := min(asked, r.maxDelay)
	if d <= r.hostInterval {
		e.crawl, e.logged = nil, 0
		return
	}
	if e.crawl == nil {
		e.crawl = newCrawlGate(d)
	} else {
		e.crawl.setDelay(d)
	}
	if d != e.logged {
		e.logged = d
		r.c.log.Info("robots crawl-delay applied", zap.String("host", host), zap.Duration("delay", d),
			zap.Duration("crawl_delay", asked), zap.Duration("max_crawl_delay", r.maxDelay))
	}
}

func (r *robotsCache) entry(origin string) *robotsEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[origin]
	if e != nil {
		return e
	}
	if len(r.entries) >= maxRobotsHosts {
		now := time.Now()
		for k, old := range r.entries {
			if old.mu.TryLock() {
				expired := old.data == nil || now.After(old.expires)
				old.mu.Unlock()
				if expired {
					delete(r.entries, k)
				}
			}
		}
		for k := range r.entries {
			if len(r.entries) < maxRobotsHosts {
				break
			}
			delete(r.entries, k)
		}
	}
	e = &robotsEntry{}
	r.entries[origin] = e
	return e
}

// fetch reads origin/robots.txt: 2xx is parsed (a file that does not parse
// allows everything), 4xx allows everything, 5xx disallows everything
// (RFC 9309 section 2.3.1) but only for 10 minutes.
func (r *robotsCache) fetch(ctx context.Context, origin string) (*robotstxt.RobotsData, time.Duration, error) {
	allowAll, _ := robotstxt.FromStatusAndBytes(404, nil)
	resp, err := r.c.do(ctx, origin+"/robots.txt", nil, maxRobotsBytes, nil)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.StatusCode >= 500:
		data, _ := robotstxt.FromStatusAndBytes(se.StatusCode, nil)
		return data, 10 * time.Minute, nil
	case errors.As(err, &se):
		return allowAll, r.ttl, nil
	case errors.Is(err, ErrTooLarge):
		return allowAll, r.ttl, nil // too big to be a real robots.txt
	case err != nil:
		return nil, 0, err
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, resp.Body)
	if err != nil {
		return allowAll, r.ttl, nil
	}
	return data, r.ttl, nil
}

// crawlGate spaces the page requests of one origin by its Crawl-delay: one
// page at a time waits for the gate, and the next may start delay after
// the previous one actually started (got its host slot), so a wait for the
// host's rate limit never shortens the gap.
type crawlGate struct {
	slot chan struct{} // size 1: held from the wait to the request's start

	mu    sync.Mutex
	delay time.Duration
	last  time.Time // the last page request's start
}

func newCrawlGate(delay time.Duration) *crawlGate {
	return &crawlGate{slot: make(chan struct{}, 1), delay: delay}
}

func (g *crawlGate) setDelay(d time.Duration) {
	g.mu.Lock()
	g.delay = d
	g.mu.Unlock()
}

// wait takes the gate once delay has passed since the last start. The
// returned func records the start and opens the gate for the next page;
// call it when the request starts, or when it gives up (calls after the
// first do nothing).
func (g *crawlGate) wait(ctx context.Context) (started func(), err error) {
	select {
	case g.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	g.mu.Lock()
	at := g.last.Add(g.delay)
	g.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-g.slot
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.last = time.Now()
			g.mu.Unlock()
			<-g.slot
		})
	}, nil
}
