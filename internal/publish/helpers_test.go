package publish

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsevents/newsevents/schema"
)

// readAll reads every message of topics from the start to the end offsets
// of now, with partition readers.
func readAll(ctx context.Context, t *testing.T, conn Conn, topics ...string) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	client := conn.Client()
	defer CloseClient(client)
	for _, topic := range topics {
		parts, err := conn.Partitions(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		var reqs []kafka.OffsetRequest
		for _, p := range parts {
			reqs = append(reqs, kafka.LastOffsetOf(p))
		}
		resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
		if err != nil {
			t.Fatal(err)
		}
		for _, po := range resp.Topics[topic] {
			if po.Error != nil {
				t.Fatal(po.Error)
			}
			if po.LastOffset <= 0 {
				continue
			}
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: conn.Brokers, Topic: topic, Partition: po.Partition, Dialer: conn.Dialer(), MaxWait: 100 * time.Millisecond})
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					r.Close()
					t.Fatalf("reading %s/%d: %v", topic, po.Partition, err)
				}
				out = append(out, m)
				if m.Offset+1 >= po.LastOffset {
					break
				}
			}
			r.Close()
		}
	}
	return out
}

// testEvent returns a valid event number i of type typ.
func testEvent(typ schema.Type, i int) schema.Event {
	var f schema.Fields
	switch typ {
	case schema.TripCancelled:
		f = schema.Fields{TravelerCountry: "JP", DestinationCountry: "US", Status: "cancelled"}
	case schema.TariffRateAgreed, schema.TariffImposed:
		f = schema.Fields{ImposingCountry: "US", TargetCountry: "KR", RatePct: schema.Float(float64(10 + i%40))}
	case schema.InvestmentPledged:
		f = schema.Fields{Investor: "KR", RecipientCountry: "US", AmountUSD: schema.Float(float64(i+1) * 1e9)}
	case schema.TradeDealReached:
		f = schema.Fields{Parties: []string{"GB", "IN"}}
	}
	url := fmt.Sprintf("https://news.example/a/%d", i)
	key := schema.Key(typ, f)
	return schema.Event{
		SchemaVersion: schema.Version, ID: schema.ID(url, key), EventKey: key, Type: typ, Fields: f,
		Evidence:   schema.Evidence{Sentence: "Our own test sentence.", Start: 0, End: 22},
		Confidence: 0.7, Article: schema.ArticleRef{URL: url, CanonicalURL: url},
		ExtractorVersion: "test", ExtractedAt: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
	}
}

// publishRetry publishes evs like the pipeline does: again and again with
// a capped backoff until it succeeds or ctx ends.
func publishRetry(ctx context.Context, p *Publisher, evs []schema.Event) ([]Ack, error) {
	backoff := 100 * time.Millisecond
	for {
		acks, err := p.Publish(ctx, evs)
		if err == nil {
			return acks, nil
		}
		if ctx.Err() != nil {
			return nil, errors.Join(err, ctx.Err())
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

func eventSpecs(p *Publisher, partitions int) []TopicSpec {
	var specs []TopicSpec
	for _, topic := range p.Topics() {
		specs = append(specs, TopicSpec{Name: topic, Partitions: partitions, ReplicationFactor: 1, CleanupPolicy: "delete"})
	}
	return specs
}
