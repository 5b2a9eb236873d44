package events

import (
	"regexp"

	"github.com/newsevents/newsevents/schema"
)

// tariff_rate_agreed: two sides agree on the tariff rate one side will
// charge the other. The tariff reading is shared with tariff_imposed
// (tariff.go); this rule keeps the rates of sentences that speak of a deal.

var tariffTriggerRe = regexp.MustCompile(`\b(tariffs?|duty|duties|levy|levies|tariffed)\b`)

// dropOwnRe: a partner that agrees to drop its own tariffs (rate 0).
var dropOwnRe = regexp.MustCompile(`\b(eliminate|eliminating|eliminated|remove|removing|removed|scrap|scrapping|scrapped|drop|dropping|dropped|abolish|abolishing|zero|no|lift|lifting|lifted)\b[^.;]{0,40}\b(tariffs?|duties)\b`)

func init() {
	registerRules(Rule{
		Name:       "tariff_rate_agreed/deal-rate",
		Type:       schema.TariffRateAgreed,
		Keywords:   []string{"tariff", "dut", "levy", "levies"},
		Trigger:    tariffTriggerRe,
		Blockers:   []cueClass{}, // per rate, in fillTariff
		Once:       true,
		Confidence: 0.8,
		Fill:       func(d *doc, s *sentence, r *Rule, m []int) []candidate { return fillTariff(d, s, r, true) },
	}, Rule{
		Name:       "tariff_rate_agreed/drop-own-tariffs",
		Type:       schema.TariffRateAgreed,
		Keywords:   []string{"eliminat", "remov", "scrap", "drop", "abolish", "zero", " no ", "lift"},
		Also:       []string{"tariff", "dut"},
		Window:     80,
		Trigger:    dropOwnRe,
		Blockers:   []cueClass{cueCondition, cueQuestion, cueThreat, cueRequest, cueModal},
		Once:       true,
		Confidence: 0.6,
		Fill:       fillDropOwn,
	})
}

// fillDropOwn reads "X agreed to eliminate its tariffs on U.S. goods" as X
// agreeing to a 0% rate on the partner.
func fillDropOwn(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if !dealContextRe.MatchString(s.Low) {
		return nil
	}
	ti := s.tokAt(m[0])
	var imp, tgt string
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Tok < ti && imp == "" && !targetLike(s, c) {
			imp = c.Code
		}
		if c.Tok > ti && targetLike(s, c) && tgt == "" {
			tgt = c.Code
		}
	}
	if imp == "" || tgt == "" || imp == tgt {
		return nil
	}
	f := schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(0), Products: productsNear(s, ti)}
	return []candidate{newEvent(schema.TariffRateAgreed, f, s, r.Name, r.Confidence)}
}

// tariffReading is one tariff rate of a sentence with its sides and
// whether a deal set it; both tariff rules share it (see readTariffs).
type tariffReading struct {
	tariffRate
	imp, tgt   string
	guessed    int
	deal       bool // set by an agreement
	eliminated bool // removed by the agreement: agreed at 0
}

// readTariffs reads the tariff rates of s once for both tariff rules.
func readTariffs(d *doc, s *sentence) []tariffReading {
	if s.tariffsDone {
		return s.tariffs
	}
	s.tariffsDone = true
	for _, tr := range tariffRates(s) {
		if cue := blocked(s, tr.r.Off, tr.r.End, nil); cue != "" {
			continue
		}
		if afterThreatRe.MatchString(s.Low[tr.r.End:]) || beforeThreatRe.MatchString(tail(s.Low[:tr.r.Off], 60)) {
			continue
		}
		imp, tgt, guessed := tariffSides(d, s, tr.tok)
		if imp == "" || tgt == "" || imp == tgt {
			continue
		}
		cs := clauseStart(s.Low, tr.r.Off)
		clause := s.Low[cs:clauseEnd(s.Low, tr.r.End)]
		deal := containsAny(clause, dealContextWords...) && dealContextRe.MatchString(clause)
		if !deal && !tr.current && d.hasDeal(imp, tgt) {
			// An article about a deal between the two: a cut, or a rate
			// the target "will pay", is the agreed rate.
			deal = (tr.prev != nil && *tr.prev > tr.r.Value) || cutRe.MatchString(s.Low[cs:tr.r.Off])
		}
		if tr.prev != nil && *tr.prev < tr.r.Value {
			deal = false // a raise is never agreed
		}
		elim := deal && (eliminateRe.MatchString(tail(s.Low[cs:tr.r.Off], 80)) || afterRemovedRe.MatchString(s.Low[tr.r.End:]))
		s.tariffs = append(s.tariffs, tariffReading{tariffRate: tr, imp: imp, tgt: tgt, guessed: guessed, deal: deal, eliminated: elim})
	}
	return s.tariffs
}

// fillTariff returns the tariff events of s; agreed selects the rates set
// by a deal (tariff_rate_agreed) or the others (tariff_imposed).
func fillTariff(d *doc, s *sentence, r *Rule, agreed bool) []candidate {
	var out []candidate
	for _, tr := range readTariffs(d, s) {
		imp, tgt, guessed, deal := tr.imp, tr.tgt, tr.guessed, tr.deal
		if tr.eliminated {
			// "the deal eliminates the 10% tariffs on cars": agreed at 0,
			// and the 10% was in force.
			f := schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(0), PreviousRatePct: schema.Float(tr.r.Value), Products: productsNear(s, tr.tok)}
			if agreed {
				out = append(out, newEvent(schema.TariffRateAgreed, f, s, r.Name, r.Confidence-0.15*float64(guessed)))
			} else {
				g := f
				g.RatePct, g.PreviousRatePct = schema.Float(tr.r.Value), nil
				out = append(out, newEvent(schema.TariffImposed, g, s, r.Name, r.Confidence-0.15*float64(guessed)-0.1))
			}
			continue
		}
		conf := r.Confidence - 0.15*float64(guessed)
		if agreed == deal {
			f := schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(tr.r.Value), Products: productsNear(s, tr.tok)}
			if tr.prev != nil {
				f.PreviousRatePct = schema.Float(*tr.prev)
			}
			t := schema.TariffImposed
			if agreed {
				t = schema.TariffRateAgreed
			} else {
				f.EffectiveDate = effectiveDate(s)
			}
			c := newEvent(t, f, s, r.Name, conf)
			c.ev.OccurredOn = occurred(s, tr.r.Off)
			out = append(out, c)
		}
		// "instead of the current 27.5%": the previous rate is in force.
		if !agreed && deal && tr.current && tr.prevRate != nil {
			g := schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(tr.prevRate.Value), Products: productsNear(s, tr.tok)}
			out = append(out, newEvent(schema.TariffImposed, g, s, r.Name, conf-0.1))
		}
	}
	return out
}
