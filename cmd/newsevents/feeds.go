package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/config"
)

// cmdFeeds is `newsevents feeds status`: the state of every feed, read from
// the state store (or, while `run` holds it, from the snapshot it writes).
func cmdFeeds(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds", stderr)
	stateDir := fs.String("state-dir", "", "state directory (default: state_dir of --config, else ./state)")
	cfgPath := fs.String("config", "", "configuration file: its state_dir, and its feeds never polled yet")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	failing := fs.Bool("failing", false, "only feeds whose last poll failed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: newsevents feeds status [--state-dir DIR] [--config FILE] [--json] [--failing]

Prints, for every feed: last success, next poll, consecutive failures, items
seen, articles done and pending, and the last error with its cause; then the
feeds that moved permanently (HTTP 301/308) and their new URLs, which are
polled meanwhile: update the configuration with them.

flags:`)
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "status" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "newsevents feeds status: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	var configured []feeds.Feed
	dir := *stateDir
	if *cfgPath != "" {
		cfg, err := config.Load(*cfgPath)
		if err != nil {
			return err
		}
		if dir == "" {
			dir = cfg.StateDir
		}
		if configured, err = feeds.FromConfig(cfg); err != nil {
			return err
		}
	}
	if dir == "" {
		dir = config.Default().StateDir
	}

	rep, err := readFeedStatus(dir)
	if err != nil {
		return err
	}
	if rep.Source == "snapshot" {
		fmt.Fprintf(stderr, "newsevents feeds status: the state is held by a running newsevents; showing its snapshot of %s\n",
			rep.WrittenAt.Format(time.RFC3339))
	}
	known := map[string]bool{}
	for _, f := range rep.Feeds {
		known[f.URL] = true
	}
	for _, f := range configured {
		if !known[f.URL] {
			rep.Feeds = append(rep.Feeds, feeds.FeedState{URL: f.URL, Name: f.Name})
		}
	}
	if *failing {
		kept := rep.Feeds[:0]
		for _, f := range rep.Feeds {
			if f.Failures > 0 {
				kept = append(kept, f)
			}
		}
		rep.Feeds = kept
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printFeedTable(stdout, rep.Feeds, time.Now())
}

// feedStatus is what `feeds status --json` prints.
type feedStatus struct {
	StateDir  string            `json:"state_dir"`
	Source    string            `json:"source"` // "state" or "snapshot"
	WrittenAt time.Time         `json:"written_at,omitzero"`
	Feeds     []feeds.FeedState `json:"feeds"`
}

func readFeedStatus(dir string) (feedStatus, error) {
	rep := feedStatus{StateDir: dir, Source: "state"}
	st, err := feeds.OpenStore(dir, feeds.StoreOptions{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	switch {
	case errors.Is(err, feeds.ErrStateLocked):
		snap, serr := feeds.ReadSnapshot(dir)
		if serr != nil {
			return rep, fmt.Errorf("%w; and no snapshot to read: %w", err, serr)
		}
		rep.Source, rep.WrittenAt, rep.Feeds = "snapshot", snap.WrittenAt, snap.Feeds
		return rep, nil
	case err != nil:
		return rep, err
	}
	defer st.Close()
	rep.Feeds, err = st.Feeds()
	return rep, err
}

func printFeedTable(w io.Writer, fs []feeds.FeedState, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSTATUS\tLAST SUCCESS\tNEXT POLL\tFAILURES\tITEMS SEEN\tDONE\tPENDING\tLAST ERROR")
	failing := 0
	for _, f := range fs {
		status := "ok"
		switch {
		case f.LastPoll.IsZero() && f.LastSuccess.IsZero() && f.Failures == 0:
			status = "new"
		case f.Failures > 0:
			status = "failing"
			failing++
		case f.MovedTo != "":
			status = "moved" // working, at the address listed below the table
		}
		lastErr := "-"
		if f.LastError != "" {
			lastErr = fmt.Sprintf("%s: %s", ago(f.LastErrorAt, now), oneLine(f.LastError, 100))
		}
		name := f.URL
		if f.Name != "" {
			name = f.Name + " <" + f.URL + ">"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", name, status, ago(f.LastSuccess, now), ago(f.NextPoll, now),
			f.Failures, f.ItemsSeen, f.Done, f.Pending, lastErr)
	}
	var moved []feeds.FeedState
	for _, f := range fs {
		if f.MovedTo != "" {
			moved = append(moved, f)
		}
	}
	if len(moved) == 0 {
		fmt.Fprintf(tw, "\n%d feeds, %d failing\n", len(fs), failing)
		return tw.Flush()
	}
	fmt.Fprintf(tw, "\n%d feeds, %d failing, %d moved\n", len(fs), failing, len(moved))
	if err := tw.Flush(); err != nil {
		return err
	}
	// Not in the table: the notes would widen every row of its columns.
	fmt.Fprintln(w, "\nMoved permanently (polled at the new URL; update the configuration):")
	for _, f := range moved {
		fmt.Fprintf(w, "  %s -> %s (since %s)\n", f.URL, f.MovedTo, ago(f.MovedAt, now))
	}
	return nil
}

// ago writes t relative to now: "4m ago", "in 6m", "never".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	if d := now.Sub(t); d >= 0 {
		return short(d) + " ago"
	}
	return "in " + short(t.Sub(now))
}

func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

func oneLine(s string, max int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return string(r)
}
