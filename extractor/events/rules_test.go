package events

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/schema"
)

// pub is the published date of the test articles: Thursday 28 August 2025.
var pub = time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC)

// keys extracts text and returns the identities of its events, sorted.
func keys(t *testing.T, text string) []string {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range e.Extract(Document{Text: text, Published: pub}) {
		out = append(out, schema.Key(ev.Type, ev.Fields))
	}
	sort.Strings(out)
	return out
}

// checkKeys fails the test unless text yields exactly the event keys want,
// in any order.
func checkKeys(t *testing.T, text string, want []string) {
	t.Helper()
	got := keys(t, text)
	if want = slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
		t.Errorf("%q:\n got %q\nwant %q", text, got, want)
	}
}

func trip(trav, dest string) string {
	return schema.Key(schema.TripCancelled, schema.Fields{TravelerCountry: trav, DestinationCountry: dest})
}
func agreed(imp, tgt string, rate float64) string {
	return schema.Key(schema.TariffRateAgreed, schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(rate)})
}
func imposed(imp, tgt string, rate float64) string {
	return schema.Key(schema.TariffImposed, schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(rate)})
}
func pledge(inv, rec string, usd float64) string {
	return schema.Key(schema.InvestmentPledged, schema.Fields{Investor: inv, RecipientCountry: rec, AmountUSD: schema.Float(usd)})
}
func deal(parties ...string) string {
	return schema.Key(schema.TradeDealReached, schema.Fields{Parties: parties})
}

// The texts below are written for these tests; each hard case of the spec
// has a positive and a negative example.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		give string
		want []string
	}{
		// trip_cancelled
		{"trip cancelled", "Japan's chief trade negotiator cancelled his trip to Washington on Thursday.", []string{trip("JP", "US")}},
		{"trip postponed", "Canada's trade minister has postponed a trade mission to India.", []string{trip("CA", "IN")}},
		{"video call is no trip", "Japan cancelled a video call with the United States on Thursday.", nil},
		{"trip only considered", "Japan's envoy could cancel his visit to Washington, officials said.", nil},
		{"trip denied", "Japan has not cancelled the minister's trip to the United States.", nil},

		// tariff_rate_agreed
		{"lowered under the deal", "Japan and the United States reached a trade deal in July. Under the deal, tariffs on Japanese goods were lowered to 15% from 25%.", []string{agreed("US", "JP", 15), deal("JP", "US")}},
		{"agreed rate, not imposed", "The United States agreed to charge a 15% tariff on Korean goods under the new trade deal.", []string{agreed("US", "KR", 15), deal("KR", "US")}},
		{"partner drops its tariffs", "Under the agreement, Indonesia agreed to eliminate tariffs on American goods.", []string{agreed("ID", "US", 0), deal("ID", "US")}},
		{"demanded rate is no agreement", "Brussels demanded a 10% tariff on American cars in the talks.", nil},

		// tariff_imposed
		{"imposed with a rate", "China imposed a 10% tariff on American farm goods on Monday.", []string{imposed("CN", "US", 10)}},
		{"in force", "The tariff on Swiss goods remains at 39%, the US said.", []string{imposed("US", "CH", 39)}},
		{"sector tariff on all", "Washington imposed a 50% tariff on steel imports from all countries.", []string{imposed("US", "*", 50)}},
		{"stated total", "The US added an extra 25% duty on Indian goods, bringing the total to 50%.", []string{imposed("US", "IN", 50)}},
		{"range gives both ends", "Canada imposed duties of between 20% and 35% on Chinese steel.", []string{imposed("CA", "CN", 20), imposed("CA", "CN", 35)}},
		{"unilateral cut", "The United States cut its tariff on Brazilian coffee to 10%.", []string{imposed("US", "BR", 10)}},
		{"conditional threat", "If talks fail, the US will impose a 30% tariff on Mexican goods.", nil},
		{"threat", "Trump threatened a 25% tariff on Canadian lumber.", nil},
		{"average is no event", "The average US tariff on imports is 17%.", nil},
		{"average further back", "The average tariff on EU goods entering the US is now 17%, economists estimate.", nil},
		{"prediction is no event", "Analysts expect Washington to lower tariffs on Indian goods to 20% once a deal is signed.", nil},
		{"question", "Will Japan face a 25% tariff on its cars?", nil},

		// investment_pledged
		{"pledge", "South Korea pledged to invest $350 billion in the United States.", []string{pledge("KR", "US", 350e9)}},
		{"up to", "Japan promised to invest up to $550 billion in the US.", []string{pledge("JP", "US", 550e9)}},
		{"company pledge", "Apple said it will invest $100 billion in US factories.", []string{pledge("Apple", "US", 100e9)}},
		{"request is no pledge", "Trump urged Saudi Arabia to invest $1 trillion in the United States.", nil},
		{"small sums are no pledge", "Japan pledged to invest $5 million in US schools.", nil},

		// trade_deal_reached
		{"deal reached", "Japan and the United States reached a trade agreement in July.", []string{deal("JP", "US")}},
		{"framework counts", "The EU and the US struck a framework trade deal on Sunday.", []string{deal("EU", "US")}},
		{"talks continue", "India and the United States said trade talks continue and nothing is agreed.", nil},
		{"existing agreement", "Goods move freely under their existing trade agreement with Canada and Mexico.", nil},
		{"deal to be sealed", "India and the US hope to seal a trade deal this year.", nil},

		// one event per identity
		{"two mentions, one event", "Japan's negotiator cancelled his trip to Washington. The cancelled trip to Washington upset officials in Japan.", []string{trip("JP", "US")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkKeys(t, tt.give, tt.want)
		})
	}
}

func TestEventFields(t *testing.T) {
	e, _ := New()
	text := "Title line\n\nJapan's top trade negotiator, Ryosei Akazawa, postponed his trip to the United States on Thursday."
	evs := e.Extract(Document{Text: text, Published: pub})
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(evs), evs)
	}
	ev := evs[0]
	if ev.Traveler != "Ryosei Akazawa" || ev.Status != "postponed" || ev.OccurredOn != "2025-08-28" {
		t.Errorf("traveler %q status %q occurred %q, want Ryosei Akazawa, postponed, 2025-08-28", ev.Traveler, ev.Status, ev.OccurredOn)
	}
	if text[ev.Evidence.Start:ev.Evidence.End] != ev.Evidence.Sentence || !strings.HasPrefix(ev.Evidence.Sentence, "Japan's") {
		t.Errorf("evidence %+v does not index the sentence", ev.Evidence)
	}
	if ev.Confidence <= 0 || ev.Confidence > 1 || ev.Rule == "" || ev.ExtractorVersion != Version {
		t.Errorf("confidence %v rule %q version %q", ev.Confidence, ev.Rule, ev.ExtractorVersion)
	}
}

func TestEventDates(t *testing.T) {
	e, _ := New()
	tests := []struct {
		name          string
		give          string
		wantOccurred  string
		wantEffective string
	}{
		{"effective date is not the occurrence", "Canada said on Tuesday it will impose a 25 per cent surtax on US steel from July 1.", "2025-08-26", "2025-07-01"},
		{"weekday before publication", "China imposed a 10% tariff on American soybeans on Monday.", "2025-08-25", ""},
		{"month only", "Japan and the US reached a trade deal in July.", "2025-07-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := e.Extract(Document{Text: tt.give, Published: pub})
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1: %+v", len(evs), evs)
			}
			if evs[0].OccurredOn != tt.wantOccurred || evs[0].EffectiveDate != tt.wantEffective {
				t.Errorf("occurred %q effective %q, want %q %q", evs[0].OccurredOn, evs[0].EffectiveDate, tt.wantOccurred, tt.wantEffective)
			}
		})
	}
}

func TestPreviousRates(t *testing.T) {
	e, _ := New()
	tests := []struct {
		name string
		give string
		want float64 // previous rate of the one event
	}{
		{"from to", "Under the deal, US tariffs on Thai goods fall to 19% from 36%.", 36},
		{"doubled", "Washington doubled the tariffs on Indian goods to 50% on Wednesday.", 25},
		{"including a penalty", "The US imposed a 50% tariff on Indian goods, including a 25% penalty for buying oil.", 25},
		{"total with an extra rate", "The US added an extra 25% tariff on Indian goods, bringing the total to 50%.", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := e.Extract(Document{Text: tt.give, Published: pub})
			var got []float64
			for _, ev := range evs {
				if ev.PreviousRatePct != nil {
					got = append(got, *ev.PreviousRatePct)
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("previous rates %v, want [%v] (events %d)", got, tt.want, len(evs))
			}
		})
	}
}
