package events

import (
	"fmt"
	"os"
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
		fmt.Printf("rates %+v\n", x.Rates)
		for _, tr := range tariffRates(x) {
			imp, tg, g := tariffSides(d, x, tr.tok)
			fmt.Printf("tr %+v blocked=%q imp=%s tgt=%v g=%d\n", tr.r, blocked(x, tr.r.Off, tr.r.End, nil), imp, tg, g)
		}
	}
}
