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

// StoredArticle is the value on news.articles: the extracted article, so
// that history can be re-extracted without fetching again.
type StoredArticle struct {
	SchemaVersion int            `json:"schema_version"`
	Article       schema.Article `json:"article"`
	FetchedAt     time.Time      `json:"fetched_at"`
}

// DeadLetter is the value on news.deadletter: an item that failed.
type DeadLetter struct {
	Stage      string    `json:"stage"`       // fetch, parse, extract, publish
	ErrorClass string    `json:"error_class"` // e.g. http_404, timeout, too_large
	Message    string    `json:"message"`
	Attempts   int       `json:"attempts"`
	URL        string    `json:"url"`
	FeedURL    string    `json:"feed_url,omitempty"`
	FailedAt   time.Time `json:"failed_at"`
}

// PublishArticle writes the article to news.articles, keyed by its
// canonical URL, and waits for the acknowledgement.
func (p *Publisher) PublishArticle(ctx context.Context, a *schema.Article, fetchedAt time.Time) error {
	v, err := json.Marshal(StoredArticle{SchemaVersion: schema.Version, Article: *a, FetchedAt: fetchedAt.UTC()})
	if err != nil {
		return fmt.Errorf("encoding article %s: %w", a.URL, err)
	}
	key := a.CanonicalURL
	if key == "" {
		key = a.URL
	}
	return p.write(ctx, kafka.Message{Topic: ArticlesTopic, Key: []byte(key), Value: v,
		Headers: []kafka.Header{{Key: "content-type", Value: []byte("application/json")}}})
}

// PublishDeadLetter writes d to news.deadletter, keyed by its URL, and waits
// for the acknowledgement.
func (p *Publisher) PublishDeadLetter(ctx context.Context, d DeadLetter) error {
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding dead letter for %s: %w", d.URL, err)
	}
	return p.write(ctx, kafka.Message{Topic: DeadLetterTopic, Key: []byte(d.URL), Value: v,
		Headers: []kafka.Header{{Key: "content-type", Value: []byte("application/json")}}})
}

// write sends one message and waits for its acknowledgement.
func (p *Publisher) write(ctx context.Context, m kafka.Message) error {
	pd := &pending{acks: make([]Ack, 1), left: 1, done: make(chan struct{})}
	m.WriterData = msgRef{p: pd, i: 0}
	if err := p.w.WriteMessages(ctx, m); err != nil {
		return fmt.Errorf("publish to %s: %w", m.Topic, err)
	}
	select {
	case <-pd.done:
	case <-ctx.Done():
		return fmt.Errorf("publish to %s: waiting for acknowledgement: %w", m.Topic, ctx.Err())
	}
	pd.mu.Lock()
	defer pd.mu.Unlock()
	if len(pd.errs) > 0 {
		return pd.errs[0]
	}
	return nil
}
