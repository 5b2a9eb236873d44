package events

import (
	"github.com/newsevents/newsevents/schema"
)

// tariff_imposed: a government imposes, raises or announces (as decided
// policy, with a rate) a tariff, or a tariff is described as in force. The
// rates of sentences that speak of a deal go to tariff_rate_agreed instead
// (rules_tariff_rate_agreed.go), except a rate named as the current one.

// tariffImposedRules are the rules of tariff_imposed.
func tariffImposedRules() []Rule {
	return []Rule{Rule{
		Name: "tariff_imposed/rate",
		Type: schema.TariffImposed,
		// Every tariff rate is written with one of these (see findRates):
		// a much narrower prefilter than the trigger words.
		Keywords:     []string{"%", "percent", "per cent", "pc", "pct", "zero"},
		Trigger:      tariffTriggerRe.Regexp,
		TriggerWords: []string{"tariff", "tariffs", "duty", "duties", "levy", "levies", "tariffed", "surtax", "surtaxes", "rate", "rates", "taxes", "tax", "taxed", "charge", "charges", "charged", "charging", "impose", "imposes", "imposed", "imposing", "pay", "pays", "paying", "paid", "face", "faces", "facing", "faced", "fall", "falls", "fell", "drop", "drops", "dropped", "cut", "lowered", "reduced", "decline", "declines", "declined", "rise", "rises", "rose", "increase", "increases", "increased", "raised"},
		Blockers:     []cueClass{}, // per rate, in fillTariff
		Once:         true,
		Confidence:   0.75,
		Fill:         func(d *doc, s *sentence, r *Rule, m []int) []candidate { return fillTariff(d, s, r, false) },
	}, Rule{
		Name:       "tariff_imposed/same-tariffs-also",
		Type:       schema.TariffImposed,
		Keywords:   []string{"those", "these", "the same", "such"},
		Also:       []string{"tariff", "dut", "levies"},
		Trigger:    sameTariffsRe.Regexp,
		Window:     60,
		Once:       true,
		Confidence: 0.6,
		Fill:       fillSameTariffs,
	}}
}

// sameTariffsRe: "Those U.S. tariffs also target Canada and the EU".
var sameTariffsRe = mustCue(`\b(?:those|these|the same|such)\s+(?:\S+\s+){0,2}?(?:tariffs|duties|levies)\s+(?:also\s+)?(?:target|targets|apply to|applies to|hit|hits|cover|covers|affect|affects)\b`)

// fillSameTariffs gives the rates of the tariff sentence before to the
// countries this one says the same tariffs also target.
func fillSameTariffs(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if len(s.Rates()) > 0 || s.Index == 0 {
		return nil
	}
	at := s.tokAt(m[1])
	var targets []string
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Tok < at {
			continue
		}
		ms := make([]*mention, len(s.Countries))
		for i := range s.Countries {
			ms[i] = &s.Countries[i]
		}
		for _, x := range coTargets(s, ms, c) {
			targets = append(targets, x.Code)
		}
		break
	}
	if len(targets) == 0 {
		return nil
	}
	var out []candidate
	for k := s.Index - 1; k >= 0 && k >= s.Index-2 && len(out) == 0; k-- {
		for _, tr := range readTariffs(d, d.sents[k]) {
			if tr.skip || tr.deal || tr.guessed > 0 {
				continue
			}
			for _, tgt := range targets {
				if tgt == tr.imp {
					continue
				}
				f := schema.Fields{ImposingCountry: tr.imp, TargetCountry: tgt, RatePct: schema.Float(tr.r.Value), Products: productsNear(d.sents[k], tr.tok)}
				out = append(out, newEvent(schema.TariffImposed, f, s, r.Name, r.Confidence))
			}
		}
	}
	return out
}
