// Package extractor turns fetched pages and texts into articles and events:
// package page reads the HTML, package events reads the text.
package extractor

import (
	"fmt"
	"time"

	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/schema"
)

// Extractor is the one extractor the pipeline, `extract` and `eval` share.
type Extractor struct {
	pages  *page.Extractor
	events *events.Engine
}

// New builds the page extractor (with its default page size limit) and
// compiles the event rules.
func New() (*Extractor, error) { return NewWithOptions(page.Options{}) }

// NewWithOptions is New with the page extractor's options, such as the
// page size limit of the configuration.
func NewWithOptions(po page.Options) (*Extractor, error) {
	p, err := page.NewWithOptions(po)
	if err != nil {
		return nil, fmt.Errorf("page extractor: %w", err)
	}
	e, err := events.New()
	if err != nil {
		return nil, fmt.Errorf("event rules: %w", err)
	}
	return &Extractor{pages: p, events: e}, nil
}

// Page extracts the article of one HTML page and its events.
func (x *Extractor) Page(raw []byte, meta page.Meta, now time.Time) (schema.Article, []schema.Event, error) {
	art, err := x.pages.Extract(raw, meta)
	if err != nil {
		return art, nil, err
	}
	return art, x.Article(&art, now), nil
}

// Article extracts the events of an article already read.
func (x *Extractor) Article(art *schema.Article, now time.Time) []schema.Event {
	doc := events.Document{Title: art.Title, Text: art.Body}
	if art.Published != nil {
		doc.Published = *art.Published
	}
	evs := x.events.Extract(doc)
	Finalize(evs, art, now)
	return evs
}

// Text extracts the events of a plain text (the eval corpus, `extract FILE.txt`).
func (x *Extractor) Text(doc events.Document) []schema.Event {
	return x.events.Extract(doc)
}

// Finalize fills in what the event engine leaves to the caller: the schema
// version, identity, deterministic id, article reference and extraction time.
func Finalize(evs []schema.Event, art *schema.Article, now time.Time) {
	canonical := art.CanonicalURL
	if canonical == "" {
		canonical = art.URL
	}
	for i := range evs {
		e := &evs[i]
		e.SchemaVersion = schema.Version
		e.EventKey = schema.Key(e.Type, e.Fields)
		e.ID = schema.ID(canonical, e.EventKey)
		e.Article = art.Ref()
		e.ExtractedAt = now.UTC()
	}
}
