package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/newsevents/newsevents/internal/metrics"
)

func TestJSONLines(t *testing.T) {
	var buf bytes.Buffer
	log, _, err := New("json", "info", &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("event published", zap.String("event_type", "tariff_imposed"), zap.String("topic", "trade.tariff-imposed"),
		zap.Int("partition", 2), zap.Int64("offset", 41), zap.Duration("duration", 1500*time.Microsecond))
	log.Warn("feed failing", zap.String("feed_url", "https://example.org/feed.xml"), zap.Error(errors.New("HTTP 503")))

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("line 1 is not JSON: %v\n%s", err, lines[0])
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatalf("line 2 is not JSON: %v\n%s", err, lines[1])
	}
	want := map[string]any{
		"level": "info", "msg": "event published", "event_type": "tariff_imposed",
		"topic": "trade.tariff-imposed", "partition": 2.0, "offset": 41.0, "duration": "1.5ms",
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("%s = %v, want %v", k, first[k], v)
		}
	}
	ts, _ := first["ts"].(string)
	if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") {
		t.Errorf("ts = %q, want RFC 3339 in UTC", ts)
	}
	if c, _ := first["caller"].(string); !strings.Contains(c, "logging_test.go:") {
		t.Errorf("caller = %q, want logging_test.go:LINE", c)
	}
	if second["level"] != "warn" || second["error"] != "HTTP 503" || second["feed_url"] != "https://example.org/feed.xml" {
		t.Errorf("second line = %v", second)
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		give      string
		wantJSON  bool
		wantInErr string
	}{
		{"json", true, ""},
		{"auto", true, ""}, // a buffer is not a terminal
		{"", true, ""},
		{"console", false, ""},
		{"logfmt", false, "want console, json or auto"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var buf bytes.Buffer
			log, _, err := New(tt.give, "", &buf)
			if tt.wantInErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
					t.Fatalf("New(%q) error = %v, want %q", tt.give, err, tt.wantInErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			log.Info("pass summary", zap.Int("events", 3))
			line := buf.String()
			if got := json.Valid([]byte(line)); got != tt.wantJSON {
				t.Errorf("JSON = %v, want %v: %q", got, tt.wantJSON, line)
			}
			if !strings.Contains(line, "pass summary") {
				t.Errorf("line %q lacks the message", line)
			}
			if !tt.wantJSON && (!strings.Contains(line, "INFO") || !strings.Contains(line, `{"events": 3}`)) {
				t.Errorf("console line %q: want INFO and the fields", line)
			}
		})
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		give      string
		wantLines int // of debug, info, warn, error
		wantErr   bool
	}{
		{"debug", 4, false},
		{"", 3, false},
		{"INFO", 3, false},
		{"warn", 2, false},
		{"error", 1, false},
		{"verbose", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var buf bytes.Buffer
			log, _, err := New("json", tt.give, &buf)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New(level %q) error = %v, want error %v", tt.give, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			log.Debug("d")
			log.Info("i")
			log.Warn("w")
			log.Error("e")
			if got := strings.Count(buf.String(), "\n"); got != tt.wantLines {
				t.Errorf("%d lines, want %d", got, tt.wantLines)
			}
		})
	}
}

func TestLevelChangesAtRunTime(t *testing.T) {
	var buf bytes.Buffer
	log, lvl, err := New("json", "info", &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	lvl.SetLevel(zapcore.DebugLevel)
	log.Debug("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Errorf("output %q: want only the debug line written after SetLevel(debug)", buf.String())
	}
}

func TestSamplingDropsRepeatsAndCountsThem(t *testing.T) {
	var buf bytes.Buffer
	m := metrics.New()
	log, _, err := New("json", "info", &buf, WithSampling(3, 5), WithMetrics(m), withTick(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		log.Info("article processed", zap.Int("n", i))
	}
	log.Warn("feed failing") // another message is not affected
	// first 3 written, then every 5th of the rest: the 8th, 13th and 18th.
	if got, want := strings.Count(buf.String(), "article processed"), 6; got != want {
		t.Errorf("%d article lines written, want %d", got, want)
	}
	if !strings.Contains(buf.String(), "feed failing") {
		t.Error("feed failing line dropped")
	}
	want := "\n# HELP newsevents_log_messages_dropped_total Log lines dropped by sampling (repetitive lines), by level.\n" +
		"# TYPE newsevents_log_messages_dropped_total counter\n" +
		`newsevents_log_messages_dropped_total{level="debug"} 0` + "\n" +
		`newsevents_log_messages_dropped_total{level="error"} 0` + "\n" +
		`newsevents_log_messages_dropped_total{level="info"} 14` + "\n" +
		`newsevents_log_messages_dropped_total{level="warn"} 0` + "\n"
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "newsevents_log_messages_dropped_total"); err != nil {
		t.Error(err)
	}
}

func TestSamplingOff(t *testing.T) {
	var buf bytes.Buffer
	log, _, err := New("json", "info", &buf, WithSampling(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		log.Info("article processed")
	}
	if got := strings.Count(buf.String(), "\n"); got != 300 {
		t.Errorf("%d lines, want 300", got)
	}
}
