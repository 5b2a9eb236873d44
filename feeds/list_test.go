package feeds

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/fetch"
)

func TestParseOPML(t *testing.T) {
	fs, err := LoadOPML("testdata/trade.opml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Feed{
		{URL: "https://coil.example/rss", Name: "Coil Wire", Tags: []string{"Metals"}},
		{URL: "https://ore.example/feed.xml", Name: "Ore daily", Tags: []string{"Metals", "mining", "iron"}},
		{URL: "https://ports.example/atom", Name: "Ports"},
		{URL: "https://a.example/rss", Name: "Duplicate of config"},
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d feeds %+v, want %d", len(fs), fs, len(want))
	}
	for i := range want {
		if fs[i].URL != want[i].URL || fs[i].Name != want[i].Name || !slices.Equal(fs[i].Tags, want[i].Tags) {
			t.Errorf("feed %d = %+v, want %+v", i, fs[i], want[i])
		}
	}
}

func TestParseOPMLErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{"not XML", "feeds: yes", "parse"},
		{"not OPML", "<rss></rss>", "parse"},
		{"bad xmlUrl", `<opml><body><outline text="x" xmlUrl="ftp://x.example/f"/></body></opml>`, `outline "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOPML(strings.NewReader(tt.give))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFromConfig(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/trade.opml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trade.opml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "newsevents.yaml")
	yaml := "feeds:\n  - {url: https://a.example/rss, name: A, interval: 15m, full_text: true}\nopml: [trade.opml]\n"
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, f := range fs {
		urls = append(urls, f.URL)
	}
	wantURLs := []string{"https://a.example/rss", "https://coil.example/rss", "https://ore.example/feed.xml", "https://ports.example/atom"}
	if !slices.Equal(urls, wantURLs) {
		t.Errorf("feeds %v, want %v (config first, OPML relative to the config, no duplicates)", urls, wantURLs)
	}
	if fs[0].Name != "A" || fs[0].Interval != 15*time.Minute || !fs[0].FullText {
		t.Errorf("config feed options lost: %+v", fs[0])
	}

	// Shards of the same list cover every feed exactly once.
	covered := map[string]int{}
	for i := 1; i <= 3; i++ {
		cfg.Shard = fmt.Sprintf("%d/3", i)
		part, err := FromConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range part {
			covered[f.URL]++
		}
	}
	for _, u := range wantURLs {
		if covered[u] != 1 {
			t.Errorf("%s polled by %d shards, want 1", u, covered[u])
		}
	}
}

func TestShardOf(t *testing.T) {
	const feeds = 3000
	for _, n := range []int{1, 2, 3, 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			counts := make([]int, n)
			for i := range feeds {
				u := fmt.Sprintf("https://site%d.example/rss", i)
				s := ShardOf(u, n)
				if s != ShardOf(u, n) {
					t.Fatal("not deterministic")
				}
				counts[s]++
			}
			for i, c := range counts {
				// Balanced within 20% of the fair share.
				if fair := feeds / n; c < fair*8/10 || c > fair*12/10 {
					t.Errorf("shard %d has %d of %d feeds, want about %d", i, c, feeds, fair)
				}
			}
		})
	}
	// Going from 3 to 4 shards moves only feeds to the new shard.
	for i := range feeds {
		u := fmt.Sprintf("https://site%d.example/rss", i)
		if a, b := ShardOf(u, 3), ShardOf(u, 4); a != b && b != 3 {
			t.Fatalf("%s moved from shard %d to %d, not to the new shard", u, a, b)
		}
	}
}

func TestParseShardFlag(t *testing.T) {
	tests := []struct {
		give    string
		want    Shard
		wantErr bool
	}{
		{give: "1/3", want: Shard{1, 3}},
		{give: "3/3", want: Shard{3, 3}},
		{give: "0/3", wantErr: true},
		{give: "x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseShard(tt.give)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseShard = %+v, %v; want %+v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestNewFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Parse("t.yaml", []byte("feeds: [{url: https://a.example/rss}, {url: https://b.example/rss}]\nstate_dir: "+dir+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := fetch.NewClient(fetch.ConfigOptions(cfg.Poll, nil))
	if err != nil {
		t.Fatal(err)
	}
	s, store, err := NewFromConfig(cfg, "", client, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if s.Len() != 2 || store.Dir() != dir {
		t.Errorf("%d feeds, state in %s; want 2 in %s", s.Len(), store.Dir(), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
		t.Error(err)
	}
	// The state is held: a second instance on the same directory is refused.
	if _, _, err := NewFromConfig(cfg, dir, client, nil); !errors.Is(err, ErrStateLocked) {
		t.Errorf("second instance: %v, want ErrStateLocked", err)
	}
}
