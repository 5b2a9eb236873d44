// Package publish writes events to Kafka through one shared kafka.Writer:
// topic routing, message keys and CloudEvents headers, acknowledgements
// reported per batch of events; and the embedded broker.
package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newsevents/newsevents/schema"
)

// Options configure a Publisher.
type Options struct {
	Brokers     []string
	TopicPrefix string // default schema.DefaultTopicPrefix
	// BatchTimeout bounds how long a partial batch waits (default 10ms).
	// Acknowledgements pace the pipeline, not this timer: many articles
	// publish at once and share batches.
	BatchTimeout time.Duration
	// MaxAttempts per batch before the error is surfaced (default 10).
	MaxAttempts int
	Logger      *zap.Logger
}

// Publisher publishes events. It is safe for concurrent use.
type Publisher struct {
	w      *kafka.Writer
	prefix string
	log    *zap.Logger
}

// Ack says where Kafka stored one event.
type Ack struct {
	Topic     string
	Partition int
	Offset    int64
}

// New returns a publisher writing to brokers. It does not connect until the
// first write.
func New(opts Options) (*Publisher, error) {
	if len(opts.Brokers) == 0 {
		return nil, errors.New("publish: no brokers")
	}
	if opts.TopicPrefix == "" {
		opts.TopicPrefix = schema.DefaultTopicPrefix
	}
	if err := schema.ValidateTopicPrefix(opts.TopicPrefix); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if opts.BatchTimeout <= 0 {
		opts.BatchTimeout = 10 * time.Millisecond
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	p := &Publisher{prefix: opts.TopicPrefix, log: opts.Logger}
	p.w = &kafka.Writer{
		Addr: kafka.TCP(opts.Brokers...),
		// Murmur2 on the key, as the Java client does: every mention of one
		// event (same key) lands on one partition, in order.
		Balancer: &kafka.Murmur2Balancer{},
		// kafka-go's default is RequireNone, which loses data silently.
		RequiredAcks:           kafka.RequireAll,
		MaxAttempts:            opts.MaxAttempts,
		WriteBackoffMin:        100 * time.Millisecond,
		WriteBackoffMax:        2 * time.Second,
		BatchTimeout:           opts.BatchTimeout,
		Async:                  true,
		AllowAutoTopicCreation: false,
		Completion:             complete,
		ErrorLogger:            kafka.LoggerFunc(func(msg string, args ...any) { p.log.Sugar().Warnf("kafka: "+msg, args...) }),
	}
	return p, nil
}

// Topic returns the topic of event type t.
func (p *Publisher) Topic(t schema.Type) string { return schema.Topic(p.prefix, t) }

// Topics returns the topics of the core event types.
func (p *Publisher) Topics() []string {
	var ts []string
	for _, t := range schema.CoreTypes() {
		ts = append(ts, p.Topic(t))
	}
	return ts
}

// pending tracks the acknowledgements of one Publish call.
type pending struct {
	mu   sync.Mutex
	acks []Ack
	errs []error
	left int
	done chan struct{}
}

type msgRef struct {
	p *pending
	i int
}

// complete is the writer's Completion callback: it records the partition
// and offset (or error) of every message and wakes the Publish call whose
// messages are all settled.
func complete(msgs []kafka.Message, err error) {
	for _, m := range msgs {
		ref, ok := m.WriterData.(msgRef)
		if !ok {
			continue
		}
		p := ref.p
		p.mu.Lock()
		if err != nil {
			p.errs = append(p.errs, fmt.Errorf("topic %s: %w", m.Topic, err))
		} else {
			p.acks[ref.i] = Ack{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}
		}
		p.left--
		if p.left == 0 {
			close(p.done)
		}
		p.mu.Unlock()
	}
}

// Message builds the Kafka message of one event: key = event identity,
// value = the event as JSON, CloudEvents binary-mode headers.
func (p *Publisher) Message(e *schema.Event) (kafka.Message, error) {
	value, err := json.Marshal(e)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encoding event %s: %w", e.ID, err)
	}
	return kafka.Message{
		Topic:   p.Topic(e.Type),
		Key:     []byte(e.EventKey),
		Value:   value,
		Headers: Headers(e),
	}, nil
}

// Headers are the CloudEvents 1.0 Kafka protocol binding headers (binary
// mode) of an event.
func Headers(e *schema.Event) []kafka.Header {
	source := e.Article.CanonicalURL
	if source == "" {
		source = e.Article.URL
	}
	if source == "" {
		source = "urn:newsevents"
	}
	return []kafka.Header{
		{Key: "ce_specversion", Value: []byte("1.0")},
		{Key: "ce_id", Value: []byte(e.ID)},
		{Key: "ce_type", Value: []byte(CEType(e.Type))},
		{Key: "ce_source", Value: []byte(source)},
		{Key: "ce_time", Value: []byte(e.ExtractedAt.UTC().Format(time.RFC3339Nano))},
		{Key: "ce_subject", Value: []byte(e.EventKey)},
		{Key: "content-type", Value: []byte("application/json")},
	}
}

// CEType is the CloudEvents type of an event type.
func CEType(t schema.Type) string { return fmt.Sprintf("io.newsevents.%s.v%d", t, schema.Version) }

// Publish writes evs and blocks until Kafka has acknowledged every one of
// them (acks=all) or the writer gave up on one; the acks are in the order
// of evs. An error means some events may not be stored: the caller must
// not count the article as done. If ctx ends first, Publish returns its
// error; the messages may still be delivered.
func (p *Publisher) Publish(ctx context.Context, evs []schema.Event) ([]Ack, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	pd := &pending{acks: make([]Ack, len(evs)), left: len(evs), done: make(chan struct{})}
	msgs := make([]kafka.Message, len(evs))
	for i := range evs {
		m, err := p.Message(&evs[i])
		if err != nil {
			return nil, err
		}
		m.WriterData = msgRef{p: pd, i: i}
		msgs[i] = m
	}
	if err := p.w.WriteMessages(ctx, msgs...); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	select {
	case <-pd.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("publish: waiting for acknowledgements: %w", ctx.Err())
	}
	pd.mu.Lock()
	defer pd.mu.Unlock()
	if len(pd.errs) > 0 {
		return nil, fmt.Errorf("publish: %w", errors.Join(pd.errs...))
	}
	return pd.acks, nil
}

// Close flushes pending messages and closes the writer.
func (p *Publisher) Close() error { return p.w.Close() }
