package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/newsevents/newsevents/internal/fetch"
)

func TestNilMetricsDoNothing(t *testing.T) {
	var m *Metrics
	calls := []struct {
		name string
		call func()
	}{
		{"FeedPoll", func() { m.FeedPoll("https://example.org/feed", ResultOK, time.Second) }},
		{"FeedItems", func() { m.FeedItems(3) }},
		{"KnownFeeds", func() { m.KnownFeeds("https://example.org/feed") }},
		{"PageFetch", func() { m.PageFetch(ResultHTTP5xx, time.Second) }},
		{"ArticleProcessed", func() { m.ArticleProcessed(OutcomePublished) }},
		{"Published", func() { m.Published(2, time.Millisecond, nil) }},
		{"EventPublished", func() { m.EventPublished("tariff_imposed") }},
		{"MessagePublished", func() { m.MessagePublished(1) }},
		{"InFlight", func() { m.InFlight(StageFetch, 1) }},
		{"Queued", func() { m.Queued(StageFetch, 1) }},
		{"BrokerUp", func() { m.BrokerUp(false) }},
		{"WatchBroker", func() { m.WatchBroker(func() (bool, time.Time) { return true, time.Time{} }) }},
		{"PassDone", func() { m.PassDone() }},
		{"LogDropped", func() { m.LogDropped("info") }},
		{"WatchStateStore", func() { m.WatchStateStore(func() int64 { return 1 }) }},
		{"WatchStateStoreFile", func() { m.WatchStateStoreFile("/nonexistent") }},
		{"Registry", func() {
			if m.Registry() != nil {
				t.Error("Registry() of nil metrics is not nil")
			}
		}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) { tt.call() })
	}
}

// TestSeriesExistBeforeFirstUse checks that every labelled series an alert
// or dashboard needs is exported at 0 from the first scrape, so
// increase(...) == 0 and rate() work on a fresh process.
func TestSeriesExistBeforeFirstUse(t *testing.T) {
	m := New()
	tests := []struct {
		give string
		want int
	}{
		{"newsevents_feed_polls_total", len(Results())},
		{"newsevents_page_fetches_total", len(Results())},
		{"newsevents_articles_processed_total", len(Outcomes())},
		{"newsevents_events_published_total", 5},
		{"newsevents_stage_in_flight", len(Stages())},
		{"newsevents_stage_queued", len(Stages())},
		{"newsevents_fetch_duration_seconds", 2},
		{"newsevents_publish_duration_seconds", 1},
		{"newsevents_publish_errors_total", 1},
		{"newsevents_broker_up", 1},
		{"newsevents_state_store_bytes", 1},
		{"newsevents_build_info", 1},
		{"newsevents_passes_total", 1},
		{"newsevents_last_pass_timestamp_seconds", 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			n, err := testutil.GatherAndCount(m.Registry(), tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want {
				t.Errorf("%d series, want %d", n, tt.want)
			}
		})
	}
}

func TestFeedPollTracksFailingSince(t *testing.T) {
	m := New()
	clock := time.Unix(1_700_000_000, 0)
	m.now = func() time.Time { return clock }
	const feed = "https://example.org/feed.xml"
	failing := func() float64 { return testutil.ToFloat64(m.feedFailing.WithLabelValues(feed)) }

	steps := []struct {
		give        string
		advance     time.Duration
		wantFailing float64
	}{
		{ResultOK, 0, 0},
		{ResultHTTP5xx, time.Minute, 1_700_000_060},
		{ResultTimeout, time.Hour, 1_700_000_060}, // still failing since the first failure
		{ResultCanceled, time.Minute, 1_700_000_060},
		{ResultNotModified, time.Minute, 0},
		{ResultNetwork, time.Minute, 1_700_003_840},
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		m.FeedPoll(feed, s.give, 200*time.Millisecond)
		if got := failing(); got != s.wantFailing {
			t.Errorf("step %d (%s): failing since %v, want %v", i, s.give, got, s.wantFailing)
		}
	}
	if got := testutil.ToFloat64(m.feedPolls.WithLabelValues(ResultHTTP5xx)); got != 1 {
		t.Errorf("polls{result=http_5xx} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.feedPolls.WithLabelValues(ResultOK)); got != 1 {
		t.Errorf("polls{result=ok} = %v, want 1", got)
	}
	if n := testutil.CollectAndCount(m.fetchDuration, "newsevents_fetch_duration_seconds"); n != 2 {
		t.Errorf("%d fetch duration series, want 2", n)
	}
}

func TestKnownFeedsExportedAtZero(t *testing.T) {
	m := New()
	m.FeedPoll("https://b.example/feed", ResultHTTP5xx, time.Second)
	m.KnownFeeds("https://a.example/feed", "https://b.example/feed")
	if n := testutil.CollectAndCount(m.feedFailing); n != 2 {
		t.Errorf("%d feed series, want 2", n)
	}
	if got := testutil.ToFloat64(m.feedFailing.WithLabelValues("https://a.example/feed")); got != 0 {
		t.Errorf("a: failing since %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.feedFailing.WithLabelValues("https://b.example/feed")); got == 0 {
		t.Error("b: KnownFeeds reset a failing feed to 0")
	}
}

func TestBrokerUpReportsChanges(t *testing.T) {
	tests := []struct {
		name        string
		give        []bool
		wantChanged []bool
		wantUp      float64
	}{
		{"up at start is not news", []bool{true, true}, []bool{false, false}, 1},
		{"down at start is news", []bool{false, false}, []bool{true, false}, 0},
		{"outage and recovery", []bool{true, false, false, true, true}, []bool{false, true, false, true, false}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New()
			for i, up := range tt.give {
				if got := m.BrokerUp(up); got != tt.wantChanged[i] {
					t.Errorf("call %d BrokerUp(%v) changed = %v, want %v", i, up, got, tt.wantChanged[i])
				}
			}
			if got := testutil.ToFloat64(m.brokerUp); got != tt.wantUp {
				t.Errorf("broker_up = %v, want %v", got, tt.wantUp)
			}
		})
	}
}

func TestWatchBrokerReadAtScrape(t *testing.T) {
	m := New()
	m.BrokerUp(true)
	up, since := false, time.Unix(1_750_000_000, 0)
	m.WatchBroker(func() (bool, time.Time) { return up, since })
	if got := testutil.ToFloat64(m.brokerUp); got != 0 {
		t.Errorf("broker_up = %v, want 0 from the watched state", got)
	}
	if got := testutil.ToFloat64(m.brokerChange); got != 1_750_000_000 {
		t.Errorf("broker_last_change = %v, want 1750000000", got)
	}
	up = true
	if got := testutil.ToFloat64(m.brokerUp); got != 1 {
		t.Errorf("broker_up = %v, want 1 after the state changed", got)
	}
}

func TestPublishedCountsErrorsApart(t *testing.T) {
	m := New()
	m.Published(3, 5*time.Millisecond, nil)
	m.Published(2, time.Second, errors.New("broker down"))
	m.EventPublished("tariff_imposed")
	m.EventPublished("tariff_imposed")
	m.MessagePublished(1)
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"messages", testutil.ToFloat64(m.published), 4},
		{"errors", testutil.ToFloat64(m.publishErrors), 1},
		{"tariff_imposed events", testutil.ToFloat64(m.events.WithLabelValues("tariff_imposed")), 2},
		{"trip_cancelled events", testutil.ToFloat64(m.events.WithLabelValues("trip_cancelled")), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	want := `
# HELP newsevents_publish_duration_seconds Duration of one successful publish call (an article's record, or its events) until Kafka acknowledged every message (acks=all).
# TYPE newsevents_publish_duration_seconds histogram
newsevents_publish_duration_seconds_bucket{le="0.001"} 0
newsevents_publish_duration_seconds_bucket{le="0.0025"} 0
newsevents_publish_duration_seconds_bucket{le="0.005"} 1
newsevents_publish_duration_seconds_bucket{le="0.01"} 1
newsevents_publish_duration_seconds_bucket{le="0.025"} 1
newsevents_publish_duration_seconds_bucket{le="0.05"} 1
newsevents_publish_duration_seconds_bucket{le="0.1"} 1
newsevents_publish_duration_seconds_bucket{le="0.25"} 1
newsevents_publish_duration_seconds_bucket{le="0.5"} 1
newsevents_publish_duration_seconds_bucket{le="1"} 1
newsevents_publish_duration_seconds_bucket{le="2.5"} 1
newsevents_publish_duration_seconds_bucket{le="5"} 1
newsevents_publish_duration_seconds_bucket{le="10"} 1
newsevents_publish_duration_seconds_bucket{le="+Inf"} 1
newsevents_publish_duration_seconds_sum 0.005
newsevents_publish_duration_seconds_count 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "newsevents_publish_duration_seconds"); err != nil {
		t.Error(err)
	}
}

func TestStagesGauges(t *testing.T) {
	m := New()
	m.Queued(StageFetch, 1)
	m.Queued(StageFetch, 1)
	m.Queued(StageFetch, -1)
	m.InFlight(StagePublish, 1)
	if got := testutil.ToFloat64(m.queued.WithLabelValues(StageFetch)); got != 1 {
		t.Errorf("queued{fetch} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.inFlight.WithLabelValues(StagePublish)); got != 1 {
		t.Errorf("in_flight{publish} = %v, want 1", got)
	}
}

func TestStateStoreSizeReadAtScrape(t *testing.T) {
	m := New()
	path := filepath.Join(t.TempDir(), "state.db")
	m.WatchStateStoreFile(path)
	if got := testutil.ToFloat64(m.storeBytes); got != 0 {
		t.Errorf("missing file: %v bytes, want 0", got)
	}
	if err := os.WriteFile(path, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.storeBytes); got != 4096 {
		t.Errorf("%v bytes, want 4096", got)
	}
}

func TestPassDone(t *testing.T) {
	m := New()
	m.now = func() time.Time { return time.Unix(1_800_000_000, 0) }
	m.PassDone()
	m.PassDone()
	if got := testutil.ToFloat64(m.passes); got != 2 {
		t.Errorf("passes = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.lastPass); got != 1_800_000_000 {
		t.Errorf("last pass = %v, want 1800000000", got)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestErrorClass(t *testing.T) {
	tests := []struct {
		give error
		want string
	}{
		{nil, ResultOK},
		{&fetch.StatusError{URL: "https://example.org/", StatusCode: 404}, ResultHTTP4xx},
		{fmt.Errorf("poll: %w", &fetch.StatusError{StatusCode: 429}), ResultHTTP429},
		{&fetch.StatusError{StatusCode: 503}, ResultHTTP5xx},
		{fmt.Errorf("GET x: %w after 30s", fetch.ErrTimeout), ResultTimeout},
		{context.DeadlineExceeded, ResultTimeout},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, ResultTimeout},
		{fmt.Errorf("poll: %w", context.Canceled), ResultCanceled},
		{fmt.Errorf("GET x: %w of 10 bytes", fetch.ErrTooLarge), ResultTooLarge},
		{fetch.ErrDisallowed, ResultBlocked},
		{&fetch.BlockedError{Host: "intranet", IP: netip.MustParseAddr("10.0.0.1"), Reason: "private"}, ResultBlocked},
		{fetch.ErrRedirectLoop, ResultRedirect},
		{fmt.Errorf("parse: %w", gofeed.ErrFeedTypeNotDetected), ResultParse},
		{&net.DNSError{Err: "no such host", Name: "nowhere.invalid"}, ResultNetwork},
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, ResultNetwork},
		{errors.New("something else"), ResultOther},
	}
	for _, tt := range tests {
		name := "nil"
		if tt.give != nil {
			name = tt.give.Error()
		}
		t.Run(name, func(t *testing.T) {
			if got := ErrorClass(tt.give); got != tt.want {
				t.Errorf("ErrorClass(%v) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}
