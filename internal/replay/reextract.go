package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// Extractor turns a stored article into finalized events;
// (*extractor.Extractor).Article is one.
type Extractor interface {
	Article(art *schema.Article, now time.Time) []schema.Event
}

// ReextractOptions configure Reextract.
type ReextractOptions struct {
	Conn publish.Conn
	// TopicPrefix of the event topics (default schema.DefaultTopicPrefix).
	TopicPrefix string
	// Window selects the articles by the time they were stored.
	Window    Window
	Extractor Extractor
	// Publisher writes the new events; nil is a dry run (summary only).
	Publisher *publish.Publisher
	// Lookback is how long before Window.Since the previous events of
	// the articles are searched for (default 1h: the pipeline may publish
	// an article's events just before the article).
	Lookback time.Duration
	// Now is the extraction time (default time.Now).
	Now      func() time.Time
	Progress io.Writer
	Logger   *zap.Logger
}

// Summary compares the new extraction of the articles with the previous
// one: events are matched by id (same article, same event identity).
type Summary struct {
	Articles  int // articles re-extracted
	Events    int // events of the new extraction
	Added     int // ids the previous extraction did not have
	Changed   int // same id, different fields, evidence, confidence or rule
	Unchanged int
	Removed   int // ids of the previous extraction no longer found
	Published int // events written (0 in a dry run)
}

func (s Summary) String() string {
	return fmt.Sprintf("%d articles, %d events: %d added, %d changed, %d unchanged, %d removed; %d published",
		s.Articles, s.Events, s.Added, s.Changed, s.Unchanged, s.Removed, s.Published)
}

// Reextract reads the articles of the window from news.articles (the
// latest record of each canonical URL), runs the extractor over them,
// compares the events with the previous extraction of the same articles
// read from the event topics, and publishes the new events. Unchanged
// events keep their id, so downstream de-duplication absorbs them.
//
// The previous extraction of an article is the set of its events that
// share the latest extracted_at (one extraction stamps all its events
// with one time). An article whose previous extraction found nothing has
// no events to compare with: all its events count as added.
func Reextract(ctx context.Context, o ReextractOptions) (Summary, error) {
	log := logger(o.Logger)
	if o.TopicPrefix == "" {
		o.TopicPrefix = schema.DefaultTopicPrefix
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Lookback <= 0 {
		o.Lookback = time.Hour
	}
	if o.Extractor == nil {
		return Summary{}, fmt.Errorf("reextract: no extractor")
	}

	// 1. The articles.
	ranges, err := Plan(ctx, o.Conn, []string{publish.ArticlesTopic}, o.Window)
	if err != nil {
		return Summary{}, fmt.Errorf("reextract: %w", err)
	}
	articles := map[string]schema.Article{}
	var order []string
	bar := NewProgress(o.Progress, "articles", Total(ranges))
	err = Read(ctx, o.Conn, ranges, o.Window, func(m kafka.Message) error {
		if m.Value == nil { // tombstone
			delete(articles, string(m.Key))
			return nil
		}
		var sa publish.StoredArticle
		if err := json.Unmarshal(m.Value, &sa); err != nil {
			log.Warn("stored article not readable, skipped", zap.String("topic", m.Topic), zap.Int("partition", m.Partition), zap.Int64("offset", m.Offset), zap.Error(err))
			return nil
		}
		key := canonical(sa.Article.CanonicalURL, sa.Article.URL)
		if _, seen := articles[key]; !seen {
			order = append(order, key)
		}
		articles[key] = sa.Article
		return nil
	}, bar.Tick)
	bar.Done()
	if err != nil {
		return Summary{}, fmt.Errorf("reextract: reading articles: %w", err)
	}

	// 2. Their previous events.
	var topics []string
	for _, t := range schema.CoreTypes() {
		topics = append(topics, schema.Topic(o.TopicPrefix, t))
	}
	evWindow := Window{Since: o.Window.Since.Add(-o.Lookback)}
	if o.Window.Since.IsZero() {
		evWindow.Since = time.Time{}
	}
	evRanges, err := Plan(ctx, o.Conn, topics, evWindow)
	if err != nil {
		return Summary{}, fmt.Errorf("reextract: %w", err)
	}
	prev := map[string][]schema.Event{} // canonical URL → events
	bar = NewProgress(o.Progress, "events  ", Total(evRanges))
	err = Read(ctx, o.Conn, evRanges, evWindow, func(m kafka.Message) error {
		var e schema.Event
		if err := json.Unmarshal(m.Value, &e); err != nil {
			return nil
		}
		key := canonical(e.Article.CanonicalURL, e.Article.URL)
		if _, ok := articles[key]; ok {
			prev[key] = append(prev[key], e)
		}
		return nil
	}, bar.Tick)
	bar.Done()
	if err != nil {
		return Summary{}, fmt.Errorf("reextract: reading previous events: %w", err)
	}

	// 3. Extract again, compare, publish.
	var sum Summary
	now := o.Now()
	for _, key := range order {
		art, ok := articles[key]
		if !ok {
			continue
		}
		sum.Articles++
		evs := o.Extractor.Article(&art, now)
		sum.Events += len(evs)
		before := latestExtraction(prev[key])
		seen := map[string]bool{}
		for i := range evs {
			e := &evs[i]
			seen[e.ID] = true
			old, ok := before[e.ID]
			switch {
			case !ok:
				sum.Added++
			case sameContent(&old, e):
				sum.Unchanged++
			default:
				sum.Changed++
			}
		}
		for id := range before {
			if !seen[id] {
				sum.Removed++
			}
		}
		if o.Publisher != nil && len(evs) > 0 {
			if _, err := o.Publisher.Publish(ctx, evs); err != nil {
				return sum, fmt.Errorf("reextract: publishing the events of %s: %w", key, err)
			}
			sum.Published += len(evs)
		}
	}
	log.Info("reextract done", zap.Int("articles", sum.Articles), zap.Int("events", sum.Events), zap.Int("added", sum.Added),
		zap.Int("changed", sum.Changed), zap.Int("unchanged", sum.Unchanged), zap.Int("removed", sum.Removed), zap.Int("published", sum.Published))
	return sum, nil
}

func canonical(c, u string) string {
	if c != "" {
		return c
	}
	return u
}

// latestExtraction returns, by id, the events of evs that carry the latest
// extracted_at.
func latestExtraction(evs []schema.Event) map[string]schema.Event {
	var latest time.Time
	for _, e := range evs {
		if e.ExtractedAt.After(latest) {
			latest = e.ExtractedAt
		}
	}
	out := map[string]schema.Event{}
	for _, e := range evs {
		if e.ExtractedAt.Equal(latest) {
			out[e.ID] = e
		}
	}
	return out
}

// sameContent compares what an extraction decides: type, fields, dates,
// evidence, confidence and rule; not the extraction time, the extractor
// version or the article reference.
func sameContent(a, b *schema.Event) bool {
	strip := func(e schema.Event) []byte {
		e.ExtractedAt = time.Time{}
		e.ExtractorVersion = ""
		e.Article = schema.ArticleRef{}
		v, _ := json.Marshal(e)
		return v
	}
	return bytes.Equal(strip(*a), strip(*b))
}
