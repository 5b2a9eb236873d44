package publish

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/schema"
)

// TestOversizedRecordsAreCutNotRetriedForever: an article body or an
// evidence sentence too long for one Kafka message is stored cut, with
// the cut recorded, instead of failing on every retry.
func TestOversizedRecordsAreCutNotRetriedForever(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, MaxAttempts: 2, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := ProvisionTopics(ctx, p.Conn(), TopicSpecsFromConfig(config.Default().Kafka), ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	para := strings.Repeat("Prices of the goods rose again, the ministry said, \"as expected\" — é. ", 40)
	var paras []string
	for len(strings.Join(paras, "\n\n")) < 3<<20 {
		paras = append(paras, para)
	}
	body := strings.Join(paras, "\n\n")
	art := schema.Article{URL: "https://news.example/long", CanonicalURL: "https://news.example/long", Title: "Long", Body: body}
	if err := p.PublishArticle(ctx, &art, time.Now()); err != nil {
		t.Fatalf("PublishArticle of a %d-byte body: %v", len(body), err)
	}
	if art.Body != body {
		t.Error("PublishArticle changed the caller's article")
	}
	e := testEvent(schema.TariffImposed, 1)
	e.Evidence.Sentence = strings.Repeat("word ", 400000)
	if _, err := p.Publish(ctx, []schema.Event{e}); err != nil {
		t.Fatalf("Publish with a 2 MB evidence sentence: %v", err)
	}

	got := readAll(ctx, t, p.Conn(), ArticlesTopic)
	if len(got) != 1 {
		t.Fatalf("%d stored articles, want 1", len(got))
	}
	if err := schema.ValidateAs(schema.ArticleSchema, got[0].Value); err != nil {
		t.Fatal(err)
	}
	var sa StoredArticle
	if err := json.Unmarshal(got[0].Value, &sa); err != nil {
		t.Fatal(err)
	}
	if len(got[0].Value) > MaxValueBytes {
		t.Errorf("stored value has %d bytes, above %d", len(got[0].Value), MaxValueBytes)
	}
	if !strings.HasPrefix(body, sa.Article.Body) || !strings.HasSuffix(sa.Article.Body, para) {
		t.Error("the stored body is not the start of the article cut at a paragraph")
	}
	if len(sa.Article.Warnings) != 1 || !strings.HasPrefix(sa.Article.Warnings[0], "body_truncated") {
		t.Errorf("warnings %q, want the cut recorded", sa.Article.Warnings)
	}
	evs := readAll(ctx, t, p.Conn(), p.Topic(schema.TariffImposed))
	if len(evs) != 1 || len(evs[0].Value) > 8192 {
		t.Errorf("%d events stored, want 1 with its sentence cut", len(evs))
	}
}
