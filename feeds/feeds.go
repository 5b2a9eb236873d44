// Package feeds polls news feeds (RSS, Atom, JSON Feed) and turns their
// items into references to articles.
package feeds

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"go.uber.org/zap"

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
}

// Key identifies the item for de-duplication: its link, else its GUID.
func (it Item) Key() string {
	if it.Link != "" {
		return it.Link
	}
	return it.GUID
}

// Poller fetches and parses feeds.
type Poller struct {
	Client   *fetch.Client
	Logger   *zap.Logger
	MaxBytes int64 // largest feed body (default 10 MiB)
}

// Poll fetches one feed and returns its items, newest first as the feed
// lists them.
func (p *Poller) Poll(ctx context.Context, feedURL string) ([]Item, error) {
	max := p.MaxBytes
	if max <= 0 {
		max = 10 << 20
	}
	hdr := http.Header{"Accept": {"application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"}}
	resp, err := p.Client.Get(ctx, feedURL, hdr, max)
	if err != nil {
		return nil, err
	}
	return Parse(feedURL, resp.Body)
}

// Parse parses a feed body into items.
func Parse(feedURL string, body []byte) ([]Item, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", feedURL, err)
	}
	items := make([]Item, 0, len(f.Items))
	for _, gi := range f.Items {
		it := Item{
			FeedURL: feedURL,
			GUID:    strings.TrimSpace(gi.GUID),
			Link:    strings.TrimSpace(gi.Link),
			Title:   strings.TrimSpace(gi.Title),
			Content: gi.Content,
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
		items = append(items, it)
	}
	return items, nil
}
