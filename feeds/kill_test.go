package feeds

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/internal/fetch"
)

const (
	envKillDir  = "FEEDS_TEST_KILL_DIR"
	envKillFeed = "FEEDS_TEST_KILL_FEED"
)

func killTestClient(t *testing.T) *fetch.Client {
	c, err := fetch.NewClient(fetch.Options{AllowCIDRs: []string{"127.0.0.0/8"}, PerHostRate: rate.Inf})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestKillMinusNine runs the scheduler in a child process that
// acknowledges the first item, is handed the second, and is killed with
// SIGKILL while that one is in flight. The next start re-emits the second
// and third items, and not the first.
func TestKillMinusNine(t *testing.T) {
	if dir := os.Getenv(envKillDir); dir != "" {
		killChild(t, dir, os.Getenv(envKillFeed))
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	items := append(slices.Clone(twoItems), rssItem{Title: "Quota lifted", Link: "https://news.example/a/3", GUID: "n-3", Date: day1})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"k"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"k"`)
		fmt.Fprint(w, rss("", items...))
	}))
	defer srv.Close()
	dir := t.TempDir()
	feedURL := srv.URL + "/feed"

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMinusNine$")
	cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillFeed+"="+feedURL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var got []string
	for sc.Scan() {
		line := sc.Text()
		if g, ok := strings.CutPrefix(line, "emitted "); ok {
			got = append(got, g)
		}
		if line == "in flight" {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	if !slices.Equal(got, []string{"n-3", "n-2"}) {
		t.Fatalf("child emitted %v before the kill, want n-3 (acknowledged) and n-2 (in flight)", got)
	}

	store, err := OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	client := killTestClient(t)
	defer client.CloseIdleConnections()
	sink := &sink{store: store}
	s := newTestScheduler(t, client, store, []Feed{{URL: feedURL}}, SchedulerOptions{})
	if err := s.Run(t.Context(), true, sink.emit, nil); err != nil {
		t.Fatal(err)
	}
	if g := sink.guids(); !slices.Equal(g, []string{"n-2", "n-1"}) {
		t.Errorf("after kill -9, emitted %v; want n-2 and n-1 (n-3 was acknowledged)", g)
	}
}

func killChild(t *testing.T, dir, feedURL string) {
	store, err := OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	client := killTestClient(t)
	s := newTestScheduler(t, client, store, []Feed{{URL: feedURL}}, SchedulerOptions{Pollers: 1})
	emit := func(ctx context.Context, it Item) error {
		fmt.Printf("emitted %s\n", it.GUID)
		if it.GUID == "n-3" {
			return store.MarkDone(it, "")
		}
		fmt.Println("in flight")
		select {} // killed here
	}
	s.Run(context.Background(), true, emit, nil)
}
