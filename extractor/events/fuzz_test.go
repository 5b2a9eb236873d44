package events

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExtract checks that no text makes the engine panic and that every
// evidence span indexes the composed text.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Japan's negotiator cancelled his trip to Washington on Thursday.",
		"Under the deal, tariffs on Japanese goods fall to 15% from 25%.",
		"Mr. Lee met the U.S. envoy on Jan. 5. No. 5 was next.",
		"“Tariffs?” he asked. $550bn (¥80 trillion) — up to US$1.2tn.",
		"Under the deal tariffs fall to 15% from 25%, and 10% on cars from Japan.", // listed rates out of order
		"Under the deal, Korean cars enter the US duty-free.",                      // a trigger with no verb group
		"Tariffs on goods coming the other way will also be axed.",                 // an elimination with nothing before
		"from 25% to", "$", "%", "U.S.-", "’s", "\n\n\n", "1,2,3%", "¥", "Aug. 1",
		"Peru, which faces a 30% tariff", "the 30% duties that Chile", "Chilean 20% fish and 5% duties on", // relative clauses, premodifiers
		"Peru hailed it. Under the deal, that falls to 5%.", "those nations will scrap", "No. 1", "at zero", // anaphors, ranks
		"Rojas cancelled a tour. Rojas had been scheduled to visit", "in Ontario", "US$", // itineraries, regions, currencies

	} {
		f.Add("Title", s)
	}
	e, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, title, text string) {
		doc := Document{Title: title, Text: text, Published: time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC)}
		full := Compose(doc)
		for _, sp := range splitSentences(full) {
			if sp.Start < 0 || sp.End > len(full) || sp.Start >= sp.End {
				t.Fatalf("bad sentence span %+v in %q", sp, full)
			}
		}
		for _, ev := range e.Extract(doc) {
			ev := ev.Evidence
			if ev.Start < 0 || ev.End > len(full) || ev.Start > ev.End || full[ev.Start:ev.End] != ev.Sentence {
				t.Fatalf("evidence %+v does not index %q", ev, full)
			}
			if utf8.ValidString(full) && !utf8.ValidString(ev.Sentence) {
				t.Fatalf("evidence splits a character: %q", ev.Sentence)
			}
		}
	})
}
