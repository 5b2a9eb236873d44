package replay

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// Options configure Replay.
type Options struct {
	Conn publish.Conn
	// TopicPrefix of the event topics read (default schema.DefaultTopicPrefix).
	TopicPrefix string
	// Types to read (default: the five core types).
	Types  []schema.Type
	Window Window
	// Out receives the events as JSON lines (the message values,
	// unchanged). Exactly one of Out and ToTopicPrefix is set.
	Out io.Writer
	// ToTopicPrefix copies the messages (key, value, headers, timestamp)
	// to the event topics under this prefix, created like the source ones
	// when missing.
	ToTopicPrefix string
	// Compression of the copies written to topics.
	Compression kafka.Compression
	// Progress, if not nil, gets a progress bar (stderr).
	Progress io.Writer
	Logger   *zap.Logger
}

// Result counts what a replay copied.
type Result struct {
	Messages int64
	ByType   map[schema.Type]int64
}

// Replay copies the events of the window to a file or to other topics.
// It reads from the offsets matching the window's start on every partition
// to the end offsets captured when it starts, so it ends even while the
// pipeline keeps writing.
func Replay(ctx context.Context, o Options) (Result, error) {
	log := logger(o.Logger)
	if (o.Out == nil) == (o.ToTopicPrefix == "") {
		return Result{}, errors.New("replay: set exactly one of an output file and a topic prefix")
	}
	if o.TopicPrefix == "" {
		o.TopicPrefix = schema.DefaultTopicPrefix
	}
	if len(o.Types) == 0 {
		o.Types = schema.CoreTypes()
	}
	if o.ToTopicPrefix != "" {
		if err := schema.ValidateTopicPrefix(o.ToTopicPrefix); err != nil {
			return Result{}, fmt.Errorf("replay: %w", err)
		}
		if o.ToTopicPrefix == o.TopicPrefix {
			return Result{}, fmt.Errorf("replay: the target prefix %q is the source prefix", o.ToTopicPrefix)
		}
	}
	typeOf := map[string]schema.Type{}
	var topics []string
	for _, t := range o.Types {
		topic := schema.Topic(o.TopicPrefix, t)
		typeOf[topic] = t
		topics = append(topics, topic)
	}
	ranges, err := Plan(ctx, o.Conn, topics, o.Window)
	if err != nil {
		return Result{}, fmt.Errorf("replay: %w", err)
	}
	log.Info("replay planned", zap.Strings("topics", topics), zap.Time("since", o.Window.Since), zap.Time("until", o.Window.Until), zap.Int64("offsets", Total(ranges)))

	res := Result{ByType: map[schema.Type]int64{}}
	var sink func(kafka.Message) error
	var flush func() error
	if o.Out != nil {
		bw := bufio.NewWriter(o.Out)
		sink = func(m kafka.Message) error {
			if _, err := bw.Write(m.Value); err != nil {
				return err
			}
			return bw.WriteByte('\n')
		}
		flush = bw.Flush
	} else {
		w, closeW, err := topicSink(ctx, o, topics, typeOf, log)
		if err != nil {
			return Result{}, err
		}
		defer closeW()
		sink, flush = w.add, w.flush
	}
	bar := NewProgress(o.Progress, "replay", Total(ranges))
	err = Read(ctx, o.Conn, ranges, o.Window, func(m kafka.Message) error {
		if err := sink(m); err != nil {
			return err
		}
		res.Messages++
		res.ByType[typeOf[m.Topic]]++
		return nil
	}, bar.Tick)
	bar.Done()
	if err == nil {
		err = flush()
	}
	if err != nil {
		return res, fmt.Errorf("replay: %w", err)
	}
	return res, nil
}

// batchWriter copies messages to the target topics in batches, each
// written synchronously with acks=all.
type batchWriter struct {
	ctx    context.Context
	w      *kafka.Writer
	target map[string]string
	batch  []kafka.Message
}

func topicSink(ctx context.Context, o Options, topics []string, typeOf map[string]schema.Type, log *zap.Logger) (*batchWriter, func(), error) {
	target := map[string]string{}
	var specs []publish.TopicSpec
	for _, src := range topics {
		dst := schema.Topic(o.ToTopicPrefix, typeOf[src])
		target[src] = dst
		parts, err := o.Conn.Partitions(ctx, src)
		if err != nil {
			return nil, nil, fmt.Errorf("replay: %w", err)
		}
		specs = append(specs, publish.TopicSpec{Name: dst, Partitions: len(parts), ReplicationFactor: 1, CleanupPolicy: "delete"})
	}
	// Existing target topics are used as they are (a mismatch is logged).
	if err := publish.ProvisionTopics(ctx, o.Conn, specs, publish.ProvisionOptions{Create: true, WarnOnly: true}, log); err != nil {
		return nil, nil, fmt.Errorf("replay: target topics: %w", err)
	}
	tr := o.Conn.Transport()
	w := &kafka.Writer{
		Addr: kafka.TCP(o.Conn.Brokers...), Transport: tr,
		Balancer: &kafka.Murmur2Balancer{}, RequiredAcks: kafka.RequireAll,
		Compression: o.Compression, BatchTimeout: 10 * time.Millisecond, BatchSize: 500,
		MaxAttempts: 10, WriteBackoffMin: 100 * time.Millisecond, WriteBackoffMax: 2 * time.Second,
	}
	bw := &batchWriter{ctx: ctx, w: w, target: target}
	return bw, func() { w.Close(); tr.CloseIdleConnections() }, nil
}

func (b *batchWriter) add(m kafka.Message) error {
	b.batch = append(b.batch, kafka.Message{Topic: b.target[m.Topic], Key: m.Key, Value: m.Value, Headers: m.Headers, Time: m.Time})
	if len(b.batch) >= 500 {
		return b.flush()
	}
	return nil
}

func (b *batchWriter) flush() error {
	if len(b.batch) == 0 {
		return nil
	}
	if err := b.w.WriteMessages(b.ctx, b.batch...); err != nil {
		return fmt.Errorf("writing %d messages: %w", len(b.batch), err)
	}
	b.batch = b.batch[:0]
	return nil
}
