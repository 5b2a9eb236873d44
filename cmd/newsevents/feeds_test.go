package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/feeds"
)

func writeFeedState(t *testing.T, dir string) *feeds.Store {
	t.Helper()
	st, err := feeds.OpenStore(dir, feeds.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	states := []feeds.FeedState{
		{URL: "https://ok.example/rss", Name: "Steady wire", LastPoll: now, LastSuccess: now.Add(-4 * time.Minute), NextPoll: now.Add(6 * time.Minute), ItemsSeen: 12},
		{URL: "https://down.example/rss", LastPoll: now, LastSuccess: now.Add(-26 * time.Hour), NextPoll: now.Add(2 * time.Hour), Failures: 5,
			LastError: "GET https://down.example/rss: HTTP 503 Service Unavailable (retry after 2h0m0s)", LastErrorAt: now.Add(-time.Minute)},
		{URL: "http://moved.example/feed.xml", LastPoll: now, LastSuccess: now, NextPoll: now.Add(10 * time.Minute),
			MovedTo: "https://www.moved.example/rss", MovedAt: now.Add(-3 * time.Hour)},
	}
	for _, s := range states {
		if err := st.SavePoll(s, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.MarkDone(feeds.Item{FeedURL: "https://ok.example/rss", GUID: "1", Link: "https://ok.example/1"}, ""); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFeedsStatus(t *testing.T) {
	dir := t.TempDir()
	writeFeedState(t, dir).Close()
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{name: "table", args: []string{"status", "--state-dir", dir},
			want: []string{"Steady wire <https://ok.example/rss>", "https://down.example/rss", "failing", "HTTP 503", "retry after",
				"3 feeds, 1 failing, 1 moved", "4m ago", "in 5m",
				"Moved permanently", "http://moved.example/feed.xml -> https://www.moved.example/rss (since 3h0m ago)"}},
		{name: "failing only", args: []string{"status", "--state-dir", dir, "--failing"},
			want: []string{"https://down.example/rss", "1 feeds, 1 failing\n"}, not: []string{"ok.example", "moved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if err := cmdFeeds(context.Background(), tt.args, &out, &errb); err != nil {
				t.Fatalf("%v (stderr %s)", err, errb.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("output has %q:\n%s", n, out.String())
				}
			}
		})
	}
}

// TestFeedTableStatus: the STATUS column of each kind of feed.
func TestFeedTableStatus(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name string
		give feeds.FeedState
		want string
	}{
		{name: "never polled", give: feeds.FeedState{URL: "https://a.example/rss"}, want: "new"},
		{name: "healthy", give: feeds.FeedState{URL: "https://a.example/rss", LastPoll: now, LastSuccess: now}, want: "ok"},
		{name: "failing", give: feeds.FeedState{URL: "https://a.example/rss", LastPoll: now, Failures: 2}, want: "failing"},
		{name: "moved", give: feeds.FeedState{URL: "https://a.example/rss", LastPoll: now, LastSuccess: now, MovedTo: "https://b.example/rss"}, want: "moved"},
		{name: "moved and failing", give: feeds.FeedState{URL: "https://a.example/rss", LastPoll: now, Failures: 1, MovedTo: "https://b.example/rss"}, want: "failing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := printFeedTable(&out, []feeds.FeedState{tt.give}, now); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(out.String(), "\n")
			if f := strings.Fields(lines[1]); len(f) < 2 || f[0] != tt.give.URL || f[1] != tt.want {
				t.Errorf("row %q, want status %q:\n%s", lines[1], tt.want, out.String())
			}
		})
	}
}

func TestFeedsStatusJSONWhileRunning(t *testing.T) {
	dir := t.TempDir()
	st := writeFeedState(t, dir) // held open, as by a running newsevents
	defer st.Close()
	var out, errb bytes.Buffer
	err := cmdFeeds(context.Background(), []string{"status", "--state-dir", dir, "--json"}, &out, &errb)
	if err == nil {
		t.Fatal("no error although the state is locked and there is no snapshot")
	}
	if err := st.WriteSnapshot(time.Now()); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := cmdFeeds(context.Background(), []string{"status", "--state-dir", dir, "--json"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Source string
		Feeds  []feeds.FeedState
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	// Sorted by URL: http://moved..., https://down..., https://ok...
	if rep.Source != "snapshot" || len(rep.Feeds) != 3 || rep.Feeds[0].MovedTo != "https://www.moved.example/rss" ||
		rep.Feeds[1].URL != "https://down.example/rss" || rep.Feeds[1].Failures != 5 || rep.Feeds[2].Done != 1 {
		t.Errorf("status %+v", rep)
	}
	if !strings.Contains(errb.String(), "snapshot") {
		t.Errorf("stderr does not say the snapshot is shown: %q", errb.String())
	}
}

func TestFeedsUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if err := cmdFeeds(context.Background(), []string{"list"}, &out, &errb); err != errUsage {
		t.Errorf("err %v, want errUsage", err)
	}
	if err := cmdFeeds(context.Background(), []string{"status", "--state-dir", t.TempDir() + "/missing"}, &out, &errb); err == nil {
		t.Error("no error for a state dir without state")
	}
}
