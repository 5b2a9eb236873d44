package events

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/schema"
)

func TestDbg(t *testing.T) {
	s := os.Getenv("DBG")
	if s == "" {
		t.Skip()
	}
	e, _ := New()
	for _, ev := range e.Extract(Document{Text: s, Published: time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC)}) {
		prev := ""
		if ev.PreviousRatePct != nil {
			prev = fmt.Sprint(*ev.PreviousRatePct)
		}
		fmt.Printf("%s prev=%s conf=%.2f rule=%s\n", schema.Key(ev.Type, ev.Fields), prev, ev.Confidence, ev.Rule)
	}
	d := e.analyse(s, time.Time{})
	for _, x := range d.sents {
		fmt.Printf("%q %+v\n", x.Text, x.Countries)
	}
}

func TestDbgTariff(t *testing.T) {
	s := os.Getenv("DBGT")
	if s == "" {
		t.Skip()
	}
	e, _ := New()
	d := e.analyse(s, time.Time{})
	for _, x := range d.sents {
		fmt.Printf("rates %+v\n", x.Rates())
		for _, tr := range tariffRates(x) {
			imp, tg, g := tariffSides(d, x, tr.tok)
			fmt.Printf("tr %+v blocked=%q imp=%s tgt=%v g=%d\n", tr.r, blocked(x, tr.r.Off, tr.r.End, nil), imp, tg, g)
		}
	}
}

func TestDbgID(t *testing.T) {
	id := os.Getenv("DBGID")
	if id == "" {
		t.Skip()
	}
	b, _ := os.ReadFile("../../../shared/corpus/dev/trade-news.jsonl")
	for _, line := range strings.Split(string(b), "\n") {
		var r struct {
			ID        string  `json:"id"`
			Title     *string `json:"title"`
			Text      string  `json:"text"`
			Published *string `json:"published"`
		}
		if json.Unmarshal([]byte(line), &r) != nil || r.ID != id {
			continue
		}
		d := Document{Text: r.Text}
		if r.Title != nil && !strings.HasPrefix(strings.TrimSpace(r.Text), strings.TrimSpace(*r.Title)) {
			d.Title = *r.Title
		}
		if r.Published != nil {
			d.Published, _ = time.Parse("2006-01-02", *r.Published)
		}
		e, _ := New()
		dd := e.analyse(Compose(d), d.Published)
		var cands []candidate
		for _, s := range dd.sents {
			for ri := range e.rules {
				r := &e.rules[ri]
				if r.prefilter(s.Low) {
					cands = append(cands, r.apply(dd, s)...)
				}
			}
		}
		for _, c := range cands {
			fmt.Printf("CAND %s conf=%.2f %q\n", c.key, c.rank, c.ev.Evidence.Sentence[:min(90, len(c.ev.Evidence.Sentence))])
		}
		for _, ev := range e.Extract(d) {
			fmt.Printf("EVENT %s conf=%.2f\n", schema.Key(ev.Type, ev.Fields), ev.Confidence)
		}
	}
}

func TestDbgRead(t *testing.T) {
	s := os.Getenv("DBGR")
	if s == "" {
		t.Skip()
	}
	e, _ := New()
	d := e.analyse(s, time.Time{})
	for _, x := range d.sents {
		for ri := range e.rules {
			r := &e.rules[ri]
			fmt.Printf("rule %s prefilter=%v matches=%v\n", r.Name, r.prefilter(x.Low), len(r.apply(d, x)))
		}
		fmt.Printf("readings %+v\n", readTariffs(d, x))
	}
}

func TestDbgCue(t *testing.T) {
	s := os.Getenv("DBGC")
	if s == "" {
		t.Skip()
	}
	e, _ := New()
	d := e.analyse(s, time.Time{})
	for _, x := range d.sents {
		fmt.Printf("hits %+v\n", x.cueHits())
		for _, r := range x.Rates() {
			fmt.Printf("rate %v cs=%d blocked=%q\n", r.Value, clauseStart(x.Low, r.Off), blocked(x, r.Off, r.End, nil))
		}
	}
}
