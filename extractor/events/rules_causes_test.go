package events

import (
	"fmt"
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

		// A sentence that names no side continues the tariff statement
		// before it, unless that tariff was only the reason for the act.
		{"sides from the statement before, past a reason", "From Monday, Peru will levy higher duties on 12 products imported from Chile. The move is a response to tariffs imposed by Santiago on Peruvian fish. The duty on grapes rises to 40%.",
			[]string{imposed("PE", "CL", 40)}},
		{"sides from the statement before", "Santiago imposed tariffs on Peruvian fish last year. The duty on Peruvian grapes has since risen to 40%.",
			[]string{imposed("CL", "PE", 40)}},

		// "that on X" repeats the tariff named before it.
		{"that on stands for the tariff", "While Mexico's duty on American pork has been raised to 20% from 5%, that on American corn, wheat, barley, rice and oats has been increased to 15%.",
			[]string{imposed("MX", "US", 20), imposed("MX", "US", 15)}},
		{"that on without a tariff", "Mexico's share of pork exports rose to 20%, while that on corn, wheat, barley, rice and oats has increased to 15%.", nil},

		// "goods imported from X": X is the source.
		{"imported from", "Peru held talks with Bolivia. Bolivia left early. From Monday, Peru will levy a 30% duty on 12 farm products imported from Chile.",
			[]string{imposed("PE", "CL", 30)}},
		{"bought from is no source of a tariff", "Peru will levy a 30% duty on steel, officials said after buying ore from Chile.",
			[]string{imposed("PE", "*", 30)}},

		// A country that premodifies the rate of a tariff noun charges it,
		// and the rates of one noun share its "on X".
		{"premodifier charges the tariff", "Chilean trucks now face lower tariffs and Chilean 20-percent fish and 5-percent fruit duties charged on Peruvian goods remain in place.",
			[]string{imposed("CL", "PE", 20), imposed("CL", "PE", 5)}},
		{"premodifier of a share is no author", "Washington kept its 25% tariff on Canadian steel, with Canada's 25 percent share of the market unchanged.",
			[]string{imposed("US", "CA", 25)}},

		// The side spared from a tariff is not its target; a sector tariff
		// with its own "on" phrase is not on goods named before it unless
		// a verb ties them; a relative clause on the tariff names its author.
		{"spared exports", "Norway and Canada reached a trade deal. Canada said Norway gave ground. Norway's quotas spare some Norwegian exports from the extra 25% tariffs that Ottawa put on steel imports.",
			[]string{deal("CA", "NO"), imposed("CA", "*", 25)}},
		{"exports that face the tariff", "Norway and Canada reached a trade deal. Canada said Norway gave ground. Norwegian exports still face the extra 25% tariffs that Ottawa put on steel imports.",
			[]string{deal("CA", "NO"), imposed("CA", "NO", 25)}},
		{"sector-specific tariff", "Brazil and the US reached a trade deal. Brazil said the US gave ground. Selling more Brazilian exports, Brazil hopes for cuts in the sector-specific 25% tariffs that Washington has levied on cars.",
			[]string{deal("BR", "US"), imposed("US", "*", 25)}},
		{"sector tariff in the reach of a verb", "Brazil and the US reached a trade deal. Brazil said the US gave ground. Brazilian carmakers still face 25% tariffs that Washington has levied on cars.",
			[]string{deal("BR", "US"), imposed("US", "BR", 25)}},

		// A request, threat or expectation reaches over its "that"
		// complement; a report does not.
		{"demand over that", "Lima insisted that Santiago lower its duty on Peruvian grapes to 5%.", nil},
		{"report over that", "Lima said that Santiago lowered its duty on Peruvian grapes to 5% on Monday.",
			[]string{imposed("CL", "PE", 5)}},

		// "the tariff in X": the market charges it.
		{"tariff in a market", "Korean cars pay a 20% tariff in Peru.", []string{imposed("PE", "KR", 20)}},

		// Effective rates, however they are worded, are no event.
		{"effective rate with a country inside", "The effective Peruvian duty rate on Korean goods is now 14%.", nil},
		{"rate in force", "The Peruvian duty rate on Korean goods is now 14%.", []string{imposed("PE", "KR", 14)}},

		// Agreements known by their short name.
		{"named agreement signed", "The USMCA was signed in 2018, Ottawa recalled.", []string{deal("CA", "MX", "US")}},
		{"named agreement referred to", "Canadian steel enters the US duty-free under the USMCA.", nil},

		// "hit back" is retaliation: the subject imposes.
		{"hit back", "Peru hit back with 30% tariffs on all Chilean imports.", []string{imposed("PE", "CL", 30)}},
		{"hit by", "Chilean grapes were hit by a 30% tariff imposed by Peru.", []string{imposed("PE", "CL", 30)}},
		{"raised by is a change", "Peru raised its tariff on Chilean grapes by 10% on Monday.", nil},

		// The antecedent of ", which" is the subject of the relative clause.
		{"which faces", "Chile, which faces a 30% Peruvian tariff, has sought talks.", []string{imposed("PE", "CL", 30)}},
		{"which imposed", "Chile, which imposed a 30% tariff on Peruvian fish, has sought talks.", []string{imposed("CL", "PE", 30)}},

		// A company that "said on Tuesday it would invest".
		{"company said on a day it would invest", "Orbitex said on Tuesday it would invest $10 billion in Canada over five years.",
			[]string{pledge("Orbitex", "CA", 10e9)}},
		{"company said it had no plans", "Orbitex said on Tuesday it had no plans to invest $10 billion in Canada.", nil},

		// "will not travel ... as planned" calls a trip off.
		{"not as planned", "Peru's trade minister will not travel to Chile next week as planned, officials said.", []string{trip("PE", "CL")}},
		{"did not travel", "Peru's trade minister did not travel to Chile last week.", nil},
		{"goes ahead as planned", "Peru's trade minister will travel to Chile next week as planned.", nil},

		// Proposals, trial balloons and preparations are not decided.
		{"a proposal would", "The proposal would raise Peru's tariff on Chilean copper to 20%, its author said.", nil},
		{"a proposal passed", "Peru's congress passed a proposal that raised the tariff on Chilean copper to 20%.", []string{imposed("PE", "CL", 20)}},
		{"floated", "Peru floated a 20% tariff on Chilean copper on Monday.", nil},
		{"floated, then imposed", "Peru imposed the 20% tariff on Chilean copper that it had floated in May.", []string{imposed("PE", "CL", 20)}},
		{"preparing, should talks fail", "Peru is preparing tariffs of up to 20% on Chilean copper should talks fail.", nil},
		{"talks failed", "Talks failed, and Peru imposed tariffs of up to 20% on Chilean copper.", []string{imposed("PE", "CL", 20)}},

		// A participle asserts the pledge whatever the clause around it says.
		{"pledge in a participle", "Chile would face no penalty if the $30 billion in investments promised to Peru were not made by Chilean firms.",
			[]string{pledge("CL", "PE", 30e9)}},
		{"pledge under a condition", "If Chile promised $30 billion in investments to Peru, talks would resume.", nil},

		// The sentences after a called-off trip list its planned stops.
		{"planned stops", "Chile's president Ana Rojas cancelled a planned tour of the Andes on Monday. Rojas had been scheduled to visit Peru and Bolivia before returning on May 2.",
			[]string{trip("CL", "PE"), trip("CL", "BO")}},
		{"another person's plan", "Chile's president Ana Rojas cancelled a planned trip to Peru on Monday. Her foreign minister, Luis Soto, was expected to visit Bolivia next week.",
			[]string{trip("CL", "PE")}},

		// A rate that a country or its goods "pay", "face" or are
		// "charged" is a tariff rate even when no tariff noun is written.
		{"pays a rate", "Peru and Chile reached a trade deal. Santiago said Peru would pay 8% instead of 12% under it.",
			[]string{deal("CL", "PE"), agreed("CL", "PE", 8)}},
		{"pays more is no rate", "Peru and Chile reached a trade deal. Chilean shoppers will pay 8% more for Peruvian fruit.",
			[]string{deal("CL", "PE")}},
		{"charged a rate", "Peru and Chile reached a trade deal. Peru hailed it. Chilean exports will be charged 8%.",
			[]string{deal("CL", "PE"), agreed("PE", "CL", 8)}},
		{"taxed at a rate", "Peru and Chile signed a trade deal. Peru hailed it. Under it, Chilean cars will be taxed at 6%, down from 9%.",
			[]string{deal("CL", "PE"), agreed("PE", "CL", 6)}},
		{"income taxed is no tariff", "Chilean workers in Peru will be taxed at 30% on their income.", nil},

		// "US beef" is goods of the US, not a subject.
		{"goods named by their country", "Peru and the US reached a trade deal. Peru will open its market to US beef and drop its tariffs on US farm goods.",
			[]string{deal("PE", "US"), agreed("PE", "US", 0)}},

		// The visit, not the talks it was for, is what is called off; a
		// place visited is named early; "defer" postpones.
		{"visit for a round of talks", "Peru's delegation's visit to Santiago for the next round of trade talks has been postponed, sources said.", []string{trip("PE", "CL")}},
		{"talks postponed, visit made", "Peru's trade minister visited Chile on Monday, but the next round of talks was postponed.", nil},
		{"deferred trip", "A Peruvian trade team that was scheduled to visit Santiago next week has deferred its trip.", []string{trip("PE", "CL")}},
		{"deferred decision", "Peru deferred a decision on tariffs on Chilean grapes.", nil},

		// A company that will raise its investment to a total pledges it.
		{"company raises its investment", "Orbitex said it will increase its investment in Canada to $12 billion.", []string{pledge("Orbitex", "CA", 12e9)}},
		{"investment that grew", "Orbitex's investment in Canada increased to $12 billion last year.", nil},

		// "those nations" stands for the countries listed before it.
		{"plural anaphor", "Peru has reached a trade deal to remove its tariffs on Chile and Bolivia, while those nations will scrap the duties they imposed on Peruvian fruit.",
			[]string{deal("BO", "CL", "PE"), agreed("PE", "CL", 0), agreed("PE", "BO", 0), agreed("CL", "PE", 0), agreed("BO", "PE", 0)}},
		{"plural anaphor, nothing dropped", "Peru removed its tariffs on Chile and Bolivia, while those nations kept the duties they imposed on Peruvian fruit.", nil},

		// "at zero" is a rate of nought.
		{"set at zero", "Peru and Chile reached a trade deal. It sets Peruvian tariffs on Chilean wine at zero.", []string{deal("CL", "PE"), agreed("PE", "CL", 0)}},
		{"zero in a word is no rate", "Peru and Chile reached a trade deal. It aims at zeroing in on Chilean wine.", []string{deal("CL", "PE")}},

		// The same rate kept in force on the other goods is a tariff apart
		// from the one the deal set.
		{"same rate on the other goods", "Peru and Chile reached a trade deal. Under it, Peru's tariff on Chilean cars falls to 10% from 20%. Peru's 10% tariff still applies to most other Chilean goods.",
			[]string{deal("CL", "PE"), agreed("PE", "CL", 10), imposed("PE", "CL", 10)}},
		{"same rate, same goods", "Peru and Chile reached a trade deal. Under it, Peru's tariff on Chilean cars falls to 10% from 20%. Peru's 10% tariff on Chilean cars takes effect in May.",
			[]string{deal("CL", "PE"), agreed("PE", "CL", 10)}},

		// "unlikely to" is as modal as "likely to".
		{"unlikely to invest", "Norway is unlikely to invest $40 billion in Canada, officials said.", nil},
		{"pledge called unlikely afterwards", "Norway pledged to invest $40 billion in Canada, a sum analysts called unlikely.", []string{pledge("NO", "CA", 40e9)}},

		// Sector goods as the subject of "subject to", "face": a sector
		// tariff on everybody.
		{"sector goods as subject", "Steel and copper remain subject to the 30% tariff Peru imposed in June.", []string{imposed("PE", "*", 30)}},
		{"a country's goods as subject", "Chilean steel remains subject to the 30% tariff Peru imposed in June.", []string{imposed("PE", "CL", 30)}},

		// "that falls to 5%" right after a tariff sentence is that tariff.
		{"pronoun for the tariff before", "Peru and Chile reached a trade deal. Chilean wine had faced a 20% duty in Peru. Under the deal, that falls to 5%.",
			[]string{deal("CL", "PE"), imposed("PE", "CL", 20), agreed("PE", "CL", 5)}},
		{"pronoun after no tariff", "Peru and Chile reached a trade deal. Chilean wine sold well in Peru. Under the deal, that falls to 5%.",
			[]string{deal("CL", "PE")}},

		// "without trade deals" denies the deal.
		{"without a deal", "Peru raised tariffs to 35% on goods from countries without trade deals, including Chile.", []string{imposed("PE", "CL", 35)}},
		{"with a deal", "Peru cut tariffs to 5% on goods from Chile under their new trade deal.", []string{agreed("PE", "CL", 5)}},

		// "import tax" names a tariff.
		{"import tax", "Peru raised its import tax on Chilean cars to 35%.", []string{imposed("PE", "CL", 35)}},
		{"income tax", "Peru raised its income tax on Chilean workers to 35%.", nil},

		// A list of three or more countries that signs a deal "with" another.
		{"list signs with a partner", "Chile, Peru, Bolivia and Ecuador signed a trade deal with Japan on Monday.",
			[]string{deal("BO", "CL", "EC", "JP", "PE")}},
		{"two sign one deal with a partner", "Chile and Peru signed a trade deal with Japan on Monday.",
			[]string{deal("CL", "JP", "PE")}},
		{"two sign separate deals with a partner", "Chile and Peru signed separate trade deals with Japan on Monday.",
			[]string{deal("CL", "JP"), deal("JP", "PE")}},

		// Headlines: "X To Invest"; talks "with" a country name no trip.
		{"headline company to invest", "Orbitex To Invest $30 Billion In Canadian Plants", []string{pledge("Orbitex", "CA", 30e9)}},
		{"headline country to seek investment", "Canada To Seek $30 Billion In Investment From Orbitex", nil},
		{"talks with a country", "Peru Postpones Trade Talks With Chile As Row Deepens", nil},
		{"talks in a capital", "Peru said trade talks in Santiago planned for next week were postponed.", []string{trip("PE", "CL")}},

		// "No. 1" is a rank, not a negation.
		{"number one negotiator", "Mr. Soto, Peru's No. 1 negotiator, cancelled his Chile trip, a newspaper reported.", []string{trip("PE", "CL")}},
		{"no trip", "Mr. Soto, Peru's negotiator, said no trip to Chile was cancelled.", nil},

		// "will buy X and invest Y": the future reaches the second verb.
		{"will buy and invest", "Norway will buy $20 billion of Canadian gas and invest $30 billion in Canada by 2030.", []string{pledge("NO", "CA", 30e9)}},
		{"will buy only", "Norway will buy $20 billion of Canadian gas by 2030.", nil},

		// A state or province stands for its country as a recipient.
		{"investment in a state", "Orbitex will invest $12 billion in Ontario to build chips.", []string{pledge("Orbitex", "CA", 12e9)}},
		{"money held in a state", "Orbitex has $12 billion in cash in Ontario.", nil},

		// "initialled" closes a deal too.
		{"initialled", "Peru and Chile initialled a trade agreement on Thursday.", []string{deal("CL", "PE")}},
		{"to be initialled", "Peru and Chile hope to initial a trade agreement on Thursday.", nil},

		// A rate said to be left out of the deal is not agreed.
		{"not part of the deal", "Peru and Chile reached a trade deal. But Peru's 40% tariffs on Chilean steel were not part of the agreement.",
			[]string{deal("CL", "PE"), imposed("PE", "CL", 40)}},
		{"part of the deal", "Peru and Chile reached a trade deal. Peru's tariffs on Chilean steel fall to 10% as part of the agreement.",
			[]string{deal("CL", "PE"), agreed("PE", "CL", 10)}},
		{"had paid", "Peru and Chile reached a trade deal. Peru hailed it. Chilean exporters had paid 12% on wine since April.",
			[]string{deal("CL", "PE"), imposed("PE", "CL", 12)}},

		// "lifting the total to 30%" raises; "lifted its duty" removes.
		{"lifting the total to", "Peru imposed an extra 10% duty on Chilean wine, lifting the total to 30%.", []string{imposed("PE", "CL", 30)}},
		{"lifted a duty", "Peru lifted its 10% duty on Chilean wine on Monday.", nil},

		// A tariff that "rose to" a rate, not a market that rose.
		{"tariff rose to", "Peru imposed a duty on Chilean wine in May. The duty on Chilean wine rose to 30% in June.", []string{imposed("PE", "CL", 30)}},
		{"exports rose to", "Peru imposed a duty on Chilean wine in May. Peru's share of Chilean wine exports rose to 30% in June.", nil},

		// A range written with one unit gives both ends.
		{"range with one unit", "Peru imposed a 15-20% duty on Chilean wine on Monday.", []string{imposed("PE", "CL", 15), imposed("PE", "CL", 20)}},
		{"a change is no range", "Peru raised its duty on Chilean wine from 15 to 20 percent on Monday.", []string{imposed("PE", "CL", 20)}},

		// Links to other articles assert nothing in this one.
		{"also read link", "Also read: Peru's president cancels his trip to Chile\n\nMarkets fell on Monday.", nil},
		{"read more after the news", "Peru's president cancelled his trip to Chile on Monday.\n\nRead more about Chile below.", []string{trip("PE", "CL")}},

		// "pulled out of" a visit calls it off; pulling out of talks or a
		// pact is no trip.
		{"pulled out of a visit", "Peru's president pulled out of a planned visit to Chile on Monday.", []string{trip("PE", "CL")}},
		{"pulled out of a pact", "Peru pulled out of the regional climate pact with Chile in 2019.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkKeys(t, tt.give, tt.want)
		})
	}
}

// TestPreviousRatesByCause covers the ways the text gives the rate before
// a change. want is the previous rate of every event that has one.
func TestPreviousRatesByCause(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		give string
		want []float64
	}{
		{"halved", "Under the deal, Washington halved its tariff on Peruvian fruit to 10%.", []float64{20}},
		{"rises from an earlier rate", "Peru imposed a 10% duty on Chilean wine in May. The duty will rise to 25% in January.", []float64{10}},
		{"no change, no previous rate", "Peru imposed a 10% duty on Chilean wine in May. The duty applies to 25 kinds of wine.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []float64
			for _, ev := range e.Extract(Document{Text: tt.give, Published: pub}) {
				if ev.PreviousRatePct != nil {
					got = append(got, *ev.PreviousRatePct)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%q: previous rates %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}

// TestTripFieldsByCause covers the status and traveller of a trip read
// from several mentions.
func TestTripFieldsByCause(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		give         Document
		wantStatus   string
		wantTraveler string
	}{
		{"headline cancels, text postpones", Document{Title: "Peru's president cancels Chile visit",
			Text: "Peru's president Luis Soto on Tuesday postponed his visit to Chile, citing floods."}, "postponed", "Luis Soto"},
		{"cancelled throughout", Document{Title: "Peru's president cancels Chile visit",
			Text: "Peru's president Luis Soto on Tuesday cancelled his visit to Chile, citing floods."}, "cancelled", "Luis Soto"},
		{"a later noun only refers back", Document{Text: "Peru's president Luis Soto on Tuesday cancelled his visit to Chile. The postponement of Soto's visit to Chile upset Santiago."},
			"cancelled", "Luis Soto"},
		{"a delegation led by a negotiator", Document{Text: "Vice Premier Liu He spoke on Monday. A visit by a Chinese trade delegation to Washington has been postponed."},
			"postponed", "Liu He"},
		{"a delegation is no leader", Document{Text: "President Donald Trump spoke on Monday. A visit by a US trade delegation to New Delhi has been postponed."},
			"postponed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.give.Published = pub
			evs := e.Extract(tt.give)
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1: %+v", len(evs), evs)
			}
			if evs[0].Status != tt.wantStatus || evs[0].Traveler != tt.wantTraveler {
				t.Errorf("status %q traveler %q, want %q %q", evs[0].Status, evs[0].Traveler, tt.wantStatus, tt.wantTraveler)
			}
		})
	}
}
