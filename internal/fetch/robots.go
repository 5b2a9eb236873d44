package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
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

	mu      sync.Mutex
	entries map[string]*robotsEntry // by scheme://host:port
}

type robotsEntry struct {
	mu      sync.Mutex // held while fetching, so one fetch per host
	data    *robotstxt.RobotsData
	expires time.Time
}

func newRobotsCache(c *Client, ttl time.Duration) *robotsCache {
	return &robotsCache{c: c, ttl: ttl, agent: "newsevents", entries: map[string]*robotsEntry{}}
}

// allowed returns nil if robots.txt lets us fetch rawURL, an error wrapping
// ErrDisallowed if not, or the error fetching robots.txt.
func (r *robotsCache) allowed(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("GET %s: scheme must be http or https", rawURL)
	}
	origin := u.Scheme + "://" + u.Host
	e := r.entry(origin)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.data == nil || time.Now().After(e.expires) {
		data, ttl, err := r.fetch(ctx, origin)
		if err != nil {
			return fmt.Errorf("GET %s: robots.txt: %w", rawURL, err)
		}
		if ttl > r.ttl {
			ttl = r.ttl
		}
		e.data, e.expires = data, time.Now().Add(ttl)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.data.TestAgent(path, r.agent) {
		return fmt.Errorf("GET %s: %w", rawURL, ErrDisallowed)
	}
	return nil
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
	resp, err := r.c.do(ctx, origin+"/robots.txt", nil, maxRobotsBytes)
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
