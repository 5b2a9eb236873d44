package e2e

// The tests of this file run the real binary, `newsevents run --config`,
// against the demo news site and an embedded broker, both served by the
// test process: the binary talks to the broker as to an external cluster.
// They check the two promises of the README's delivery section from the
// outside: nothing is lost when the process is killed (kill -9) in the
// middle of a pass, and nothing is lost while the broker is away. The
// outage lasts 3 s by default; the minute is
//
//	go test ./internal/e2e/ -run BinaryBrokerOutage -v -outage 60s

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/demo"
)

// TestBinaryKillMinusNine kills the binary with SIGKILL in the middle of a
// pass, after a few articles were acknowledged and while others are being
// fetched, then starts it again with --once on the same state directory.
// Together the two runs put every expected event of the demo site on the
// topics, each event under one id; an article done before the kill is not
// processed again after it.
func TestBinaryKillMinusNine(t *testing.T) {
	bin := binary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Six article pages are served at once, the others only after the
	// kill: the kill always comes in the middle of the pass.
	const free = 6
	b, site, cfg := newRig(t, free)
	brokers := []string{b.Addr()}

	first := startBinary(t, "first run", bin, "run", "--config", cfg, "--log-format", "json")
	// Kill when an article's events were acknowledged and it is not yet
	// marked done ("event published" comes before "article processed"), a
	// few others being done; else once every page served was processed.
	var inFlight []string
	first.waitFor(t, "articles processed and one article published but not done", 2*time.Minute, func(ls []logLine) bool {
		done := processed(ls)
		inFlight = inFlight[:0]
		for _, l := range withMsg(ls, "event published") {
			if p := urlPath(l.str("article_url")); done[p] == 0 && !slices.Contains(inFlight, p) {
				inFlight = append(inFlight, p)
			}
		}
		return len(done) >= free || (len(done) >= 2 && len(inFlight) > 0)
	})
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killErr := first.wait(t, time.Minute)
	before := processed(first.log.lineList()) // everything logged before the kill
	all := demo.Paths()
	t.Logf("first run killed (%v) with %d of %d articles processed; at the kill, events of %v were published and the article not marked done",
		killErr, len(before), len(all), inFlight)
	if killErr == nil {
		t.Fatal("the first run exited 0 before it was killed")
	}
	if len(before) >= len(all) {
		t.Fatalf("all %d articles were processed before the kill: the gate of the site did not hold", len(all))
	}

	site.release()
	second := startBinary(t, "second run", bin, "run", "--once", "--config", cfg, "--log-format", "json")
	if err := second.wait(t, 3*time.Minute); err != nil {
		t.Fatalf("second run (--once after the kill): %v, want exit 0", err)
	}
	lines := second.log.lineList()
	after := processed(lines)
	// An article marked done just before the kill may have lost its log
	// line with the process; the topics below show it was not lost.
	var unlogged []string
	for _, p := range all {
		switch {
		case before[p] > 0 && after[p] > 0:
			t.Errorf("%s: processed before the kill and again after it", p)
		case before[p]+after[p] > 1:
			t.Errorf("%s: processed %d times before the kill and %d after it, want once in all", p, before[p], after[p])
		case before[p]+after[p] == 0:
			unlogged = append(unlogged, p)
		}
	}
	if len(unlogged) > 0 {
		t.Logf("marked done at the kill, their \"article processed\" lines not written: %v", unlogged)
	}
	for _, l := range withMsg(lines, "event published") {
		if p := urlPath(l.str("article_url")); before[p] > 0 {
			t.Errorf("event %s of %s published again after the restart, though the article was done before the kill", l.str("event_id"), p)
		}
	}

	checkArticles(ctx, t, brokers)
	got := readEvents(ctx, t, brokers)
	copies := checkEvents(t, got)
	dups := 0
	for id, n := range copies {
		if n > 2 {
			t.Errorf("event %s is on the topics %d times after one crash, want at most twice", id, n)
		}
		dups += n - 1
	}
	t.Logf("topics: %d messages, %d events, %d duplicates (articles in flight at the kill, published again with the same id)", len(got), len(copies), dups)
	if len(got) >= 2*len(copies) {
		t.Errorf("%d messages for %d events: the second run published again what the first had done", len(got), len(copies))
	}
}

// TestBinaryBrokerOutage stops the broker under the running binary once
// the first events arrived, for the outage duration (and at least until
// the binary noticed), and starts it again on the same address. Every
// expected event arrives, each under one id; the binary logged the broker
// going away and coming back, and SIGTERM then stops it with exit 0.
func TestBinaryBrokerOutage(t *testing.T) {
	bin := binary(t)
	d := outage(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+5*time.Minute)
	defer cancel()
	// Four article pages are served at once, the others once the broker
	// is down: most articles meet the outage.
	const free = 4
	b, site, cfg := newRig(t, free)
	brokers := []string{b.Addr()}

	run := startBinary(t, "run", bin, "run", "--config", cfg, "--log-format", "json")
	// (Or, should the pages served first all be without events, once they
	// are done.)
	run.waitFor(t, "first event published", 2*time.Minute, func(ls []logLine) bool {
		return len(withMsg(ls, "event published")) > 0 || len(processed(ls)) >= free
	})
	b.Stop()
	stopped := time.Now()
	site.release()
	time.Sleep(d) // the outage itself, not a wait for something
	run.waitFor(t, `"kafka broker unreachable" log line`, 2*time.Minute, func(ls []logLine) bool {
		return len(withMsg(ls, "kafka broker unreachable")) > 0
	})
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	down := time.Since(stopped)

	all := demo.Paths()
	lines := run.waitFor(t, fmt.Sprintf("all %d articles processed", len(all)), 3*time.Minute, func(ls []logLine) bool {
		return len(processed(ls)) == len(all)
	})
	recovered := time.Since(stopped) - down
	lines = run.waitFor(t, `"kafka broker reachable again" log line`, 2*time.Minute, func(ls []logLine) bool {
		return len(withMsg(ls, "kafka broker reachable again")) > 0
	})
	for p, n := range processed(lines) {
		if n != 1 {
			t.Errorf("%s processed %d times in one run, want once", p, n)
		}
	}
	holding, resumed := withMsg(lines, "broker unreachable: holding articles until it is back"), withMsg(lines, "broker reachable again: publishing resumed")
	if len(holding) > 0 && len(resumed) == 0 {
		t.Error(`the pipeline logged "broker unreachable: holding articles until it is back" and never "broker reachable again: publishing resumed"`)
	}
	if back := withMsg(lines, "kafka broker reachable again"); len(back) > 0 {
		t.Logf("publisher: %q down_for %v, pending_calls %v; pipeline: %d holding, %d resumed lines",
			back[0].str("msg"), back[0]["down_for"], back[0]["pending_calls"], len(holding), len(resumed))
	}

	checkArticles(ctx, t, brokers)
	got := readEvents(ctx, t, brokers)
	copies := checkEvents(t, got)
	var dupIDs []string
	for id, n := range copies {
		if n > 1 {
			dupIDs = append(dupIDs, fmt.Sprintf("%s×%d", id, n))
		}
	}
	sort.Strings(dupIDs)
	t.Logf("broker down for %s; all articles done %s after it came back; topics: %d messages, %d events, duplicates (same id) %v",
		down.Round(time.Millisecond), recovered.Round(time.Millisecond), len(got), len(copies), dupIDs)

	if err := run.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := run.wait(t, time.Minute); err != nil {
		t.Errorf("after SIGTERM: %v, want exit 0", err)
	}
	if len(withMsg(run.log.lineList(), "pipeline stopped")) == 0 {
		t.Error(`no "pipeline stopped" log line after SIGTERM`)
	}
}
