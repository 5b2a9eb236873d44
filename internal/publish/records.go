package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsevents/newsevents/schema"
)

// Topics beside the event topics.
const (
	ArticlesTopic   = "news.articles"
	DeadLetterTopic = "news.deadletter"
)

// StoredArticle is the value on news.articles (JSON Schema "article"): the
// extracted article, so that history can be re-extracted without fetching
// again (see the package doc for why not the HTML).
type StoredArticle struct {
	SchemaVersion int            `json:"schema_version"`
	Article       schema.Article `json:"article"`
	FetchedAt     time.Time      `json:"fetched_at"`
}

// Stages of a dead letter.
const (
	StageFetch   = "fetch"
	StageParse   = "parse"
	StageExtract = "extract"
	StagePublish = "publish"
)

// DeadLetter is the value on news.deadletter (JSON Schema "deadletter"):
// an item that failed, keyed by its URL.
type DeadLetter struct {
	// SchemaVersion is set by PublishDeadLetter.
	SchemaVersion int       `json:"schema_version,omitempty"`
	Stage         string    `json:"stage"`       // fetch, parse, extract, publish
	ErrorClass    string    `json:"error_class"` // e.g. http_404, timeout, too_large
	Message       string    `json:"message"`
	Attempts      int       `json:"attempts"`
	URL           string    `json:"url"`
	FeedURL       string    `json:"feed_url,omitempty"`
	FailedAt      time.Time `json:"failed_at"`
}

// ArticleMessage builds the news.articles message of a: key = canonical URL
// (the URL when there is none), so compaction keeps the latest version.
func ArticleMessage(a *schema.Article, fetchedAt time.Time) (kafka.Message, error) {
	v, err := json.Marshal(StoredArticle{SchemaVersion: schema.Version, Article: *a, FetchedAt: fetchedAt.UTC()})
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encoding article %s: %w", a.URL, err)
	}
	key := a.CanonicalURL
	if key == "" {
		key = a.URL
	}
	return kafka.Message{Topic: ArticlesTopic, Key: []byte(key), Value: v, Headers: []kafka.Header{
		{Key: "content-type", Value: []byte("application/json")},
		{Key: "ce_dataschema", Value: []byte(schema.SchemaID(schema.ArticleSchema))},
	}}, nil
}

// PublishArticle writes the article to news.articles, keyed by its
// canonical URL, and waits for the acknowledgement.
func (p *Publisher) PublishArticle(ctx context.Context, a *schema.Article, fetchedAt time.Time) error {
	m, err := ArticleMessage(a, fetchedAt)
	if err != nil {
		return err
	}
	return p.write(ctx, m)
}

// PublishDeadLetter writes d to news.deadletter, keyed by its URL, and waits
// for the acknowledgement. A zero FailedAt is set to now, zero Attempts to 1.
func (p *Publisher) PublishDeadLetter(ctx context.Context, d DeadLetter) error {
	if d.FailedAt.IsZero() {
		d.FailedAt = time.Now()
	}
	d.FailedAt = d.FailedAt.UTC()
	if d.Attempts < 1 {
		d.Attempts = 1
	}
	d.SchemaVersion = schema.Version
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding dead letter for %s: %w", d.URL, err)
	}
	return p.write(ctx, kafka.Message{Topic: DeadLetterTopic, Key: []byte(d.URL), Value: v, Headers: []kafka.Header{
		{Key: "content-type", Value: []byte("application/json")},
		{Key: "ce_dataschema", Value: []byte(schema.SchemaID(schema.DeadLetterSchema))},
	}})
}

// write sends one message and waits for its acknowledgement.
func (p *Publisher) write(ctx context.Context, m kafka.Message) error {
	if _, err := p.writeAll(ctx, []kafka.Message{m}); err != nil {
		return fmt.Errorf("to %s: %w", m.Topic, err)
	}
	return nil
}
