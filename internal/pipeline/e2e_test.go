package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/kafkatest"
	"github.com/newsevents/newsevents/internal/pipeline"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// rig is the real pipeline against an httptest news site and the embedded
// broker.
type rig struct {
	t       *testing.T
	site    *httptest.Server
	brokers []string
	store   pipeline.Store
}

func newRig(t *testing.T) *rig {
	t.Helper()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	site := httptest.NewUnstartedServer(nil)
	site.Start()
	site.Config.Handler = demo.Handler(site.URL)
	t.Cleanup(site.Close)

	r := &rig{t: t, site: site, brokers: []string{b.Addr()}, store: pipeline.NewMemoryStore()}
	var specs []publish.TopicSpec
	for _, typ := range schema.CoreTypes() {
		specs = append(specs, publish.TopicSpec{Name: schema.Topic(schema.DefaultTopicPrefix, typ), Partitions: 3, ReplicationFactor: 1})
	}
	specs = append(specs,
		publish.TopicSpec{Name: publish.ArticlesTopic, Partitions: 3, ReplicationFactor: 1},
		publish.TopicSpec{Name: publish.DeadLetterTopic, Partitions: 1, ReplicationFactor: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := publish.EnsureTopics(ctx, r.brokers, specs); err != nil {
		t.Fatal(err)
	}
	return r
}

// runOnce runs one pass of the pipeline over the site's feeds.
func (r *rig) runOnce(ctx context.Context) (pipeline.Snapshot, string) {
	t := r.t
	t.Helper()
	log := zaptest.NewLogger(t)
	pub, err := publish.New(publish.Options{Brokers: r.brokers, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	client := newTestClient()
	var progress bytes.Buffer
	p, err := pipeline.New(pipeline.Options{
		Source: &pipeline.FeedList{
			Poller: &feeds.Poller{Client: client, Logger: log},
			URLs:   demo.FeedURLs(r.site.URL),
			Logger: log,
		},
		Store:     r.store,
		Fetcher:   client,
		Extractor: x,
		Publisher: pub,
		Workers:   4,
		Logger:    log,
		Progress:  &progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	return p.Stats(), progress.String()
}

func newTestClient() *fetch.Client {
	c, err := fetch.NewClient(fetch.Options{
		Timeout:     10 * time.Second,
		AllowCIDRs:  []string{"127.0.0.0/8"}, // the test site is on loopback
		PerHostRate: rate.Inf,
	})
	if err != nil {
		panic(err)
	}
	return c
}

func TestEndToEndDemoSiteToTopics(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newRig(t)

	stats, progress := r.runOnce(ctx)
	want := map[string]string{} // event key -> article path
	for path, evs := range demo.Expected() {
		for _, e := range evs {
			want[e.Key] = path
		}
	}
	if stats.Failed != 0 {
		t.Errorf("%d articles failed, want 0", stats.Failed)
	}
	if !strings.Contains(progress, "trade.trip-cancelled") {
		t.Errorf("pass summary does not list the topics:\n%s", progress)
	}

	got := map[string]bool{}
	ids := map[string]bool{}
	for _, typ := range schema.CoreTypes() {
		topic := schema.Topic(schema.DefaultTopicPrefix, typ)
		msgs, err := kafkatest.ReadAll(ctx, r.brokers, topic)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			var e schema.Event
			if err := json.Unmarshal(m.Value, &e); err != nil {
				t.Fatalf("%s@%d: value is not an event: %v", topic, m.Offset, err)
			}
			if e.Type != typ {
				t.Errorf("%s@%d: event of type %s on the wrong topic", topic, m.Offset, e.Type)
			}
			if string(m.Key) != e.EventKey || e.EventKey != schema.Key(e.Type, e.Fields) {
				t.Errorf("%s@%d: message key %q, event_key %q, want both %q", topic, m.Offset, m.Key, e.EventKey, schema.Key(e.Type, e.Fields))
			}
			for k, v := range map[string]string{
				"ce_specversion": "1.0", "ce_id": e.ID, "ce_type": publish.CEType(e.Type),
				"ce_source": e.Article.CanonicalURL, "content-type": "application/json",
			} {
				if got := kafkatest.Header(m, k); got != v {
					t.Errorf("%s@%d: header %s = %q, want %q", topic, m.Offset, k, got, v)
				}
			}
			if _, err := time.Parse(time.RFC3339Nano, kafkatest.Header(m, "ce_time")); err != nil {
				t.Errorf("%s@%d: ce_time: %v", topic, m.Offset, err)
			}
			if e.SchemaVersion != schema.Version || e.ID == "" || e.Evidence.Sentence == "" || e.ExtractorVersion == "" {
				t.Errorf("%s@%d: incomplete event: %s", topic, m.Offset, m.Value)
			}
			if !strings.HasPrefix(e.Article.URL, r.site.URL) {
				t.Errorf("%s@%d: article url %q is not on the site", topic, m.Offset, e.Article.URL)
			}
			if ids[e.ID] {
				t.Errorf("event %s published twice in one run (an article listed in both feeds must be processed once)", e.ID)
			}
			ids[e.ID] = true
			got[e.EventKey] = true
		}
	}
	var missing, extra []string
	for k, path := range want {
		if !got[k] {
			missing = append(missing, k+" ("+path+")")
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("events on the topics differ from the demo site's expected events:\nmissing: %v\nextra:   %v", missing, extra)
	}

	// A second pass over the same feeds with the same store publishes nothing.
	again, _ := r.runOnce(ctx)
	if again.Events != 0 || again.Articles != 0 {
		t.Errorf("second pass processed %d articles and published %d events, want 0 and 0", again.Articles, again.Events)
	}
}
