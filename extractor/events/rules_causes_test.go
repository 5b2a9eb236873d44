package events

import (
	"sort"
	"strings"
	"testing"
)

// TestRulesByCause covers the ways news language expresses (or only seems to
// express) an event, grouped by linguistic cause, each with a positive and a
// negative example. The texts are written for these tests.
func TestRulesByCause(t *testing.T) {
	tests := []struct {
		name string
		give string
		want []string
	}{
		// A currency written with a country prefix ("US$") names no country.
		{"currency prefix is no target", "Washington raised tariffs to 25% on US$20 billion worth of Korean goods on Monday.",
			[]string{imposed("US", "KR", 25)}},
		{"country before a dollar amount still counts", "Ottawa imposed a 10% duty on US steel worth $2 billion.",
			[]string{imposed("CA", "US", 10)}},

		// "X imports from <date>": the goods of X, not X importing.
		{"imports from a date", "Canada watched closely. Washington imposed a 30% tariff on $5 billion worth of Korean imports from March 1. Canada was spared.",
			[]string{imposed("US", "KR", 30)}},
		{"imports from a country", "U.S. imports from Korea now face a 30% tariff.",
			[]string{imposed("US", "KR", 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(t, tt.give)
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%q:\n got %q\nwant %q", tt.give, got, want)
			}
		})
	}
}
