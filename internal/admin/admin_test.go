package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/newsevents/newsevents/internal/metrics"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func do(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	switch {
	case strings.HasPrefix(body, "{"):
		req.Header.Set("Content-Type", "application/json")
	case body != "":
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded") // as curl -d sends
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestHealthzAlwaysOK(t *testing.T) {
	s := newServer(t, Options{Checks: []Check{{"broker", func(context.Context) error { return errors.New("down") }}}})
	s.ShuttingDown()
	code, body := do(t, s.Handler(), "GET", "/healthz", "")
	if code != 200 || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}
}

func TestReadyz(t *testing.T) {
	ok := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp 10.0.0.1:9092: connection refused") }
	slow := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	tests := []struct {
		name     string
		checks   []Check
		shutdown bool
		wantCode int
		wantBody string
	}{
		{"no checks", nil, false, 200, ""},
		{"all pass", []Check{{"broker", ok}, {"state_store", ok}}, false, 200, "ok   broker\nok   state_store\n"},
		{"broker down", []Check{{"broker", down}, {"state_store", ok}}, false, 503,
			"fail broker: dial tcp 10.0.0.1:9092: connection refused\nok   state_store\n"},
		{"check times out", []Check{{"broker", slow}}, false, 503, "fail broker: context deadline exceeded\n"},
		{"shutting down", []Check{{"broker", ok}}, true, 503, "fail shutdown: shutting down\nok   broker\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Options{Checks: tt.checks, CheckTimeout: 10 * time.Millisecond})
			if tt.shutdown {
				s.ShuttingDown()
			}
			code, body := do(t, s.Handler(), "GET", "/readyz", "")
			if code != tt.wantCode || body != tt.wantBody {
				t.Errorf("GET /readyz = %d %q, want %d %q", code, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestReadyzFailsOnceStopping(t *testing.T) {
	stopping := make(chan struct{})
	s := newServer(t, Options{Stopping: stopping})
	if code, _ := do(t, s.Handler(), "GET", "/readyz", ""); code != 200 {
		t.Errorf("before: GET /readyz = %d, want 200", code)
	}
	close(stopping)
	if code, body := do(t, s.Handler(), "GET", "/readyz", ""); code != 503 || body != "fail shutdown: shutting down\n" {
		t.Errorf("after: GET /readyz = %d %q, want 503", code, body)
	}
	if code, _ := do(t, s.Handler(), "GET", "/healthz", ""); code != 200 {
		t.Errorf("after: GET /healthz = %d, want 200 while draining", code)
	}
}

func TestLogLevel(t *testing.T) {
	lvl := zap.NewAtomicLevelAt(zapcore.InfoLevel)
	s := newServer(t, Options{Level: &lvl})
	h := s.Handler()
	steps := []struct {
		method, body string
		wantCode     int
		wantBody     string
		wantLevel    zapcore.Level
	}{
		{"GET", "", 200, `{"level":"info"}`, zapcore.InfoLevel},
		{"PUT", `{"level":"debug"}`, 200, `{"level":"debug"}`, zapcore.DebugLevel},
		{"GET", "", 200, `{"level":"debug"}`, zapcore.DebugLevel},
		{"PUT", `{"level":"loud"}`, 400, `{"error":`, zapcore.DebugLevel},
		{"PUT", `level=warn`, 200, `{"level":"warn"}`, zapcore.WarnLevel},
		{"PUT", `level=info`, 200, `{"level":"info"}`, zapcore.InfoLevel},
		{"POST", `{"level":"warn"}`, 405, `{"error":`, zapcore.InfoLevel},
	}
	for _, st := range steps {
		code, body := do(t, h, st.method, "/loglevel", st.body)
		if code != st.wantCode || !strings.HasPrefix(body, st.wantBody) {
			t.Errorf("%s /loglevel %s = %d %q, want %d %q...", st.method, st.body, code, body, st.wantCode, st.wantBody)
		}
		if got := lvl.Level(); got != st.wantLevel {
			t.Errorf("after %s %s: level %v, want %v", st.method, st.body, got, st.wantLevel)
		}
	}
}

func TestOptionalRoutesAbsent(t *testing.T) {
	s := newServer(t, Options{})
	for _, p := range []string{"/metrics", "/loglevel", "/nope"} {
		if code, _ := do(t, s.Handler(), "GET", p, ""); code != 404 {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
	}
}

func TestMetricsServed(t *testing.T) {
	m := metrics.New()
	m.EventPublished("tariff_imposed")
	s := newServer(t, Options{Gatherer: m.Registry()})
	code, body := do(t, s.Handler(), "GET", "/metrics", "")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`newsevents_events_published_total{type="tariff_imposed"} 1`,
		`newsevents_events_published_total{type="trip_cancelled"} 0`,
		`newsevents_build_info{`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestRunServesUntilCancelled runs the real listener: it answers on its
// address, and Run returns nil once ctx ends.
func TestRunServesUntilCancelled(t *testing.T) {
	s := newServer(t, Options{Checks: []Check{{"broker", func(context.Context) error { return nil }}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + s.Addr() + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d, want 200", p, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if _, err := http.Get("http://" + s.Addr() + "/healthz"); err == nil {
		t.Error("still answering after Run returned")
	}
}

func TestNewFailsOnBusyPort(t *testing.T) {
	s := newServer(t, Options{})
	if _, err := New(Options{Addr: s.Addr()}); err == nil {
		t.Errorf("New on busy %s: no error", s.Addr())
	}
}
