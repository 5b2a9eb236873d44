package events

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestDbg(t *testing.T) {
	s := os.Getenv("DBG")
	if s == "" {
		t.Skip()
	}
	e, _ := New()
	for _, ev := range e.Extract(Document{Text: s, Published: time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC)}) {
		fmt.Printf("%s %s conf=%.2f rule=%s\n", ev.Type, describeFields(ev.Fields), ev.Confidence, ev.Rule)
	}
	d := e.analyse(s, time.Time{})
	for _, x := range d.sents {
		fmt.Printf("%q %+v\n", x.Text, x.Countries)
	}
}

func describeFields(f interface{}) string { return fmt.Sprintf("%+v", f) }
