package events

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/testshared"
)

// corpusDoc is the part of a corpus record the benchmark reads.
type corpusDoc struct {
	Title     *string `json:"title"`
	Text      string  `json:"text"`
	Published *string `json:"published"`
}

// loadDevDocs reads ../shared/corpus/dev/*.jsonl as documents (title not
// repeated when the text starts with it, as the eval command does).
func loadDevDocs(tb testing.TB) []Document {
	dir := testshared.Path(tb, "corpus", "dev")
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var docs []Document
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var c corpusDoc
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				tb.Fatalf("%s: %v", fn, err)
			}
			d := Document{Text: c.Text}
			if c.Title != nil && !strings.HasPrefix(strings.TrimSpace(c.Text), strings.TrimSpace(*c.Title)) {
				d.Title = *c.Title
			}
			if c.Published != nil {
				d.Published, _ = time.Parse("2006-01-02", *c.Published)
			}
			docs = append(docs, d)
		}
		f.Close()
	}
	if len(docs) == 0 {
		tb.Skip("no documents in the dev corpus")
	}
	return docs
}

// BenchmarkExtractDevCorpus measures text to events over the dev corpus on
// one core, reported as articles/s.
func BenchmarkExtractDevCorpus(b *testing.B) {
	docs := loadDevDocs(b)
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			e.Extract(d)
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}
