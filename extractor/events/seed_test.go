package events

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/testshared"
	"github.com/newsevents/newsevents/schema"
)

// TestSeedArticle reads the spec's example article (shared/seed) with its
// first line as the title and expects the spec's four events.
func TestSeedArticle(t *testing.T) {
	dir := testshared.Path(t, "seed")
	b, err := os.ReadFile(filepath.Join(dir, "000_819cb3dde3cf8934.txt"))
	if err != nil {
		t.Skipf("seed article absent: %v", err)
	}
	title, body, _ := strings.Cut(string(b), "\n")
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	evs := e.Extract(Document{Title: title, Text: body, Published: time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC)})
	want := []string{
		schema.Key(schema.TripCancelled, schema.Fields{TravelerCountry: "JP", DestinationCountry: "US"}),
		schema.Key(schema.TariffRateAgreed, schema.Fields{ImposingCountry: "US", TargetCountry: "JP", RatePct: schema.Float(15)}),
		schema.Key(schema.InvestmentPledged, schema.Fields{Investor: "JP", RecipientCountry: "US", AmountUSD: schema.Float(550e9)}),
		schema.Key(schema.TradeDealReached, schema.Fields{Parties: []string{"JP", "US"}}),
	}
	var got []string
	for _, ev := range evs {
		got = append(got, schema.Key(ev.Type, ev.Fields))
		if ev.Type == schema.TripCancelled && (ev.Traveler != "Ryosei Akazawa" || ev.Status != "cancelled") {
			t.Errorf("trip: traveler %q status %q, want Ryosei Akazawa, cancelled", ev.Traveler, ev.Status)
		}
		if ev.Type == schema.TariffRateAgreed && (ev.PreviousRatePct == nil || *ev.PreviousRatePct != 25) {
			t.Errorf("tariff_rate_agreed: previous rate %v, want 25", ev.PreviousRatePct)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
