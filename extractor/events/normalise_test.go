package events

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCountries(t *testing.T) {
	idx := newCountryIndex()
	tests := []struct {
		give string
		want string // codes of the mentions, space separated
	}{
		{"Japan and the United States", "JP US"},
		{"tariffs on Japanese goods", "JP"},
		{"the U.S. and the EU", "US EU"},
		{"talks with us were friendly", ""}, // the pronoun is no country
		{"Washington told Tokyo", "US JP"},
		{"Beijing, Brussels, Seoul, New Delhi, Ottawa and Brasilia", "CN EU KR IN CA BR"},
		{"the Trump administration and the European Commission", "US EU"},
		{"a statement from the White House", "US"},
		{"Commerce Secretary Howard Lutnick said", "US US"}, // the title and the person
		{"Treasury Secretary Scott Bessent", "US US"},
		{"exports to North America", ""},
		{"the U.S.-Japan trade deal", "US JP"},
		{"South Korea's finance minister", "KR"},
		{"South Korea and North America", "KR"},
		{"the EFTA states and Mercosur", "EFTA MERCOSUR"},
		{"the United Kingdom, Britain and the UK", "GB GB GB"},
		{"Swiss watches and Brazilian coffee", "CH BR"},
		{"turkey sandwiches", ""},                                        // lower case: no country
		{"a loan of US$2 billion", ""},                                   // a currency prefix names no country
		{"US tariffs on US$2 billion of goods", "US"},                    // but the country before it does
		{"Commerce Minister Wang Wentao and METI officials", "CN JP"},    // officials and ministries
		{"Scottish whisky, Burmese teak and Laotian coffee", "GB MM LA"}, // demonyms
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []string
			for _, m := range idx.find(tokenize(tt.give)) {
				got = append(got, m.Code)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("find(%q) = %q, want %q", tt.give, g, tt.want)
			}
		})
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		give     string
		wantUSD  float64
		wantCur  string
		wantUpTo bool
	}{
		{"a $550 billion package", 550e9, "USD", false},
		{"US$1.2tn of purchases", 1.2e12, "USD", false},
		{"some 550bn dollars", 550e9, "USD", false},
		{"a $US550bn fund", 550e9, "USD", false},
		{"¥1 trillion in loans", 1e12 * usdPer["JPY"], "JPY", false},
		{"€600 billion of investment", 600e9 * usdPer["EUR"], "EUR", false},
		{"CHF200bn pledged", 200e9 * usdPer["CHF"], "CHF", false},
		{"31 billion pounds", 31e9 * usdPer["GBP"], "GBP", false},
		{"up to $350 billion", 350e9, "USD", true},
		{"4 trillion won", 4e12 * usdPer["KRW"], "KRW", false},
		{"$1,200 million", 1.2e9, "USD", false},
		{"Rs 4,500 crore of orders", 4500e7 * usdPer["INR"], "INR", false},
		{"₹2 lakh crore of investment", 2e12 * usdPer["INR"], "INR", false},
		{"an R$40 billion plan", 40e9 * usdPer["BRL"], "BRL", false},
		{"an NZ$3 billion fund", 3e9 * usdPer["NZD"], "NZD", false},
		{"a $20-billion pledge", 20e9, "USD", false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			ms := findMoney(tt.give)
			if len(ms) != 1 {
				t.Fatalf("findMoney(%q) = %+v, want one amount", tt.give, ms)
			}
			m := ms[0]
			if math.Abs(m.USD-tt.wantUSD) > 1e-6*tt.wantUSD || m.Currency != tt.wantCur || m.UpTo != tt.wantUpTo {
				t.Errorf("findMoney(%q) = %.4g %s upTo=%v, want %.4g %s upTo=%v", tt.give, m.USD, m.Currency, m.UpTo, tt.wantUSD, tt.wantCur, tt.wantUpTo)
			}
		})
	}
}

func TestMoneyOwnConversion(t *testing.T) {
	s := "a pledge of ¥80 trillion ($550 billion) was made"
	ms := findMoney(s)
	if len(ms) != 2 {
		t.Fatalf("findMoney = %+v, want two amounts", ms)
	}
	if got := inUSD(s, ms, 0); got.USD != 550e9 || got.Currency != "USD" || got.Value != 550 {
		t.Errorf("inUSD = %+v, want the text's own 550 billion USD for 80 trillion JPY", got)
	}
}

func TestRates(t *testing.T) {
	tests := []struct {
		give string
		want []float64
	}{
		{"a 15% tariff", []float64{15}},
		{"15 per cent duties", []float64{15}},
		{"a rate of 27.5 percent", []float64{27.5}},
		{"fifteen percent on cars", []float64{15}},
		{"twenty-five per cent", []float64{25}},
		{"from 25% to 15%", []float64{25, 15}},
		{"an additional 25%", []float64{25}},
		{"no percentage at all", nil},
		{"a 25pc levy", []float64{25}},
		{"a 30-percent duty", []float64{30}},
		{"cut to zero", []float64{0}},
		{"set at zero", []float64{0}},
		{"a 15-20% tariff", []float64{15, 20}},
		{"duties of 20–35%", []float64{20, 35}},
		{"between 10 and 15 per cent", []float64{10, 15}},
		{"between 10% and 15%", []float64{10, 15}},
		{"from 10 to 25 percent", []float64{25}}, // a change: the tariff rules read the 10
		{"a2% error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []float64
			for _, r := range findRates(tt.give) {
				got = append(got, r.Value)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findRates(%q) = %v, want %v", tt.give, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("findRates(%q) = %v, want %v", tt.give, got, tt.want)
				}
			}
		})
	}
}

func TestTariffRatesPrevious(t *testing.T) {
	e, _ := New()
	tests := []struct {
		give     string
		wantRate float64
		wantPrev float64 // 0: none
	}{
		{"Tariffs fall from 25% to 15% on cars.", 15, 25},
		{"Tariffs were lowered to 15% from 25% on cars.", 15, 25},
		{"Duties of 15% instead of the current 27.5% apply.", 15, 27.5},
		{"An extra 25% tariff brings the total to 50%.", 50, 25}, // the earlier rate: total less the increment
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			d := e.analyse(tt.give, time.Time{})
			trs := tariffRates(d.sents[0])
			if len(trs) != 1 {
				t.Fatalf("tariffRates = %+v, want one rate", trs)
			}
			var prev float64
			if trs[0].prev != nil {
				prev = *trs[0].prev
			}
			if trs[0].r.Value != tt.wantRate || prev != tt.wantPrev {
				t.Errorf("rate %v prev %v, want %v prev %v", trs[0].r.Value, prev, tt.wantRate, tt.wantPrev)
			}
		})
	}
}

func TestDates(t *testing.T) {
	pub := time.Date(2025, 8, 28, 0, 0, 0, 0, time.UTC) // a Thursday
	tests := []struct {
		give string
		want string
	}{
		{"he said on Thursday", "2025-08-28"},
		{"talks on Monday", "2025-08-25"},
		{"signed last month", "2025-07-01"},
		{"a visit next week", "2025-09-04"},
		{"a deal reached in July", "2025-07-01"},
		{"tariffs take effect on Aug. 1", "2025-08-01"},
		{"from August 1, 2024", "2024-08-01"},
		{"on 7 August", "2025-08-07"},
		{"by December", "2024-12-01"}, // a month after publication, read as past
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			ds := findDates(tt.give, pub)
			if len(ds) == 0 {
				t.Fatalf("findDates(%q) found nothing, want %s", tt.give, tt.want)
			}
			if got := ymd(ds[0].Date); got != tt.want {
				t.Errorf("findDates(%q) = %s, want %s", tt.give, got, tt.want)
			}
		})
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{"Mr. Smith met the U.S. envoy on Jan. 5. They talked.", []string{"Mr. Smith met the U.S. envoy on Jan. 5.", "They talked."}},
		{"Tariffs hit the U.S. The deal failed.", []string{"Tariffs hit the U.S.", "The deal failed."}},
		{"Order No. 5 applies. It is new.", []string{"Order No. 5 applies.", "It is new."}},
		{"“It is done,” he said. Next one.", []string{"“It is done,” he said.", "Next one."}},
		{"He said: \"We agreed.\" Then he left.", []string{"He said: \"We agreed.\"", "Then he left."}},
		{"Headline here\n\n• first item\n• second item", []string{"Headline here", "• first item", "• second item"}},
		{"A rate of 27.5 percent. Done.", []string{"A rate of 27.5 percent.", "Done."}},
		{"ADVERTISEMENT\nAlso read: Ports brace for delays\nThe talks ended. Both sides left.", []string{"ADVERTISEMENT", "Also read: Ports brace for delays", "The talks ended.", "Both sides left."}},
		{"He met Gen. Lee and Sen. Park at 3 p.m. Friday. They spoke.", []string{"He met Gen. Lee and Sen. Park at 3 p.m. Friday.", "They spoke."}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []string
			for _, sp := range splitSentences(tt.give) {
				got = append(got, tt.give[sp.Start:sp.End])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("split:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
