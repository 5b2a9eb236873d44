package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/kafkatest"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/internal/testshared"
	"github.com/newsevents/newsevents/schema"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testshared.RemoveBinary()
	os.Exit(code)
}

// binary is the newsevents binary built from this repository (skipped with
// -short).
func binary(t *testing.T) string { return testshared.Binary(t) }

// logLine is one JSON log line of the binary.
type logLine map[string]any

func (l logLine) str(key string) string { s, _ := l[key].(string); return s }

// childLog collects what the binary writes to stderr, parses its JSON log
// lines, and wakes whoever waits for a line on every write.
type childLog struct {
	mu      sync.Mutex
	raw     bytes.Buffer
	partial []byte
	lines   []logLine
	changed chan struct{}
}

func newChildLog() *childLog { return &childLog{changed: make(chan struct{})} }

func (c *childLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.raw.Write(p)
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		var l logLine
		if json.Unmarshal(c.partial[:i], &l) == nil {
			c.lines = append(c.lines, l)
		}
		c.partial = append([]byte(nil), c.partial[i+1:]...)
	}
	close(c.changed)
	c.changed = make(chan struct{})
	return len(p), nil
}

// snapshot returns the lines so far and a channel closed at the next write.
func (c *childLog) snapshot() ([]logLine, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]logLine(nil), c.lines...), c.changed
}

func (c *childLog) lineList() []logLine { l, _ := c.snapshot(); return l }

func (c *childLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.String()
}

// child is one running newsevents process.
type child struct {
	name   string
	cmd    *exec.Cmd
	log    *childLog
	stdout *childLog
	exited chan struct{}
	err    error // set before exited is closed
}

// startBinary starts bin with args. At the end of the test a process still
// running is killed, and on failure its stderr is written to the test log.
func startBinary(t *testing.T, name, bin string, args ...string) *child {
	t.Helper()
	c := &child{name: name, cmd: exec.Command(bin, args...), log: newChildLog(), stdout: newChildLog(), exited: make(chan struct{})}
	c.cmd.Stderr = c.log
	c.cmd.Stdout = c.stdout
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("stderr of %s (%s):\n%s", name, strings.Join(args, " "), c.log.String())
		}
	})
	return c
}

// waitFor waits until cond holds for the log lines so far. It fails the
// test if the process exits first or nothing matches within timeout.
func (c *child) waitFor(t *testing.T, what string, timeout time.Duration, cond func([]logLine) bool) []logLine {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		lines, changed := c.log.snapshot()
		if cond(lines) {
			return lines
		}
		select {
		case <-changed:
		case <-c.exited:
			if lines := c.log.lineList(); cond(lines) {
				return lines
			}
			t.Fatalf("%s exited (%v) before %s", c.name, c.err, what)
		case <-deadline.C:
			t.Fatalf("%s: no %s within %s", c.name, what, timeout)
		}
	}
}

// wait waits for the process to exit and returns its error (nil: exit 0).
func (c *child) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case <-c.exited:
		return c.err
	case <-time.After(timeout):
		t.Fatalf("%s still running after %s", c.name, timeout)
		return nil
	}
}

// withMsg returns the lines whose message is msg.
func withMsg(lines []logLine, msg string) []logLine {
	var out []logLine
	for _, l := range lines {
		if l.str("msg") == msg {
			out = append(out, l)
		}
	}
	return out
}

// processed counts the "article processed" lines by article URL path.
func processed(lines []logLine) map[string]int {
	out := map[string]int{}
	for _, l := range withMsg(lines, "article processed") {
		out[urlPath(l.str("article_url"))]++
	}
	return out
}

func urlPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Path
}

// gatedSite serves the demo news site. The first free article page
// requests are served at once; the others wait until release is called (or
// the client goes away). Feeds and every other path are always served.
type gatedSite struct {
	*httptest.Server
	open chan struct{}

	mu     sync.Mutex
	free   int
	served []string
}

// newRig starts what a binary test runs against: an embedded broker the
// test owns (closed at the end), the demo site serving free article pages
// at once, and a config file pointing the binary at both.
func newRig(t *testing.T, free int) (*publish.Embedded, *gatedSite, string) {
	t.Helper()
	b, err := publish.StartEmbedded("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	site := newGatedSite(t, free)
	return b, site, writeConfig(t, site.URL, []string{b.Addr()}, t.TempDir())
}

func newGatedSite(t *testing.T, free int) *gatedSite {
	s := &gatedSite{Server: httptest.NewUnstartedServer(nil), open: make(chan struct{}), free: free}
	s.Start()
	h := demo.Handler(s.URL)
	articles := map[string]bool{}
	for _, p := range demo.Paths() {
		articles[p] = true
	}
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if articles[r.URL.Path] {
			s.mu.Lock()
			pass := s.free > 0
			if pass {
				s.free--
			}
			s.mu.Unlock()
			if !pass {
				select {
				case <-s.open:
				case <-r.Context().Done():
					return
				}
			}
			s.mu.Lock()
			s.served = append(s.served, r.URL.Path)
			s.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
	t.Cleanup(s.Close)
	return s
}

// release lets every waiting and later article request through.
func (s *gatedSite) release() { close(s.open) }

// writeConfig writes the binary's configuration: the demo site's two
// feeds, brokers, and the state in stateDir. The feeds are polled every
// second (the first poll of a fresh state comes within a second), loopback
// is allowed, and the demo's articles (dated early 2026) stay within the
// retention window.
func writeConfig(t *testing.T, siteURL string, brokers []string, stateDir string) string {
	t.Helper()
	feedList := []any{}
	for i, u := range demo.FeedURLs(siteURL) {
		feedList = append(feedList, map[string]any{"url": u, "name": fmt.Sprintf("demo-%d", i+1)})
	}
	cfg := map[string]any{
		"kafka": map[string]any{"brokers": brokers, "partitions": 3},
		"poll": map[string]any{
			"interval":             "1s",
			"min_interval":         "1s",
			"allow_cidrs":          []string{"127.0.0.0/8"},
			"per_host_rate":        1000,
			"per_host_concurrency": 4,
		},
		"workers":   4,
		"state_dir": stateDir,
		"retention": "87600h",
		"feeds":     feedList,
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// topicEvent is one event read back from an event topic.
type topicEvent struct {
	topic string
	path  string // the article's URL path
	event schema.Event
}

// readEvents reads the five event topics back with explicit partition
// readers, and checks that every message is a valid event on its type's
// topic.
func readEvents(ctx context.Context, t *testing.T, brokers []string) []topicEvent {
	t.Helper()
	var out []topicEvent
	for _, typ := range schema.CoreTypes() {
		topic := schema.Topic(schema.DefaultTopicPrefix, typ)
		msgs, err := kafkatest.ReadAll(ctx, brokers, topic)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if err := schema.Validate(m.Value); err != nil {
				t.Errorf("%s@%d/%d: invalid event: %v", topic, m.Partition, m.Offset, err)
			}
			var e schema.Event
			if err := json.Unmarshal(m.Value, &e); err != nil {
				t.Errorf("%s@%d/%d: not an event: %v", topic, m.Partition, m.Offset, err)
				continue
			}
			if e.Type != typ {
				t.Errorf("%s@%d/%d: event of type %s on the wrong topic", topic, m.Partition, m.Offset, e.Type)
			}
			if string(m.Key) != e.EventKey {
				t.Errorf("%s@%d/%d: message key %q, event_key %q", topic, m.Partition, m.Offset, m.Key, e.EventKey)
			}
			out = append(out, topicEvent{topic: topic, path: urlPath(e.Article.URL), event: e})
		}
	}
	return out
}

// checkArticles reads news.articles back and checks that every message is
// a valid article and every page of the demo site is there.
func checkArticles(ctx context.Context, t *testing.T, brokers []string) {
	t.Helper()
	msgs, err := kafkatest.ReadAll(ctx, brokers, publish.ArticlesTopic)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range msgs {
		if err := schema.ValidateAs(schema.ArticleSchema, m.Value); err != nil {
			t.Errorf("%s@%d/%d: invalid article: %v", m.Topic, m.Partition, m.Offset, err)
		}
		var a publish.StoredArticle
		if err := json.Unmarshal(m.Value, &a); err != nil {
			t.Errorf("%s@%d/%d: not an article: %v", m.Topic, m.Partition, m.Offset, err)
			continue
		}
		got[urlPath(a.Article.URL)] = true
	}
	for _, p := range demo.Paths() {
		if !got[p] {
			t.Errorf("article %s is missing from %s", p, publish.ArticlesTopic)
		}
	}
}

// checkEvents checks got against the demo site's expected events: every
// expected event (article, type, key) is there, nothing else is, and one
// event has one id however often it was published (at-least-once delivery
// repeats an event, never changes it). It returns the copies of each id.
func checkEvents(t *testing.T, got []topicEvent) map[string]int {
	t.Helper()
	type ident struct {
		path string
		typ  schema.Type
		key  string
	}
	want := map[ident]bool{}
	for path, evs := range demo.Expected() {
		for _, e := range evs {
			want[ident{path, e.Type, e.Key}] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo site expects no events")
	}
	ids := map[ident]map[string]bool{}
	copies := map[string]int{}
	for _, g := range got {
		k := ident{g.path, g.event.Type, g.event.EventKey}
		if ids[k] == nil {
			ids[k] = map[string]bool{}
		}
		ids[k][g.event.ID] = true
		copies[g.event.ID]++
	}
	var missing, extra, changed []string
	for k := range want {
		if ids[k] == nil {
			missing = append(missing, fmt.Sprintf("%s %s %s", k.path, k.typ, k.key))
		}
	}
	for k, set := range ids {
		if !want[k] {
			extra = append(extra, fmt.Sprintf("%s %s %s", k.path, k.typ, k.key))
		}
		if len(set) > 1 {
			changed = append(changed, fmt.Sprintf("%s %s %s: %d ids", k.path, k.typ, k.key, len(set)))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	sort.Strings(changed)
	if len(missing) > 0 {
		t.Errorf("%d of %d expected events are missing from the topics:\n%s", len(missing), len(want), strings.Join(missing, "\n"))
	}
	if len(extra) > 0 {
		t.Errorf("%d events on the topics the demo site does not expect:\n%s", len(extra), strings.Join(extra, "\n"))
	}
	if len(changed) > 0 {
		t.Errorf("events published again under another id:\n%s", strings.Join(changed, "\n"))
	}
	return copies
}
