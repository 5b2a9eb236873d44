package publish

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newsevents/newsevents/schema"
)

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
	for k, want := range map[string]string{"ce_specversion": "1.0", "ce_id": evs[0].ID, "ce_type": "io.newsevents.tariff_rate_agreed.v1", "content-type": "application/json"} {
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
