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
	// MaxPageBytes is the largest page read (default 5 MiB).
	MaxPageBytes int64
	// Grace is how long in-flight articles may take to finish after
	// shutdown begins (default 30s).
	Grace time.Duration
	// RetryMax caps the wait between two attempts to publish an article's
	// events while the broker is unreachable (default 30s).
	RetryMax time.Duration
	Logger   *zap.Logger
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
	return &Pipeline{opts: opts, log: opts.Logger, stats: newStats(), inflight: map[string]bool{}}, nil
}

// Stats returns a snapshot of the counts so far.
func (p *Pipeline) Stats() Snapshot { return p.stats.snapshot() }

// job is one item and the pass it belongs to.
type job struct {
	item feeds.Item
	pass *passTracker
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
	var workers sync.WaitGroup
	for range p.opts.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				p.handle(workCtx, j.item)
				j.pass.done()
			}
		}()
	}

	var summaries sync.WaitGroup
	cur := newPassTracker(p.stats)
	emit := func(ctx context.Context, it feeds.Item) error {
		cur.add()
		select {
		case jobs <- job{item: it, pass: cur}:
			return nil
		case <-ctx.Done():
			cur.done()
			return ctx.Err()
		}
	}
	endPass := func() {
		prev := cur
		cur = newPassTracker(p.stats)
		n := p.pass.Add(1)
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
// are logged here, once, and the pipeline goes on.
func (p *Pipeline) handle(ctx context.Context, it feeds.Item) {
	start := p.opts.Now()
	log := p.log.With(zap.String("article_url", it.Link), zap.String("feed_url", it.FeedURL))
	if ctx.Err() != nil {
		return // shutting down: the item stays undone and is re-done next run
	}
	seen, err := p.opts.Store.Seen(it)
	if err != nil {
		log.Error("state store read failed", zap.Error(err))
		p.stats.article(outcomeFailed)
		return
	}
	if seen {
		log.Debug("article already done")
		p.stats.article(outcomeSkipped)
		return
	}
	key := feeds.CanonicalURL(it.Key())
	if !p.claim(key) {
		log.Debug("article in flight from another feed")
		p.stats.article(outcomeSkipped)
		return
	}
	defer p.release(key)

	raw, meta, err := p.load(ctx, it)
	if err != nil {
		log.Warn("article fetch failed", zap.Error(err))
		p.deadLetter(ctx, it, "fetch", err)
		p.stats.article(outcomeFailed)
		return
	}
	now := p.opts.Now()
	art, evs, err := p.opts.Extractor.Page(raw, meta, now)
	if err != nil {
		log.Warn("article extraction failed", zap.Error(err))
		p.deadLetter(ctx, it, "extract", err)
		p.stats.article(outcomeFailed)
		return
	}
	canonical := feeds.CanonicalURL(art.CanonicalURL)
	if canonical != "" && canonical != key {
		dup, err := p.opts.Store.SeenURL(canonical)
		if err != nil {
			log.Error("state store read failed", zap.Error(err))
			p.stats.article(outcomeFailed)
			return
		}
		if dup {
			log.Debug("article already done under its canonical URL", zap.String("canonical_url", canonical))
			if err := p.opts.Store.MarkDone(it, canonical); err != nil {
				log.Error("state store write failed", zap.Error(err))
			}
			p.stats.article(outcomeSkipped)
			return
		}
	}
	if art.FeedURL == "" {
		art.FeedURL = it.FeedURL
	}

	if err := p.retry(ctx, log, func(ctx context.Context) error { return p.opts.Publisher.PublishArticle(ctx, &art, now) }); err != nil {
		log.Warn("article left undone: publishing stopped", zap.Error(err))
		p.stats.article(outcomeFailed)
		return
	}
	var acks []publish.Ack
	if err := p.retry(ctx, log, func(ctx context.Context) error {
		var err error
		acks, err = p.opts.Publisher.Publish(ctx, evs)
		return err
	}); err != nil {
		log.Warn("article left undone: publishing stopped", zap.Error(err))
		p.stats.article(outcomeFailed)
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
	}
	if err := p.opts.Store.MarkDone(it, canonical); err != nil {
		// The events are in Kafka; the article will be re-done and its
		// events published again with the same ids.
		log.Error("state store write failed", zap.Error(err))
	}
	outcome := outcomeNoEvents
	if len(evs) > 0 {
		outcome = outcomeEvents
	}
	p.stats.article(outcome)
	log.Info("article processed",
		zap.String("title", art.Title),
		zap.Int("events", len(evs)),
		zap.Duration("duration", p.opts.Now().Sub(start)))
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
	resp, err := p.opts.Fetcher.Get(ctx, it.Link, nil, p.opts.MaxPageBytes)
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

func (p *Pipeline) deadLetter(ctx context.Context, it feeds.Item, stage string, cause error) {
	d := publish.DeadLetter{
		Stage:      stage,
		ErrorClass: ErrorClass(cause),
		Message:    cause.Error(),
		Attempts:   1,
		URL:        it.Link,
		FeedURL:    it.FeedURL,
		FailedAt:   p.opts.Now().UTC(),
	}
	if err := p.opts.Publisher.PublishDeadLetter(ctx, d); err != nil {
		p.log.Warn("dead letter not published", zap.String("article_url", it.Link), zap.Error(err))
	}
}

// ErrorClass names the kind of a failure for dead letters and metrics.
func ErrorClass(err error) string {
	var se *fetch.StatusError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("http_%d", se.StatusCode)
	case errors.Is(err, fetch.ErrTooLarge):
		return "too_large"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "other"
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
