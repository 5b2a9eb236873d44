package publish

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/schema"
)

var errorsAs = errors.As

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func startBroker(t *testing.T) *Embedded {
	t.Helper()
	b, err := StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestPublishAcksEveryEventAndKeysByIdentity(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	brokers := []string{b.Addr()}
	p, err := New(Options{Brokers: brokers, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	var specs []TopicSpec
	for _, topic := range p.Topics() {
		specs = append(specs, TopicSpec{Name: topic, Partitions: 3, ReplicationFactor: 1})
	}
	if err := EnsureTopics(ctx, brokers, specs); err != nil {
		t.Fatal(err)
	}
	// Creating them again is not an error.
	if err := EnsureTopics(ctx, brokers, specs); err != nil {
		t.Fatalf("second EnsureTopics: %v", err)
	}

	f := schema.Fields{ImposingCountry: "US", TargetCountry: "JP", RatePct: schema.Float(15)}
	key := schema.Key(schema.TariffRateAgreed, f)
	evs := []schema.Event{
		{Type: schema.TariffRateAgreed, Fields: f, EventKey: key, ID: schema.ID("https://a.example/1", key), ExtractedAt: time.Now()},
		{Type: schema.TariffRateAgreed, Fields: f, EventKey: key, ID: schema.ID("https://a.example/2", key), ExtractedAt: time.Now()},
	}
	acks, err := p.Publish(ctx, evs)
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) != 2 {
		t.Fatalf("got %d acks, want 2", len(acks))
	}
	if acks[0].Partition != acks[1].Partition {
		t.Errorf("same key on partitions %d and %d, want one partition", acks[0].Partition, acks[1].Partition)
	}
	if acks[0].Topic != "trade.tariff-rate-agreed" {
		t.Errorf("topic %q, want trade.tariff-rate-agreed", acks[0].Topic)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: acks[0].Topic, Partition: acks[0].Partition, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(acks[0].Offset); err != nil {
		t.Fatal(err)
	}
	m, err := r.ReadMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Key) != key {
		t.Errorf("key %q, want %q", m.Key, key)
	}
	hdr := map[string]string{}
	for _, h := range m.Headers {
		hdr[h.Key] = string(h.Value)
	}
	for k, want := range map[string]string{"ce_specversion": "1.0", "ce_id": evs[0].ID, "ce_type": "io.newsevents.tariff_rate_agreed.v1",
		"ce_dataschema": "https://newsevents.io/schema/v1/event.schema.json", "content-type": "application/json"} {
		if hdr[k] != want {
			t.Errorf("header %s = %q, want %q", k, hdr[k], want)
		}
	}
}

func TestPublishFailsWhenTopicMissing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, MaxAttempts: 2, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	f := schema.Fields{Parties: []string{"GB", "IN"}}
	_, err = p.Publish(ctx, []schema.Event{{Type: schema.TradeDealReached, Fields: f, EventKey: schema.Key(schema.TradeDealReached, f)}})
	if err == nil {
		t.Fatal("publishing to a topic that does not exist succeeded; want an error")
	}
}

// TestEveryMessageMatchesItsSchema publishes events of every type, an
// article and a dead letter, reads them back and validates each value
// against the JSON Schema named by its ce_dataschema header.
func TestEveryMessageMatchesItsSchema(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, Validate: true, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	specs := TopicSpecsFromConfig(config.Default().Kafka)
	if err := ProvisionTopics(ctx, p.Conn(), specs, ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	var evs []schema.Event
	for i, typ := range schema.CoreTypes() {
		evs = append(evs, testEvent(typ, i))
	}
	if _, err := p.Publish(ctx, evs); err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)
	art := schema.Article{URL: "https://news.example/a/1?x=1", CanonicalURL: "https://news.example/a/1", Title: "A title", Body: "One.\n\nTwo.", Published: &pub, Authors: []string{"A. Writer"}}
	if err := p.PublishArticle(ctx, &art, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := p.PublishDeadLetter(ctx, DeadLetter{Stage: StageFetch, ErrorClass: "http_404", Message: "not found", URL: "https://news.example/gone"}); err != nil {
		t.Fatal(err)
	}
	var topics []string
	for _, s := range specs {
		topics = append(topics, s.Name)
	}
	got := readAll(ctx, t, p.Conn(), topics...)
	if len(got) != len(evs)+2 {
		t.Fatalf("read %d messages, want %d", len(got), len(evs)+2)
	}
	names := map[string]string{}
	for _, n := range schema.SchemaNames() {
		names[schema.SchemaID(n)] = n
	}
	for _, m := range got {
		var id string
		for _, h := range m.Headers {
			if h.Key == "ce_dataschema" {
				id = string(h.Value)
			}
		}
		name, ok := names[id]
		if !ok {
			t.Errorf("%s: ce_dataschema %q is not a schema $id", m.Topic, id)
			continue
		}
		if err := schema.ValidateAs(name, m.Value); err != nil {
			t.Errorf("%s: %v", m.Topic, err)
		}
		if extra, _ := schema.UndeclaredFields(name, m.Value); len(extra) > 0 {
			t.Errorf("%s: fields not in the schema: %v", m.Topic, extra)
		}
	}
}

func TestPublishValidateRejectsInvalidEvent(t *testing.T) {
	p, err := New(Options{Brokers: []string{"127.0.0.1:1"}, Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	e := testEvent(schema.TariffImposed, 1)
	e.RatePct = nil
	_, err = p.Publish(context.Background(), []schema.Event{e})
	var ve *schema.ValidationError
	if !errorsAs(err, &ve) {
		t.Fatalf("Publish of an event without rate_pct = %v, want a *schema.ValidationError", err)
	}
	_ = json.Valid
}
