package page

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// goldenNow is the clock of the golden tests.
var goldenNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// goldenMeta is the optional NAME.meta.json next to NAME.html.
type goldenMeta struct {
	URL           string     `json:"url"`
	ContentType   string     `json:"content_type"`
	FeedTitle     string     `json:"feed_title"`
	FeedPublished *time.Time `json:"feed_published"`
}

// TestGolden extracts every testdata/golden/NAME.html (pages written for
// these tests) and compares the article with NAME.golden.json.
func TestGolden(t *testing.T) {
	x, err := NewWithOptions(Options{Now: func() time.Time { return goldenNow }})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob("testdata/golden/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no golden pages: %v", err)
	}
	for _, path := range pages {
		name := strings.TrimSuffix(filepath.Base(path), ".html")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			gm := goldenMeta{URL: "https://news.example/" + name}
			if mraw, err := os.ReadFile(strings.TrimSuffix(path, ".html") + ".meta.json"); err == nil {
				if err := json.Unmarshal(mraw, &gm); err != nil {
					t.Fatal(err)
				}
			}
			meta := Meta{URL: gm.URL, FeedTitle: gm.FeedTitle, FeedPublished: gm.FeedPublished}
			if gm.ContentType != "" {
				meta.Header = http.Header{"Content-Type": {gm.ContentType}}
			}
			art, err := x.Extract(raw, meta)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(art, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenPath := strings.TrimSuffix(path, ".html") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("article differs from %s:\ngot:\n%s\nwant:\n%s", goldenPath, got, want)
			}
		})
	}
}
