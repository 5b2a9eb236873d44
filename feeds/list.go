package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/html/charset"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/fetch"
)

// Feed is one feed to poll, with its options.
type Feed struct {
	URL  string
	Name string
	Tags []string
	// Interval overrides the scheduler's default interval (0: default).
	Interval time.Duration
	// FullText: items carrying content:encoded are emitted with SkipFetch.
	FullText bool
}

// FromConfig returns the feeds of cfg: its feeds: entries, then those of
// its opml: files (relative to the config file), without duplicates (the
// first listing of a URL wins), restricted to cfg.Shard.
func FromConfig(cfg config.Config) ([]Feed, error) {
	var out []Feed
	seen := map[string]bool{}
	add := func(f Feed) {
		if seen[f.URL] {
			return
		}
		seen[f.URL] = true
		out = append(out, f)
	}
	for _, f := range cfg.Feeds {
		add(Feed{URL: f.URL, Name: f.Name, Tags: f.Tags, Interval: f.Interval.D(), FullText: f.FullText})
	}
	for _, path := range cfg.OPML {
		if !filepath.IsAbs(path) && cfg.Path() != "" {
			path = filepath.Join(filepath.Dir(cfg.Path()), path)
		}
		fs, err := LoadOPML(path)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			add(f)
		}
	}
	if cfg.Shard != "" {
		sh, err := ParseShard(cfg.Shard)
		if err != nil {
			return nil, fmt.Errorf("shard: %w", err)
		}
		out = sh.Filter(out)
	}
	return out, nil
}

// LoadOPML reads the feeds of an OPML file.
func LoadOPML(path string) ([]Feed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	defer f.Close()
	fs, err := ParseOPML(io.LimitReader(f, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("opml %s: %w", path, err)
	}
	return fs, nil
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	Type     string        `xml:"type,attr"`
	XMLURL   string        `xml:"xmlUrl,attr"`
	Category string        `xml:"category,attr"`
	Outlines []opmlOutline `xml:"outline"`
}

type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Body    []opmlOutline `xml:"body>outline"`
}

// ParseOPML reads the feeds of an OPML document: every outline with an
// xmlUrl, named by its title (else text), tagged with the text of the
// outlines it is nested in and with its category attribute. Outlines whose
// xmlUrl is not an http(s) URL are an error naming them.
func ParseOPML(r io.Reader) ([]Feed, error) {
	var doc opmlDoc
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var out []Feed
	var walk func(os []opmlOutline, tags []string) error
	walk = func(os []opmlOutline, tags []string) error {
		for _, o := range os {
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				if err := config.CheckHTTPURL(u); err != nil {
					return fmt.Errorf("outline %q: xmlUrl %q: %w", o.Text, u, err)
				}
				name := strings.TrimSpace(o.Title)
				if name == "" {
					name = strings.TrimSpace(o.Text)
				}
				ft := append([]string(nil), tags...)
				for _, c := range strings.Split(o.Category, ",") {
					if c = strings.Trim(strings.TrimSpace(c), "/"); c != "" {
						ft = append(ft, c)
					}
				}
				out = append(out, Feed{URL: u, Name: name, Tags: ft})
			}
			if len(o.Outlines) > 0 {
				t := tags
				if label := strings.TrimSpace(o.Text); label != "" && o.XMLURL == "" {
					t = append(append([]string(nil), tags...), label)
				}
				if err := walk(o.Outlines, t); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(doc.Body, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// Shard is one instance's share of the feeds: shard I of N, from 1.
type Shard struct{ I, N int }

// ParseShard parses "i/N" (e.g. the --shard flag), numbered from 1.
func ParseShard(s string) (Shard, error) {
	i, n, err := config.ParseShard(s)
	if err != nil {
		return Shard{}, err
	}
	return Shard{I: i, N: n}, nil
}

// Has reports whether the feed at url belongs to this shard.
func (s Shard) Has(url string) bool { return s.N <= 1 || ShardOf(url, s.N) == s.I-1 }

// Filter returns the feeds of this shard.
func (s Shard) Filter(fs []Feed) []Feed {
	var out []Feed
	for _, f := range fs {
		if s.Has(f.URL) {
			out = append(out, f)
		}
	}
	return out
}

// ShardOf returns the shard (0 to n-1) that polls the feed at url, by
// rendezvous (highest random weight) hashing: every instance computes the
// same answer, and going from n to n+1 shards moves only the feeds the new
// shard wins.
func ShardOf(url string, n int) int {
	if n <= 1 {
		return 0
	}
	best, bestW := 0, uint64(0)
	var buf bytes.Buffer
	for i := range n {
		buf.Reset()
		fmt.Fprintf(&buf, "%d\x00%s", i, url)
		h := sha256.Sum256(buf.Bytes())
		if w := binary.BigEndian.Uint64(h[:8]); i == 0 || w > bestW {
			best, bestW = i, w
		}
	}
	return best
}

// SchedulerOptionsFromConfig maps the configuration to SchedulerOptions.
func SchedulerOptionsFromConfig(cfg config.Config, log *zap.Logger) SchedulerOptions {
	return SchedulerOptions{
		Interval:     cfg.Poll.Interval.D(),
		MinInterval:  cfg.Poll.MinInterval.D(),
		MaxInterval:  cfg.Poll.MaxInterval.D(),
		MaxBackoff:   cfg.Poll.MaxBackoff.D(),
		Pollers:      cfg.Poll.Pollers,
		PerHostPolls: cfg.Poll.PerHostConcurrency,
		MaxFeedBytes: cfg.Poll.MaxFeedBytes,
		Logger:       log,
	}
}

// StoreOptionsFromConfig maps the configuration to StoreOptions.
func StoreOptionsFromConfig(cfg config.Config, log *zap.Logger) StoreOptions {
	return StoreOptions{Retention: cfg.Retention.D(), Logger: log}
}

// NewFromConfig builds what `run` needs from the configuration: the feeds
// of cfg (feeds:, opml:, restricted to cfg.Shard), the state store opened in
// stateDir (cfg.StateDir if empty) and a scheduler polling them through
// client. The caller closes the store after Run has returned.
func NewFromConfig(cfg config.Config, stateDir string, client *fetch.Client, log *zap.Logger) (*Scheduler, *Store, error) {
	if log == nil {
		log = zap.NewNop()
	}
	fs, err := FromConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	if stateDir == "" {
		stateDir = cfg.StateDir
	}
	store, err := OpenStore(stateDir, StoreOptionsFromConfig(cfg, log))
	if err != nil {
		return nil, nil, err
	}
	s, err := NewScheduler(client, store, fs, SchedulerOptionsFromConfig(cfg, log))
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return s, store, nil
}

// Len is the number of feeds the scheduler polls.
func (s *Scheduler) Len() int { return len(s.feeds) }
