// Package pipeline wires the stages of newsevents: a source of feed items,
// a bounded pool of workers that fetch, extract and publish each article,
// and the store that remembers which articles are done. An article counts
// as done only after Kafka acknowledged all its events, so a crash re-does
// work instead of losing it.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/metrics"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// Source yields feed items (feeds.Scheduler).
type Source interface {
	// Run polls the feeds and calls emit for every new item until ctx
	// ends; with once it polls every feed once and returns nil. emit blocks
	// while the workers are busy (that is the backpressure) and returns
	// ctx's error when shutting down. endPass is called after each round
	// of polls.
	Run(ctx context.Context, once bool, emit func(context.Context, feeds.Item) error, endPass func()) error
}

// Store remembers which articles are done.
type Store interface {
	// Seen reports whether the item's article is already done.
	Seen(it feeds.Item) (bool, error)
	// SeenURL reports whether an article with this canonical URL is done.
	SeenURL(canonicalURL string) (bool, error)
	// MarkDone records the article as done; called only after Kafka
	// acknowledged all its events.
	MarkDone(it feeds.Item, canonicalURL string) error
}

// Fetcher fetches pages (fetch.Client).
type Fetcher interface {
	Get(ctx context.Context, url string, hdr http.Header, maxBytes int64) (*fetch.Response, error)
}

// Publisher writes to Kafka (publish.Publisher).
type Publisher interface {
	Publish(ctx context.Context, evs []schema.Event) ([]publish.Ack, error)
	PublishArticle(ctx context.Context, a *schema.Article, fetchedAt time.Time) error
	PublishDeadLetter(ctx context.Context, d publish.DeadLetter) error
	Topic(t schema.Type) string
}

var (
	_ Fetcher   = (*fetch.Client)(nil)
	_ Publisher = (*publish.Publisher)(nil)
)

// Options configure a Pipeline. Source, Fetcher, Extractor and Publisher
// are required.
type Options struct {
	Source    Source
	Store     Store // nil: an in-memory store, forgotten at exit
	Fetcher   Fetcher
	Extractor *extractor.Extractor
	Publisher Publisher
	// Workers is how many articles are fetched, extracted and published at
	// once (default 8).
	Workers int
	// PerHost is the most articles of one host fetched at once (0: no
	// limit); the fetch client's poll.per_host_concurrency. Articles of a
	// busy host wait aside instead of holding workers that other hosts'
	// articles could use.
	PerHost int
	// MaxPageBytes is the largest page read (default 5 MiB).
	MaxPageBytes int64
	// Grace is how long in-flight articles may take to finish after
	// shutdown begins (default 30s).
	Grace time.Duration
	// RetryMax caps the wait between two attempts to publish an article's
	// events while the broker is unreachable (default 30s).
	RetryMax time.Duration
	Logger   *zap.Logger
	// Metrics records what the pipeline does; nil for none.
	Metrics *metrics.Metrics
	// Progress receives the summary table after each pass; nil for none.
	Progress io.Writer
	Now      func() time.Time
}

// Pipeline runs the stages. Use New, then Run once.
type Pipeline struct {
	opts  Options
	log   *zap.Logger
	stats *Stats

	inflightMu sync.Mutex
	inflight   map[string]bool

	brokerDown atomic.Bool
	pass       atomic.Int64
	attempts   attempts
}

// New checks opts and returns a pipeline.
func New(opts Options) (*Pipeline, error) {
	switch {
	case opts.Source == nil:
		return nil, errors.New("pipeline: no source")
	case opts.Fetcher == nil:
		return nil, errors.New("pipeline: no fetcher")
	case opts.Extractor == nil:
		return nil, errors.New("pipeline: no extractor")
	case opts.Publisher == nil:
		return nil, errors.New("pipeline: no publisher")
	}
	if opts.Store == nil {
		opts.Store = NewMemoryStore()
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.MaxPageBytes <= 0 {
		opts.MaxPageBytes = 5 << 20
	}
	if opts.Grace <= 0 {
		opts.Grace = 30 * time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Pipeline{opts: opts, log: opts.Logger, stats: newStats(), inflight: map[string]bool{}, attempts: attempts{n: map[string]int{}}}, nil
}

// Stats returns a snapshot of the counts so far.
func (p *Pipeline) Stats() Snapshot { return p.stats.snapshot() }

// job is one item, the pass it belongs to, and the host of the page to
// fetch ("" when the feed's full text is used).
type job struct {
	item feeds.Item
	pass *passTracker
	host string
}

// Run runs until ctx ends (or, with once, until every feed was polled once
// and every article handled). When ctx ends it stops polling, lets the
// in-flight articles finish within the grace period and returns nil.
func (p *Pipeline) Run(ctx context.Context, once bool) error {
	// Work in flight outlives ctx by at most the grace period.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopGrace := context.AfterFunc(ctx, func() {
		p.log.Info("shutting down: polling stopped, draining in-flight articles", zap.Duration("grace", p.opts.Grace))
		t := time.AfterFunc(p.opts.Grace, cancelWork)
		context.AfterFunc(workCtx, func() { t.Stop() })
	})
	defer stopGrace()

	jobs := make(chan job)
	d := newDispatcher(ctx, jobs, p.opts.Workers, p.opts.PerHost, p.opts.Metrics)
	go d.run()
	var workers sync.WaitGroup
	for range p.opts.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range d.out {
				p.handle(workCtx, j.item, sync.OnceFunc(func() { d.release(j.host) }))
				j.pass.done()
			}
		}()
	}

	var summaries sync.WaitGroup
	cur := newPassTracker(p.stats)
	emit := func(ctx context.Context, it feeds.Item) error {
		cur.add()
		p.opts.Metrics.Queued(metrics.StageFetch, 1) // until a worker takes it
		select {
		case jobs <- job{item: it, pass: cur, host: fetchHost(it)}:
			return nil
		case <-ctx.Done():
			p.opts.Metrics.Queued(metrics.StageFetch, -1)
			cur.done()
			return ctx.Err()
		}
	}
	endPass := func() {
		prev := cur
		cur = newPassTracker(p.stats)
		n := p.pass.Add(1)
		p.opts.Metrics.PassDone()
		summaries.Add(1)
		go func() {
			defer summaries.Done()
			prev.wait()
			p.summarize(n, prev)
		}()
	}

	err := p.opts.Source.Run(ctx, once, emit, endPass)
	close(jobs)
	workers.Wait()
	summaries.Wait()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("source: %w", err)
	}
	return nil
}

// handle takes one item through fetch, extraction and publishing. Errors
// are logged here, once, and the pipeline goes on. fetched is called once
// the page fetch is over (or will not happen).
func (p *Pipeline) handle(ctx context.Context, it feeds.Item, fetched func()) {
	defer fetched()
	start := p.opts.Now()
	log := p.log.With(zap.String("article_url", it.Link), zap.String("feed_url", it.FeedURL))
	if ctx.Err() != nil {
		return // shutting down: the item stays undone and is re-done next run
	}
	seen, err := p.opts.Store.Seen(it)
	if err != nil {
		log.Error("state store read failed", zap.Error(err))
		p.finish(metrics.OutcomeStateError)
		return
	}
	if seen {
		log.Debug("article already done")
		p.finish(metrics.OutcomeDuplicate)
		return
	}
	key := feeds.CanonicalURL(it.Key())
	if !p.claim(key) {
		log.Debug("article in flight from another feed")
		p.finish(metrics.OutcomeDuplicate)
		return
	}
	defer p.release(key)

	m := p.opts.Metrics
	m.InFlight(metrics.StageFetch, 1)
	raw, meta, err := p.load(ctx, it)
	m.InFlight(metrics.StageFetch, -1)
	fetched()
	if err != nil {
		log.Warn("article fetch failed", zap.Error(err))
		p.failed(ctx, log, it, "fetch", err)
		p.finish(metrics.OutcomeFetchError)
		return
	}
	now := p.opts.Now()
	m.InFlight(metrics.StageExtract, 1)
	art, evs, err := p.opts.Extractor.Page(raw, meta, now)
	m.InFlight(metrics.StageExtract, -1)
	if err != nil {
		log.Warn("article extraction failed", zap.Error(err))
		p.failed(ctx, log, it, "extract", err)
		p.finish(metrics.OutcomeExtractError)
		return
	}
	canonical := feeds.CanonicalURL(art.CanonicalURL)
	if canonical != "" && canonical != key {
		dup, err := p.opts.Store.SeenURL(canonical)
		if err != nil {
			log.Error("state store read failed", zap.Error(err))
			p.finish(metrics.OutcomeStateError)
			return
		}
		if dup {
			log.Debug("article already done under its canonical URL", zap.String("canonical_url", canonical))
			if err := p.opts.Store.MarkDone(it, canonical); err != nil {
				log.Error("state store write failed", zap.Error(err))
			}
			p.finish(metrics.OutcomeDuplicate)
			return
		}
	}
	if art.FeedURL == "" {
		art.FeedURL = it.FeedURL
	}

	m.InFlight(metrics.StagePublish, 1)
	acks, err := p.publish(ctx, log, &art, evs, now)
	m.InFlight(metrics.StagePublish, -1)
	if err != nil {
		log.Warn("article left undone: publishing stopped", zap.Error(err))
		p.finish(metrics.OutcomePublishError)
		return
	}
	for i, e := range evs {
		a := acks[i]
		log.Info("event published",
			zap.String("event_type", string(e.Type)),
			zap.String("event_key", e.EventKey),
			zap.String("event_id", e.ID),
			zap.String("topic", a.Topic),
			zap.Int("partition", a.Partition),
			zap.Int64("offset", a.Offset))
		p.stats.event(a.Topic)
		m.EventPublished(string(e.Type))
	}
	if err := p.opts.Store.MarkDone(it, canonical); err != nil {
		// The events are in Kafka; the article will be re-done and its
		// events published again with the same ids.
		log.Error("state store write failed", zap.Error(err))
	}
	p.attempts.forget(it.Link)
	outcome := metrics.OutcomeNoEvents
	if len(evs) > 0 {
		outcome = metrics.OutcomePublished
	}
	p.finish(outcome)
	log.Info("article processed",
		zap.String("title", art.Title),
		zap.Int("events", len(evs)),
		zap.Duration("duration", p.opts.Now().Sub(start)))
}

// publish writes the article to news.articles, then its events, retrying
// while the broker is unreachable, and returns the events' acks.
func (p *Pipeline) publish(ctx context.Context, log *zap.Logger, art *schema.Article, evs []schema.Event, now time.Time) ([]publish.Ack, error) {
	m := p.opts.Metrics
	err := p.retry(ctx, log, func(ctx context.Context) error {
		t := time.Now()
		err := p.opts.Publisher.PublishArticle(ctx, art, now)
		m.Published(0, time.Since(t), err)
		if err == nil {
			m.MessagePublished(1)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var acks []publish.Ack
	err = p.retry(ctx, log, func(ctx context.Context) error {
		t := time.Now()
		var err error
		acks, err = p.opts.Publisher.Publish(ctx, evs)
		if len(evs) > 0 {
			m.Published(len(evs), time.Since(t), err)
		}
		return err
	})
	return acks, err
}

// finish counts one item by its outcome (metrics.Outcome...).
func (p *Pipeline) finish(outcome string) {
	p.stats.article(outcome)
	p.opts.Metrics.ArticleProcessed(outcome)
}

// failed sends a dead letter for an item that could not be fetched or
// extracted. A permanent failure (a 404, a page too large, a refused
// address, a page that cannot be parsed) is then marked done, since trying
// again would fail again: the dead letter is its record, for an operator
// to retry. A transient one (timeout, 5xx, 429, network) stays undone and
// the scheduler hands it over again later.
func (p *Pipeline) failed(ctx context.Context, log *zap.Logger, it feeds.Item, stage string, cause error) {
	class := metrics.ErrorClass(cause)
	d := publish.DeadLetter{
		Stage:      stage,
		ErrorClass: class,
		Message:    cause.Error(),
		Attempts:   p.attempts.add(it.Link),
		URL:        it.Link,
		FeedURL:    it.FeedURL,
		FailedAt:   p.opts.Now().UTC(),
	}
	if err := p.opts.Publisher.PublishDeadLetter(ctx, d); err != nil {
		log.Warn("dead letter not published", zap.Error(err))
		return
	}
	p.opts.Metrics.MessagePublished(1)
	if stage == "extract" || permanent(class) {
		if err := p.opts.Store.MarkDone(it, ""); err != nil {
			log.Error("state store write failed", zap.Error(err))
		}
		p.attempts.forget(it.Link)
	}
}

// permanent reports whether a failure of this class would happen again.
func permanent(class string) bool {
	switch class {
	case metrics.ResultHTTP4xx, metrics.ResultTooLarge, metrics.ResultBlocked, metrics.ResultParse, metrics.ResultRedirect:
		return true
	}
	return false
}

// load returns the page of an item: the full text the feed carries when
// the feed is configured for it, else the fetched page.
func (p *Pipeline) load(ctx context.Context, it feeds.Item) ([]byte, page.Meta, error) {
	meta := page.Meta{URL: it.Link, FeedURL: it.FeedURL, FeedTitle: it.Title, FeedPublished: it.Published}
	if it.SkipFetch && strings.TrimSpace(it.Content) != "" {
		var b strings.Builder
		b.WriteString("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString("</title></head><body><article><h1>")
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString("</h1>")
		b.WriteString(it.Content)
		b.WriteString("</article></body></html>")
		return []byte(b.String()), meta, nil
	}
	t := time.Now()
	resp, err := p.opts.Fetcher.Get(ctx, it.Link, nil, p.opts.MaxPageBytes)
	p.opts.Metrics.PageFetch(metrics.ErrorClass(err), time.Since(t))
	if err != nil {
		return nil, meta, err
	}
	meta.URL, meta.Header = resp.URL, resp.Header
	return resp.Body, meta, nil
}

// retry calls publish until it succeeds or ctx ends, waiting longer after
// each failure. The first failure and the recovery are logged once for
// the whole pipeline, not once per article.
func (p *Pipeline) retry(ctx context.Context, log *zap.Logger, publish func(context.Context) error) error {
	wait := 250 * time.Millisecond
	for {
		err := publish(ctx)
		if err == nil {
			if p.brokerDown.CompareAndSwap(true, false) {
				p.log.Info("broker reachable again: publishing resumed")
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if p.brokerDown.CompareAndSwap(false, true) {
			p.log.Warn("broker unreachable: holding articles until it is back", zap.Error(err))
		} else {
			log.Debug("publish attempt failed", zap.Error(err), zap.Duration("retry_in", wait))
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, p.opts.RetryMax)
	}
}

func (p *Pipeline) claim(key string) bool {
	p.inflightMu.Lock()
	defer p.inflightMu.Unlock()
	if p.inflight[key] {
		return false
	}
	p.inflight[key] = true
	return true
}

func (p *Pipeline) release(key string) {
	p.inflightMu.Lock()
	delete(p.inflight, key)
	p.inflightMu.Unlock()
}

// attempts counts the failed tries of each URL in this process, for dead
// letters. It forgets everything past maxAttemptsTracked URLs, so a storm
// of failures cannot grow it without bound.
type attempts struct {
	mu sync.Mutex
	n  map[string]int
}

const maxAttemptsTracked = 100_000

func (a *attempts) add(url string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.n) >= maxAttemptsTracked {
		a.n = map[string]int{}
	}
	a.n[url]++
	return a.n[url]
}

func (a *attempts) forget(url string) {
	a.mu.Lock()
	delete(a.n, url)
	a.mu.Unlock()
}
