// Package page turns one HTML page into a schema.Article: title, body,
// dates, authors, language, canonical URL, site name and section.
// It parses what it is given; it never fetches.
package page

import (
	"net/http"
	"time"

	"github.com/newsevents/newsevents/schema"
)

// Meta is what is known of a page besides its bytes.
type Meta struct {
	URL           string      // the URL the page was fetched from (after redirects)
	Header        http.Header // response headers (Content-Type charset), may be nil
	FeedURL       string
	FeedTitle     string     // the feed item's title, a fallback
	FeedPublished *time.Time // the feed item's date, the last date source
}

// Extractor extracts articles. It is safe for concurrent use.
type Extractor struct{}

// New returns an extractor with the built-in site rules.
func New() (*Extractor, error) { return &Extractor{}, nil }

// Extract reads one page. raw is the undecoded body; its charset is taken
// from the Content-Type header, a <meta> tag, or sniffed.
func (x *Extractor) Extract(raw []byte, meta Meta) (schema.Article, error) {
	return schema.Article{URL: meta.URL, CanonicalURL: meta.URL}, nil // TODO(issue 4)
}
