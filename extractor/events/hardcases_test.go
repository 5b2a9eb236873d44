package events

import "testing"

// TestHardCases walks the spec's "Rules that decide hard cases"
// (shared/spec/events.md) in order: each rule has at least one positive and
// one negative example here or in TestRules / TestRulesLanguage. The texts
// are written for these tests.
func TestHardCases(t *testing.T) {
	tests := []struct {
		rule string // the spec's rule, shortened
		name string
		give string
		want []string
	}{
		{"asserted, new or background", "background deal", "Chile and Korea, which reached a trade agreement in 2003, met again on Monday.",
			[]string{deal("CL", "KR")}},
		{"asserted, new or background", "hypothetical", "A trade agreement between Chile and Korea would lift exports, analysts said.", nil},
		{"asserted, new or background", "demand", "Seoul demanded that Chile cut its tariff on Korean cars to 5%.", nil},
		{"asserted, new or background", "conditional threat", "If Chile does not act, Korea will impose a 20% tariff on Chilean copper.", nil},
		{"asserted, new or background", "denial", "Korea denied that it had reached a trade deal with Chile.", nil},
		{"asserted, new or background", "question", "Has Korea finally reached a trade deal with Chile?", nil},

		{"agreed in a deal, not imposed", "rate set by a deal", "Under the trade deal signed on Friday, Peru will charge a 6% tariff on Chilean wine.",
			[]string{agreed("PE", "CL", 6), deal("CL", "PE")}},
		{"agreed in a deal, not imposed", "rate set alone", "Peru imposed a 6% tariff on Chilean wine on Friday.",
			[]string{imposed("PE", "CL", 6)}},

		{"lowered under the deal", "lowered from a previous rate", "Under the deal with Washington, US tariffs on Korean goods were lowered to 12% from 20%.",
			[]string{agreed("US", "KR", 12), deal("KR", "US")}},
		{"lowered under the deal", "raised, not agreed", "US tariffs on Korean goods were raised to 20% from 12% on Monday.",
			[]string{imposed("US", "KR", 20)}},

		{"up to counts", "up to a sum", "Norway committed up to $40 billion of investment in Canada.",
			[]string{pledge("NO", "CA", 40e9)}},
		{"up to counts", "up to a sum, only possible", "Norway could invest up to $40 billion in Canada, a report said.", nil},

		{"one event per identity", "two trips are two events", "Peru's minister cancelled his trip to Chile. Separately, Bolivia's minister cancelled a visit to Chile.",
			[]string{trip("PE", "CL"), trip("BO", "CL")}},

		{"sector tariff on everybody", "sector tariff on one country", "Washington imposed a 50% tariff on Brazilian steel.",
			[]string{imposed("US", "BR", 50)}},

		{"in force is imposed", "will keep", "Canada will keep its 25% tariffs on Chinese steel.",
			[]string{imposed("CA", "CN", 25)}},
		{"in force is imposed", "the current rate", "Korean cars still pay the current 20% tariff in Peru.",
			[]string{imposed("PE", "KR", 20)}},
		{"in force is imposed", "effective rate is no event", "The effective US tariff rate on Chinese goods is now 40%.", nil},
		{"in force is imposed", "comparison is no event", "Peru's tariff on Korean cars is higher than the 10% it charges on Chilean cars.", nil},

		{"stacked tariffs", "increment only", "The US imposed an additional 25% tariff on Indian goods on Monday.",
			[]string{imposed("US", "IN", 25)}},

		{"one event per distinct rate", "company-specific duties", "Brussels set anti-dumping duties of 17% on one Chinese bike maker and 35% on another.",
			[]string{imposed("EU", "CN", 17), imposed("EU", "CN", 35)}},
		{"one event per distinct rate", "one rate said twice", "Brussels set a 17% duty on Chinese bikes, the same 17% duty it charges on Chinese scooters.",
			[]string{imposed("EU", "CN", 17)}},

		{"trip needs travel", "halted talks, no trip", "India halted trade negotiations with the United States on Monday.", nil},
		{"trip needs travel", "the visiting side travels", "The US trade representative's visit to Tokyo was cancelled.",
			[]string{trip("US", "JP")}},

		{"each pledge once", "cumulative total", "Korea pledged to invest $20 billion in the US in May. In June Korea pledged to invest a further $30 billion in the US, bringing its total investment pledges there to $50 billion.",
			[]string{pledge("KR", "US", 20e9), pledge("KR", "US", 30e9)}},
		{"each pledge once", "the text's own conversion", "Switzerland pledged CHF200 billion ($250 billion) of investment in the United States.",
			[]string{pledge("CH", "US", 250e9)}},

		{"deal reached", "agreed in principle", "Peru and Chile agreed in principle on a trade deal on Monday.",
			[]string{deal("CL", "PE")}},
		{"deal reached", "yet to be signed", "The trade deal Peru and Chile reached last week is yet to be signed.",
			[]string{deal("CL", "PE")}},
		{"deal reached", "a party's claim", "Chile said it had reached a trade deal with Peru.",
			[]string{deal("CL", "PE")}},
		{"deal reached", "bare reference to an existing pact", "Goods that comply with the USMCA enter the US without tariffs.", nil},
		{"deal reached", "signed long ago", "The USMCA was signed in 2018.",
			[]string{deal("CA", "MX", "US")}},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			checkKeys(t, tt.give, tt.want)
		})
	}
}
