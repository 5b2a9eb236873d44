package schema_test

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/internal/testshared"
	"github.com/newsevents/newsevents/schema"
)

// TestExtractorOutputMatchesSchema runs the extractor over the dev corpus
// and validates every event it produces against the published schema:
// the contract holds for what the extractor really emits, not only for
// hand-made samples.
func TestExtractorOutputMatchesSchema(t *testing.T) {
	path := testshared.Path(t, "corpus", "dev", "trade-news.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	defer f.Close()
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		var a struct {
			ID, URL, Title, Text, Published string
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		pub, _ := time.Parse("2006-01-02", a.Published)
		art := schema.Article{URL: a.URL, CanonicalURL: a.URL, Title: a.Title, Body: a.Text, Published: &pub}
		evs := x.Text(events.Document{Title: a.Title, Text: a.Text, Published: pub})
		extractor.Finalize(evs, &art, time.Now())
		for _, e := range evs {
			n++
			v, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(v); err != nil {
				t.Errorf("%s: %v\n%s", a.ID, err, v)
			}
			if extra, _ := schema.UndeclaredFields(schema.EventSchema, v); len(extra) > 0 {
				t.Errorf("%s: fields not in the schema: %v", a.ID, extra)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the extractor found no event in the corpus")
	}
	t.Logf("%d events validated", n)
}
