package feeds

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func openTestStore(t *testing.T, dir string, opts StoreOptions) *Store {
	t.Helper()
	s, err := OpenStore(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreSeen(t *testing.T) {
	day := time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)
	later := day.Add(5 * time.Hour)
	done := Item{FeedURL: "https://a.example/rss", GUID: "g1", Link: "https://a.example/story?utm_source=rss", Title: "Steel  Tariffs Raised", Published: &day}
	tests := []struct {
		name string
		give Item
		want bool
	}{
		{"same item", done, true},
		{"same GUID, other link", Item{FeedURL: done.FeedURL, GUID: "g1", Link: "https://a.example/moved"}, true},
		{"same GUID in another feed", Item{FeedURL: "https://b.example/rss", GUID: "g1", Link: "https://b.example/x"}, false},
		{"same canonical link, other feed and GUID", Item{FeedURL: "https://b.example/rss", GUID: "zz", Link: "https://A.example/story#top"}, true},
		{"rewritten GUID and link, same title and day", Item{FeedURL: done.FeedURL, GUID: "g1-v2", Link: "https://a.example/s/2", Title: "steel tariffs raised", Published: &later}, true},
		{"same title another day", Item{FeedURL: done.FeedURL, GUID: "g9", Link: "https://a.example/s/9", Title: done.Title, Published: ptr(day.AddDate(0, 0, 1))}, false},
		{"same title without a date", Item{FeedURL: done.FeedURL, GUID: "g8", Link: "https://a.example/s/8", Title: done.Title}, false},
		{"new item", Item{FeedURL: done.FeedURL, GUID: "g2", Link: "https://a.example/other"}, false},
	}
	dir := t.TempDir()
	s := openTestStore(t, dir, StoreOptions{})
	if err := s.MarkDone(done, "https://a.example/canonical-story"); err != nil {
		t.Fatal(err)
	}
	// A restart: everything below reads the reopened file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTestStore(t, dir, StoreOptions{})
	defer s.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Seen(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Seen = %v, want %v", got, tt.want)
			}
		})
	}
	for _, u := range []string{"https://a.example/canonical-story", "https://a.example/story"} {
		if ok, err := s.SeenURL(u); err != nil || !ok {
			t.Errorf("SeenURL(%s) = %v, %v; want true", u, ok, err)
		}
	}
	if ok, _ := s.SeenURL("https://a.example/never"); ok {
		t.Error("SeenURL of an unknown URL is true")
	}
}

func ptr[T any](v T) *T { return &v }

func TestStorePrune(t *testing.T) {
	s := openTestStore(t, t.TempDir(), StoreOptions{Retention: 48 * time.Hour})
	defer s.Close()
	it := Item{FeedURL: "https://a.example/rss", GUID: "g", Link: "https://a.example/1"}
	if err := s.MarkDone(it, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Prune(time.Now().Add(47 * time.Hour)); err != nil || n != 0 {
		t.Fatalf("prune within retention removed %d (%v)", n, err)
	}
	if ok, _ := s.Seen(it); !ok {
		t.Fatal("forgotten within the retention window")
	}
	if n, err := s.Prune(time.Now().Add(49 * time.Hour)); err != nil || n != 2 {
		t.Fatalf("prune past retention removed %d records (%v), want 2 (GUID and URL)", n, err)
	}
	if ok, _ := s.Seen(it); ok {
		t.Error("still remembered after the retention window")
	}
}

func TestStoreSavePollKeepsListedItems(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		s := openTestStore(t, dir, StoreOptions{Retention: 48 * time.Hour})
		defer s.Close()
		listed := Item{FeedURL: "https://a.example/rss", GUID: "g", Link: "https://a.example/1"}
		dropped := Item{FeedURL: "https://a.example/rss", GUID: "h", Link: "https://a.example/2"}
		for _, it := range []Item{listed, dropped} {
			if err := s.MarkDone(it, ""); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(40 * time.Hour)
		// The feed still lists one item: its done time is refreshed.
		if err := s.SavePoll(FeedState{URL: listed.FeedURL}, []Item{listed}, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Hour) // 60h after MarkDone, 20h after the poll
		if _, err := s.Prune(time.Now()); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Seen(listed); !ok {
			t.Error("forgot an item its feed still lists")
		}
		if ok, _ := s.Seen(dropped); ok {
			t.Error("kept an item past retention that its feed no longer lists")
		}
	})
}

func TestStoreFeedStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir, StoreOptions{})
	next := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	want := FeedState{URL: "https://a.example/rss", Name: "A", ETag: `W/"v1"`, LastModified: "Tue, 24 Nov 2026 10:00:00 GMT",
		NextPoll: next, Failures: 2, LastError: "GET https://a.example/rss: HTTP 500", ItemsSeen: 7}
	pending := []PendingItem{{Item: Item{FeedURL: want.URL, GUID: "p1", Link: "https://a.example/p1"}, Since: next}}
	if err := s.SavePoll(want, nil, pending); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDone(Item{FeedURL: want.URL, GUID: "x"}, ""); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openTestStore(t, dir, StoreOptions{ReadOnly: true})
	defer s.Close()
	got, ok, err := s.Feed(want.URL)
	if err != nil || !ok {
		t.Fatalf("Feed: %v %v", ok, err)
	}
	if got.ETag != want.ETag || got.LastModified != want.LastModified || !got.NextPoll.Equal(want.NextPoll) ||
		got.Failures != 2 || got.LastError != want.LastError || got.ItemsSeen != 7 || got.Pending != 1 {
		t.Errorf("state after reopening %+v, want %+v", got, want)
	}
	all, err := s.Feeds()
	if err != nil || len(all) != 1 || all[0].Done != 1 {
		t.Errorf("Feeds() = %+v, %v; want one feed with 1 done", all, err)
	}
	p, err := s.Pending(want.URL)
	if err != nil || len(p) != 1 || p[0].GUID != "p1" {
		t.Errorf("Pending = %+v, %v", p, err)
	}
}

func TestStoreLocked(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir, StoreOptions{})
	defer s.Close()
	_, err := OpenStore(dir, StoreOptions{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrStateLocked) {
		t.Fatalf("second open: %v, want ErrStateLocked", err)
	}
}

func TestStoreCheckAndSizeFollowItsLife(t *testing.T) {
	s := openTestStore(t, t.TempDir(), StoreOptions{})
	if err := s.Check(); err != nil {
		t.Errorf("Check on an open store: %v", err)
	}
	if s.Size() <= 0 {
		t.Errorf("Size %d of an open store, want > 0", s.Size())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil {
		t.Error("Check on a closed store succeeded; /readyz would say ready")
	}
}

func TestStoreFeedsCountsOnlyPendingNotDone(t *testing.T) {
	s := openTestStore(t, t.TempDir(), StoreOptions{})
	defer s.Close()
	feed := "https://n.example/rss"
	a := Item{FeedURL: feed, GUID: "a", Link: "https://n.example/a"}
	b := Item{FeedURL: feed, GUID: "b", Link: "https://n.example/b"}
	now := time.Now()
	if err := s.SavePoll(FeedState{URL: feed}, nil, []PendingItem{{Item: a, Since: now}, {Item: b, Since: now}}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDone(a, ""); err != nil {
		t.Fatal(err)
	}
	fs, err := s.Feeds()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Pending != 1 || fs[0].Done != 1 {
		t.Errorf("feeds %+v, want one feed with 1 pending and 1 done", fs)
	}
}
