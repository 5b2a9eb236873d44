// Package events turns the text of a news article into trade events of the
// five core types (shared/spec/events.md). It reads text only: it never
// fetches and never parses HTML.
package events

import (
	"time"

	"github.com/newsevents/newsevents/schema"
)

// Version identifies the rules; it is carried by every event as
// extractor_version. Raise it when the rules change what they extract.
const Version = "events/0.0"

// Document is the text the engine reads.
type Document struct {
	Title     string
	Text      string    // the article body, paragraphs separated by "\n\n" or "\n"
	Published time.Time // reference date for relative dates; zero when unknown
}

// Compose returns the text the engine reads for doc: the title, a blank line
// and the body. Evidence offsets index into this string.
func Compose(doc Document) string {
	if doc.Title == "" {
		return doc.Text
	}
	return doc.Title + "\n\n" + doc.Text
}

// Engine extracts events. It is safe for concurrent use.
type Engine struct{}

// New compiles the rules.
func New() (*Engine, error) { return &Engine{}, nil }

// Extract returns the core events asserted by doc, one per identity. Each
// event has Type, Fields, OccurredOn, Evidence, Confidence, Rule and
// ExtractorVersion set; ID, EventKey, Article and ExtractedAt are left to
// the caller (see extractor.Finalize).
func (e *Engine) Extract(doc Document) []schema.Event {
	return nil // TODO(issue 3): the rules engine
}
