package events

import "github.com/newsevents/newsevents/schema"

// tariff_imposed: a government imposes, raises or announces (as decided
// policy, with a rate) a tariff, or a tariff is described as in force. The
// rates of sentences that speak of a deal go to tariff_rate_agreed instead
// (rules_tariff_rate_agreed.go), except a rate named as the current one.

func init() {
	registerRules(Rule{
		Name:         "tariff_imposed/rate",
		Type:         schema.TariffImposed,
		Keywords:     []string{"tariff", "dut", "levy", "levies", "surtax", "rate", "tax", "charg", "impos"},
		Trigger:      tariffTriggerRe,
		TriggerWords: []string{"tariff", "tariffs", "duty", "duties", "levy", "levies", "tariffed", "surtax", "surtaxes", "rate", "rates", "taxes", "tax", "charge", "charges", "charged", "charging", "impose", "imposes", "imposed", "imposing"},
		Blockers:     []cueClass{}, // per rate, in fillTariff
		Once:         true,
		Confidence:   0.75,
		Fill:         func(d *doc, s *sentence, r *Rule, m []int) []candidate { return fillTariff(d, s, r, false) },
	})
}
