// Package publish writes to Kafka through one shared kafka.Writer: topic
// routing, message keys and CloudEvents headers, acknowledgements reported
// per batch of events, news.articles and news.deadletter, topic
// provisioning, TLS/SASL/compression, and the embedded broker.
//
// # Nothing lost
//
// Publish returns only when Kafka acknowledged every event (acks=all), so
// the caller marks an article done only after that; an error means "try
// again". While the broker is away the writer's batches fail after
// MaxAttempts and Publish returns the error; the caller retries. The
// writer's kafka.Transport redials and refreshes metadata (every 2 s), so
// the same Publisher works again once the broker is back at the same
// address: no restart is needed. At most MaxPending messages wait for
// acknowledgement at once; further Publish calls block, which is the
// backpressure that reaches the pipeline's workers and pollers, so memory
// stays bounded however long the outage. A watcher logs "kafka broker
// unreachable" when the brokers stop accepting connections, the backlog
// once a minute while they stay away, and "kafka broker reachable again"
// with the outage's length; Status reports the same for /readyz.
//
// # news.articles: the extracted article, not the HTML
//
// The value on news.articles is the extracted article (title, body text,
// dates, authors, language, site, feed): it is what re-extraction of
// events needs, it is a few KB where pages are hundreds of KB (a 5 MB page
// does not fit Kafka's default 1 MB message limit even compressed, and
// compaction keeps one record per canonical URL forever), and it is
// readable by data teams without an HTML parser. The cost: a change of the
// body extractor cannot be replayed from the topic; that needs a re-fetch.
// The event extractor, which changes far more often, can: see
// internal/replay.Reextract.
package publish

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
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

	// TLS and SASL to the brokers (nil: plain, no authentication).
	TLS  *tls.Config
	SASL sasl.Mechanism
	// Compression of batches (default none).
	Compression kafka.Compression
	// MaxPending caps the messages handed to the writer and not yet
	// acknowledged (default 10000). Publish blocks above it.
	MaxPending int
	// ProbeInterval is how often the brokers are probed while messages
	// wait or the brokers are known to be away (default 2s).
	ProbeInterval time.Duration
	// IdleProbeInterval is how often the brokers are probed while nothing
	// is published (default 15s), so that Status and Ready also notice a
	// broker that went away between articles.
	IdleProbeInterval time.Duration
	// BacklogLogInterval is how often the backlog is logged while the
	// brokers are away (default 1m).
	BacklogLogInterval time.Duration
	// Validate checks every event against the JSON Schema before writing
	// it; an invalid event fails Publish with a *schema.ValidationError.
	Validate bool
}

// Conn returns the connection settings of o.
func (o Options) Conn() Conn { return Conn{Brokers: o.Brokers, TLS: o.TLS, SASL: o.SASL} }

// Publisher publishes events. It is safe for concurrent use.
type Publisher struct {
	w      *kafka.Writer
	conn   Conn
	prefix string
	log    *zap.Logger
	opts   Options

	sem chan struct{} // one token per message waiting for its ack

	pendingMsgs  atomic.Int64
	pendingCalls atomic.Int64
	acked        atomic.Uint64
	failed       atomic.Uint64
	lastAck      atomic.Int64 // unix nanos
	lastFail     atomic.Int64 // unix nanos

	mu          sync.Mutex
	unreachable bool
	since       time.Time // when the reachability last changed
	lastErr     error

	stop      chan struct{}
	watchDone chan struct{}
	closeOnce sync.Once
	closeErr  chan error
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
	if opts.MaxPending <= 0 {
		opts.MaxPending = 10000
	}
	if opts.ProbeInterval <= 0 {
		opts.ProbeInterval = 2 * time.Second
	}
	if opts.IdleProbeInterval <= 0 {
		opts.IdleProbeInterval = 15 * time.Second
	}
	if opts.BacklogLogInterval <= 0 {
		opts.BacklogLogInterval = time.Minute
	}
	p := &Publisher{
		prefix: opts.TopicPrefix, log: opts.Logger, opts: opts, conn: opts.Conn(),
		sem:  make(chan struct{}, opts.MaxPending),
		stop: make(chan struct{}), watchDone: make(chan struct{}),
		since: time.Now(),
	}
	p.w = &kafka.Writer{
		Addr:      kafka.TCP(opts.Brokers...),
		Transport: p.conn.Transport(),
		// Murmur2 on the key, as the Java client does: every mention of one
		// event (same key) lands on one partition, in order.
		Balancer: &kafka.Murmur2Balancer{},
		// kafka-go's default is RequireNone, which loses data silently.
		RequiredAcks:           kafka.RequireAll,
		MaxAttempts:            opts.MaxAttempts,
		WriteBackoffMin:        100 * time.Millisecond,
		WriteBackoffMax:        2 * time.Second,
		BatchTimeout:           opts.BatchTimeout,
		Compression:            opts.Compression,
		Async:                  true,
		AllowAutoTopicCreation: false,
		Completion:             p.complete,
		ErrorLogger:            kafka.LoggerFunc(p.writerError),
	}
	go p.watch()
	return p, nil
}

// writerError logs the writer's per-attempt errors: warnings normally,
// debug lines while the brokers are known to be away (the watcher says so
// once, and the backlog every minute).
func (p *Publisher) writerError(msg string, args ...any) {
	p.mu.Lock()
	away := p.unreachable
	p.mu.Unlock()
	if away {
		p.log.Sugar().Debugf("kafka: "+msg, args...)
		return
	}
	p.log.Sugar().Warnf("kafka: "+msg, args...)
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

// Conn returns the connection settings the publisher uses.
func (p *Publisher) Conn() Conn { return p.conn }

// pending tracks the acknowledgements of one Publish call.
type pending struct {
	mu     sync.Mutex
	acks   []Ack
	errs   []error
	left   int
	tokens int // semaphore tokens held until every message settled
	done   chan struct{}
}

type msgRef struct {
	p *pending
	i int
}

// complete is the writer's Completion callback: it records the partition
// and offset (or error) of every message and wakes the Publish call whose
// messages are all settled.
func (p *Publisher) complete(msgs []kafka.Message, err error) {
	now := time.Now().UnixNano()
	if err != nil {
		p.failed.Add(uint64(len(msgs)))
		p.lastFail.Store(now)
		p.mu.Lock()
		p.lastErr = err
		p.mu.Unlock()
	} else {
		p.acked.Add(uint64(len(msgs)))
		p.lastAck.Store(now)
		p.markReachable()
	}
	p.pendingMsgs.Add(-int64(len(msgs)))
	for _, m := range msgs {
		ref, ok := m.WriterData.(msgRef)
		if !ok {
			continue
		}
		pd := ref.p
		pd.mu.Lock()
		if err != nil {
			pd.errs = append(pd.errs, fmt.Errorf("topic %s: %w", m.Topic, err))
		} else {
			pd.acks[ref.i] = Ack{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}
		}
		pd.left--
		if pd.left == 0 {
			p.release(pd.tokens)
			close(pd.done)
		}
		pd.mu.Unlock()
	}
}

// acquire takes n tokens (at most MaxPending), blocking while the writer
// holds too many unacknowledged messages.
func (p *Publisher) acquire(ctx context.Context, n int) (int, error) {
	n = min(n, cap(p.sem))
	for i := 0; i < n; i++ {
		select {
		case p.sem <- struct{}{}:
		case <-ctx.Done():
			p.release(i)
			return 0, fmt.Errorf("publish: waiting for room in the writer (%d messages unacknowledged): %w", p.pendingMsgs.Load(), ctx.Err())
		}
	}
	return n, nil
}

func (p *Publisher) release(n int) {
	for i := 0; i < n; i++ {
		<-p.sem
	}
}

// Message builds the Kafka message of one event: key = event identity,
// value = the event as JSON, CloudEvents binary-mode headers.
func (p *Publisher) Message(e *schema.Event) (kafka.Message, error) {
	value, err := json.Marshal(e)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encoding event %s: %w", e.ID, err)
	}
	if len(value) > MaxValueBytes {
		// Only a runaway evidence "sentence" can be this long.
		c := *e
		c.Evidence.Sentence = cutUTF8(c.Evidence.Sentence, 4096)
		if value, err = json.Marshal(&c); err != nil {
			return kafka.Message{}, fmt.Errorf("encoding event %s: %w", e.ID, err)
		}
		p.log.Warn("evidence sentence cut to fit one Kafka message", zap.String("event_id", e.ID), zap.Int("sentence_bytes", len(e.Evidence.Sentence)))
	}
	if p.opts.Validate {
		if err := schema.Validate(value); err != nil {
			return kafka.Message{}, fmt.Errorf("event %s: %w", e.ID, err)
		}
	}
	return kafka.Message{
		Topic:   p.Topic(e.Type),
		Key:     []byte(e.EventKey),
		Value:   value,
		Headers: Headers(e),
	}, nil
}

// Headers are the CloudEvents 1.0 Kafka protocol binding headers (binary
// mode) of an event. ce_dataschema is the $id of the event JSON Schema
// (`newsevents schema` prints it).
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
		{Key: "ce_dataschema", Value: []byte(schema.EventSchemaID())},
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
	msgs := make([]kafka.Message, len(evs))
	for i := range evs {
		m, err := p.Message(&evs[i])
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		msgs[i] = m
	}
	return p.writeAll(ctx, msgs)
}

// writeAll writes msgs and waits until every one is settled.
func (p *Publisher) writeAll(ctx context.Context, msgs []kafka.Message) ([]Ack, error) {
	p.pendingCalls.Add(1)
	defer p.pendingCalls.Add(-1)
	tokens, err := p.acquire(ctx, len(msgs))
	if err != nil {
		return nil, err
	}
	pd := &pending{acks: make([]Ack, len(msgs)), left: len(msgs), tokens: tokens, done: make(chan struct{})}
	for i := range msgs {
		msgs[i].WriterData = msgRef{p: pd, i: i}
	}
	p.pendingMsgs.Add(int64(len(msgs)))
	if err := p.w.WriteMessages(ctx, msgs...); err != nil {
		// Async: an error here means nothing was queued.
		p.pendingMsgs.Add(-int64(len(msgs)))
		p.release(tokens)
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

// Status is the publisher's view of the brokers and its backlog, for
// /readyz and logs.
type Status struct {
	// Reachable is false while the brokers refuse connections.
	Reachable bool
	// Since is when Reachable last changed (or the publisher started).
	Since time.Time
	// PendingMessages were handed to the writer and are not acknowledged.
	PendingMessages int64
	// PendingCalls are Publish (and PublishArticle...) calls in progress:
	// with the pipeline, about one per in-flight article.
	PendingCalls int64
	// Acked and Failed count messages since start (a message retried by
	// the caller counts once per try).
	Acked, Failed uint64
	// LastError is the last write error ("" for none).
	LastError string
}

// Status returns the current status.
func (p *Publisher) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Status{
		Reachable: !p.unreachable, Since: p.since,
		PendingMessages: p.pendingMsgs.Load(), PendingCalls: p.pendingCalls.Load(),
		Acked: p.acked.Load(), Failed: p.failed.Load(),
	}
	if p.lastErr != nil {
		s.LastError = p.lastErr.Error()
	}
	return s
}

func (p *Publisher) markReachable() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.unreachable {
		return
	}
	down := time.Since(p.since)
	p.unreachable = false
	p.since = time.Now()
	p.log.Info("kafka broker reachable again", zap.Strings("brokers", p.conn.Brokers), zap.Duration("down_for", down),
		zap.Int64("pending_messages", p.pendingMsgs.Load()), zap.Int64("pending_calls", p.pendingCalls.Load()))
}

func (p *Publisher) markUnreachable(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.unreachable {
		return
	}
	p.unreachable = true
	p.since = time.Now()
	p.log.Warn("kafka broker unreachable", zap.Strings("brokers", p.conn.Brokers), zap.Error(err),
		zap.Int64("pending_messages", p.pendingMsgs.Load()), zap.Int64("pending_calls", p.pendingCalls.Load()))
}

// watch probes the brokers while messages wait or they are known to be
// away, and logs the backlog every BacklogLogInterval while they are.
func (p *Publisher) watch() {
	defer close(p.watchDone)
	t := time.NewTicker(p.opts.ProbeInterval)
	defer t.Stop()
	var lastBacklog, lastProbe time.Time
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		st := p.Status()
		waiting := st.PendingMessages > 0 || st.PendingCalls > 0
		// While idle and fine, probe now and then only, so that /readyz
		// also notices a broker that went away between articles.
		idle := st.Reachable && !waiting && p.lastFail.Load() <= p.lastAck.Load()
		if idle && time.Since(lastProbe) < p.opts.IdleProbeInterval {
			continue
		}
		lastProbe = time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), p.opts.ProbeInterval)
		err := Ping(ctx, p.conn.Brokers)
		cancel()
		if err != nil {
			p.markUnreachable(err)
			if lastBacklog.IsZero() {
				lastBacklog = time.Now() // "unreachable" just said it
			} else if time.Since(lastBacklog) >= p.opts.BacklogLogInterval {
				lastBacklog = time.Now()
				st = p.Status()
				p.log.Warn("kafka backlog while the broker is unreachable", zap.Duration("down_for", time.Since(st.Since)),
					zap.Int64("pending_messages", st.PendingMessages), zap.Int64("pending_calls", st.PendingCalls))
			}
			continue
		}
		lastBacklog = time.Time{}
		p.markReachable()
	}
}

// Close flushes pending messages and closes the writer. See CloseContext
// for a bounded wait.
func (p *Publisher) Close() error { return p.CloseContext(context.Background()) }

// CloseContext flushes pending messages and closes the writer, waiting at
// most until ctx ends (the shutdown grace period). If ctx ends first it
// returns an error saying how many messages were not acknowledged; the
// writer keeps closing in the background. Calling it again returns the
// first result.
func (p *Publisher) CloseContext(ctx context.Context) error {
	p.closeOnce.Do(func() {
		p.closeErr = make(chan error, 1)
		close(p.stop)
		<-p.watchDone
		go func() {
			err := p.w.Close()
			if t, ok := p.w.Transport.(*kafka.Transport); ok {
				t.CloseIdleConnections()
			}
			p.closeErr <- err
		}()
	})
	select {
	case err := <-p.closeErr:
		p.closeErr <- err // for the next caller
		if err != nil {
			return fmt.Errorf("publish: closing the writer: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("publish: closing with %d messages unacknowledged: %w", p.pendingMsgs.Load(), ctx.Err())
	}
}

// ErrUnreachable is returned by Ready while the brokers are away.
var ErrUnreachable = errors.New("kafka broker unreachable")

// Ready returns nil while the brokers are reachable, else an error with
// the outage's length and the backlog: an admin.Check{Name: "kafka",
// Func: pub.Ready} for /readyz.
func (p *Publisher) Ready(context.Context) error {
	st := p.Status()
	if st.Reachable {
		return nil
	}
	return fmt.Errorf("%w for %s: %d messages pending, %d publish calls waiting, last error: %s",
		ErrUnreachable, time.Since(st.Since).Round(time.Second), st.PendingMessages, st.PendingCalls, st.LastError)
}
