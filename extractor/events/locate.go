package events

import (
	"strconv"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// Locate returns the sentence of doc that best matches an event the engine
// may have missed (for error reports): the one naming most of its
// countries, its rate or amount and its type's words. ok is false when no
// sentence names any of them.
func (e *Engine) Locate(doc Document, t schema.Type, f schema.Fields) (ev schema.Evidence, ok bool) {
	text := Compose(doc)
	d := e.analyse(text, doc.Published)
	var codes []string
	var words []string
	var num float64
	switch t {
	case schema.TripCancelled:
		codes = []string{f.TravelerCountry, f.DestinationCountry}
		words = []string{"cancel", "postpon", "call", "scrap", "delay", "trip", "visit"}
	case schema.TariffRateAgreed, schema.TariffImposed:
		codes = []string{f.ImposingCountry, f.TargetCountry}
		words = []string{"tariff", "dut", "lev", "rate"}
		if f.RatePct != nil {
			num = *f.RatePct
		}
	case schema.InvestmentPledged:
		codes = []string{f.Investor, f.RecipientCountry}
		words = []string{"invest", "pledg", "commit"}
		if f.Amount != nil {
			num = *f.Amount
		}
	case schema.TradeDealReached:
		codes = f.Parties
		words = []string{"deal", "agreement", "pact", "accord", "framework"}
	}
	best, bestScore := -1, 0
	for i, s := range d.sents {
		score := 0
		for _, c := range codes {
			for _, m := range s.Countries {
				if m.Code == c {
					score += 2
					break
				}
			}
			if c != "" && len(c) > 2 && strings.Contains(s.Low, strings.ToLower(c)) {
				score += 2 // a company investor
			}
		}
		if containsAny(s.Low, words...) {
			score++
		}
		if num != 0 && strings.Contains(s.Text, strconv.FormatFloat(num, 'f', -1, 64)) {
			score += 2
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 || bestScore < 3 {
		return schema.Evidence{}, false
	}
	s := d.sents[best]
	return schema.Evidence{Sentence: s.Text, Start: s.Start, End: s.End}, true
}
