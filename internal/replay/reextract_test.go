package replay

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/schema"
)

// fakeExtractor reads "rate N" and "deal" words from the body, standing in
// for the real rules so the test controls what changes between versions.
type fakeExtractor struct {
	version    string
	confidence float64
}

func (x fakeExtractor) Article(art *schema.Article, now time.Time) []schema.Event {
	var evs []schema.Event
	words := strings.Fields(art.Body)
	for i, w := range words {
		switch {
		case w == "deal":
			evs = append(evs, schema.Event{Type: schema.TradeDealReached, Fields: schema.Fields{Parties: []string{"JP", "US"}}})
		case w == "rate" && i+1 < len(words):
			var r float64
			_ = json.Unmarshal([]byte(words[i+1]), &r)
			evs = append(evs, schema.Event{Type: schema.TariffRateAgreed, Fields: schema.Fields{ImposingCountry: "US", TargetCountry: "JP", RatePct: schema.Float(r)}})
		}
	}
	for i := range evs {
		evs[i].Evidence = schema.Evidence{Sentence: art.Body, End: len(art.Body)}
		evs[i].Confidence = x.confidence
		evs[i].ExtractorVersion = x.version
	}
	extractor.Finalize(evs, art, now)
	return evs
}

func TestReextractSummaryAndIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v1 := fakeExtractor{version: "v1", confidence: 0.5}
	arts := []schema.Article{
		{URL: "https://news.example/same", CanonicalURL: "https://news.example/same", Title: "Same", Body: "deal rate 15"},
		{URL: "https://news.example/grows", CanonicalURL: "https://news.example/grows", Title: "Grows", Body: "rate 10"},
		{URL: "https://news.example/old?x", CanonicalURL: "https://news.example/old", Title: "Old", Body: "deal"},
	}
	// The pipeline's first pass: article and events of the old extractor.
	t0 := mark()
	first := map[string]bool{}
	for i := range arts {
		if err := e.p.PublishArticle(ctx, &arts[i], time.Now()); err != nil {
			t.Fatal(err)
		}
		evs := v1.Article(&arts[i], time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		for _, ev := range evs {
			first[ev.ID] = true
		}
		if _, err := e.p.Publish(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}

	// A new extractor: "grows" now also finds a deal (and its rate event
	// gets a new evidence sentence); "old" keeps its deal with another
	// confidence; "same" is unchanged.
	v2 := fakeExtractor{version: "v2", confidence: 0.5}
	v2grows := func(art *schema.Article, now time.Time) []schema.Event {
		a := *art
		switch a.CanonicalURL {
		case "https://news.example/grows":
			a.Body = "rate 10 deal"
		case "https://news.example/old":
			evs := fakeExtractor{version: "v2", confidence: 0.9}.Article(&a, now)
			return evs
		}
		return v2.Article(&a, now)
	}
	sum, err := Reextract(ctx, ReextractOptions{
		Conn: e.p.Conn(), Window: Window{Since: t0}, Extractor: extractorFunc(v2grows), Publisher: e.p,
		Now: func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Articles: 3, Events: 5, Added: 1, Changed: 2, Unchanged: 2, Removed: 0, Published: 5}
	if sum != want {
		t.Errorf("summary\n got %v\nwant %v", sum, want)
	}

	// The published events: the unchanged ones kept their id.
	var republished []schema.Event
	ranges, err := Plan(ctx, e.p.Conn(), eventTopics(), Window{Since: t0})
	if err != nil {
		t.Fatal(err)
	}
	err = Read(ctx, e.p.Conn(), ranges, Window{Since: t0}, func(m kafka.Message) error {
		var ev schema.Event
		if err := json.Unmarshal(m.Value, &ev); err != nil {
			return err
		}
		if ev.ExtractorVersion == "v2" {
			republished = append(republished, ev)
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, ev := range republished {
		if first[ev.ID] {
			kept++
		}
	}
	if len(republished) != 5 || kept != 4 {
		t.Errorf("%d events re-published, %d with an id of the first pass; want 5 and 4", len(republished), kept)
	}

	// Run again with a v3 that finds nothing in "old": one removed.
	v3 := func(art *schema.Article, now time.Time) []schema.Event {
		if art.CanonicalURL == "https://news.example/old" {
			return nil
		}
		return v2grows(art, now)
	}
	sum, err = Reextract(ctx, ReextractOptions{Conn: e.p.Conn(), Window: Window{Since: t0}, Extractor: extractorFunc(v3),
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	want = Summary{Articles: 3, Events: 4, Added: 0, Changed: 0, Unchanged: 4, Removed: 1, Published: 0}
	if sum != want {
		t.Errorf("dry run summary\n got %v\nwant %v", sum, want)
	}
}

type extractorFunc func(*schema.Article, time.Time) []schema.Event

func (f extractorFunc) Article(a *schema.Article, now time.Time) []schema.Event { return f(a, now) }

func eventTopics() []string {
	var out []string
	for _, t := range schema.CoreTypes() {
		out = append(out, schema.Topic(schema.DefaultTopicPrefix, t))
	}
	return out
}
