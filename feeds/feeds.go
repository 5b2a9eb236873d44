// Package feeds polls news feeds (RSS, Atom, JSON Feed) and turns their
// items into references to articles, politely and durably:
//
//   - Scheduler (pipeline.Source) polls every feed on its own interval with
//     conditional GETs, honours Cache-Control, Expires, <ttl> and
//     Retry-After, backs off failing feeds without ever dropping them, and
//     does it with a fixed pool of pollers;
//   - Store (pipeline.Store) keeps feed validators, schedules and the
//     articles done, by GUID, canonical URL and title+day, in bbolt (see
//     store.go for why bbolt);
//   - CanonicalURL, feed lists from config and OPML, and sharding.
package feeds

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"go.uber.org/zap"
	"golang.org/x/net/html/charset"

	"github.com/newsevents/newsevents/internal/fetch"
)

// Item is one feed entry: a reference to an article to fetch.
type Item struct {
	FeedURL   string
	GUID      string
	Link      string
	Title     string
	Published *time.Time
	// Content is the full text the feed carries (content:encoded), if any.
	Content string
	// SkipFetch is set when the feed is configured full_text and the item
	// carries Content: the pipeline extracts from Content instead of
	// fetching Link.
	SkipFetch bool
	// FeedName and Tags come from the feed's configuration.
	FeedName string
	Tags     []string
}

// Key identifies the item for de-duplication: its link, else its GUID.
func (it Item) Key() string {
	if it.Link != "" {
		return it.Link
	}
	return it.GUID
}

// DefaultMaxFeedBytes is the largest decoded feed body read.
const DefaultMaxFeedBytes = 10 << 20

// Poller fetches and parses feeds.
type Poller struct {
	Client   *fetch.Client
	Logger   *zap.Logger
	MaxBytes int64 // largest feed body, decoded (default 10 MiB)
}

// Validators are the conditional-GET validators of a feed.
type Validators struct {
	ETag         string
	LastModified string
}

// PollResult is the outcome of one successful poll.
type PollResult struct {
	// NotModified: the server answered 304; Items is empty.
	NotModified bool
	Items       []Item
	// Validators to send next time. Each is kept independently: a 304 that
	// omits one keeps the old one; a 200 without one clears it.
	Validators Validators
	// Freshness is how long the server says the feed stays fresh
	// (Cache-Control max-age, else Expires), 0 if it does not say.
	Freshness time.Duration
	// TTL is the RSS <ttl>, 0 if absent.
	TTL time.Duration
	// MovedTo is the URL the fetched one permanently redirects to (301,
	// 308), "" if it does not (see fetch.Response.MovedTo).
	MovedTo string
}

const acceptFeeds = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

// Poll fetches one feed unconditionally and returns its items in the order
// the feed lists them.
func (p *Poller) Poll(ctx context.Context, feedURL string) ([]Item, error) {
	r, err := p.PollFeed(ctx, Feed{URL: feedURL}, Validators{})
	if err != nil {
		return nil, err
	}
	return r.Items, nil
}

// PollFeed fetches one feed with a conditional GET using v. Errors are
// those of fetch (*fetch.StatusError, fetch.ErrTooLarge, *fetch.BlockedError...)
// or a parse error.
func (p *Poller) PollFeed(ctx context.Context, f Feed, v Validators) (*PollResult, error) {
	return p.pollAt(ctx, f, f.URL, v)
}

// pollAt is PollFeed fetching from fetchURL, the feed's address (f.URL or
// where it moved), while its items keep f.URL as their feed.
func (p *Poller) pollAt(ctx context.Context, f Feed, fetchURL string, v Validators) (*PollResult, error) {
	max := p.MaxBytes
	if max <= 0 {
		max = DefaultMaxFeedBytes
	}
	hdr := http.Header{"Accept": {acceptFeeds}}
	if v.ETag != "" {
		hdr.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		hdr.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := p.Client.GetFeed(ctx, fetchURL, hdr, max)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	res := &PollResult{Freshness: freshness(resp.Header, now), MovedTo: resp.MovedTo}
	if resp.StatusCode == http.StatusNotModified {
		res.NotModified = true
		res.Validators = v
		if e := resp.Header.Get("ETag"); e != "" {
			res.Validators.ETag = e
		}
		if lm := resp.Header.Get("Last-Modified"); lm != "" {
			res.Validators.LastModified = lm
		}
		return res, nil
	}
	res.Validators = Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	body := normalizeCharset(resp.Body, resp.Header.Get("Content-Type"))
	items, ttl, err := parse(f, resp.URL, body)
	if err != nil {
		return nil, err
	}
	res.Items, res.TTL = items, ttl
	return res, nil
}

// Parse parses a feed body into items.
func Parse(feedURL string, body []byte) ([]Item, error) {
	items, _, err := parse(Feed{URL: feedURL}, feedURL, normalizeCharset(body, ""))
	return items, err
}

var ttlRE = regexp.MustCompile(`(?is)<ttl>\s*(\d{1,6})\s*</ttl>`)

// parse parses body, fetched from finalURL (after redirects), for feed f.
func parse(f Feed, finalURL string, body []byte) ([]Item, time.Duration, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("feed %s: parse: %w", f.URL, err)
	}
	var ttl time.Duration
	head := body
	if i := bytes.Index(head, []byte("<item")); i >= 0 {
		head = head[:i]
	}
	if m := ttlRE.FindSubmatch(head); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil {
			ttl = time.Duration(n) * time.Minute
		}
	}
	base, _ := url.Parse(finalURL)
	items := make([]Item, 0, len(feed.Items))
	for _, gi := range feed.Items {
		it := Item{
			FeedURL:  f.URL,
			GUID:     strings.TrimSpace(gi.GUID),
			Link:     resolve(base, strings.TrimSpace(gi.Link)),
			Title:    strings.TrimSpace(gi.Title),
			Content:  gi.Content,
			FeedName: f.Name,
			Tags:     f.Tags,
		}
		switch {
		case gi.PublishedParsed != nil:
			it.Published = gi.PublishedParsed
		case gi.UpdatedParsed != nil:
			it.Published = gi.UpdatedParsed
		}
		if it.Link == "" && it.GUID == "" {
			continue
		}
		it.SkipFetch = f.FullText && strings.TrimSpace(it.Content) != ""
		items = append(items, it)
	}
	return items, ttl, nil
}

func resolve(base *url.URL, link string) string {
	if link == "" || base == nil {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	return base.ResolveReference(u).String()
}

// freshness reads Cache-Control max-age (or no-cache / no-store: 0), else
// Expires relative to Date (or now).
func freshness(h http.Header, now time.Time) time.Duration {
	for _, cc := range h.Values("Cache-Control") {
		for _, d := range strings.Split(cc, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-cache", "no-store":
				return 0
			case "max-age":
				n, err := strconv.Atoi(strings.Trim(val, `"`))
				if err != nil || n < 0 {
					return 0
				}
				return time.Duration(n) * time.Second
			}
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0
		}
		ref := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			ref = d
		}
		if t.After(ref) {
			return t.Sub(ref)
		}
	}
	return 0
}

var xmlDeclRE = regexp.MustCompile(`^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// normalizeCharset repairs feeds whose bytes and declared charset disagree:
//   - valid UTF-8 with non-ASCII text but declared as another charset is
//     taken as UTF-8 (real Latin-1 text is almost never valid UTF-8);
//   - bytes that are not valid UTF-8 and not declared in the XML prolog
//     are decoded with the Content-Type charset, else Windows-1252.
//
// A correct non-UTF-8 declaration is left to gofeed, which converts it.
func normalizeCharset(body []byte, contentType string) []byte {
	if t := bytes.TrimLeft(body, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		return body // JSON Feed: always UTF-8
	}
	declared := ""
	if m := xmlDeclRE.FindSubmatch(body); m != nil {
		declared = strings.ToLower(string(m[2]))
	}
	isUTF8 := declared == "" || declared == "utf-8" || declared == "utf8"
	if utf8.Valid(body) {
		if !isUTF8 && hasNonASCII(body) {
			return redeclareUTF8(body)
		}
		return body
	}
	if !isUTF8 {
		return body
	}
	label := "windows-1252"
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "utf8" {
			label = cs
		}
	}
	enc, _ := charset.Lookup(label)
	if enc == nil {
		enc, _ = charset.Lookup("windows-1252")
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return redeclareUTF8(out)
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// redeclareUTF8 rewrites the encoding of the XML declaration to UTF-8.
func redeclareUTF8(body []byte) []byte {
	loc := xmlDeclRE.FindSubmatchIndex(body)
	if loc == nil {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:loc[4]]...)
	out = append(out, "UTF-8"...)
	return append(out, body[loc[5]:]...)
}
