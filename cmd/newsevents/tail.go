package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

func cmdTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tail", stderr)
	brokers := fs.String("brokers", "127.0.0.1:9092", "comma-separated Kafka `host:port` list")
	prefix := fs.String("topic-prefix", schema.DefaultTopicPrefix, "`prefix` of the event topics")
	typesFlag := typeFlag(fs)
	fromBeginning := fs.Bool("from-beginning", false, "print the events already on the topics, then follow")
	asJSON := fs.Bool("json", false, "print each event's JSON value instead of a readable line")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsevents tail [flags]\n\nPrints events as they arrive on the event topics until Ctrl-C.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	types := *typesFlag
	if len(types) == 0 {
		types = schema.CoreTypes()
	}
	bs := splitList(*brokers)
	if len(bs) == 0 {
		return errors.New("--brokers is empty")
	}

	// Explicit partition readers: kafka-go consumer groups do not work
	// against the embedded broker, and tail needs no committed offsets.
	var readers []*kafka.Reader
	for _, t := range types {
		topic := schema.Topic(*prefix, t)
		lookup, cancel := context.WithTimeout(ctx, 10*time.Second)
		parts, err := publish.Partitions(lookup, bs, topic)
		cancel()
		if err != nil {
			return err
		}
		for _, p := range parts {
			start := kafka.LastOffset
			if *fromBeginning {
				start = kafka.FirstOffset
			}
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: bs, Topic: topic, Partition: p, MaxWait: 500 * time.Millisecond, StartOffset: start})
			readers = append(readers, r)
		}
	}

	lines := make(chan string)
	var wg sync.WaitGroup
	errc := make(chan error, len(readers))
	for _, r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.Close()
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					if ctx.Err() == nil {
						errc <- fmt.Errorf("reading %s/%d: %w", r.Config().Topic, r.Config().Partition, err)
					}
					return
				}
				line, err := formatMessage(m, *asJSON)
				if err != nil {
					line = fmt.Sprintf("%s/%d@%d: %v", m.Topic, m.Partition, m.Offset, err)
				}
				select {
				case lines <- line:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(lines) }()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			fmt.Fprintln(stdout, l)
		case err := <-errc:
			return err
		}
	}
}

// formatMessage renders one event message as a readable line or its JSON.
func formatMessage(m kafka.Message, asJSON bool) (string, error) {
	if asJSON {
		return string(m.Value), nil
	}
	var e schema.Event
	if err := json.Unmarshal(m.Value, &e); err != nil {
		return "", fmt.Errorf("not an event: %w", err)
	}
	return fmt.Sprintf("%s %s/%d@%d %-18s %s  [%s]", m.Time.UTC().Format(time.RFC3339), m.Topic, m.Partition, m.Offset,
		e.Type, describe(&e), or(e.Article.Title, e.Article.URL)), nil
}
