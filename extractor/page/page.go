// Package page turns one HTML page into a schema.Article: title, body,
// dates, authors, language, canonical URL, site name and section.
// It parses what it is given; it never fetches.
//
// After x/net/html has parsed the decoded page, three passes do the work:
//
//  1. collect: metadata (JSON-LD, OpenGraph and article:*, parsely,
//     sailthru and Dublin Core meta, <time>, canonical link, <html lang>)
//     and the blocks unlikely to be content (hidden, navigation roles,
//     noise-like class names such as share, related, newsletter, ad slots);
//  2. measure: text and link lengths of every element and Readability's
//     scores of the blocks holding paragraphs (a block's <p> children and
//     its own runs of inline text count as paragraphs, by length and
//     commas; weighted by tag and class name; discounted by link density);
//  3. write: the text of the best block, moved up when its ancestors hold
//     more of the story, with its siblings that look like story, leaving out
//     link lists, captions, teasers of other articles, and lines of page
//     furniture (bylines, date lines, "Read more", credits).
//
// A second measure/write runs, without the class-name filter, only when
// the first finds almost nothing; JSON-LD articleBody stands in when the
// HTML holds no story at all. Per-site rules (rules.json, or
// Options.Rules) name body and noise selectors; they are compiled with
// cascadia when the extractor is built.
package page

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/net/html"

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

// DefaultMaxBytes is the default page size limit: larger pages are refused.
const DefaultMaxBytes = 8 << 20

// ErrTooLarge is returned for a page above the size limit. Such a page is
// never parsed, nor truncated.
var ErrTooLarge = errors.New("page above the size limit")

// Options configure an extractor. The zero value is usable: built-in site
// rules, an 8 MiB limit and the wall clock.
type Options struct {
	// MaxBytes is the size limit of a raw page; 0 means DefaultMaxBytes.
	MaxBytes int
	// Rules are per-site rules used instead of the built-in ones when not nil.
	Rules []SiteRule
	// Now is the clock used to reject published dates in the future;
	// nil means time.Now.
	Now func() time.Time
}

// Extractor extracts articles. It is safe for concurrent use.
type Extractor struct {
	maxBytes int
	rules    *ruleSet
	now      func() time.Time
}

// New returns an extractor with the built-in site rules.
func New() (*Extractor, error) { return NewWithOptions(Options{}) }

// NewWithOptions returns an extractor configured by o. A site rule with a
// selector that does not compile is an error.
func NewWithOptions(o Options) (*Extractor, error) {
	if o.MaxBytes < 0 {
		return nil, fmt.Errorf("max bytes %d: must not be negative", o.MaxBytes)
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	rules := o.Rules
	if rules == nil {
		var err error
		if rules, err = BuiltinRules(); err != nil {
			return nil, err
		}
	}
	rs, err := compileRules(rules)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Extractor{maxBytes: o.MaxBytes, rules: rs, now: o.Now}, nil
}

// MaxBytes returns the size limit of a page.
func (x *Extractor) MaxBytes() int { return x.maxBytes }

// ExtractReader reads a page from r, refusing it with ErrTooLarge when it is
// above the size limit, and extracts it.
func (x *Extractor) ExtractReader(r io.Reader, meta Meta) (schema.Article, error) {
	raw, err := io.ReadAll(io.LimitReader(r, int64(x.maxBytes)+1))
	if err != nil {
		return schema.Article{URL: meta.URL, FeedURL: meta.FeedURL}, fmt.Errorf("read page: %w", err)
	}
	return x.Extract(raw, meta)
}

// Extract reads one page. raw is the undecoded body; its charset is taken
// from the Content-Type header, a <meta> tag, or sniffed.
func (x *Extractor) Extract(raw []byte, meta Meta) (schema.Article, error) {
	art := schema.Article{URL: meta.URL, CanonicalURL: meta.URL, FeedURL: meta.FeedURL}
	if len(raw) > x.maxBytes {
		return art, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, x.maxBytes)
	}
	contentType := ""
	if meta.Header != nil {
		contentType = meta.Header.Get("Content-Type")
	}
	text, err := decode(raw, contentType)
	if err != nil {
		return art, err
	}
	root, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return art, fmt.Errorf("parse html: %w", err)
	}
	d := newDoc(root, meta.URL)
	d.collect(root)
	x.fillMeta(&art, d, meta)
	art.Body = x.body(d, &art)
	return art, nil
}
