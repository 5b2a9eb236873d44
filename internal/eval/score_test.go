package eval

import (
	"strings"
	"testing"

	"github.com/newsevents/newsevents/schema"
)

func id(t schema.Type, f schema.Fields) Identity { return Identity{Type: t, Fields: f} }

func TestSameEvent(t *testing.T) {
	inv := func(who string, usd float64) Identity {
		return id(schema.InvestmentPledged, schema.Fields{Investor: who, RecipientCountry: "US", AmountUSD: schema.Float(usd)})
	}
	rate := func(imp, tgt string, r float64) Identity {
		return id(schema.TariffImposed, schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(r)})
	}
	tests := []struct {
		name string
		a, b Identity
		want bool
	}{
		{"amount within 2%", inv("JP", 550e9), inv("JP", 560e9), true},
		{"amount beyond 2%", inv("JP", 550e9), inv("JP", 570e9), false},
		{"investor contained, case-insensitive", inv("SoftBank Group", 100e9), inv("softbank", 100e9), true},
		{"other investor", inv("Apple", 100e9), inv("Google", 100e9), false},
		{"same rate", rate("US", "JP", 15), rate("us", "JP", 15), true},
		{"other rate", rate("US", "JP", 15), rate("US", "JP", 25), false},
		{"sides swapped", rate("US", "JP", 15), rate("JP", "US", 15), false},
		{"parties in any order", id(schema.TradeDealReached, schema.Fields{Parties: []string{"US", "JP"}}), id(schema.TradeDealReached, schema.Fields{Parties: []string{"JP", "US"}}), true},
		{"other type", rate("US", "JP", 15), id(schema.TariffRateAgreed, rate("US", "JP", 15).Fields), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameEvent(tt.a, tt.b); got != tt.want {
				t.Errorf("SameEvent = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	deal := id(schema.TradeDealReached, schema.Fields{Parties: []string{"JP", "US"}})
	trip := id(schema.TripCancelled, schema.Fields{TravelerCountry: "JP", DestinationCountry: "US", Traveler: "Ryosei Akazawa", Status: "cancelled"})
	other := id(schema.Type("trade_talks_held"), schema.Fields{})
	tests := []struct {
		name           string
		gold, pred     []Identity
		wantTP, wantFN int
		wantFP         int
	}{
		{"exact", []Identity{deal, trip}, []Identity{trip, deal}, 2, 0, 0},
		{"duplicate prediction counts once", []Identity{deal}, []Identity{deal, deal}, 1, 0, 0},
		{"missed and extra", []Identity{deal}, []Identity{trip}, 0, 1, 1},
		{"other types ignored", []Identity{deal}, []Identity{deal, other}, 1, 0, 0},
		{"negative article", nil, []Identity{deal}, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pairs, fn, fp := Match(tt.gold, tt.pred)
			if len(pairs) != tt.wantTP || len(fn) != tt.wantFN || len(fp) != tt.wantFP {
				t.Errorf("tp %d fn %d fp %d, want %d %d %d", len(pairs), len(fn), len(fp), tt.wantTP, tt.wantFN, tt.wantFP)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	c := Counts{TP: 9, FP: 1, FN: 3}
	if p, r := c.Precision(), c.Recall(); p != 0.9 || r != 0.75 {
		t.Errorf("precision %v recall %v, want 0.9 0.75", p, r)
	}
	if f := c.F1(); f < 0.8181 || f > 0.8182 {
		t.Errorf("f1 %v, want 0.818", f)
	}
	if (Counts{}).F1() != 0 {
		t.Error("empty counts: f1 not 0")
	}
}

func TestSecondary(t *testing.T) {
	var s Secondary
	s.score(schema.Fields{Traveler: "Ryosei Akazawa", Status: "cancelled", PreviousRatePct: schema.Float(25)},
		schema.Fields{Traveler: "Akazawa", Status: "postponed", PreviousRatePct: schema.Float(25)})
	if s.Traveler != (Accuracy{1, 1}) || s.Status != (Accuracy{0, 1}) || s.PreviousRatePct != (Accuracy{1, 1}) {
		t.Errorf("secondary = %+v", s)
	}
}

func TestReadErrors(t *testing.T) {
	_, err := Read(strings.NewReader("{\"id\":\"a\",\"text\":\"x\"}\n{bad json}\n"), "c.jsonl")
	if err == nil || !strings.Contains(err.Error(), "c.jsonl:2") {
		t.Errorf("error %v, want one naming c.jsonl:2", err)
	}
	recs, err := Read(strings.NewReader("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\",\"events\":[]}\n"), "c.jsonl")
	if err != nil || len(recs) != 2 || recs[0].HasGold || !recs[1].HasGold {
		t.Errorf("records %+v err %v: want the first without gold, the second a negative", recs, err)
	}
}

func TestDocumentTitleOnce(t *testing.T) {
	title := "Japan cancels trip"
	rec := Record{Title: &title, Text: "Japan cancels trip\nBody."}
	if d := rec.Document(); d.Title != "" {
		t.Errorf("title %q added although the text starts with it", d.Title)
	}
	rec.Text = "Body only."
	if d := rec.Document(); d.Title != title {
		t.Errorf("title %q, want %q", d.Title, title)
	}
}
