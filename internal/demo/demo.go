// Package demo is the bundled demo news site of newsevents: a fictional trade
// outlet, "The Harbour Ledger", whose article pages, index page, RSS 2.0 feed
// and Atom feed are embedded in the binary. `newsevents run --demo` serves it
// on a loopback port and the end-to-end tests run the pipeline against it.
//
// Every article was written for this project (none is copied from a real
// outlet). The events a careful labeller following shared/spec/events.md
// finds on each page are kept as data in site/expected.json and returned by
// Expected.
//
// Pages carry absolute URLs (canonical link, og:url, JSON-LD url), so they are
// rendered for the base URL the site is served on; see Handler.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/newsevents/newsevents/schema"
)

// SiteName is the name of the fictional outlet.
const SiteName = "The Harbour Ledger"

// Paths of the two feeds.
const (
	RSSPath  = "/feeds/rss.xml"
	AtomPath = "/feeds/atom.xml"
)

//go:embed site/articles/*.html site/articles.json site/expected.json site/layout.html
var siteFS embed.FS

// article is one entry of site/articles.json.
type article struct {
	Path        string   `json:"path"`
	File        string   `json:"file"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Section     string   `json:"section"`
	Author      string   `json:"author"`
	Published   string   `json:"published"` // RFC 3339
	Modified    string   `json:"modified"`  // RFC 3339
	Related     []string `json:"related"`
	Feeds       []string `json:"feeds"` // "rss", "atom"
}

func (a article) published() time.Time { t, _ := time.Parse(time.RFC3339, a.Published); return t }
func (a article) modified() time.Time  { t, _ := time.Parse(time.RFC3339, a.Modified); return t }

func (a article) inFeed(name string) bool {
	for _, f := range a.Feeds {
		if f == name {
			return true
		}
	}
	return false
}

// loadArticles reads and checks the article list, in publication order.
var loadArticles = sync.OnceValues(func() ([]article, error) {
	b, err := siteFS.ReadFile("site/articles.json")
	if err != nil {
		return nil, fmt.Errorf("read article list: %w", err)
	}
	var as []article
	if err := json.Unmarshal(b, &as); err != nil {
		return nil, fmt.Errorf("parse article list: %w", err)
	}
	seen := make(map[string]bool, len(as))
	for _, a := range as {
		if seen[a.Path] {
			return nil, fmt.Errorf("article %s listed twice", a.Path)
		}
		seen[a.Path] = true
		if a.published().IsZero() || a.modified().IsZero() {
			return nil, fmt.Errorf("article %s: bad published or modified time", a.Path)
		}
	}
	for _, a := range as {
		for _, r := range a.Related {
			if !seen[r] {
				return nil, fmt.Errorf("article %s: related story %s does not exist", a.Path, r)
			}
		}
	}
	return as, nil
})

// Paths returns the paths of all article pages, in publication order.
func Paths() []string {
	as, err := loadArticles()
	if err != nil {
		return nil
	}
	ps := make([]string, len(as))
	for i, a := range as {
		ps[i] = a.Path
	}
	return ps
}

// FeedURLs returns the URLs of the RSS and Atom feeds for base.
func FeedURLs(base string) []string {
	base = strings.TrimRight(base, "/")
	return []string{base + RSSPath, base + AtomPath}
}

// ExpectedEvent is one event a correct extractor finds on an article page.
type ExpectedEvent struct {
	Type   schema.Type
	Key    string // schema.Key(Type, Fields)
	Fields schema.Fields
}

// Expected is what a correct extractor finds on each article page, keyed by
// the article path (e.g. "/2026/01/canada-minister-cancels-mexico-visit.html").
// Pages with no event map to an empty slice. It returns nil only if the
// embedded data is broken, which the package tests rule out.
func Expected() map[string][]ExpectedEvent {
	m, err := loadExpected()
	if err != nil {
		return nil
	}
	out := make(map[string][]ExpectedEvent, len(m))
	for p, evs := range m {
		out[p] = append([]ExpectedEvent{}, evs...)
	}
	return out
}

var loadExpected = sync.OnceValues(func() (map[string][]ExpectedEvent, error) {
	b, err := siteFS.ReadFile("site/expected.json")
	if err != nil {
		return nil, fmt.Errorf("read expected events: %w", err)
	}
	var raw map[string][]struct {
		Type schema.Type `json:"type"`
		schema.Fields
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse expected events: %w", err)
	}
	out := make(map[string][]ExpectedEvent, len(raw))
	for p, evs := range raw {
		list := make([]ExpectedEvent, 0, len(evs))
		for _, e := range evs {
			if !e.Type.IsCore() {
				return nil, fmt.Errorf("expected events of %s: unknown type %q", p, e.Type)
			}
			list = append(list, ExpectedEvent{Type: e.Type, Key: schema.Key(e.Type, e.Fields), Fields: e.Fields})
		}
		out[p] = list
	}
	return out, nil
})

// page is one rendered resource of the site.
type page struct {
	body        []byte
	contentType string
	modified    time.Time
	etag        string
}

func newPage(body []byte, contentType string, modified time.Time) *page {
	sum := sha256.Sum256(body)
	return &page{body: body, contentType: contentType, modified: modified, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// Handler serves the demo site; base is the absolute URL it is reachable at,
// e.g. "http://127.0.0.1:41234" (no trailing slash). Every page is rendered
// once, here. Responses carry ETag and Last-Modified and honour conditional
// requests (304), as a real news site's feeds do.
func Handler(base string) http.Handler {
	pages, err := render(strings.TrimRight(base, "/"))
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "demo site: "+err.Error(), http.StatusInternalServerError)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", p.contentType)
		h.Set("ETag", p.etag)
		h.Set("Cache-Control", "public, max-age=60")
		http.ServeContent(w, r, "", p.modified, bytes.NewReader(p.body))
	})
}

// Serve listens on addr (e.g. "127.0.0.1:0"), serves the site until ctx is
// done, and returns the base URL once listening. The returned wait func
// blocks until the server has shut down (gracefully, within five seconds)
// and returns the error that stopped it, or nil after a shutdown asked for by
// ctx.
func Serve(ctx context.Context, addr string) (base string, wait func() error, err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("demo site: listen on %s: %w", addr, err)
	}
	base = "http://" + ln.Addr().String()
	srv := &http.Server{
		Handler:           Handler(base),
		ReadHeaderTimeout: 5 * time.Second,
	}
	done := make(chan error, 1)
	go func() {
		serveErr := make(chan error, 1)
		go func() { serveErr <- srv.Serve(ln) }()
		select {
		case err := <-serveErr:
			done <- fmt.Errorf("demo site: serve: %w", err)
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := srv.Shutdown(sctx)
			cancel()
			if err != nil {
				_ = srv.Close()
				err = fmt.Errorf("demo site: shutdown: %w", err)
			}
			if serr := <-serveErr; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = fmt.Errorf("demo site: serve: %w", serr)
			}
			done <- err
		}
	}()
	wait = sync.OnceValue(func() error { return <-done })
	return base, wait, nil
}
