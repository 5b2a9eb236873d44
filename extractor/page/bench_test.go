package page

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsevents/newsevents/internal/bodyscore"
	"github.com/newsevents/newsevents/internal/testshared"
)

// benchDir finds ../shared/bench/article-body from the repository root.
func benchDir(tb testing.TB) string {
	tb.Helper()
	return filepath.Dir(testshared.Path(tb, "bench", "article-body", "ground-truth.json"))
}

// TestBenchF1 scores the body extractor on the article-body benchmark's
// development pages. Below 0.95 (the open-source peers' level) is a
// regression. PRED_OUT=FILE writes the predictions.
func TestBenchF1(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	b := benchDir(t)
	pages, err := bodyscore.LoadPages(filepath.Join(b, "html"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := bodyscore.LoadTruth(filepath.Join(b, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	pred := map[string]bodyscore.Entry{}
	for _, p := range pages {
		art, err := x.Extract(p.HTML, Meta{URL: truth[p.ID].URL})
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		pred[p.ID] = bodyscore.Entry{ArticleBody: art.Body}
	}
	if out := os.Getenv("PRED_OUT"); out != "" {
		raw, _ := json.Marshal(pred)
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := bodyscore.Score(bodyscore.Bodies(truth), bodyscore.Bodies(pred))
	t.Logf("F1 %.4f  precision %.4f  recall %.4f  (%d pages)", r.F1, r.Precision, r.Recall, r.Pages)
	if r.F1 < 0.95 {
		t.Errorf("F1 = %.4f, below the peers' 0.95", r.F1)
	}
}

// BenchmarkExtract extracts the benchmark pages, one after another, from
// memory; it reports pages/s and allocations per page.
func BenchmarkExtract(b *testing.B) {
	dir := benchDir(b)
	pages, err := bodyscore.LoadPages(filepath.Join(dir, "html"))
	if err != nil {
		b.Fatal(err)
	}
	x, err := New()
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for _, p := range pages {
		size += len(p.HTML)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p := pages[n%len(pages)]
		if _, err := x.Extract(p.HTML, Meta{}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pages/s")
}
