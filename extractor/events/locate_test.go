package events

import (
	"testing"

	"github.com/newsevents/newsevents/schema"
)

func TestLocate(t *testing.T) {
	e, _ := New()
	doc := Document{Text: "Markets fell on Monday. Peru's envoy may skip the talks in Lima. Chile set a 12% duty on Peruvian fish."}
	tests := []struct {
		name   string
		typ    schema.Type
		fields schema.Fields
		want   string
	}{
		{"tariff by rate and sides", schema.TariffImposed, schema.Fields{ImposingCountry: "CL", TargetCountry: "PE", RatePct: schema.Float(12)}, "Chile set a 12% duty on Peruvian fish."},
		{"nothing close", schema.InvestmentPledged, schema.Fields{Investor: "JP", RecipientCountry: "US", Amount: schema.Float(5)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, ok := e.Locate(doc, tt.typ, tt.fields)
			if ev.Sentence != tt.want || ok != (tt.want != "") {
				t.Errorf("Locate = %q, %v; want %q", ev.Sentence, ok, tt.want)
			}
		})
	}
}
