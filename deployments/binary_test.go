package deployments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/newsevents/newsevents/internal/admin"
)

// logBuffer collects a child's stderr while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loggedAddr returns the addr field of the first JSON log line with message
// msg, or "" if there is none yet.
func (b *logBuffer) loggedAddr(msg string) string {
	for _, line := range strings.Split(b.String(), "\n") {
		var l struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == msg && l.Addr != "" {
			return l.Addr
		}
	}
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func scrapeURL(url string) (map[string]*dto.MetricFamily, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(resp.Body)
}

func sum(f *dto.MetricFamily, label, value string) float64 {
	var s float64
	for _, m := range f.GetMetric() {
		match := label == ""
		for _, l := range m.GetLabel() {
			if l.GetName() == label && l.GetValue() == value {
				match = true
			}
		}
		if match {
			s += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return s
}

// TestBinaryServesAdminEndpoints starts the real binary with the example
// configuration, changed only to use the embedded broker and free ports, plus
// the demo site's feeds, and checks the admin endpoints as the runbook
// documents them, then that SIGTERM stops it cleanly.
func TestBinaryServesAdminEndpoints(t *testing.T) {
	bin := binary(t)
	data, err := os.ReadFile("config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	// Port 0 everywhere: the binary picks free ports and logs them, so no
	// other test can take a port between our choosing it and the binary
	// binding it.
	kafka := cfg["kafka"].(map[string]any)
	delete(kafka, "brokers")
	kafka["embedded_addr"] = "127.0.0.1:0"
	cfg["admin"] = map[string]any{"addr": "127.0.0.1:0"}
	// The example's public feeds are not reachable from a test machine; the
	// demo site's feeds are.
	cfg["feeds"] = []any{map[string]any{"url": "http://127.0.0.1:9/no-feed-here.xml", "name": "unreachable"}}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgPath, out, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--demo", "--config", cfgPath, "--log-format", "json")
	var stderr logBuffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if t.Failed() {
			t.Logf("stderr of newsevents run:\n%s", stderr.String())
		}
	}()

	// Wait until the demo's events are published: every event type counted.
	var (
		fams map[string]*dto.MetricFamily
		base string
	)
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("newsevents run exited early: %v", err)
		default:
		}
		if base == "" {
			if addr := stderr.loggedAddr("admin listening"); addr != "" {
				base = "http://" + addr
			}
		}
		if base == "" {
			err = errors.New(`no "admin listening" log line yet`)
		} else {
			fams, err = scrapeURL(base + admin.PathMetrics)
		}
		if err == nil && fams["newsevents_events_published_total"] != nil && fams["newsevents_passes_total"] != nil &&
			sum(fams["newsevents_passes_total"], "", "") >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no completed pass on the admin endpoint %q within 90s (last error: %v)", base, err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Every metric of the dashboard and the alert rules is exported by the
	// running binary, and the counters moved.
	for _, q := range queries(t) {
		for _, n := range metricName.FindAllString(q.expr, -1) {
			if family(fams, n) == nil {
				t.Errorf("%s: metric %s is not exported by the running binary", q.where, n)
			}
		}
	}
	checks := []struct {
		name, metric, label, value string
	}{
		{"feed polls ok", "newsevents_feed_polls_total", "result", "ok"},
		{"feed polls failed (unreachable feed)", "newsevents_feed_polls_total", "result", "network"},
		{"articles published", "newsevents_articles_processed_total", "outcome", "published"},
		{"trip_cancelled events", "newsevents_events_published_total", "type", "trip_cancelled"},
		{"tariff_rate_agreed events", "newsevents_events_published_total", "type", "tariff_rate_agreed"},
		{"investment_pledged events", "newsevents_events_published_total", "type", "investment_pledged"},
		{"tariff_imposed events", "newsevents_events_published_total", "type", "tariff_imposed"},
		{"trade_deal_reached events", "newsevents_events_published_total", "type", "trade_deal_reached"},
		{"broker up", "newsevents_broker_up", "", ""},
	}
	for _, c := range checks {
		if f := fams[c.metric]; f == nil || sum(f, c.label, c.value) == 0 {
			t.Errorf("%s: %s{%s=%q} is 0 after a pass over the demo site", c.name, c.metric, c.label, c.value)
		}
	}

	if code, body := get(t, base+admin.PathHealthz); code != 200 || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q", code, body)
	}
	if code, body := get(t, base+admin.PathReadyz); code != 200 || !strings.Contains(body, "ok   broker") {
		t.Errorf("GET /readyz = %d %q, want 200 with ok   broker", code, body)
	}
	if code, body := get(t, base+admin.PathLogLevel); code != 200 || body != `{"level":"info"}`+"\n" {
		t.Errorf("GET /loglevel = %d %q", code, body)
	}
	req, _ := http.NewRequest(http.MethodPut, base+admin.PathLogLevel, strings.NewReader(`{"level":"debug"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, body := get(t, base+admin.PathLogLevel); resp.StatusCode != 200 || body != `{"level":"debug"}`+"\n" {
		t.Errorf("after PUT debug (%d): GET /loglevel = %d %q", resp.StatusCode, code, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("still running 60s after SIGTERM")
	}
	if !strings.Contains(stderr.String(), `"msg":"log level changed"`) {
		t.Error(`no "log level changed" line after PUT /loglevel`)
	}
}
