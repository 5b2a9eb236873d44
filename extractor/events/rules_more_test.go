package events

import "testing"

// TestRulesLanguage covers forms of the language the rules read beyond the
// spec's hard cases. The texts are written for these tests.
func TestRulesLanguage(t *testing.T) {
	tests := []struct {
		name string
		give string
		want []string
	}{
		{"pc rates and listed targets", "Ottawa said the US imposed 25pc duties on Canada and Mexico on Tuesday.",
			[]string{imposed("US", "CA", 25), imposed("US", "MX", 25)}},
		{"each rate its own target", "Washington has imposed 25pc tariffs on steel, and 60pc tariffs on China.",
			[]string{imposed("US", "*", 25), imposed("US", "CN", 60)}},
		{"reported subject", "Beijing said it would impose 20 per cent tariffs on American farm goods from Monday.",
			[]string{imposed("CN", "US", 20)}},
		{"previous rate announced before", "Beijing said it would impose 30 per cent tariffs on US goods, up from the 20 per cent previously announced.",
			[]string{imposed("CN", "US", 30), imposed("CN", "US", 20)}},
		{"hyphenated percent", "Under the pact, Korea will remove its 40-percent duties on Australian beef.",
			[]string{agreed("KR", "AU", 0), imposed("KR", "AU", 40)}},
		{"the same tariffs also target", "Peru imposed a 20% tariff on Chilean copper on Monday. Those Peruvian tariffs also target Bolivia and Ecuador.",
			[]string{imposed("PE", "CL", 20), imposed("PE", "BO", 20), imposed("PE", "EC", 20)}},
		{"a range without from", "Mexico will charge taxes of 15 percent to 25 percent on American farm goods.",
			[]string{imposed("MX", "US", 15), imposed("MX", "US", 25)}},
		{"a threat carried out", "The US carried out its threat to slap 10% tariffs on Chinese goods on Monday.",
			[]string{imposed("US", "CN", 10)}},
		{"a threat not carried out", "The US renewed its threat to slap 10% tariffs on Chinese goods on Monday.", nil},
		{"denial reaches over that", "Japan denied reports that it had agreed to invest $1 trillion in the US.", nil},
		{"denied trip", "The White House denied that Trump cancelled his trip to Beijing.", nil},
		{"company after its country", "Taiwan's Formoxa said it will invest an additional $12 billion in Arizona plants.",
			[]string{pledge("Formoxa", "US", 12e9)}},
		{"cut to zero", "Under the framework agreed last week, Thailand will cut its tariffs on US pork to zero.",
			[]string{agreed("TH", "US", 0), deal("TH", "US")}},
		{"committed to spending", "Orbitex has committed to spending $50 billion in the United States over four years.",
			[]string{pledge("Orbitex", "US", 50e9)}},
		{"no longer travel", "The Philippine president will no longer travel to Washington next month, officials said.", []string{trip("PH", "US")}},
		{"suspended rate", "China suspended its 24% additional tariff on US goods for 90 days but kept a 10% rate.", []string{imposed("CN", "US", 10)}},
		{"made in a country", "The new duties, of up to 45%, apply to electric vehicles made in China, Brussels said.", []string{imposed("EU", "CN", 45)}},
		{"its own exports", "Vietnam agreed to scrap tariffs on all US goods in exchange for a 20% rate on its exports.",
			[]string{agreed("US", "VN", 20), agreed("VN", "US", 0)}},
		{"demonym, what it is, the company", "Taiwanese chipmaker Nanolux announced a $40 billion investment in new US fabs.",
			[]string{pledge("Nanolux", "US", 40e9)}},
		{"comparison is no event", "The 18% tariff on Thai goods is still higher than the 10% charged on Malaysian goods.", nil},
		{"change is no rate", "Trump agreed a deal with Xi to cut China tariffs 10% on soybeans.", []string{deal("CN", "US")}},
		{"exports to a market", "The agreement removes tariffs on 95% of Chilean exports to the EU and on 90% of EU exports to Chile.",
			[]string{agreed("EU", "CL", 0), agreed("CL", "EU", 0)}},
		{"zero for zero", "Canada and the EU agreed a trade deal with zero-for-zero tariffs on industrial goods.",
			[]string{deal("CA", "EU"), agreed("CA", "EU", 0), agreed("EU", "CA", 0)}},
		{"exemption in a deal", "Under the new trade agreement, Vietnam is exempted from US tariffs on coffee.",
			[]string{agreed("US", "VN", 0), deal("US", "VN")}},
		{"the other way", "Chile and Korea signed a trade deal. It ends tariffs on Korean cars sold in Chile. Tariffs on goods going the other way, such as copper, will also be axed.",
			[]string{deal("CL", "KR"), agreed("CL", "KR", 0), agreed("KR", "CL", 0)}},
		{"unilateral removal is not labelled", "Brazil removed its tariffs on imported solar panels last year.", nil},

		{"summit host", "Peru, which was due to host a summit with China and Japan in May, said on Monday the summit was cancelled.",
			[]string{trip("CN", "PE"), trip("JP", "PE")}},
		{"decided base form", "Protests forced Chile's president to cancel a summit at which President Trump was to meet China's Xi.",
			[]string{trip("US", "CL"), trip("CN", "CL")}},
		{"round of talks abroad", "A round of negotiations scheduled in New Delhi was postponed, India and the US said.", []string{trip("US", "IN")}},

		{"company with an apposition", "Lindqvist Stal, the Swedish steel group, pledged to invest $4 billion in Canada.",
			[]string{pledge("Lindqvist Stal", "CA", 4e9)}},
		{"company in a headline", "Trump Hails Orbitex Investing $30 Billion In US Chip Plants", []string{pledge("Orbitex", "US", 30e9)}},
		{"a part of a pledge", "Japan pledged $550 billion; $200 billion of the investment will go to chips in the US.",
			nil},

		{"stated intention is a pledge", "Qatar plans to spend $20 billion in Kenya through direct investment, its minister said.",
			[]string{pledge("QA", "KE", 20e9)}},
		{"request is no pledge either", "Washington asked Qatar to invest $20 billion in the United States.", nil},
		{"passive elimination", "Under the agreement, tariffs will be eliminated on Peruvian coffee sold in Korea.",
			[]string{agreed("KR", "PE", 0), deal("KR", "PE")}},
		{"subjects among other countries", "A day after Chile and Peru reached a deal, tweaking their trade pact, Bolivia rejoined the talks.",
			[]string{deal("CL", "PE")}},
		{"agreement to keep talking", "Japan and India agreed to continue talks on a trade agreement.", nil},
		{"signs of progress", "There are signs of progress toward a trade agreement between Chile and India.", nil},
		{"named agreement", "NAFTA, the landmark trade pact, was signed in 1992.", []string{deal("CA", "MX", "US")}},
		{"joining a bloc", "Britain signed a treaty to join the CPTPP trade pact on Sunday.", []string{deal("CPTPP", "GB")}},
		{"deal in a headline", "Chile, Korea Reach Tentative Trade Agreement", []string{deal("CL", "KR")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkKeys(t, tt.give, tt.want)
		})
	}
}
