// Package metrics holds the Prometheus metrics of newsevents in a registry
// of its own (never the global default one, so tests and several pipelines
// in one process do not collide).
//
// Every method is safe on a nil *Metrics and then does nothing, so packages
// take a *Metrics in their options and call it without checks:
//
//	opts.Metrics.FeedPoll(feedURL, metrics.ErrorClass(err), time.Since(start))
//
// The metric names are part of the operator contract: the Grafana dashboard
// and the alert rules in deployments/ use them, and docs/operations.md lists
// them. Rename nothing without updating those (a test checks it).
package metrics

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/newsevents/newsevents/internal/buildinfo"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/schema"
)

const namespace = "newsevents"

// Poll results and error classes: the values of the result label of
// newsevents_feed_polls_total and newsevents_page_fetches_total.
const (
	ResultOK          = "ok"
	ResultNotModified = "not_modified"
	// Error classes, from ErrorClass.
	ResultTimeout  = "timeout"   // deadline exceeded, connect or read timeout
	ResultNetwork  = "network"   // DNS, connection refused or reset, TLS
	ResultHTTP4xx  = "http_4xx"  // 4xx other than 429
	ResultHTTP429  = "http_429"  // rate limited
	ResultHTTP5xx  = "http_5xx"  // server error
	ResultParse    = "parse"     // body is not a feed or page we can read
	ResultTooLarge = "too_large" // body above the configured limit
	ResultBlocked  = "blocked"   // refused by policy (SSRF guard, robots.txt)
	ResultRedirect = "redirect"  // too many redirects, or a loop
	ResultCanceled = "canceled"  // shutting down
	ResultOther    = "other"
)

// Results lists every value of the result label, ok first.
func Results() []string {
	return []string{ResultOK, ResultNotModified, ResultTimeout, ResultNetwork, ResultHTTP4xx,
		ResultHTTP429, ResultHTTP5xx, ResultParse, ResultTooLarge, ResultBlocked, ResultRedirect, ResultCanceled, ResultOther}
}

// Article outcomes: the values of the outcome label of
// newsevents_articles_processed_total.
const (
	OutcomePublished    = "published"     // events extracted and acknowledged by Kafka
	OutcomeNoEvents     = "no_events"     // an article without any event (also done)
	OutcomeDuplicate    = "duplicate"     // already done (same GUID, canonical URL or title+date)
	OutcomeFetchError   = "fetch_error"   // the page could not be fetched
	OutcomeExtractError = "extract_error" // the page could not be turned into an article
	OutcomePublishError = "publish_error" // Kafka did not acknowledge before shutdown (re-done next run)
	OutcomeStateError   = "state_error"   // the state store could not be read
)

// Outcomes lists every value of the outcome label.
func Outcomes() []string {
	return []string{OutcomePublished, OutcomeNoEvents, OutcomeDuplicate, OutcomeFetchError,
		OutcomeExtractError, OutcomePublishError, OutcomeStateError}
}

// Stages: the values of the stage label of the in-flight and queued gauges.
const (
	StagePoll    = "poll"
	StageFetch   = "fetch"
	StageExtract = "extract"
	StagePublish = "publish"
)

// Stages lists every value of the stage label.
func Stages() []string { return []string{StagePoll, StageFetch, StageExtract, StagePublish} }

// Metrics are the metrics of one newsevents process.
type Metrics struct {
	reg *prometheus.Registry

	feedPolls     *prometheus.CounterVec
	feedItems     prometheus.Counter
	feedFailing   *prometheus.GaugeVec
	fetchDuration *prometheus.HistogramVec
	pageFetches   *prometheus.CounterVec
	articles      *prometheus.CounterVec
	events        *prometheus.CounterVec
	publishDur    prometheus.Histogram
	publishErrors prometheus.Counter
	published     prometheus.Counter
	inFlight      *prometheus.GaugeVec
	queued        *prometheus.GaugeVec
	brokerUp      prometheus.GaugeFunc
	brokerChange  prometheus.GaugeFunc
	passes        prometheus.Counter
	lastPass      prometheus.Gauge
	logDropped    *prometheus.CounterVec
	storeBytes    prometheus.GaugeFunc
	storeMu       sync.Mutex
	storeFunc     func() int64
	broker        int       // brokerUnknown, brokerUpState or brokerDown; under failingMu
	brokerSince   time.Time // when broker last changed; under failingMu
	brokerFunc    func() (up bool, since time.Time)
	failingMu     sync.Mutex
	failingSince  map[string]time.Time
	now           func() time.Time
}

// New returns metrics registered in a new registry, together with the Go
// runtime and process collectors and newsevents_build_info.
func New() *Metrics {
	m := &Metrics{
		reg:          prometheus.NewRegistry(),
		failingSince: map[string]time.Time{},
		now:          time.Now,
	}
	f := factory{m.reg}
	m.feedPolls = f.counterVec("feed_polls_total",
		"Feed polls by result: ok, not_modified, or the error class.", "result")
	m.feedItems = f.counter("feed_items_total",
		"New feed items (not seen before) handed to the pipeline.")
	m.feedFailing = f.gaugeVec("feed_failing_since_timestamp_seconds",
		"Unix time of the first failed poll of a feed's current run of failures; 0 when its last poll succeeded.", "feed")
	m.fetchDuration = f.histogramVec("fetch_duration_seconds",
		"Duration of one HTTP fetch, connect to last byte, by kind (feed or page).",
		[]float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}, "kind")
	m.pageFetches = f.counterVec("page_fetches_total",
		"Article page fetches by result: ok, not_modified, or the error class.", "result")
	m.articles = f.counterVec("articles_processed_total",
		"Articles through the pipeline by outcome.", "outcome")
	m.events = f.counterVec("events_published_total",
		"Events acknowledged by Kafka, by event type.", "type")
	m.publishDur = f.histogram("publish_duration_seconds",
		"Duration of one successful publish call (an article's record, or its events) until Kafka acknowledged every message (acks=all).",
		[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10})
	m.publishErrors = f.counter("publish_errors_total",
		"Publish calls that failed (events not acknowledged; the article is retried).")
	m.published = f.counter("publish_messages_total",
		"Messages acknowledged by Kafka (events, articles and dead letters).")
	m.inFlight = f.gaugeVec("stage_in_flight",
		"Items being worked on, by pipeline stage.", "stage")
	m.queued = f.gaugeVec("stage_queued",
		"Items waiting for a stage (blocked in a hand-off), by pipeline stage.", "stage")
	m.brokerUp = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "broker_up",
		Help: "1 when the last contact with the Kafka brokers succeeded, 0 when they were unreachable.",
	}, func() float64 {
		if up, _ := m.brokerState(); up {
			return 1
		}
		return 0
	})
	m.brokerChange = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "broker_last_change_timestamp_seconds",
		Help: "Unix time when broker_up last changed.",
	}, func() float64 {
		_, since := m.brokerState()
		if since.IsZero() {
			return 0
		}
		return float64(since.UnixNano()) / 1e9
	})
	m.reg.MustRegister(m.brokerUp, m.brokerChange)
	m.passes = f.counter("passes_total",
		"Completed polling passes (every feed due at that moment polled).")
	m.lastPass = f.gauge("last_pass_timestamp_seconds",
		"Unix time of the end of the last polling pass.")
	m.logDropped = f.counterVec("log_messages_dropped_total",
		"Log lines dropped by sampling (repetitive lines), by level.", "level")
	m.storeBytes = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "state_store_bytes",
		Help: "Size of the state store on disk (0 for the in-memory store).",
	}, m.stateStoreBytes)
	m.reg.MustRegister(m.storeBytes)

	bi := buildinfo.Get()
	info := f.gaugeVec("build_info",
		"Always 1; the labels say which build is running.", "version", "revision", "go_version")
	info.WithLabelValues(bi.Version, bi.Revision, bi.GoVersion).Set(1)

	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)

	// Every known label value starts at 0, so series exist from the first
	// scrape: rate() and "no events for N hours" alerts work from the start.
	for _, r := range Results() {
		m.feedPolls.WithLabelValues(r)
		m.pageFetches.WithLabelValues(r)
	}
	for _, o := range Outcomes() {
		m.articles.WithLabelValues(o)
	}
	for _, t := range schema.CoreTypes() {
		m.events.WithLabelValues(string(t))
	}
	for _, s := range Stages() {
		m.inFlight.WithLabelValues(s)
		m.queued.WithLabelValues(s)
	}
	for _, k := range []string{"feed", "page"} {
		m.fetchDuration.WithLabelValues(k)
	}
	for _, l := range []string{"debug", "info", "warn", "error"} {
		m.logDropped.WithLabelValues(l)
	}
	return m
}

// Registry is the registry to serve on /metrics (nil for a nil *Metrics).
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// FeedPoll records one poll of feedURL: its result (ResultOK,
// ResultNotModified or an error class from ErrorClass) and how long the
// request took. A failed poll starts (or continues) the feed's failing
// period; a successful one ends it.
func (m *Metrics) FeedPoll(feedURL, result string, d time.Duration) {
	if m == nil {
		return
	}
	m.feedPolls.WithLabelValues(result).Inc()
	m.fetchDuration.WithLabelValues("feed").Observe(d.Seconds())
	if result == ResultCanceled {
		return // shutting down says nothing about the feed
	}
	m.failingMu.Lock()
	defer m.failingMu.Unlock()
	g := m.feedFailing.WithLabelValues(feedURL)
	if result == ResultOK || result == ResultNotModified {
		delete(m.failingSince, feedURL)
		g.Set(0)
		return
	}
	if _, ok := m.failingSince[feedURL]; !ok {
		t := m.now()
		m.failingSince[feedURL] = t
		g.Set(float64(t.UnixNano()) / 1e9)
	}
}

// KnownFeeds exports newsevents_feed_failing_since_timestamp_seconds at 0
// for each feed this process polls, so every feed has a series from the
// first scrape. Call it at start-up with the feeds of this shard.
func (m *Metrics) KnownFeeds(feedURLs ...string) {
	if m == nil {
		return
	}
	m.failingMu.Lock()
	defer m.failingMu.Unlock()
	for _, u := range feedURLs {
		if _, failing := m.failingSince[u]; !failing {
			m.feedFailing.WithLabelValues(u).Set(0)
		}
	}
}

// FeedItems counts n new items found in a feed.
func (m *Metrics) FeedItems(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.feedItems.Add(float64(n))
}

// PageFetch records one article page fetch: its result and duration.
func (m *Metrics) PageFetch(result string, d time.Duration) {
	if m == nil {
		return
	}
	m.pageFetches.WithLabelValues(result).Inc()
	m.fetchDuration.WithLabelValues("page").Observe(d.Seconds())
}

// ArticleProcessed counts one article by its outcome (Outcome...).
func (m *Metrics) ArticleProcessed(outcome string) {
	if m == nil {
		return
	}
	m.articles.WithLabelValues(outcome).Inc()
}

// Published records one Publish call of n events that took d; err non-nil
// means Kafka did not acknowledge them.
func (m *Metrics) Published(n int, d time.Duration, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.publishErrors.Inc()
		return
	}
	m.publishDur.Observe(d.Seconds())
	m.published.Add(float64(n))
}

// EventPublished counts one event of type eventType acknowledged by Kafka.
func (m *Metrics) EventPublished(eventType string) {
	if m == nil {
		return
	}
	m.events.WithLabelValues(eventType).Inc()
}

// MessagePublished counts n non-event messages (articles, dead letters)
// acknowledged by Kafka.
func (m *Metrics) MessagePublished(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.published.Add(float64(n))
}

// InFlight adds delta (+1 when an item enters stage, -1 when it leaves) to
// the items being worked on in stage.
func (m *Metrics) InFlight(stage string, delta int) {
	if m == nil {
		return
	}
	m.inFlight.WithLabelValues(stage).Add(float64(delta))
}

// Queued adds delta to the items waiting to enter stage (+1 before a
// blocking hand-off, -1 after it).
func (m *Metrics) Queued(stage string, delta int) {
	if m == nil {
		return
	}
	m.queued.WithLabelValues(stage).Add(float64(delta))
}

// BrokerUp records whether the brokers answered the last contact. It
// reports whether this changed the state (so the caller logs "broker
// unreachable" / "broker reachable again" once per change).
func (m *Metrics) BrokerUp(up bool) (changed bool) {
	if m == nil {
		return false
	}
	state := brokerDown
	if up {
		state = brokerUpState
	}
	m.failingMu.Lock()
	defer m.failingMu.Unlock()
	old := m.broker
	if old == state {
		return false
	}
	m.broker = state
	m.brokerSince = m.now()
	// The first contact is a change only when it fails: "reachable" at
	// start-up is not news, "unreachable" is.
	return old != brokerUnknown || !up
}

// WatchBroker makes newsevents_broker_up and
// newsevents_broker_last_change_timestamp_seconds read state at each scrape,
// e.g. func() (bool, time.Time) { s := pub.Status(); return s.Reachable, s.Since }.
// It takes precedence over BrokerUp.
func (m *Metrics) WatchBroker(state func() (up bool, since time.Time)) {
	if m == nil {
		return
	}
	m.failingMu.Lock()
	m.brokerFunc = state
	m.failingMu.Unlock()
}

// brokerState is what the broker gauges show: the watched state, else the
// one BrokerUp recorded (unknown counts as up until the first contact).
func (m *Metrics) brokerState() (up bool, since time.Time) {
	m.failingMu.Lock()
	f, state, since := m.brokerFunc, m.broker, m.brokerSince
	m.failingMu.Unlock()
	if f != nil {
		return f()
	}
	return state != brokerDown, since
}

const (
	brokerUnknown = iota
	brokerUpState
	brokerDown
)

// PassDone records the end of one polling pass.
func (m *Metrics) PassDone() {
	if m == nil {
		return
	}
	m.passes.Inc()
	m.lastPass.Set(float64(m.now().UnixNano()) / 1e9)
}

// LogDropped counts one log line of level dropped by sampling.
func (m *Metrics) LogDropped(level string) {
	if m == nil {
		return
	}
	m.logDropped.WithLabelValues(level).Inc()
}

// WatchStateStore makes newsevents_state_store_bytes read size at each
// scrape (e.g. the size of the store's file).
func (m *Metrics) WatchStateStore(size func() int64) {
	if m == nil {
		return
	}
	m.storeMu.Lock()
	m.storeFunc = size
	m.storeMu.Unlock()
}

// WatchStateStoreFile is WatchStateStore with the size of the file at path.
func (m *Metrics) WatchStateStoreFile(path string) {
	m.WatchStateStore(func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			return 0
		}
		return st.Size()
	})
}

func (m *Metrics) stateStoreBytes() float64 {
	m.storeMu.Lock()
	f := m.storeFunc
	m.storeMu.Unlock()
	if f == nil {
		return 0
	}
	return float64(f())
}

// ErrorClass maps an error of a feed poll or page fetch to its result label
// value. nil is ResultOK. It knows the errors of internal/fetch (which must
// therefore never import this package) and of gofeed.
func ErrorClass(err error) string {
	if err == nil {
		return ResultOK
	}
	var se *fetch.StatusError
	var be *fetch.BlockedError
	var ne net.Error
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var xmlErr *xml.SyntaxError
	var jsonErr *json.SyntaxError
	switch {
	case errors.As(err, &se):
		switch {
		case se.StatusCode == http.StatusTooManyRequests:
			return ResultHTTP429
		case se.StatusCode >= 500:
			return ResultHTTP5xx
		case se.StatusCode >= 400:
			return ResultHTTP4xx
		}
		return ResultOther
	case errors.Is(err, fetch.ErrTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ResultTimeout
	case errors.Is(err, context.Canceled):
		return ResultCanceled
	case errors.Is(err, fetch.ErrTooLarge):
		return ResultTooLarge
	case errors.As(err, &be), errors.Is(err, fetch.ErrDisallowed):
		return ResultBlocked
	case errors.Is(err, fetch.ErrTooManyRedirects), errors.Is(err, fetch.ErrRedirectLoop):
		return ResultRedirect
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected), errors.As(err, &xmlErr), errors.As(err, &jsonErr),
		errors.Is(err, fetch.ErrUnsupportedEncoding):
		return ResultParse
	case errors.As(err, &dnsErr), errors.As(err, &opErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return ResultNetwork
	}
	return ResultOther
}

// factory registers metrics in one registry with the newsevents namespace.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}
