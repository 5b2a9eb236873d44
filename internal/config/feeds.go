package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PollFeeds are the scheduler and politeness settings of Poll (inlined:
// written poll.min_interval, poll.pollers...).
type PollFeeds struct {
	// MinInterval is the shortest interval between two polls of one feed,
	// whatever the feed or config says (default 5m).
	MinInterval Duration `yaml:"min_interval"`
	// MaxInterval caps how far Cache-Control, Expires, <ttl> and
	// Retry-After can push the next poll (default 24h).
	MaxInterval Duration `yaml:"max_interval"`
	// MaxBackoff caps the exponential back-off of a failing feed (default 6h).
	MaxBackoff Duration `yaml:"max_backoff"`
	// ConnectTimeout bounds one TCP connect (default 10s).
	ConnectTimeout Duration `yaml:"connect_timeout"`
	// MaxRedirects is the most redirects followed per request (default 5).
	MaxRedirects int `yaml:"max_redirects"`
	// PerHostConcurrency is the most requests in flight to one host (default 2).
	PerHostConcurrency int `yaml:"per_host_concurrency"`
	// PerHostRate is the most requests per second to one host (default 1).
	PerHostRate float64 `yaml:"per_host_rate"`
	// IgnoreRobots stops honouring robots.txt for page fetches (default false).
	IgnoreRobots bool `yaml:"ignore_robots"`
	// MaxCrawlDelay caps the robots.txt Crawl-delay honoured between two
	// page fetches from one host, so a hostile robots.txt cannot stall the
	// pipeline (default 1m; 0 ignores Crawl-delay).
	MaxCrawlDelay Duration `yaml:"max_crawl_delay"`
	// Pollers is the number of feeds polled at once (default 16).
	Pollers int `yaml:"pollers"`
}

func defaultPollFeeds() PollFeeds {
	return PollFeeds{
		MinInterval:        Duration(5 * time.Minute),
		MaxInterval:        Duration(24 * time.Hour),
		MaxBackoff:         Duration(6 * time.Hour),
		ConnectTimeout:     Duration(10 * time.Second),
		MaxRedirects:       5,
		PerHostConcurrency: 2,
		PerHostRate:        1,
		MaxCrawlDelay:      Duration(time.Minute),
		Pollers:            16,
	}
}

// validateFeeds checks the fields of the feeds helper (feed options, OPML,
// state, shard, poll scheduling and politeness).
func (c *Config) validateFeeds(bad func(field, format string, args ...any) error) error {
	p := c.Poll.PollFeeds
	if p.MinInterval <= 0 {
		return bad("poll.min_interval", "must be positive")
	}
	if c.Poll.Interval < p.MinInterval {
		return bad("poll.interval", "%s is below poll.min_interval %s", c.Poll.Interval.D(), p.MinInterval.D())
	}
	if p.MaxInterval < c.Poll.Interval {
		return bad("poll.max_interval", "%s is below poll.interval %s", p.MaxInterval.D(), c.Poll.Interval.D())
	}
	if p.MaxBackoff < p.MinInterval {
		return bad("poll.max_backoff", "%s is below poll.min_interval %s", p.MaxBackoff.D(), p.MinInterval.D())
	}
	if p.ConnectTimeout <= 0 {
		return bad("poll.connect_timeout", "must be positive")
	}
	if p.MaxRedirects < 0 || p.MaxRedirects > 20 {
		return bad("poll.max_redirects", "%d: want 0 to 20", p.MaxRedirects)
	}
	if p.PerHostConcurrency < 1 {
		return bad("poll.per_host_concurrency", "%d: must be at least 1", p.PerHostConcurrency)
	}
	if p.PerHostRate <= 0 {
		return bad("poll.per_host_rate", "%v: must be positive (requests per second)", p.PerHostRate)
	}
	if p.MaxCrawlDelay < 0 {
		return bad("poll.max_crawl_delay", "%s: must not be negative (0 ignores Crawl-delay)", p.MaxCrawlDelay.D())
	}
	if p.Pollers < 1 || p.Pollers > 1024 {
		return bad("poll.pollers", "%d: want 1 to 1024", p.Pollers)
	}
	for i, f := range c.Feeds {
		if f.Interval != 0 && f.Interval < p.MinInterval {
			return bad(fmt.Sprintf("feeds[%d].interval", i), "%s is below poll.min_interval %s", f.Interval.D(), p.MinInterval.D())
		}
	}
	for i, o := range c.OPML {
		if strings.TrimSpace(o) == "" {
			return bad(fmt.Sprintf("opml[%d]", i), "empty path")
		}
	}
	if strings.TrimSpace(c.StateDir) == "" {
		return bad("state_dir", "empty: give a directory for the feed state")
	}
	if c.Retention < Duration(time.Hour) {
		return bad("retention", "%s: must be at least 1h", c.Retention.D())
	}
	if c.Shard != "" {
		if _, _, err := ParseShard(c.Shard); err != nil {
			return bad("shard", "%v", err)
		}
	}
	return nil
}

// ParseShard parses "i/N": this instance is shard i of N, numbered from 1.
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want i/N such as 1/3", s)
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("%q: want i/N such as 1/3", s)
	}
	if n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("%q: want 1 <= i <= N (shards are numbered from 1)", s)
	}
	return i, n, nil
}
