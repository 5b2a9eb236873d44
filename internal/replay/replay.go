// Package replay goes back in time on the topics: it reads a time window
// of the event topics (Replay) or of news.articles (Reextract) with
// partition readers, between the offsets that match the window's start on
// every partition and the end offsets captured when the read starts, so a
// read always ends even while the pipeline keeps writing.
//
// Partition readers, not a consumer group: a replay is a one-off copy that
// must not move any group's committed offsets, and it needs exact start
// and end offsets per partition.
package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/publish"
)

// Window is a time range of message timestamps: Since included, Until
// excluded; a zero Until means "up to now".
type Window struct {
	Since time.Time
	Until time.Time
}

// Contains reports whether t is in the window.
func (w Window) Contains(t time.Time) bool {
	if t.Before(w.Since) {
		return false
	}
	return w.Until.IsZero() || t.Before(w.Until)
}

// Range is the part of one partition to read: offsets [Start, End).
type Range struct {
	Topic     string
	Partition int
	Start     int64
	End       int64
}

// Len is the number of offsets in the range.
func (r Range) Len() int64 { return max(0, r.End-r.Start) }

// Plan returns the ranges of topics that hold the messages of w: on every
// partition from the first offset whose timestamp is at or after w.Since
// to the end offset as of now (or the first offset at or after w.Until,
// if earlier). Messages are also filtered by timestamp while read, so the
// result is exact even where timestamps are not in offset order.
func Plan(ctx context.Context, conn publish.Conn, topics []string, w Window) ([]Range, error) {
	client := conn.Client()
	defer publish.CloseClient(client)
	var out []Range
	for _, topic := range topics {
		parts, err := conn.Partitions(ctx, topic)
		if err != nil {
			return nil, err
		}
		ends, err := listOffsets(ctx, client, topic, parts, func(p int) kafka.OffsetRequest { return kafka.LastOffsetOf(p) })
		if err != nil {
			return nil, err
		}
		starts, err := listOffsets(ctx, client, topic, parts, func(p int) kafka.OffsetRequest { return kafka.TimeOffsetOf(p, w.Since) })
		if err != nil {
			return nil, err
		}
		var untils map[int]PartitionOffset
		if !w.Until.IsZero() {
			if untils, err = listOffsets(ctx, client, topic, parts, func(p int) kafka.OffsetRequest { return kafka.TimeOffsetOf(p, w.Until) }); err != nil {
				return nil, err
			}
		}
		for _, p := range parts {
			end := ends[p].Last
			start := end
			if s, ok := starts[p].AtTime(); ok {
				start = s
			}
			if w.Since.IsZero() {
				start = 0
			}
			if u, ok := untils[p].AtTime(); ok {
				// Some brokers (kfake) answer with the last offset before
				// the timestamp rather than the first at or after it: read
				// one offset further; the timestamp filter drops it.
				end = min(end, u+1)
			}
			out = append(out, Range{Topic: topic, Partition: p, Start: start, End: max(start, end)})
		}
	}
	return out, nil
}

// PartitionOffset is one answer of ListOffsets.
type PartitionOffset struct {
	Last    int64
	ByTime  map[int64]time.Time
	present bool
}

// AtTime returns the offset found for a timestamp query, if any.
func (p PartitionOffset) AtTime() (int64, bool) {
	best, ok := int64(-1), false
	for off := range p.ByTime {
		if off >= 0 && (!ok || off < best) {
			best, ok = off, true
		}
	}
	return best, ok
}

func listOffsets(ctx context.Context, client *kafka.Client, topic string, parts []int, req func(int) kafka.OffsetRequest) (map[int]PartitionOffset, error) {
	var reqs []kafka.OffsetRequest
	for _, p := range parts {
		reqs = append(reqs, req(p))
	}
	resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("offsets of %s: %w", topic, err)
	}
	out := map[int]PartitionOffset{}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		out[po.Partition] = PartitionOffset{Last: po.LastOffset, ByTime: po.Offsets, present: true}
	}
	return out, nil
}

// Total is the number of offsets in ranges (an upper bound of the
// messages a read returns: compaction and filtering drop some).
func Total(ranges []Range) int64 {
	var n int64
	for _, r := range ranges {
		n += r.Len()
	}
	return n
}

// readers is how many partitions Read reads at once.
const readers = 4

// Read reads every message of ranges whose timestamp is in w and calls fn
// with it, in offset order within a partition; partitions are read a few
// at once, and fn and tick are never called concurrently. tick, if not
// nil, is called after every offset read or skipped (for progress). Read
// stops at the first error.
func Read(ctx context.Context, conn publish.Conn, ranges []Range, w Window, fn func(kafka.Message) error, tick func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	todo := make(chan Range)
	var mu sync.Mutex // serialises fn and tick
	sfn := func(m kafka.Message) error {
		mu.Lock()
		defer mu.Unlock()
		return fn(m)
	}
	stick := func() {
		if tick != nil {
			mu.Lock()
			tick()
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range todo {
				if err := readRange(ctx, conn, r, w, sfn, stick); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
	sorted := append([]Range(nil), ranges...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Len() > sorted[j].Len() }) // longest first
feed:
	for _, r := range sorted {
		if r.Len() == 0 {
			continue
		}
		select {
		case todo <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(todo)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

func readRange(ctx context.Context, conn publish.Conn, r Range, w Window, fn func(kafka.Message) error, tick func()) error {
	rd := kafka.NewReader(kafka.ReaderConfig{
		Brokers: conn.Brokers, Topic: r.Topic, Partition: r.Partition, Dialer: conn.Dialer(),
		MinBytes: 1, MaxBytes: 8 << 20, MaxWait: 250 * time.Millisecond,
		// Compacted topics have gaps; offsets after End are never read.
	})
	defer rd.Close()
	if err := rd.SetOffset(r.Start); err != nil {
		return fmt.Errorf("%s/%d: %w", r.Topic, r.Partition, err)
	}
	last := r.Start - 1
	for last+1 < r.End {
		m, err := rd.ReadMessage(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%s/%d: reader closed at offset %d of %d", r.Topic, r.Partition, last+1, r.End)
			}
			return fmt.Errorf("reading %s/%d at offset %d: %w", r.Topic, r.Partition, last+1, err)
		}
		if m.Offset >= r.End {
			break
		}
		if tick != nil {
			for i := last + 1; i <= m.Offset; i++ {
				tick()
			}
		}
		last = m.Offset
		if !w.Contains(m.Time) {
			continue
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	if tick != nil {
		for i := last + 1; i < r.End; i++ {
			tick()
		}
	}
	return nil
}

// Logger returns log, or a no-op logger for nil.
func logger(log *zap.Logger) *zap.Logger {
	if log == nil {
		return zap.NewNop()
	}
	return log
}
