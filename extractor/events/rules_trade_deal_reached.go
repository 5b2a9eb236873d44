package events

import (
	"regexp"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// trade_deal_reached: two or more parties reach, sign or announce a trade
// agreement, framework or preliminary deal.

var (
	dealNounRe = regexp.MustCompile(`\b(deal|deals|agreement|agreements|pact|accord|framework|fta|truce|arrangement)\b`)
	dealVerbRe = regexp.MustCompile(`\b(reach|reached|reaches|reaching|struck|strike|strikes|striking|sign|signed|signs|signing|seal|sealed|seals|clinch|clinched|conclude|concluded|concludes|finali[sz]ed?|finali[sz]es|agreed|agree|agrees|announce|announced|announces|unveil|unveiled|ink|inked|secure|secured|hammered out|complete|completed|cut|forged|brokered|negotiated|made|landed|clinching|sealing|reaching|agreed upon|agreed to|in principle)\b`)
	// existingRe: a bare reference to an agreement that already exists.
	existingRe = regexp.MustCompile(`\b(existing|current|previous|under the terms of|under their|under its|renegotiat\w*|review of|withdraw\w*|exit\w*|terminat\w*|violat\w*|comply|compliance)\b`)
)

func init() {
	registerRules(Rule{
		Name:       "trade_deal_reached/reach-deal",
		Type:       schema.TradeDealReached,
		Keywords:   []string{"deal", "agreement", "pact", "accord", "framework", "fta", "truce", "arrangement"},
		Trigger:    dealNounRe,
		Confidence: 0.8,
		Once:       true,
		Fill:       fillDeal,
	})
}

func fillDeal(d *doc, s *sentence, r *Rule, m []int) []candidate {
	var vm []int
	for _, v := range dealVerbRe.FindAllStringIndex(s.Low, -1) {
		// "to seal a deal", "will be signed": not reached.
		before := strings.TrimSpace(s.Low[max(0, v[0]-12):v[0]])
		if strings.HasSuffix(before, " to") || strings.HasSuffix(before, " be") || strings.HasSuffix(before, "will") || before == "to" {
			continue
		}
		vm = v
		break
	}
	if vm == nil {
		return nil
	}
	if cue := blocked(s, vm[0], vm[1], nil); cue != "" {
		return nil
	}
	if existingRe.MatchString(s.Low) && !strings.Contains(s.Low, "reached") && !strings.Contains(s.Low, "signed") {
		return nil
	}
	if !strings.Contains(s.Low, "trade") && !strings.Contains(s.Low, "tariff") && !strings.Contains(s.Low, "fta") && !strings.Contains(s.Low, "economic") && !strings.Contains(s.Low, "invest") {
		return nil
	}
	conf := r.Confidence
	var codes []string
	for _, c := range s.Countries {
		codes = append(codes, c.Code)
	}
	parties := sortedCodes(codes)
	switch {
	case len(parties) == 1:
		p := d.partner(parties[0])
		if p == "" {
			return nil
		}
		parties = sortedCodes([]string{parties[0], p})
		conf -= 0.2
	case len(parties) == 0:
		return nil
	case len(parties) > 2:
		// Keep the pair joined by a hyphen ("U.S.-Japan deal") or by
		// "with", else give up: lists of countries are not one deal.
		pair := hyphenPair(s)
		if pair == nil {
			return nil
		}
		parties = pair
		conf -= 0.1
	}
	f := schema.Fields{Parties: parties, Name: dealName(s, m)}
	c := newEvent(schema.TradeDealReached, f, s, r.Name, conf)
	c.ev.OccurredOn = occurred(s, vm[0])
	return []candidate{c}
}

// hyphenPair returns the two codes of "U.S.-Japan" or "EU-Mercosur".
func hyphenPair(s *sentence) []string {
	for k := 0; k+1 < len(s.Countries); k++ {
		a, b := s.Countries[k], s.Countries[k+1]
		if b.Tok == a.End+1 && (s.Toks[a.End].Text == "-" || s.Toks[a.End].Text == "–") && a.Code != b.Code {
			return sortedCodes([]string{a.Code, b.Code})
		}
	}
	return nil
}

// dealName returns the words before the deal noun when they name it
// ("U.S.-Japan trade agreement").
func dealName(s *sentence, m []int) string {
	nt := s.tokAt(m[2])
	a := nt
	for a > 0 && a > nt-5 {
		t := s.Toks[a-1]
		if t.Punct && t.Text != "-" {
			break
		}
		if t.Low == "the" || t.Low == "a" || t.Low == "an" || t.Low == "their" || t.Low == "its" {
			break
		}
		a--
	}
	if a == nt {
		return ""
	}
	return trimPhrase(s.Text[s.Toks[a].Off:s.Toks[nt].End])
}
