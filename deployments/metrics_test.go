package deployments_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/zap/zaptest"

	"github.com/newsevents/newsevents/internal/admin"
	"github.com/newsevents/newsevents/internal/metrics"
)

type grafanaDashboard struct {
	UID    string `json:"uid"`
	Panels []struct {
		Title      string `json:"title"`
		Type       string `json:"type"`
		Datasource *struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr         string `json:"expr"`
			LegendFormat string `json:"legendFormat"`
		} `json:"targets"`
	} `json:"panels"`
}

func dashboard(t *testing.T) grafanaDashboard {
	t.Helper()
	data, err := os.ReadFile("grafana/dashboards/newsevents.json")
	if err != nil {
		t.Fatal(err)
	}
	var d grafanaDashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// query is one PromQL expression of the dashboard or the alert rules.
type query struct {
	where, expr, legend string
}

func queries(t *testing.T) []query {
	t.Helper()
	var qs []query
	for _, p := range dashboard(t).Panels {
		for _, tg := range p.Targets {
			qs = append(qs, query{"dashboard panel " + p.Title, tg.Expr, tg.LegendFormat})
		}
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	doc := yamlDoc(t, "prometheus/alerts.yml")
	b, _ := json.Marshal(doc)
	if err := json.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			qs = append(qs, query{"alert " + r.Alert, r.Expr, ""})
		}
	}
	if len(qs) < 20 {
		t.Fatalf("only %d queries found in the dashboard and the alert rules", len(qs))
	}
	return qs
}

// scrape serves the metrics of a fresh process on a real admin listener and
// GETs /metrics as Prometheus would.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	srv, err := admin.New(admin.Options{Addr: "127.0.0.1:0", Gatherer: m.Registry(), Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	resp, err := http.Get("http://" + srv.Addr() + admin.PathMetrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

var (
	metricName = regexp.MustCompile(`\b(?:newsevents|process|go)_[a-z0-9_]+\b`)
	// by (a, b), without (...), on (...), ignoring (...)
	grouping = regexp.MustCompile(`\b(?:by|without|on|ignoring)\s*\(([^)]*)\)`)
	// {a="x", b!~"y"}
	matcher = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"`)
	legend  = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
)

// family finds the family of a name as written in PromQL: histograms are
// queried through their _bucket, _sum and _count series.
func family(fams map[string]*dto.MetricFamily, name string) *dto.MetricFamily {
	if f, ok := fams[name]; ok {
		return f
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if f, ok := fams[base]; ok && (f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY) {
				return f
			}
		}
	}
	return nil
}

func labelNames(f *dto.MetricFamily) []string {
	var ls []string
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if !slices.Contains(ls, l.GetName()) {
				ls = append(ls, l.GetName())
			}
		}
	}
	return ls
}

// TestDashboardAndAlertsUseExportedMetrics checks every metric name and
// label in the dashboard and the alert rules against a real scrape of
// /metrics, so a rename in internal/metrics cannot silently blank a panel or
// disarm an alert.
func TestDashboardAndAlertsUseExportedMetrics(t *testing.T) {
	m := metrics.New()
	m.KnownFeeds("https://example.org/feed.xml") // as run does with the feeds of its shard
	fams := scrape(t, m)
	// Labels Prometheus adds at scrape time, and histogram buckets.
	targetLabels := []string{"instance", "job", "le"}
	for _, q := range queries(t) {
		t.Run(q.where, func(t *testing.T) {
			names := metricName.FindAllString(q.expr, -1)
			if len(names) == 0 && !strings.Contains(q.expr, "up{") {
				t.Fatalf("%q uses no newsevents metric", q.expr)
			}
			var labels []string
			for _, n := range names {
				f := family(fams, n)
				if f == nil {
					t.Errorf("%s: metric %s is not exported on /metrics", q.where, n)
					continue
				}
				labels = append(labels, labelNames(f)...)
			}
			var used []string
			for _, m := range grouping.FindAllStringSubmatch(q.expr, -1) {
				for _, l := range strings.Split(m[1], ",") {
					if l = strings.TrimSpace(l); l != "" {
						used = append(used, l)
					}
				}
			}
			for _, m := range matcher.FindAllStringSubmatch(q.expr, -1) {
				used = append(used, m[1])
			}
			for _, m := range legend.FindAllStringSubmatch(q.legend, -1) {
				used = append(used, m[1])
			}
			for _, l := range used {
				if !slices.Contains(labels, l) && !slices.Contains(targetLabels, l) {
					t.Errorf("%s: label %q is not a label of %v (labels %v)", q.where, l, names, labels)
				}
			}
		})
	}
}

// TestDashboardCoversTheIssue checks the dashboard shows what operators asked
// for: polls, failures, events by type, publish latency and backlog.
func TestDashboardCoversTheIssue(t *testing.T) {
	var all strings.Builder
	for _, q := range queries(t) {
		if strings.HasPrefix(q.where, "dashboard") {
			all.WriteString(q.expr + "\n")
		}
	}
	for _, want := range []string{
		"newsevents_feed_polls_total",
		"newsevents_feed_failing_since_timestamp_seconds",
		"sum by (type) (increase(newsevents_events_published_total",
		"newsevents_publish_duration_seconds_bucket",
		"newsevents_stage_queued",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no dashboard query uses %s", want)
		}
	}
}

// TestAlertsHaveRunbooks checks every alert links a section of
// docs/operations.md that exists.
func TestAlertsHaveRunbooks(t *testing.T) {
	doc, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			anchors[githubAnchor(h)] = true
		}
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `json:"alert"`
				Annotations map[string]string `json:"annotations"`
				Labels      map[string]string `json:"labels"`
			} `json:"rules"`
		} `json:"groups"`
	}
	b, _ := json.Marshal(yamlDoc(t, "prometheus/alerts.yml"))
	if err := json.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	want := []string{"NewseventsFeedFailing", "NewseventsPublishErrors", "NewseventsBrokerUnreachable", "NewseventsNoEvents"}
	var got []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			got = append(got, r.Alert)
			rb := r.Annotations["runbook"]
			file, anchor, _ := strings.Cut(rb, "#")
			if file != "docs/operations.md" || !anchors[anchor] {
				t.Errorf("alert %s: runbook %q is not a section of docs/operations.md", r.Alert, rb)
			}
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("alert %s: want a severity label and a summary", r.Alert)
			}
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no alert %s", w)
		}
	}
}

// githubAnchor is the anchor GitHub gives a heading.
func githubAnchor(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	var b strings.Builder
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}
