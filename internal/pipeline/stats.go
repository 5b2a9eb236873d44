package pipeline

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"text/tabwriter"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/metrics"
	"github.com/newsevents/newsevents/schema"
)

// Snapshot is a copy of the pipeline's counts.
type Snapshot struct {
	Articles  int            // processed (with or without events)
	NoEvents  int            // processed, no event found
	Skipped   int            // already done
	Failed    int            // fetch, extraction or publishing failed
	Events    int            // events acknowledged by Kafka
	PerTopic  map[string]int // events per topic
	TopicList []string       // topics in a stable order
}

// Stats counts articles and events; safe for concurrent use.
type Stats struct {
	mu   sync.Mutex
	snap Snapshot
}

func newStats() *Stats { return &Stats{snap: Snapshot{PerTopic: map[string]int{}}} }

// article counts one item by its outcome (metrics.Outcome...).
func (s *Stats) article(outcome string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch outcome {
	case metrics.OutcomePublished:
		s.snap.Articles++
	case metrics.OutcomeNoEvents:
		s.snap.Articles++
		s.snap.NoEvents++
	case metrics.OutcomeDuplicate:
		s.snap.Skipped++
	default:
		s.snap.Failed++
	}
}

func (s *Stats) event(topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap.Events++
	s.snap.PerTopic[topic]++
}

func (s *Stats) snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.snap
	c.PerTopic = make(map[string]int, len(s.snap.PerTopic))
	for k, v := range s.snap.PerTopic {
		c.PerTopic[k] = v
	}
	c.TopicList = nil
	for k := range c.PerTopic {
		c.TopicList = append(c.TopicList, k)
	}
	sort.Strings(c.TopicList)
	return c
}

// passTracker waits for the items of one pass and remembers the counts at
// its start, so the summary shows what this pass did.
type passTracker struct {
	wg    sync.WaitGroup
	start Snapshot
	stats *Stats
}

func newPassTracker(s *Stats) *passTracker { return &passTracker{start: s.snapshot(), stats: s} }

func (t *passTracker) add()  { t.wg.Add(1) }
func (t *passTracker) done() { t.wg.Done() }
func (t *passTracker) wait() { t.wg.Wait() }

// summarize logs one line for the pass and writes the table of events per
// topic to the progress writer.
func (p *Pipeline) summarize(n int64, t *passTracker) {
	end := t.stats.snapshot()
	d := Snapshot{
		Articles: end.Articles - t.start.Articles,
		NoEvents: end.NoEvents - t.start.NoEvents,
		Skipped:  end.Skipped - t.start.Skipped,
		Failed:   end.Failed - t.start.Failed,
		Events:   end.Events - t.start.Events,
	}
	p.log.Info("pass summary",
		zap.Int64("pass", n),
		zap.Int("articles", d.Articles),
		zap.Int("no_events", d.NoEvents),
		zap.Int("skipped", d.Skipped),
		zap.Int("failed", d.Failed),
		zap.Int("events", d.Events),
		zap.Int("events_total", end.Events))
	if p.opts.Progress != nil {
		WriteSummary(p.opts.Progress, n, t.start, end, p.topics())
	}
}

func (p *Pipeline) topics() []string {
	var ts []string
	for _, t := range schema.CoreTypes() {
		ts = append(ts, p.opts.Publisher.Topic(t))
	}
	return ts
}

// WriteSummary writes the table of one pass: events per topic in the pass
// and since start.
func WriteSummary(w io.Writer, pass int64, start, end Snapshot, topics []string) {
	fmt.Fprintf(w, "\npass %d: %d articles processed (%d without events), %d already done, %d failed; %d events published\n",
		pass, end.Articles-start.Articles, end.NoEvents-start.NoEvents, end.Skipped-start.Skipped, end.Failed-start.Failed, end.Events-start.Events)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TOPIC\tTHIS PASS\tTOTAL\t")
	for _, topic := range topics {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", topic, end.PerTopic[topic]-start.PerTopic[topic], end.PerTopic[topic])
	}
	fmt.Fprintf(tw, "%s\t%d\t%d\t\n", "all", end.Events-start.Events, end.Events)
	tw.Flush()
}
