package feeds

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/metrics"
)

// SchedulerOptions configure a Scheduler. Zero values mean the defaults.
type SchedulerOptions struct {
	// Interval between two polls of a feed without its own (default 10m).
	Interval time.Duration
	// MinInterval: no feed is polled more often (default 5m).
	MinInterval time.Duration
	// MaxInterval caps how far Cache-Control, Expires, <ttl> and
	// Retry-After push the next poll (default 24h).
	MaxInterval time.Duration
	// MaxBackoff caps the back-off of a failing feed (default 6h).
	MaxBackoff time.Duration
	// Pollers is the number of feeds polled at once: a fixed pool, whatever
	// the number of feeds (default 16).
	Pollers int
	// Metrics records polls and new items; nil for none.
	Metrics *metrics.Metrics
	// StartNow polls feeds that were never polled at once instead of
	// spreading their first polls over the interval (the demo uses it).
	StartNow bool
	// PerHostPolls is the most feeds of one host polled at once (default
	// 2, as fetch's per-host concurrency).
	PerHostPolls int
	// MaxFeedBytes is the largest feed body, decoded (default 10 MiB).
	MaxFeedBytes int64
	// RecentTTL: an item emitted in this process is not emitted again for
	// this long even if not yet done, e.g. while the pipeline is busy with
	// it (default 1h).
	RecentTTL time.Duration
	// SnapshotEvery is how often status.json is rewritten (default 30s).
	SnapshotEvery time.Duration
	// PruneEvery is how often done articles past retention are pruned (default 1h).
	PruneEvery time.Duration
	Logger     *zap.Logger
}

func (o *SchedulerOptions) defaults() {
	if o.Interval <= 0 {
		o.Interval = 10 * time.Minute
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 5 * time.Minute
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 24 * time.Hour
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 6 * time.Hour
	}
	if o.Pollers <= 0 {
		o.Pollers = 16
	}
	if o.PerHostPolls <= 0 {
		o.PerHostPolls = 2
	}
	if o.RecentTTL <= 0 {
		o.RecentTTL = time.Hour
	}
	if o.SnapshotEvery <= 0 {
		o.SnapshotEvery = 30 * time.Second
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = time.Hour
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
}

// Scheduler polls feeds on their schedules and emits their new items. It
// implements pipeline.Source.
type Scheduler struct {
	poller *Poller
	store  *Store
	feeds  []Feed
	opts   SchedulerOptions
	log    *zap.Logger

	mu     sync.Mutex
	recent map[[16]byte]time.Time // items emitted lately, by key hash
}

// NewScheduler returns a scheduler of feeds that fetches with client and
// keeps its state in store.
func NewScheduler(client *fetch.Client, store *Store, feeds []Feed, opts SchedulerOptions) (*Scheduler, error) {
	if client == nil || store == nil {
		return nil, errors.New("feeds: scheduler needs a fetch client and a store")
	}
	opts.defaults()
	seen := map[string]bool{}
	for _, f := range feeds {
		if seen[f.URL] {
			return nil, fmt.Errorf("feeds: %s is listed twice", f.URL)
		}
		seen[f.URL] = true
	}
	return &Scheduler{
		poller: &Poller{Client: client, Logger: opts.Logger, MaxBytes: opts.MaxFeedBytes},
		store:  store,
		feeds:  feeds,
		opts:   opts,
		log:    opts.Logger,
		recent: map[[16]byte]time.Time{},
	}, nil
}

// feedRun is a feed and its state while Run runs.
type feedRun struct {
	Feed
	host  string // for the per-host limit on polls in flight
	st    FeedState
	due   time.Time
	index int
	pass  int // the last pass the feed was polled in
}

type dueHeap []*feedRun

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *dueHeap) Push(x any)        { fr := x.(*feedRun); fr.index = len(*h); *h = append(*h, fr) }
func (h *dueHeap) Pop() any {
	old := *h
	fr := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return fr
}

// Run polls the feeds and calls emit for every new item until ctx ends,
// then returns nil. With once, it polls every feed immediately, once
// (ignoring stored schedules and back-off), and returns nil, or ctx's error
// if ctx ended first.
//
// emit may block (backpressure); an error from emit stops that feed's poll,
// and its items not yet done are emitted again later. Items handed to emit
// are remembered as pending until MarkDone; after a crash they are emitted
// again at the next start.
//
// endPass (may be nil) is called at the end of each pass: when every feed
// has been polled (and its items emitted) since the previous pass — with
// once, after all of them — or, at the latest, at the first poll that ends
// Interval after the previous pass, so a feed backing off for hours does
// not hold it back. (First polls are spread over the interval, so "the
// feeds due at one moment" would be a handful, many times a second.)
func (s *Scheduler) Run(ctx context.Context, once bool, emit func(context.Context, Item) error, endPass func()) error {
	start := time.Now()
	if len(s.feeds) == 0 && once {
		if endPass != nil {
			endPass()
		}
		return nil
	}
	h := make(dueHeap, 0, len(s.feeds))
	for _, f := range s.feeds {
		st, ok, err := s.store.Feed(f.URL)
		if err != nil {
			return err
		}
		if !ok {
			st = FeedState{URL: f.URL}
		}
		st.Name = f.Name
		fr := &feedRun{Feed: f, st: st}
		fr.host = feedHost(fr.fetchURL())
		switch {
		case once:
			fr.due = start
		case ok && !st.NextPoll.IsZero():
			fr.due = st.NextPoll
			if limit := start.Add(max(s.opts.MaxInterval, s.opts.MaxBackoff)); fr.due.After(limit) {
				fr.due = limit // clock jumped or config shortened
			}
		case s.opts.StartNow:
			fr.due = start
		default:
			fr.due = start.Add(offset(f.URL, s.interval(f)))
		}
		if !once && ok {
			// Items handed over before a crash or stop and not done: redo
			// them soon, not a whole interval later (but never poll the
			// feed sooner than MinInterval after its last poll).
			if p, err := s.store.Pending(f.URL); err == nil && len(p) > 0 {
				soon := st.LastPoll.Add(s.opts.MinInterval)
				if soon.Before(start) {
					soon = start
				}
				if soon.Before(fr.due) {
					fr.due = soon
				}
			}
		}
		heap.Push(&h, fr)
	}
	if len(h) > 0 {
		// New feeds' first polls are spread over their interval: say when
		// polling starts, so a quiet start is not mistaken for a hang.
		last := h[0].due
		for _, fr := range h {
			if fr.due.After(last) {
				last = fr.due
			}
		}
		s.log.Info("feeds scheduled", zap.Int("feeds", len(h)),
			zap.Duration("first_poll_in", max(h[0].due.Sub(start), 0)), zap.Duration("last_first_poll_in", max(last.Sub(start), 0)))
	}
	if _, err := s.store.Prune(start); err != nil {
		s.log.Warn("pruning state", zap.Error(err))
	}
	lastPrune, lastSnap := start, time.Time{}
	snapshot := func(now time.Time) {
		if err := s.store.WriteSnapshot(now); err != nil {
			s.log.Warn("writing status snapshot", zap.Error(err))
		}
		lastSnap = now
	}
	defer func() { snapshot(time.Now()) }()

	jobs := make(chan *feedRun)
	done := make(chan *feedRun)
	var pool sync.WaitGroup
	for range min(s.opts.Pollers, max(len(s.feeds), 1)) {
		pool.Go(func() {
			for fr := range jobs {
				s.poll(ctx, fr, emit)
				done <- fr
			}
		})
	}
	defer pool.Wait()
	defer close(jobs)

	// Dispatch is continuous: a feed is handed to a free poller as soon as
	// it is due, so a slow feed never delays the others. At most
	// PerHostPolls feeds of one host are polled at once, so a host with
	// many feeds, slowed by its per-host rate limit, cannot hold every
	// poller while other hosts wait.
	var (
		waiting    []*feedRun // due, not dispatched yet, by due time then URL
		busy       = map[string]int{}
		running    int
		ctxDone    = ctx.Done()
		timer      = time.NewTimer(time.Hour)
		lastForget = start
		// A pass ends when every feed has been polled since the last one,
		// or after Interval, so a feed backing off for hours does not hold it.
		pass, passPolled, passStart = 1, 0, start
	)
	defer timer.Stop()
	for {
		now := time.Now()
		if n := len(waiting); len(h) > 0 && !h[0].due.After(now) {
			for len(h) > 0 && !h[0].due.After(now) {
				waiting = append(waiting, heap.Pop(&h).(*feedRun))
			}
			slices.SortFunc(waiting[n:], func(a, b *feedRun) int {
				if c := a.due.Compare(b.due); c != 0 {
					return c
				}
				return strings.Compare(a.URL, b.URL)
			})
		}
		if ctx.Err() != nil || (once && len(h) == 0 && len(waiting) == 0) {
			if running == 0 {
				if ctx.Err() != nil && once {
					return ctx.Err()
				}
				return nil
			}
		}
		var next *feedRun
		at := -1
		if ctx.Err() == nil && running < s.opts.Pollers {
			for i, fr := range waiting {
				if busy[fr.host] < s.opts.PerHostPolls {
					next, at = fr, i
					break
				}
			}
		}
		var jobsC chan *feedRun
		if next != nil {
			jobsC = jobs
		}
		var timerC <-chan time.Time
		if len(h) > 0 && ctx.Err() == nil {
			timer.Reset(time.Until(h[0].due))
			timerC = timer.C
		}
		select {
		case jobsC <- next:
			waiting = slices.Delete(waiting, at, at+1)
			running++
			busy[next.host]++
		case fr := <-done:
			running--
			busy[fr.host]--
			fr.host = feedHost(fr.fetchURL()) // the feed may have moved
			if ctx.Err() != nil {
				continue
			}
			now = time.Now()
			if fr.pass != pass {
				fr.pass = pass
				passPolled++
			}
			if passPolled == len(s.feeds) || now.Sub(passStart) >= s.opts.Interval {
				if endPass != nil {
					endPass()
				}
				pass++
				passPolled, passStart = 0, now
			}
			s.maintain(now, &lastForget, &lastSnap, &lastPrune, snapshot)
			if !once {
				fr.due = fr.st.NextPoll
				if !fr.due.After(now) { // never spin on a feed whose state could not be computed
					fr.due = now.Add(s.opts.MinInterval)
				}
				heap.Push(&h, fr)
			}
		case <-timerC:
		case <-ctxDone:
			ctxDone = nil
		}
	}
}

// fetchURL is where the feed is polled: where it moved permanently, else
// its configured URL.
func (fr *feedRun) fetchURL() string {
	if fr.st.MovedTo != "" {
		return fr.st.MovedTo
	}
	return fr.URL
}

// maintain runs the periodic chores between polls: forgetting old recent
// emissions, writing the status snapshot, pruning the store.
func (s *Scheduler) maintain(now time.Time, lastForget, lastSnap, lastPrune *time.Time, snapshot func(time.Time)) {
	if now.Sub(*lastForget) >= time.Minute {
		*lastForget = now
		s.forgetRecent(now)
	}
	if now.Sub(*lastSnap) >= s.opts.SnapshotEvery {
		snapshot(now)
	}
	if now.Sub(*lastPrune) >= s.opts.PruneEvery {
		*lastPrune = now
		if _, err := s.store.Prune(now); err != nil {
			s.log.Warn("pruning state", zap.Error(err))
		}
	}
}

// interval is the feed's own interval, else the default, never below the minimum.
func (s *Scheduler) interval(f Feed) time.Duration {
	d := f.Interval
	if d <= 0 {
		d = s.opts.Interval
	}
	return max(d, s.opts.MinInterval)
}

func feedHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Hostname())
}

// offset spreads first polls over the interval by a hash of the feed URL
// (prometheus scrape.Target.offset): stable across restarts, and 10,000
// feeds do not all start in the same second.
func offset(url string, interval time.Duration) time.Duration {
	if interval <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(url))
	return time.Duration(h.Sum64() % uint64(interval))
}

// poll polls one feed, records the outcome and emits its new items.
func (s *Scheduler) poll(ctx context.Context, fr *feedRun, emit func(context.Context, Item) error) {
	log := s.log.With(zap.String("feed_url", fr.URL))
	st := &fr.st
	begun := time.Now()
	res, err := s.poller.pollAt(ctx, fr.Feed, fr.fetchURL(), Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil && st.MovedTo != "" && ctx.Err() == nil && isGone(err) {
		// The new address is gone: back to the configured one, at once,
		// without the validators of the other address.
		log.Warn("feed moved-to URL gone: polling the configured URL again", zap.String("moved_to", st.MovedTo), zap.Error(err))
		st.MovedTo, st.MovedAt = "", time.Time{}
		st.ETag, st.LastModified = "", ""
		res, err = s.poller.pollAt(ctx, fr.Feed, fr.URL, Validators{})
	}
	if err != nil && ctx.Err() != nil {
		return // shutting down: not the feed's fault
	}
	now := time.Now()
	st.LastPoll = now
	pending, perr := s.store.Pending(fr.URL)
	if perr != nil {
		log.Warn("reading pending items", zap.Error(perr))
	}

	var (
		fresh, listed []Item
		tooOld        int
	)
	if err != nil {
		s.opts.Metrics.FeedPoll(fr.URL, metrics.ErrorClass(err), now.Sub(begun))
		s.recordFailure(log, st, fr.Feed, err, now)
	} else {
		result := metrics.ResultOK
		if res.NotModified {
			result = metrics.ResultNotModified
		}
		s.opts.Metrics.FeedPoll(fr.URL, result, now.Sub(begun))
		s.recordSuccess(log, st, fr.Feed, res, now)
		recordMove(log, st, res.MovedTo, now)
		if !res.NotModified {
			fresh, listed, tooOld, err = s.newItems(res.Items, now)
			if err != nil {
				log.Warn("checking items against the state", zap.Error(err))
			}
		}
		log.Info("feed polled", zap.Bool("not_modified", res.NotModified), zap.Int("items", len(res.Items)),
			zap.Int("new", len(fresh)), zap.Int("too_old", tooOld),
			zap.Duration("duration", now.Sub(begun)), zap.Time("next_poll", st.NextPoll))
	}

	// Pending: items emitted earlier and not done yet, plus the new ones.
	// They are stored with the new validators before being emitted, so a
	// crash cannot hide them behind a 304.
	keep := pending[:0]
	inFresh := map[[16]byte]bool{}
	for _, it := range fresh {
		inFresh[itemHash(it)] = true
	}
	var retry []Item
	for _, p := range pending {
		if inFresh[itemHash(p.Item)] || now.Sub(p.Since) > s.store.retention {
			continue
		}
		done, err := s.store.Seen(p.Item)
		if err != nil || done {
			continue
		}
		keep = append(keep, p)
		retry = append(retry, p.Item)
	}
	for _, it := range fresh {
		keep = append(keep, PendingItem{Item: it, Since: now})
	}
	st.ItemsSeen += int64(len(fresh))
	s.opts.Metrics.FeedItems(len(fresh))
	if err := s.store.SavePoll(*st, listed, keep); err != nil {
		log.Error("saving feed state", zap.Error(err))
		return // without the state saved, emitting could lose items on a crash
	}
	for _, it := range append(retry, fresh...) {
		if !s.claim(it, now) {
			continue
		}
		if err := emit(ctx, it); err != nil {
			s.unclaim(it)
			if ctx.Err() == nil {
				log.Warn("emitting item", zap.String("article_url", it.Link), zap.Error(err))
			}
			return
		}
	}
}

// newItems returns the items of a poll not done yet, oldest first and
// without duplicates, every item listed (whose done time is refreshed), and
// how many items were skipped as older than the retention window.
func (s *Scheduler) newItems(items []Item, now time.Time) (fresh, listed []Item, tooOld int, err error) {
	seen := map[[16]byte]bool{}
	for i := len(items) - 1; i >= 0; i-- { // feeds list newest first
		it := items[i]
		k := itemHash(it)
		if seen[k] {
			continue
		}
		seen[k] = true
		done, serr := s.store.Seen(it)
		if serr != nil {
			err = serr
			continue
		}
		if done {
			listed = append(listed, it)
			continue
		}
		if it.Published != nil && now.Sub(*it.Published) > s.store.retention {
			// Older than the retention window: its record may have been
			// pruned while the feed kept listing it; not news any more.
			tooOld++
			continue
		}
		fresh = append(fresh, it)
	}
	return fresh, listed, tooOld, err
}

func (s *Scheduler) recordSuccess(log *zap.Logger, st *FeedState, f Feed, res *PollResult, now time.Time) {
	if st.Failures > 0 {
		log.Info("feed recovered",
			zap.Int("failures", st.Failures),
			zap.Duration("failing_for", now.Sub(st.FailingSince)),
			zap.String("last_error", st.LastError))
	}
	st.Failures, st.FailingSince = 0, time.Time{}
	st.LastSuccess = now
	st.ETag, st.LastModified = res.Validators.ETag, res.Validators.LastModified
	if !res.NotModified {
		st.TTL = res.TTL
	}
	d := s.interval(f)
	if hint := max(res.Freshness, st.TTL); hint > d {
		d = min(hint, max(s.opts.MaxInterval, d))
	}
	st.Interval = d
	st.NextPoll = now.Add(d)
}

// recordMove remembers where the feed moved permanently, so the next polls
// go there directly, and says so once. movedTo is the permanent target of
// this poll's URL ("": it answered itself, or redirected temporarily, and
// stays where it is).
func recordMove(log *zap.Logger, st *FeedState, movedTo string, now time.Time) {
	if movedTo == "" || movedTo == st.MovedTo {
		return
	}
	log.Warn("feed moved permanently", zap.String("new_url", movedTo))
	if movedTo == st.URL { // moved back to its configured address
		st.MovedTo, st.MovedAt = "", time.Time{}
		return
	}
	st.MovedTo, st.MovedAt = movedTo, now
}

// isGone reports whether err is a 404 or 410: the address is wrong, not
// the server briefly unwell.
func isGone(err error) bool {
	var se *fetch.StatusError
	return errors.As(err, &se) && (se.StatusCode == http.StatusNotFound || se.StatusCode == http.StatusGone)
}

func (s *Scheduler) recordFailure(log *zap.Logger, st *FeedState, f Feed, err error, now time.Time) {
	st.Failures++
	if st.Failures == 1 {
		st.FailingSince = now
	}
	st.LastError, st.LastErrorAt = err.Error(), now
	d := Backoff(s.interval(f), st.Failures, s.opts.MaxBackoff, rand.Float64())
	var se *fetch.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		d = max(d, min(se.RetryAfter, s.opts.MaxInterval))
	}
	st.Interval = d
	st.NextPoll = now.Add(d)
	if st.Failures == 1 {
		log.Warn("feed failing", zap.Error(err), zap.Time("next_poll", st.NextPoll))
	} else {
		log.Info("feed still failing", zap.Int("failures", st.Failures), zap.Error(err), zap.Time("next_poll", st.NextPoll))
	}
}

// Backoff is the wait after the n-th consecutive failure of a feed polled
// every interval: interval·2^(n-1), capped at max(maxBackoff, interval),
// with "equal jitter" (half fixed, half random by r in [0,1)) so failing
// feeds do not retry in lockstep, and never below interval/2.
func Backoff(interval time.Duration, n int, maxBackoff time.Duration, r float64) time.Duration {
	limit := max(maxBackoff, interval)
	d := interval
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + time.Duration(r*float64(d/2))
}

// itemHash identifies an item within this process: its feed and GUID,
// else its canonical link.
func itemHash(it Item) [16]byte {
	key := "g\x00" + it.FeedURL + "\x00" + it.GUID
	if it.GUID == "" {
		key = "u\x00" + CanonicalURL(it.Link)
	}
	h := sha256.Sum256([]byte(key))
	return [16]byte(h[:16])
}

// claim records that the item is being emitted; false if it was emitted
// within RecentTTL (by this feed or, by link, another).
func (s *Scheduler) claim(it Item, now time.Time) bool {
	keys := [][16]byte{itemHash(it)}
	if it.Link != "" {
		h := sha256.Sum256([]byte("u\x00" + CanonicalURL(it.Link)))
		keys = append(keys, [16]byte(h[:16]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if t, ok := s.recent[k]; ok && now.Sub(t) < s.opts.RecentTTL {
			return false
		}
	}
	for _, k := range keys {
		s.recent[k] = now
	}
	return true
}

func (s *Scheduler) unclaim(it Item) {
	keys := [][16]byte{itemHash(it)}
	if it.Link != "" {
		h := sha256.Sum256([]byte("u\x00" + CanonicalURL(it.Link)))
		keys = append(keys, [16]byte(h[:16]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.recent, k)
	}
}

func (s *Scheduler) forgetRecent(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.recent {
		if now.Sub(t) >= s.opts.RecentTTL {
			delete(s.recent, k)
		}
	}
}
