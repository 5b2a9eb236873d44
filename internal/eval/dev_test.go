package eval

import (
	"context"
	"testing"

	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/internal/testshared"
	"github.com/newsevents/newsevents/schema"
)

// The best figures reached on ../shared/corpus/dev: raise them as the
// extractor improves; the test fails when the extractor falls below.
const (
	ratchetF1        = 0.90
	ratchetPrecision = 0.95
)

type engine struct{ e *events.Engine }

func (x engine) Text(d events.Document) []schema.Event { return x.e.Extract(d) }

func TestDevRatchet(t *testing.T) {
	dev := testshared.Path(t, "corpus", "dev")
	recs, err := Load(dev)
	if err != nil {
		t.Fatal(err)
	}
	e, err := events.New()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), engine{e}, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Overall
	t.Logf("dev: precision %.3f recall %.3f f1 %.3f", o.Precision(), o.Recall(), o.F1())
	if o.F1() < ratchetF1 || o.Precision() < ratchetPrecision {
		t.Errorf("dev f1 %.3f precision %.3f fell below the ratchet (f1 %.2f, precision %.2f)", o.F1(), o.Precision(), ratchetF1, ratchetPrecision)
	}
}
