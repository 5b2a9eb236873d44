package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFeedsConfig(t *testing.T) {
	const feed = "feeds: [{url: https://news.example.com/rss}]\n"
	tests := []struct {
		name      string
		give      string
		wantField string // "" means valid
		check     func(t *testing.T, c Config)
	}{
		{
			name: "defaults",
			give: feed,
			check: func(t *testing.T, c Config) {
				p := c.Poll
				if p.MinInterval.D() != 5*time.Minute || p.MaxBackoff.D() != 6*time.Hour || p.PerHostConcurrency != 2 ||
					p.PerHostRate != 1 || p.MaxRedirects != 5 || p.Pollers != 16 || p.IgnoreRobots || p.MaxCrawlDelay.D() != time.Minute {
					t.Errorf("poll defaults %+v", p.PollFeeds)
				}
				if c.StateDir != "state" || c.Retention.D() != 30*24*time.Hour || c.Shard != "" {
					t.Errorf("state defaults %q %s %q", c.StateDir, c.Retention.D(), c.Shard)
				}
			},
		},
		{
			name: "every field set",
			give: `feeds:
  - {url: https://a.example/rss, name: A, tags: [steel], interval: 15m, full_text: true}
opml: [lists/trade.opml]
state_dir: /var/lib/newsevents
retention: 240h
shard: 2/3
poll:
  min_interval: 6m
  max_interval: 12h
  max_backoff: 2h
  connect_timeout: 3s
  max_redirects: 3
  per_host_concurrency: 4
  per_host_rate: 0.5
  ignore_robots: true
  max_crawl_delay: 10s
  pollers: 64
`,
			check: func(t *testing.T, c Config) {
				f := c.Feeds[0]
				if !f.FullText || f.Interval.D() != 15*time.Minute || f.Name != "A" {
					t.Errorf("feed %+v", f)
				}
				p := c.Poll
				if p.MinInterval.D() != 6*time.Minute || p.MaxInterval.D() != 12*time.Hour || p.MaxBackoff.D() != 2*time.Hour ||
					p.ConnectTimeout.D() != 3*time.Second || p.MaxRedirects != 3 || p.PerHostConcurrency != 4 ||
					p.PerHostRate != 0.5 || !p.IgnoreRobots || p.Pollers != 64 || p.MaxCrawlDelay.D() != 10*time.Second {
					t.Errorf("poll %+v", p.PollFeeds)
				}
				if c.OPML[0] != "lists/trade.opml" || c.StateDir != "/var/lib/newsevents" || c.Retention.D() != 240*time.Hour || c.Shard != "2/3" {
					t.Errorf("top level %v %q %s %q", c.OPML, c.StateDir, c.Retention.D(), c.Shard)
				}
			},
		},
		{name: "opml alone is enough", give: "opml: [feeds.opml]\n"},
		{name: "no feeds and no opml", give: "workers: 2\n", wantField: "feeds"},
		{name: "feed interval below minimum", give: "feeds: [{url: https://a.example/rss, interval: 1m}]\n", wantField: "feeds[0].interval"},
		{name: "poll interval below minimum", give: feed + "poll: {interval: 2m}\n", wantField: "poll.interval"},
		{name: "lower minimum allows a short interval", give: feed + "poll: {interval: 30s, min_interval: 30s}\n"},
		{name: "max interval below interval", give: feed + "poll: {max_interval: 1m, min_interval: 1m, interval: 2m}\n", wantField: "poll.max_interval"},
		{name: "backoff cap below minimum", give: feed + "poll: {max_backoff: 1m}\n", wantField: "poll.max_backoff"},
		{name: "zero per-host concurrency", give: feed + "poll: {per_host_concurrency: 0}\n", wantField: "poll.per_host_concurrency"},
		{name: "negative per-host rate", give: feed + "poll: {per_host_rate: -1}\n", wantField: "poll.per_host_rate"},
		{name: "too many redirects", give: feed + "poll: {max_redirects: 50}\n", wantField: "poll.max_redirects"},
		{name: "negative crawl-delay cap", give: feed + "poll: {max_crawl_delay: -1s}\n", wantField: "poll.max_crawl_delay"},
		{name: "crawl-delay cap zero ignores it", give: feed + "poll: {max_crawl_delay: 0s}\n"},
		{name: "no pollers", give: feed + "poll: {pollers: 0}\n", wantField: "poll.pollers"},
		{name: "empty opml path", give: feed + "opml: ['']\n", wantField: "opml[0]"},
		{name: "empty state dir", give: feed + "state_dir: ''\n", wantField: "state_dir"},
		{name: "retention too short", give: feed + "retention: 10m\n", wantField: "retention"},
		{name: "shard out of range", give: feed + "shard: 4/3\n", wantField: "shard"},
		{name: "shard numbered from zero", give: feed + "shard: 0/3\n", wantField: "shard"},
		{name: "shard not i/N", give: feed + "shard: two\n", wantField: "shard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("test.yaml", []byte(tt.give))
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.wantField {
				t.Fatalf("err %v, want a FieldError on %s", err, tt.wantField)
			}
			if !strings.Contains(err.Error(), "test.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		give    string
		wantI   int
		wantN   int
		wantErr bool
	}{
		{give: "1/1", wantI: 1, wantN: 1},
		{give: "2/3", wantI: 2, wantN: 3},
		{give: " 3/3 ", wantI: 3, wantN: 3},
		{give: "0/3", wantErr: true},
		{give: "4/3", wantErr: true},
		{give: "1/0", wantErr: true},
		{give: "1-3", wantErr: true},
		{give: "a/b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			i, n, err := ParseShard(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if i != tt.wantI || n != tt.wantN {
				t.Errorf("got %d/%d, want %d/%d", i, n, tt.wantI, tt.wantN)
			}
		})
	}
}
