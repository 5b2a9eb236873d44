package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/schema"
)

// Extractor is what Run needs of the extractor: the one the pipeline uses
// (extractor.Extractor).
type Extractor interface {
	Text(doc events.Document) []schema.Event
}

// Locator finds the sentence behind a missed event, for error reports
// (*events.Engine implements it).
type Locator interface {
	Locate(doc events.Document, t schema.Type, f schema.Fields) (schema.Evidence, bool)
}

// Report is the result of one evaluation.
type Report struct {
	Articles     int                    `json:"articles"`
	Labelled     int                    `json:"labelled"` // articles with gold events (possibly none)
	Overall      Counts                 `json:"overall"`
	PerType      map[schema.Type]Counts `json:"per_type"`
	Secondary    Secondary              `json:"secondary"`
	Errors       []Error                `json:"errors,omitempty"`
	HasGold      bool                   `json:"has_gold"`
	PredictedAll int                    `json:"predicted"` // core events predicted
}

// Error is one false positive or false negative.
type Error struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // "FP" or "FN"
	Event    string `json:"event"`
	Sentence string `json:"sentence,omitempty"` // the evidence of a FP
	Rule     string `json:"rule,omitempty"`
}

// Prediction is one line of the predictions file.
type Prediction struct {
	ID     string           `json:"id"`
	Events []PredictedEvent `json:"events"`
}

// PredictedEvent is an event in the spec's field names, with its evidence.
type PredictedEvent struct {
	Type schema.Type `json:"type"`
	schema.Fields
	OccurredOn string          `json:"occurred_on,omitempty"`
	Evidence   schema.Evidence `json:"evidence"`
	Confidence float64         `json:"confidence"`
	Rule       string          `json:"rule,omitempty"`
}

// Run extracts the events of every record, writes one prediction line per
// record to predictions (when not nil) and scores the records that carry
// gold events.
func Run(ctx context.Context, x Extractor, recs []Record, predictions io.Writer) (*Report, error) {
	return RunWith(ctx, x, nil, recs, predictions)
}

// RunWith is Run with a Locator that finds the sentence behind each false
// negative (nil: "missed").
func RunWith(ctx context.Context, x Extractor, loc Locator, recs []Record, predictions io.Writer) (*Report, error) {
	rep := &Report{PerType: map[schema.Type]Counts{}}
	for _, t := range schema.CoreTypes() {
		rep.PerType[t] = Counts{}
	}
	var enc *json.Encoder
	if predictions != nil {
		enc = json.NewEncoder(predictions)
		enc.SetEscapeHTML(false)
	}
	for i := range recs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec := &recs[i]
		evs := x.Text(rec.Document())
		rep.Articles++
		pe := make([]PredictedEvent, 0, len(evs))
		for _, ev := range evs {
			if !ev.Type.IsCore() {
				continue
			}
			rep.PredictedAll++
			pe = append(pe, PredictedEvent{Type: ev.Type, Fields: ev.Fields, OccurredOn: ev.OccurredOn, Evidence: ev.Evidence, Confidence: ev.Confidence, Rule: ev.Rule})
		}
		if enc != nil {
			if err := enc.Encode(Prediction{ID: rec.ID, Events: pe}); err != nil {
				return nil, fmt.Errorf("predictions: %w", err)
			}
		}
		if !rec.HasGold {
			continue
		}
		rep.HasGold = true
		rep.Labelled++
		rep.score(rec, pe, loc)
	}
	return rep, nil
}

func (rep *Report) score(rec *Record, pe []PredictedEvent, loc Locator) {
	gold := make([]Identity, len(rec.Events))
	for i, g := range rec.Events {
		gold[i] = Identity{Type: g.Type, Fields: g.Fields}
	}
	pred := make([]Identity, len(pe))
	for i, p := range pe {
		pred[i] = Identity{Type: p.Type, Fields: p.Fields}
	}
	pairs, fn, fp := Match(gold, pred)
	for _, p := range pairs {
		c := rep.PerType[gold[p.Gold].Type]
		c.TP++
		rep.PerType[gold[p.Gold].Type] = c
		rep.Secondary.score(gold[p.Gold].Fields, pred[p.Pred].Fields)
	}
	for _, g := range fn {
		c := rep.PerType[gold[g].Type]
		c.FN++
		rep.PerType[gold[g].Type] = c
		sentence := "missed"
		if loc != nil {
			if ev, ok := loc.Locate(rec.Document(), gold[g].Type, gold[g].Fields); ok {
				sentence = "missed; nearest sentence: " + strconv.Quote(ev.Sentence)
			}
		}
		rep.Errors = append(rep.Errors, Error{ID: rec.ID, Kind: "FN", Event: describe(gold[g]), Sentence: sentence})
	}
	for _, k := range fp {
		c := rep.PerType[pred[k].Type]
		c.FP++
		rep.PerType[pred[k].Type] = c
		rep.Errors = append(rep.Errors, Error{ID: rec.ID, Kind: "FP", Event: describe(pred[k]), Sentence: pe[k].Evidence.Sentence, Rule: pe[k].Rule})
	}
	rep.Overall = Counts{}
	for _, c := range rep.PerType {
		rep.Overall.add(c)
	}
}

// describe writes an event's identity for people: "tariff_rate_agreed
// US->JP 15% (prev 25%)".
func describe(id Identity) string {
	f := id.Fields
	switch id.Type {
	case schema.TripCancelled:
		return fmt.Sprintf("%s %s->%s %s %s", id.Type, f.TravelerCountry, f.DestinationCountry, f.Traveler, f.Status)
	case schema.TariffRateAgreed, schema.TariffImposed:
		s := fmt.Sprintf("%s %s->%s %s%%", id.Type, f.ImposingCountry, f.TargetCountry, pct(f.RatePct))
		if f.PreviousRatePct != nil {
			s += fmt.Sprintf(" (prev %s%%)", pct(f.PreviousRatePct))
		}
		if f.Products != "" {
			s += " on " + f.Products
		}
		return s
	case schema.InvestmentPledged:
		amt := "?"
		if f.AmountUSD != nil {
			amt = fmt.Sprintf("$%.4gbn", *f.AmountUSD/1e9)
		}
		return fmt.Sprintf("%s %s->%s %s", id.Type, f.Investor, f.RecipientCountry, amt)
	case schema.TradeDealReached:
		return fmt.Sprintf("%s [%s] %s", id.Type, strings.Join(f.Parties, ","), f.Name)
	}
	return string(id.Type)
}

func pct(v *float64) string {
	if v == nil {
		return "?"
	}
	return fmt.Sprintf("%g", *v)
}

// WriteText prints the report for people: P/R/F1 overall and per type,
// secondary-field accuracy and, with errors, every FP and FN.
func (rep *Report) WriteText(w io.Writer, errors bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "articles: %d (labelled %d), core events predicted: %d\n", rep.Articles, rep.Labelled, rep.PredictedAll)
	if !rep.HasGold {
		b.WriteString("no gold events: predictions only\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%-20s %5s %5s %5s %9s %7s %6s\n", "type", "tp", "fp", "fn", "precision", "recall", "f1")
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-20s %5d %5d %5d %9.3f %7.3f %6.3f\n", name, c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	}
	row("overall", rep.Overall)
	for _, t := range schema.CoreTypes() {
		row(string(t), rep.PerType[t])
	}
	fmt.Fprintf(&b, "secondary fields (matched events): traveler %d/%d %.3f, status %d/%d %.3f, previous_rate_pct %d/%d %.3f\n",
		rep.Secondary.Traveler.Right, rep.Secondary.Traveler.Total, rep.Secondary.Traveler.Value(),
		rep.Secondary.Status.Right, rep.Secondary.Status.Total, rep.Secondary.Status.Value(),
		rep.Secondary.PreviousRatePct.Right, rep.Secondary.PreviousRatePct.Total, rep.Secondary.PreviousRatePct.Value())
	if errors {
		errs := append([]Error(nil), rep.Errors...)
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].ID < errs[j].ID })
		fmt.Fprintf(&b, "\nerrors: %d\n", len(errs))
		for _, e := range errs {
			fmt.Fprintf(&b, "%s %s %s\n", e.ID, e.Kind, e.Event)
			if e.Kind == "FP" {
				fmt.Fprintf(&b, "    rule %s: %q\n", e.Rule, e.Sentence)
			} else {
				fmt.Fprintf(&b, "    %s\n", e.Sentence)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
