package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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

// MaxValueBytes bounds the value of one message: kafka-go refuses messages
// above its 1 MiB batch size at once, and a broker's default
// message.max.bytes is about the same. An article body too long for it is
// cut at a paragraph and the cut is recorded in the article's warnings
// (never silently); an event's evidence sentence too long is cut too.
// Without this, one oversized record would be retried forever.
const MaxValueBytes = 900 << 10

// ArticleMessage builds the news.articles message of a: key = canonical URL
// (the URL when there is none), so compaction keeps the latest version.
func ArticleMessage(a *schema.Article, fetchedAt time.Time) (kafka.Message, error) {
	sa := StoredArticle{SchemaVersion: schema.Version, Article: *a, FetchedAt: fetchedAt.UTC()}
	v, err := json.Marshal(sa)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encoding article %s: %w", a.URL, err)
	}
	if len(v) > MaxValueBytes {
		body := sa.Article.Body
		escaped, _ := json.Marshal(body)
		rest := len(v) - len(escaped) + 256 // the other fields and the warning
		// JSON escaping makes the body longer in the value than in memory:
		// scale the room left by that ratio, then cut at a paragraph.
		n := int(float64(MaxValueBytes-rest) * float64(len(body)) / float64(len(escaped)))
		for ; n > 0; n = n * 9 / 10 {
			cut := cutUTF8(body, n)
			if i := strings.LastIndex(cut, "\n\n"); i > len(cut)/2 {
				cut = cut[:i]
			}
			sa.Article.Body = cut
			sa.Article.Warnings = append(append([]string(nil), a.Warnings...),
				fmt.Sprintf("body_truncated: %d of %d bytes stored, to fit one Kafka message", len(cut), len(body)))
			if v, err = json.Marshal(sa); err != nil {
				return kafka.Message{}, fmt.Errorf("encoding article %s: %w", a.URL, err)
			}
			if len(v) <= MaxValueBytes {
				break
			}
		}
		if len(v) > MaxValueBytes {
			return kafka.Message{}, fmt.Errorf("article %s: %d bytes even with the body cut", a.URL, len(v))
		}
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

// cutUTF8 returns the first n bytes of s or fewer, ending at a rune
// boundary.
func cutUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
	d.Message = cutUTF8(d.Message, 16<<10)
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
