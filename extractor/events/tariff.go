package events

import (
	"strconv"
	"strings"
)

// This file reads tariff mentions for the two tariff types
// (rules_tariff_rate_agreed.go, rules_tariff_imposed.go): which percentages
// of a sentence are tariff rates, the previous rate, who imposes the tariff
// and on whom.

// tariffWords name a tariff.
var tariffWords = map[string]bool{
	"tariff": true, "tariffs": true, "duty": true, "duties": true, "levy": true, "levies": true,
	"tariffed": true, "rate": true, "rates": true, "taxes": true, "tax": true,
}

// strongTariffWords are the tariff words that need no other support.
var strongTariffWords = map[string]bool{"tariff": true, "tariffs": true, "duty": true, "duties": true, "levy": true, "levies": true, "tariffed": true, "surtax": true, "surtaxes": true}

// goodsWords follow a demonym or country that is the target of a tariff.
var goodsWords = map[string]bool{
	"goods": true, "imports": true, "products": true, "exports": true, "cars": true, "vehicles": true, "autos": true,
	"automobiles": true, "steel": true, "aluminum": true, "aluminium": true, "items": true, "shipments": true,
	"auto": true, "car": true, "made": true, "-made": true, "rice": true, "beef": true, "chips": true, "semiconductors": true,
	"pharmaceuticals": true, "lumber": true, "timber": true, "wood": true, "copper": true, "solar": true, "electric": true,
	"evs": true, "batteries": true, "companies": true, "firms": true, "exporters": true, "producers": true, "makers": true,
	"automakers": true, "carmakers": true, "manufacturers": true, "trucks": true, "parts": true, "origin": true,
	"textiles": true, "apparel": true, "shrimp": true, "seafood": true, "farm": true, "agricultural": true, "industrial": true,
}

// sectoralWords mark a tariff on a sector, from every country.
var sectoralWords = []string{"sector-specific", "sector specific", "sectoral", "section 232"}

// allWords mark a tariff on every country.
var allTargetRe = mustCue(`\b((?:all|most|nearly all|almost all|dozens of|all of its|all its) (?:countries|nations|trading partners|imports|foreign|imported|economies)|every (?:country|nation|trading partner)|worldwide|from anywhere|across the board|all sources|baseline|blanket|imports of (?:steel|aluminum|aluminium|copper|lumber|timber|cars|autos|automobiles|trucks|pharmaceuticals|semiconductors|chips|furniture)|(?:steel|aluminum|aluminium|copper|lumber|timber|pharmaceutical|semiconductor|chip|furniture|truck) (?:imports|tariffs?|duties))\b`)

// notTariffAfter follow a percentage that is no tariff rate.
var notTariffAfter = []string{"of ", "reduction", "cut ", "cuts", "increase", "hike", "rise", "decrease", "drop", "jump", "fall", "point", "tariff quota", "tariff-rate quota", "tariff rate quota", "of gdp", "of the", "of its", "of their", "of all", "of total", "of global", "of u", "of us", "of american", "of japanese", "of exports", "of imports", "stake", "share", "growth", "of sales", "of revenue", "of profits", "of the profits", "year-on-year", "year on year", "on the year", "in the first", "in the second", "in the third", "in the fourth", "drop", "decline", "rise", "increase in", "jump", "fall", "of respondents", "of voters", "of americans", "of companies", "of firms", "of consumers", "majority", "ownership", "of shipments", "of which", "chance", "probability", "inflation", "interest", "stake"}

// notTariffBefore precede a percentage that is no tariff rate (averages,
// effective rates, market moves).
var notTariffBefore = []string{"average", "averaged", "averaging", "effective", "weighted", "fell", "rose", "dropped", "gained", "climbed", "slid", "jumped", "down", "up", "lost", "grew", "shrank", "surged", "plunged", "tumbled", "stake", "by"}

// tariffRate is one tariff rate read from a sentence.
type tariffRate struct {
	r        rate
	tok      int      // token index of the rate
	prev     *float64 // previous rate, when written beside it
	prevRate *rate
	current  bool // "the current 27.5%": in force
	total    bool // "bringing the total to 50%"
}

// tariffRates returns the percentages of s that are tariff rates.
func tariffRates(s *sentence) []tariffRate {
	var out []tariffRate
	var shares []rate // "94 percent of the tariffs"
	consumed := map[int]bool{}
	rates := s.Rates()
	for i, r := range rates {
		if r.Points || consumed[i] {
			continue
		}
		ti := s.tokAt(r.Off)
		if !nearTariffWord(s, ti) && !coordinated(s, out, r) && !paidRate(s, ti, r) && !anaphoricChange(s, r) {
			continue
		}
		after := s.Low[r.End:]
		if hasPrefixAny(strings.TrimLeft(after, " "), notTariffAfter) {
			if strings.HasPrefix(strings.TrimLeft(after, " "), "of ") {
				shares = append(shares, r)
			}
			continue
		}
		if ti > 0 && strongTariffWords[s.Toks[ti-1].Low] && precedingWord(s, ti-1, 3, []string{"cut", "cuts", "raise", "raises", "hike", "hikes", "lower", "lowers", "slash", "slashes"}) != "" {
			continue // "to cut China tariffs 10%": a change, not a rate
		}
		if precedingWord(s, ti, 8, []string{"average", "averaged", "averaging", "effective"}) != "" || averageRe.MatchString(s.Low[s.clauseStart(r.Off):r.Off]) {
			continue // averages and effective rates are not events
		}
		if k := precedingWord(s, ti, 3, notTariffBefore); k != "" && !tariffRoseTo(s, ti, k) {
			// "up to 15%" is a cap, still a rate; "by 10%" an increase,
			// but "hit by a 30% tariff" names the tariff.
			if !(k == "up" && s.lowTok(ti-1) == "to") && !(k == "by" && (s.lowTok(ti-1) == "a" || s.lowTok(ti-1) == "an" || s.lowTok(ti-1) == "the")) {
				continue
			}
		}
		// "a 50% tariff, including a 25% penalty": a part of a rate
		// already read; the rest of the total was the earlier rate.
		if len(out) > 0 && precedingWord(s, ti, 3, []string{"including", "includes", "comprising", "plus"}) != "" {
			if last := &out[len(out)-1]; last.prev == nil && last.r.Value > r.Value && strings.Contains(s.Low[r.End:min(len(s.Low), r.End+40)], "penalty") || last.prev == nil && last.r.Value > r.Value && incrementRe.MatchString(tail(s.Low[:r.Off], 25)) {
				p := last.r.Value - r.Value
				last.prev = &p
			}
			continue
		}
		tr := tariffRate{r: r, tok: ti}
		// "from 10 to 25 percent": the bare number is the earlier rate.
		if m := bareFromRe.FindStringSubmatch(tail(s.Low[:r.Off], 24)); m != nil {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil {
				tr.prev = &v
			}
		}
		// "doubled the tariffs to 50%": the earlier rate was half;
		// "halve tariffs to 7.5%": twice.
		if tr.prev == nil && doubledRe.MatchString(tail(s.Low[s.clauseStart(r.Off):r.Off], 60)) {
			p := r.Value / 2
			tr.prev = &p
		} else if tr.prev == nil && halvedRe.MatchString(tail(s.Low[s.clauseStart(r.Off):r.Off], 60)) {
			p := r.Value * 2
			tr.prev = &p
		}
		// "94 percent of the tariffs ..., rising to 99 percent": a share.
		if len(shares) > 0 && risingRe.MatchString(tail(s.Low[:r.Off], 30)) {
			continue
		}
		// from A to B: A is the previous rate of B.
		if fromBefore(s, ti) && !rangeRe.MatchString(tail(s.Low[:r.Off], 30)) {
			if j := i + 1; j < len(rates) && strings.Contains(s.Low[r.End:rates[j].Off], "to") && rates[j].Off-r.End < 40 {
				consumed[j] = true
				p := r.Value
				tr = tariffRate{r: rates[j], tok: s.tokAt(rates[j].Off), prev: &p, prevRate: &rates[i]}
				tr.current = isCurrent(s, ti)
				out = append(out, tr)
				continue
			}
		}
		// B from A, B instead of A, B down from A.
		if j := i + 1; j < len(rates) && !rates[j].Points {
			between := s.Low[r.End:rates[j].Off]
			if len(between) < 150 && prevLinkRe.MatchString(between) {
				consumed[j] = true
				p := rates[j].Value
				tr.prev, tr.prevRate = &p, &rates[j]
				tr.current = isCurrent(s, s.tokAt(rates[j].Off))
			}
		}
		// The stated total of stacked tariffs.
		if totalRe.MatchString(s.Low[max(0, r.Off-40):r.Off]) {
			tr.total = true
			for k := range out {
				if out[k].r.Off < r.Off && incrementRe.MatchString(s.Low[max(0, out[k].r.Off-25):out[k].r.Off]) {
					// The earlier rate is the total less the increment.
					if tr.prev == nil && r.Value > out[k].r.Value {
						p := r.Value - out[k].r.Value
						tr.prev = &p
					}
					out = append(out[:k], out[k+1:]...)
					break
				}
			}
		}
		out = append(out, tr)
	}
	// A stated total stands for its parts: "a combined 27.5% (a 2.5% base
	// duty plus 25%)" is one rate.
	for _, tr := range out {
		if tr.total {
			kept := out[:0]
			for _, o := range out {
				if o.total || o.prev != nil {
					kept = append(kept, o)
				}
			}
			return kept
		}
	}
	return out
}

var (
	prevLinkRe  = mustCue(`^[^;%]*\b(from|instead of|rather than|replacing|compared with|compared to|versus|vs|down from|up from|reduced from|cut from)\b[^;%]{0,35}$`)
	totalRe     = mustCue(`\b(total|totaling|totalling|combined|(?:bringing|taking|raising|lifting) (?:it|them|the total|the tariffs?|the rate|the levy|duties|levies)? ?to|for a total of|cumulative)\b`)
	doubledRe   = mustCue(`\bdoubl(?:e|es|ed|ing)\b[^%]*\bto\s+(?:\S+\s+)?$`)
	halvedRe    = mustCue(`\bhalv(?:e|es|ed|ing)\b[^%]*\bto\s+(?:\S+\s+)?$`)
	bareFromRe  = mustCue(`\bfrom (\d+(?:\.\d+)?) to $`)
	risingRe    = mustCue(`\b(rising|increasing|growing|climbing|going up|falling) to $`)
	rangeRe     = mustCue(`\b(rang\w*|between|varying|vary)\s+(?:\S+\s+){0,2}$`)
	incrementRe = mustCue(`\b(additional|extra|another|further|new)\b`)
)

func isCurrent(s *sentence, ti int) bool {
	for k := ti - 1; k >= ti-3 && k >= 0; k-- {
		switch s.Toks[k].Low {
		case "current", "existing", "present", "prevailing":
			return true
		}
	}
	return false
}

func nearTariffWord(s *sentence, ti int) bool {
	// "the duty on walnuts rose to 120%, that on chickpeas to 70%": "that
	// on" stands for the tariff named before.
	for k := max(0, ti-20); k < ti; k++ {
		if w := s.Toks[k].Low; (w == "that" || w == "those") && s.lowTok(k+1) == "on" && tariffBefore(s, k) {
			return true
		}
	}
	tradeRates := -1 // unknown yet
	for k := max(0, ti-12); k < len(s.Toks) && k <= ti+10; k++ {
		w := s.Toks[k].Low
		if strongTariffWords[w] {
			return true
		}
		if tariffWords[w] && k > 0 && (s.Toks[k-1].Low == "reciprocal" || s.Toks[k-1].Low == "tariff" || s.Toks[k-1].Low == "customs" || s.Toks[k-1].Low == "import") {
			return true
		}
		// "the United States charges 20% on most Vietnamese goods".
		if k < ti && ti-k <= 2 && chargeVerbs[w] && (s.lowTok(ti+1) == "on" || s.lowTok(ti+2) == "on") {
			return true
		}
		// "imports from Brazil were subject to a 10pc rate": a rate in a
		// sentence about trade in goods.
		// "British cars will be taxed at 10%".
		if w == "taxed" && abs(k-ti) <= 3 && goodsBefore(s, k) {
			return true
		}
		if (w == "rate" || w == "rates" || ((w == "taxes" || w == "tax") && s.lowTok(k+1) == "of")) && (abs(k-ti) <= 3 || s.lowTok(k+1) == "on") {
			if tradeRates < 0 {
				tradeRates = 0
				if containsAny(s.Low, "import", "export", "goods", "products") && !containsAny(s.Low, "interest", "inflation", "unemployment", "growth", "exchange rate", "tax rate") {
					tradeRates = 1
				}
			}
			if tradeRates == 1 {
				return true
			}
		}
	}
	return false
}

func hasPrefixAny(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// precedingWord returns which of words occurs among the n tokens before ti.
func precedingWord(s *sentence, ti, n int, words []string) string {
	for k := ti - 1; k >= 0 && k >= ti-n; k-- {
		for _, w := range words {
			if s.Toks[k].Low == w {
				return w
			}
		}
	}
	return ""
}

// tariffSides reads who imposes the tariff at rate token ti and on whom.
// guessed reports how many of the two sides were not read from the text.
func tariffSides(d *doc, s *sentence, ti int) (imposer string, targets []string, guessed int) {
	if onlySources(s) && !allTargetRe.MatchString(s.Low) && !sectorOnly(productsNear(s, ti)) {
		// "There will be a 100% tariff on rapeseed oil" after "China
		// said it will impose tariffs on imports from Canada": the sides
		// of the tariff sentence just before.
		// "Under the deal, that falls to 15%": the pronoun takes the
		// reading of the sentence before, even a partly guessed one.
		if imp, tgt, g, k := d.sidesBefore(s.Index); imp != "" && (g == 0 || (k == s.Index-1 && ti < len(s.Toks) && anaphoricChangeRe.MatchString(tail(s.Low[:s.Toks[ti].Off], 50)))) {
			return imp, []string{tgt}, 1
		}
	}
	var target string
	// The countries of the rate's clause speak for it; the whole sentence
	// only when the clause names none.
	off := s.Toks[min(ti, len(s.Toks)-1)].Off
	cs, ce := s.clauseStart(off), s.clauseEnd(off)
	var ms []*mention
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Off >= cs && c.OffEnd <= ce {
			ms = append(ms, c)
		}
	}
	// "Brazil, which faces a 50% tariff": the antecedent is the subject
	// of the relative clause.
	if cs >= 2 && (strings.HasSuffix(s.Low[:cs], ", which ") || strings.HasSuffix(s.Low[:cs], ", who ")) {
		for k := range s.Countries {
			c := &s.Countries[k]
			if rel := c.End + 1; rel < len(s.Toks) && s.lowTok(c.End) == "," && (s.Toks[rel].Low == "which" || s.Toks[rel].Low == "who") && s.Toks[rel].End == cs-1 {
				ms = append(ms, c)
			}
		}
	}
	if len(ms) == 0 {
		for k := range s.Countries {
			ms = append(ms, &s.Countries[k])
		}
	}
	// dist favours mentions before the rate: the subject imposes.
	dist := func(c *mention) int {
		if c.Tok > ti {
			return 2 * (c.Tok - ti)
		}
		return ti - c.Tok
	}
	var tgt, imp *mention
	// A target after the rate is near it (12 tokens), or further (20)
	// with no other country named between.
	rateToks := map[int]bool{}
	for _, r := range s.Rates() {
		rateToks[s.tokAt(r.Off)] = true
	}
	reach := func(c *mention) bool {
		p1 := s.lowTok(c.Tok - 1)
		if p1 == "the" {
			p1 = s.lowTok(c.Tok - 2)
		}
		for k := ti + 1; k < c.Tok && p1 != "from"; k++ {
			if rateToks[k] && !sharedHead(s, ti, k, c.Tok) {
				// "25% on autos, 25% on Canada": the target is the other
				// rate's; "100% on cars and 25% on steel from China" share
				// their source.
				return false
			}
		}
		if c.Tok-ti <= 12 {
			return true
		}
		if c.Tok-ti > 20 {
			return false
		}
		for _, o := range ms {
			if o != c && o.Tok > ti && o.Tok < c.Tok {
				return false
			}
		}
		return true
	}
	// "a 20% rate on its exports": the subject's own goods.
	its := false
	for j := ti; j < len(s.Toks) && j <= ti+6; j++ {
		if s.Toks[j].Low == "its" && s.lowTok(j-1) == "on" && (goodsWords[s.lowTok(j+1)] || goodsWords[s.lowTok(j+2)]) {
			for _, c := range all0(s) {
				if c.Tok < ti && c.Kind != kindPerson && !speaker(s, c) {
					tgt, its = c, true
					break
				}
			}
			break
		}
	}
	// "Japanese 30% cheese duties": the country that premodifies the rate
	// of a tariff noun charges it.
	// So does "Japanese" for the 15% of "Japanese 30% cheese and 15%
	// wine duties".
	var own *mention
	exempt := false
	sectorTariff := -1 // unknown yet: productsNear is read only when needed
	if premodifiesTariff(s, ti) {
	back:
		for j := ti; j >= 1 && j >= ti-8; j-- {
			if j < ti {
				t := s.Toks[j]
				if strongTariffWords[t.Low] || (t.Punct && t.Text != "-" && t.Text != "," && t.Text != "%") || npStops[t.Low] {
					break
				}
			}
			if j == ti || rateToks[j] {
				for _, c := range ms {
					if c.End == j && c.Kind != kindPerson {
						own = c
						break back
					}
				}
			}
		}
	}
	for _, c := range ms {
		if its {
			break
		}
		if own != nil && c.Code == own.Code {
			continue
		}
		if spared(s, c) {
			// "quotas that spare UK exports from the 25% tariffs on
			// steel": the spared side is not the one the tariff is on.
			exempt = true
			continue
		}
		if c.Tok < ti && sectorTariff != 0 && !linkedTarget(s, c) {
			if sectorTariff < 0 {
				sectorTariff = 0
				if sectorOnly(productsNear(s, ti)) {
					sectorTariff = 1
				}
			}
		}
		if c.Tok < ti && sectorTariff == 1 && !linkedTarget(s, c) {
			// "offering quotas for UK exports, ... the 25% tariffs on
			// steel": a sector tariff with its own "on" phrase is not on
			// goods named before it, unless a verb ties them ("UK
			// exporters face 25% tariffs on steel").
			continue
		}
		if targetLike(s, c) && reach(c) && ti-c.Tok <= 20 {
			if tgt == nil || dist(c) < dist(tgt) {
				tgt = c
			}
		}
	}
	if own != nil {
		imp = own
	} else if c := relativeAuthor(s, ti); c != nil && (tgt == nil || c.Code != tgt.Code) {
		// "the 25% tariffs that Trump levied on steel".
		imp, own = c, c
	}
	for _, c := range ms {
		if c == tgt || (tgt != nil && c.Code == tgt.Code) || own != nil {
			continue
		}
		if imposerLike(s, c) && !speaker(s, c) {
			if imp == nil || dist(c) < dist(imp) {
				imp = c
			}
		}
	}
	if imp == nil {
		// The subject: the first other country before the rate.
		for _, c := range ms {
			if c.Tok < ti && (tgt == nil || c.Code != tgt.Code) && !targetLike(s, c) && !speaker(s, c) && !spared(s, c) {
				imp = c
				break
			}
		}
	}
	if imp == nil {
		// The subject of a clause that reports the rate: "China said it
		// would impose 84% tariffs"; the first country named that is no
		// target (a speaker only when no other is named).
		targets := map[*mention]bool{}
		all := make([]*mention, len(s.Countries))
		for k := range s.Countries {
			all[k] = &s.Countries[k]
		}
		for _, c := range all {
			if targetLike(s, c) {
				for _, x := range coTargets(s, all, c) {
					targets[x] = true
				}
			}
		}
		for _, c := range all {
			if c.Tok < ti && c.Off < cs && (tgt == nil || c.Code != tgt.Code) && !targets[c] && !speaker(s, c) {
				if imp == nil || (imp.Kind == kindPerson && c.Kind != kindPerson) {
					imp = c
				}
			}
		}
	}
	if imp != nil {
		imposer = imp.Code
	}
	if tgt != nil {
		target = tgt.Code
	}
	if target == "" {
		switch {
		case allTargetRe.MatchString(s.Low[cs:ce]) || containsAny(s.Low[cs:ce], sectoralWords...):
			target = "*"
		case sectorOnly(productsNear(s, ti)) || sectorOnly(subjectGoods(s, ti)):
			// "tariffs on steel" in an article about one partner are
			// those on that partner (unless the sentence names the targets
			// of its other rates); otherwise on every country.
			otherTargets := false
			for _, c := range ms {
				if targetLike(s, c) {
					otherTargets = true
				}
			}
			if p := d.partner(imposer, "US"); p != "" && !otherTargets && !exempt && d.freq[p] >= 3 && d.hasDeal("US", p) {
				target = p
				// the article is about a deal with p: a strong hint, not a guess
			} else {
				target = "*"
			}
		default:
			if p := d.partner(imposer); p != "" && d.freq[p] >= 2 {
				target = p
				guessed++
			} else {
				for _, c := range ms {
					if c.Code != imposer {
						target = c.Code
						guessed++
						break
					}
				}
			}
		}
	}
	if imposer == "" && target != "" {
		// A tariff named without its author: the article's usual author
		// of tariffs (see imposerPrior), else the United States when the
		// article names it, else the article's other main country.
		imposer = d.imposerPrior(target)
		if imposer == "" && d.freq["US"] > 0 && target != "US" {
			imposer = "US"
		}
		if imposer == "" {
			imposer = d.partner(target, "*")
		}
		guessed++
	}
	if target == "" && imposer != "" {
		target = d.partner(imposer)
		guessed++
	}
	if target == "" {
		return imposer, nil, guessed
	}
	targets = []string{target}
	if tgt != nil {
		for _, c := range coTargets(s, ms, tgt)[1:] {
			if c.Code != imposer {
				targets = append(targets, c.Code)
			}
		}
	}
	return imposer, targets, guessed
}

// targetLike reports whether mention c reads as the side that pays the
// tariff: "on Japanese goods", "imports from Japan", "against China".
func targetLike(s *sentence, c *mention) bool {
	p1 := s.lowTok(c.Tok - 1)
	if p1 == "the" {
		p1 = s.lowTok(c.Tok - 2)
	}
	// "vehicles made in China", "goods originating in Vietnam".
	if p1 == "in" {
		switch s.lowTok(c.Tok - 2) {
		case "made", "produced", "manufactured", "originating", "assembled", "grown":
			return true
		}
		if s.lowTok(c.Tok-2) == "the" {
			switch s.lowTok(c.Tok - 3) {
			case "made", "produced", "manufactured", "originating", "assembled", "grown":
				return true
			}
		}
	}
	if p1 == "from" {
		// "imports from Brazil", but not "oil purchases from Russia".
		k := c.Tok - 2
		if s.lowTok(c.Tok-1) == "the" {
			k--
		}
		w := s.lowTok(k)
		if !goodsWords[w] && !sourceVerbs[w] && !strongTariffWords[w] {
			near := false
			for j := max(0, c.Tok-6); j < c.Tok; j++ {
				if strongTariffWords[s.Toks[j].Low] {
					near = true
				}
			}
			if !near {
				return false
			}
		}
	}
	switch p1 {
	case "on", "from", "against", "for", "to":
		if p1 == "to" {
			// "applied to Korean exports"; but "exports to the US": the
			// importer imposes.
			k := c.Tok - 2
			if s.lowTok(k) == "the" {
				k--
			}
			switch s.lowTok(k) {
			case "applied", "apply", "applies", "applying", "extended":
				return true
			}
			return false
		}
		return true
	}
	next := s.lowTok(c.End)
	// "raises China levies", "cut China tariffs": tariffs on China.
	if c.Kind == kindName && strongTariffWords[next] {
		switch p1 {
		case "raise", "raises", "raised", "raising", "hike", "hikes", "hiked", "cut", "cuts", "cutting", "lower", "lowers", "lowered",
			"slash", "slashes", "slashed", "increase", "increases", "increased", "reduce", "reduces", "reduced", "double", "doubles", "doubled":
			return true
		}
	}
	if (c.Kind == kindDemonym || c.Poss || c.Kind == kindName) && goodsWords[next] {
		// "Japanese goods", "China's exports"; but not "U.S. imports" which
		// is the importer speaking.
		if next == "imports" && s.lowTok(c.End+1) == "from" && countryFollows(s, c.End+2) {
			return false // "U.S. imports from Brazil": the importer; not "Chinese imports from October 1"
		}
		return true
	}
	if c.Kind == kindName && (next == "will" || next == "would") && (s.lowTok(c.End+1) == "face" || s.lowTok(c.End+1) == "pay") {
		return true
	}
	// "a Japanese delegation secured a 15% tariff": the side that wins a
	// rate from the other pays it.
	k0 := c.End
	switch s.lowTok(k0) {
	case "delegation", "negotiators", "negotiator", "government", "officials", "team":
		k0++
	}
	switch s.lowTok(k0) {
	case "secured", "won", "obtained", "got", "negotiated", "clinched", "landed", "wrested":
		return true
	}
	// "Switzerland now faces a 39% tariff", "Japan had been subject to",
	// "Brazil, which faces".
	k := c.End
	if s.lowTok(k) == "," && (s.lowTok(k+1) == "which" || s.lowTok(k+1) == "who") {
		k += 2
	}
	for k0 := k; k < len(s.Toks) && k < k0+5; k++ {
		w := s.Toks[k].Low
		if targetVerbs[w] {
			// "Beijing hit back with tariffs": it retaliates.
			return !(w == "hit" && s.lowTok(k+1) == "back")
		}
		if !auxWords[w] {
			break
		}
	}
	return false
}

var targetVerbs = map[string]bool{"face": true, "faces": true, "faced": true, "facing": true, "hit": true, "subject": true,
	"pay": true, "pays": true, "paying": true, "paid": true, "incurred": true, "incur": true, "targeted": true}

var auxWords = map[string]bool{"now": true, "already": true, "still": true, "also": true, "will": true, "would": true, "is": true,
	"was": true, "has": true, "had": true, "have": true, "been": true, "being": true, "set": true, "to": true, "are": true, "were": true,
	"currently": true, "be": true, "then": true, "with": true, "getting": true, "got": true, "initially": true, "first": true,
	"originally": true, "effectively": true, "again": true, "previously": true, "earlier": true, "reportedly": true,
	"remain": true, "remains": true, "remained": true}

// imposerLike reports whether mention c reads as the side that imposes:
// "U.S. tariffs", "Washington's duties", "the EU imposed", "Trump".
func imposerLike(s *sentence, c *mention) bool {
	next := s.lowTok(c.End)
	if strongTariffWords[next] || next == "reciprocal" || next == "retaliatory" || next == "import" || next == "customs" {
		return true
	}
	if c.Kind == kindPerson || c.Kind == kindInstitution || c.Kind == kindCapital {
		return true
	}
	// "a tariff imposed by the US", "imports into the US".
	p1 := s.lowTok(c.Tok - 1)
	if p1 == "the" {
		p1 = s.lowTok(c.Tok - 2)
	}
	if p1 == "by" || p1 == "into" {
		return true
	}
	// "the current 20% tariff in Peru": the market charges it.
	if p1 == "in" {
		k := c.Tok - 2
		if s.lowTok(k) == "the" {
			k--
		}
		if strongTariffWords[s.lowTok(k)] {
			return true
		}
	}
	// "goods exported to the U.S.", "exports to America".
	if p1 == "to" {
		k := c.Tok - 2
		if s.lowTok(k) == "to" {
			k--
		}
		switch s.lowTok(k) {
		case "exported", "exports", "shipped", "shipments", "sold", "entering", "bound", "sent", "goods", "products":
			return true
		}
	}
	// "China said it would impose": the reported subject.
	if (next == "said" || next == "says" || next == "announced" || next == "announces") && (s.lowTok(c.End+1) == "it" || (s.lowTok(c.End+1) == "that" && s.lowTok(c.End+2) == "it")) {
		return true
	}
	switch next {
	case "plans", "plan", "planned", "imposed", "imposes", "will", "would", "has", "had", "slapped", "levied", "set", "raised", "hiked", "agreed", "announced", "cut", "lowered", "reduced", "charges", "charge", "imposing", "is", "increased", "placed", "put", "added", "introduced", "kept", "keeps", "maintains":
		return true
	}
	return false
}

// productsNear returns the phrase after "on" that follows the tariff word
// nearest to ti: "tariffs on Japanese cars" gives "Japanese cars".
func productsNear(s *sentence, ti int) string {
	best, bestDist := "", 1<<30
	for k := max(0, ti-12); k < len(s.Toks) && k < ti+10; k++ {
		if !strongTariffWords[s.Toks[k].Low] || abs(k-ti) >= bestDist {
			continue
		}
		// "tariffs on X", or "tariffs that Trump has levied on X".
		on := k + 1
		for on < len(s.Toks) && on <= k+6 && s.Toks[on].Low != "on" && !s.Toks[on].Punct {
			on++
		}
		if s.lowTok(on) != "on" {
			continue
		}
		a := on + 1
		b := a
	scan:
		for b < len(s.Toks) && b < a+6 {
			t := s.Toks[b]
			if t.Punct && t.Text != "-" {
				break
			}
			switch t.Low {
			case "to", "from", "at", "of", "will", "would", "by", "in", "and", "was", "were", "is", "are", "that", "which", "under", "as", "has", "have", "had":
				if t.Low == "and" && b+1 < len(s.Toks) && !s.Toks[b+1].Punct {
					b++
					continue
				}
				break scan
			}
			if t.Number {
				break
			}
			b++
		}
		if b > a {
			best, bestDist = trimPhrase(s.Text[s.Toks[a].Off:s.Toks[b-1].End]), abs(k-ti)
		}
	}
	return best
}

// dealContextWords prefilter dealContextRe.
var dealContextWords = []string{"deal", "agree", "pact", "framework", "accord", "negotiated", "memorandum", "truce", "handshake", "understanding", "consensus", "bargain"}

// dealContextRe marks a tariff rate set by an agreement.
var dealContextRe = mustCue(`\b(deal|deals|agreement|agreements|agreed|agree|agrees|pact|framework|accord|negotiated|memorandum|truce|handshake|understandings?|consensus|bargain)\b`)

// effectiveRe precedes the date a tariff takes effect: "from Aug. 1",
// "taking effect on July 9".
var effectiveRe = mustCue(`\b(starting|from|effective|beginning|as of|(?:takes?|taking|took) effect|(?:goes?|going|went) into effect|(?:comes?|coming|came) into force|kicks? in|kicked in)\s+(?:on\s+)?$`)

// effectiveDate returns the date after an effect cue in s.
func effectiveDate(s *sentence) string {
	for _, dm := range s.Dates() {
		if dm.Month {
			continue
		}
		if effectiveRe.MatchString(tail(s.Low[:dm.Off], 30)) {
			return ymd(dm.Date)
		}
	}
	return ""
}

// sectorWords name goods of a sector tariff on every country.
var sectorWords = []string{"steel", "aluminum", "aluminium", "copper", "lumber", "timber", "car", "auto", "vehicle", "truck",
	"pharmaceutical", "drug", "semiconductor", "chip", "furniture", "cabinet", "metal", "solar", "washing", "film", "movie", "wood"}

// sectorOnly reports whether a products phrase names a sector and no country.
func sectorOnly(prod string) bool {
	if prod == "" {
		return false
	}
	low := strings.ToLower(prod)
	for _, w := range sectorWords {
		if strings.Contains(low, w) {
			return !strings.ContainsAny(prod[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		}
	}
	return false
}

// afterThreatRe: a rate described as threatened, proposed or looming.
var afterThreatRe = mustCue(`^[^.;,]{0,40}?\b(threatened|proposed|planned|looming|mooted|floated|announced earlier|initially proposed)\b`)
var beforeThreatRe = mustCue(`\b(threatened|proposed|looming|potential|possible|hypothetical|mooted|floated|floating|recommending|recommended|suggested|initially proposed|planned|expected|anticipated|dodge|dodged|avoid|avoided|avoiding|escape|escaped|spared|exempted|exempt)\s+(?:\S+\s+){0,3}$`)

// eliminateRe: a deal that removes a tariff (to zero).
var eliminateRe = mustCue(`\b(eliminat\w*|scrap\w*|remov\w*|abolish\w*|lift\w*|cancel\w*|drop\w*|waiv\w*|exempt\w*)\s+(?:\S+\s+){0,4}$`)

// cutRe: words that make a rate the new rate of a reduction.
var cutRe = mustCue(`\b(lower\w*|reduc\w*|cut\w*|slash\w*|trim\w*|halv\w*|will pay|will face|will be|would pay|would face|set at|capped|cap)\b`)

// fromBefore reports whether "from" opens the phrase of the rate at token
// ti: "from 25%", "from their current 39 percent".
func fromBefore(s *sentence, ti int) bool {
	for k := ti - 1; k >= 0 && k >= ti-4; k-- {
		if s.Toks[k].Low == "from" {
			return true
		}
		if s.Toks[k].Punct || s.Toks[k].Number {
			return false
		}
	}
	return false
}

// afterRemovedRe: "the 25% tariffs on steel removed".
var afterRemovedRe = mustCue(`^[^.;,]{0,50}?\b(removed|eliminated|scrapped|lifted|dropped|abolished|waived)\b`)

// tail returns the last n bytes of s (fewer when s is shorter), so that
// patterns anchored at the end scan a short string.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// coordinated reports whether r follows a tariff rate already read in a
// list: "25 percent on steel and 10 percent on aluminum".
func coordinated(s *sentence, out []tariffRate, r rate) bool {
	if len(out) == 0 {
		return false
	}
	last := out[len(out)-1].r
	if last.End > r.Off {
		return false
	}
	between := s.Low[last.End:r.Off]
	if between == " to " {
		return true // "taxes of 15 percent to 25 percent": both ends
	}
	return len(between) < 60 && !strings.ContainsAny(between, ".;") && (strings.Contains(between, " and ") || strings.Contains(between, ", "))
}

// coTargets returns the mentions listed with target t ("on Canada and
// Mexico", "from South Korea and Japan"), t included.
func coTargets(s *sentence, ms []*mention, t *mention) []*mention {
	out := []*mention{t}
	idx := -1
	for i, c := range ms {
		if c == t {
			idx = i
		}
	}
	joined := func(a, b *mention) bool {
		if b.Tok <= a.End {
			return false
		}
		for k := a.End; k < b.Tok; k++ {
			switch s.Toks[k].Low {
			case "and", "or", ",", "the", "&":
			default:
				return false
			}
		}
		return b.Code != a.Code
	}
	for i := idx + 1; i < len(ms) && joined(ms[i-1], ms[i]); i++ {
		out = append(out, ms[i])
	}
	for i := idx - 1; i >= 0 && joined(ms[i], ms[i+1]); i-- {
		out = append(out, ms[i])
	}
	return out
}

// assertedRateRe: a rate whose noun phrase asserts it whatever the clause
// around says ("to soften the 39% tariff imposed by Trump").
var assertedRateRe = mustCue(`^[^,;.]{0,30}?\b(imposed|levied|introduced|slapped|applied|in place|in force|in effect|took effect|already)\b`)

// imposerPrior returns the country the article most often names as the
// author of a tariff ("China imposed", "U.S. tariffs"), other than not.
func (d *doc) imposerPrior(not string) string {
	if d.imposers == nil {
		d.imposers = map[string]int{}
		for _, s := range d.sents {
			if !containsAny(s.Low, "tariff", "dut", "levy", "levies") {
				continue
			}
			for k := range s.Countries {
				c := &s.Countries[k]
				if c.Kind != kindPerson && imposerLike(s, c) && !targetLike(s, c) {
					d.imposers[c.Code]++
				}
			}
		}
	}
	best, n := "", 0
	for c, k := range d.imposers {
		if c != not && (k > n || (k == n && c < best)) {
			best, n = c, k
		}
	}
	return best
}

// sidesBefore returns the sides of the nearest tariff statement among the
// four sentences before sentence i that names both of them, how many of
// them were guessed (0 or 1) and the index of that sentence.
func (d *doc) sidesBefore(i int) (imposer, target string, guessed, at int) {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		p := d.sents[k]
		if len(p.Countries) == 0 {
			continue
		}
		for ti, t := range p.Toks {
			if !strongTariffWords[t.Low] {
				continue
			}
			// "The move answers tariffs imposed by Washington": the tariff
			// given as the reason is background, not the topic.
			if tariffReasonRe.MatchString(tail(p.Low[:t.Off], 40)) {
				break
			}
			imp, tgts, g := tariffSides(d, p, ti)
			if g <= 1 && imp != "" && len(tgts) == 1 && tgts[0] != imp {
				if g == 0 {
					return imp, tgts[0], 0, k
				}
				if imposer == "" {
					imposer, target, guessed, at = imp, tgts[0], 1, k
				}
			}
			break
		}
	}
	return imposer, target, guessed, at
}

// chargeVerbs put a rate on goods without naming a tariff ("charges 20% on").
var chargeVerbs = map[string]bool{"charge": true, "charges": true, "charged": true, "charging": true, "impose": true,
	"imposes": true, "imposed": true, "imposing": true, "levy": true, "levies": true, "levied": true, "slap": true, "slapped": true}

// onlySources reports whether the sentence names no country but as the
// source of the news ("according to a statement from China's cabinet").
func onlySources(s *sentence) bool {
	for k := range s.Countries {
		c := &s.Countries[k]
		src := false
		for j := max(0, c.Tok-8); j+1 < c.Tok; j++ {
			if s.Toks[j].Low == "according" && s.Toks[j+1].Low == "to" {
				src = true
			}
		}
		if !src {
			return false
		}
	}
	return true
}

// averageRe marks averages and effective rates anywhere in the clause.
var averageRe = mustCue(`\b(average|averaged|averaging|effective (?:\S+ ){0,2}?(?:tariff |duty )?rates?|weighted)\b`)

// all0 returns pointers to the mentions of s.
func all0(s *sentence) []*mention {
	out := make([]*mention, len(s.Countries))
	for i := range s.Countries {
		out[i] = &s.Countries[i]
	}
	return out
}

// countryFollows reports whether a country is named at token i, after an
// optional "the".
func countryFollows(s *sentence, i int) bool {
	if s.lowTok(i) == "the" {
		i++
	}
	for k := range s.Countries {
		if s.Countries[k].Tok == i {
			return true
		}
	}
	return false
}

// tariffReasonRe precedes a tariff given as the reason for another act.
var tariffReasonRe = mustCue(`\b(?:(?:in )?(?:response|reaction|retaliation|answer|reply) (?:to|for|against)|retaliat\w* (?:for|against)|because of|due to)\s+(?:\S+\s+){0,3}$`)

// tariffBefore reports whether a tariff word comes before token k.
func tariffBefore(s *sentence, k int) bool {
	for j := 0; j < k; j++ {
		if strongTariffWords[s.Toks[j].Low] {
			return true
		}
	}
	return false
}

// sourceVerbs name where goods come from: "products imported from Chile".
var sourceVerbs = map[string]bool{"originating": true, "coming": true, "shipped": true, "imported": true, "exported": true, "sourced": true, "arriving": true}

// premodifiesTariff reports whether the rate at token ti is followed, in its
// noun phrase, by a tariff noun: "30% cheese duties", "25 per cent
// tariffs", "10% and 15% duties".
func premodifiesTariff(s *sentence, ti int) bool {
	for k := ti + 1; k < len(s.Toks) && k <= ti+10; k++ {
		t := s.Toks[k]
		if strongTariffWords[t.Low] {
			return true
		}
		if t.Punct && t.Text != "-" && t.Text != "%" {
			return false
		}
		if npStops[t.Low] {
			return false
		}
	}
	return false
}

// npStops end the noun phrase of a rate: prepositions, verbs, relatives.
var npStops = map[string]bool{"on": true, "from": true, "to": true, "in": true, "of": true, "for": true, "at": true, "by": true,
	"with": true, "against": true, "is": true, "are": true, "was": true, "were": true, "will": true, "would": true, "has": true,
	"have": true, "had": true, "that": true, "which": true}

// sharedHead reports whether the rates at tokens ti and k share one tariff
// noun that comes after both ("30% cheese and 15% wine duties on X"), so
// that what follows speaks for both.
func sharedHead(s *sentence, ti, k, end int) bool {
	for j := ti + 1; j < k; j++ {
		if strongTariffWords[s.Toks[j].Low] {
			return false
		}
	}
	for j := k + 1; j < end; j++ {
		if strongTariffWords[s.Toks[j].Low] {
			return premodifiesTariff(s, ti)
		}
	}
	return false
}

// spared reports whether mention c is the object of an exemption: "spare
// UK exports from", "exempting Mexico from", "shield Japanese carmakers
// from".
func spared(s *sentence, c *mention) bool {
	before := false
	for k := c.Tok - 1; k >= 0 && k >= c.Tok-3; k-- {
		switch s.Toks[k].Low {
		case "spare", "spares", "spared", "sparing", "exempt", "exempts", "exempted", "exempting", "shield", "shields", "shielded", "shielding", "excuse", "excused":
			before = true
		}
	}
	if !before {
		return false
	}
	for k := c.End; k < len(s.Toks) && k <= c.End+3; k++ {
		if s.Toks[k].Low == "from" {
			return true
		}
	}
	return false
}

// linkedTarget reports whether mention c is tied to a tariff as its target
// by a preposition ("on Japanese cars", "imports from Japan") or a verb
// ("Japan faces", "Japanese firms pay").
func linkedTarget(s *sentence, c *mention) bool {
	p1 := s.lowTok(c.Tok - 1)
	if p1 == "the" {
		p1 = s.lowTok(c.Tok - 2)
	}
	switch p1 {
	case "on", "from", "against", "in":
		return true
	}
	for k := c.End; k < len(s.Toks) && k < c.End+6; k++ {
		w := s.Toks[k].Low
		if targetVerbs[w] {
			return true
		}
		if !auxWords[w] && !goodsWords[w] {
			break
		}
	}
	return false
}

// relativeAuthor returns the country named as the agent of a relative
// clause on the tariff noun of the rate at token ti: "25% tariffs that
// Trump levied", "the 10% duty Ottawa imposed", or nil.
func relativeAuthor(s *sentence, ti int) *mention {
	k := ti + 1
	for ; k < len(s.Toks) && k <= ti+6 && !strongTariffWords[s.Toks[k].Low]; k++ {
		if npStops[s.Toks[k].Low] || (s.Toks[k].Punct && s.Toks[k].Text != "-" && s.Toks[k].Text != "%") {
			return nil
		}
	}
	if k >= len(s.Toks) || !strongTariffWords[s.Toks[k].Low] {
		return nil
	}
	k++
	if w := s.lowTok(k); w == "that" || w == "which" {
		k++
	}
	if s.lowTok(k) == "the" {
		k++
	}
	c := s.countryAt(k)
	if c == nil || c.Tok != k {
		return nil
	}
	for j := c.End; j < len(s.Toks) && j <= c.End+3; j++ {
		switch s.Toks[j].Low {
		case "imposed", "levied", "slapped", "placed", "put", "introduced", "announced", "set", "applied", "charges", "imposes", "levies":
			return c
		case "has", "had", "have", "already", "previously", "earlier", "first", "then":
			continue
		}
		return nil
	}
	return nil
}

// payVerbs put a rate on a country or its goods without naming a tariff:
// "Japan would pay 15%", "Indonesian exports will be charged 19%".
var payVerbs = map[string]bool{"pay": true, "pays": true, "paying": true, "paid": true, "charged": true, "face": true, "faces": true, "facing": true, "faced": true}

// paidRate reports whether the rate r at token ti is what a country or its
// goods, named just before, pay: "Japan would pay 15% instead of 25%".
func paidRate(s *sentence, ti int, r rate) bool {
	k := ti - 1
	switch s.lowTok(k) {
	case "a", "an", "only", "just", "about", "around", "roughly":
		k--
	}
	if k < 0 || !payVerbs[s.lowTok(k)] {
		return false
	}
	after := strings.TrimLeft(s.Low[r.End:], " ")
	if hasPrefixAny(after, []string{"more", "less", "higher", "lower", "of", "interest", "in ", "on top"}) || hasPrefixAny(after, notTariffAfter) {
		return false
	}
	for _, c := range s.Countries {
		if c.End <= k && k-c.End <= 5 && c.Kind != kindPerson {
			return true
		}
	}
	return false
}

// goodsBefore reports whether a goods word ("cars", "goods") comes in the
// five tokens before token k.
func goodsBefore(s *sentence, k int) bool {
	for j := max(0, k-5); j < k; j++ {
		if goodsWords[s.Toks[j].Low] {
			return true
		}
	}
	return false
}

// subjectGoods returns the goods written as the subject of a verb that puts
// the rate at token ti on them: "Steel and aluminium remain subject to the
// 50% tariff" gives "Steel and aluminium"; "" otherwise.
func subjectGoods(s *sentence, ti int) string {
	cs := s.tokAt(s.clauseStart(s.Toks[min(ti, len(s.Toks)-1)].Off))
	for k := cs; k < ti && k < cs+8; k++ {
		if targetVerbs[s.Toks[k].Low] {
			if k == cs || s.countryAt(k-1) != nil {
				return ""
			}
			j := k
			for j > cs && auxWords[s.Toks[j-1].Low] {
				j--
			}
			for x := cs; x < j; x++ {
				if s.countryAt(x) != nil {
					return ""
				}
			}
			if j <= cs {
				return ""
			}
			return s.Low[s.Toks[cs].Off:s.Toks[j-1].End] // no country in it: lower case is safe
		}
	}
	return ""
}

// anaphoricChangeRe: a pronoun for the tariff of the sentence before and a
// change to the rate: "Under the deal, that falls to 15%", "it will be cut
// to 10%".
var anaphoricChangeRe = mustCue(`\b(?:that|it|this|they|those|these)\s+(?:(?:will|would|is|are|was|were|be|been|has|have|now|then|also)\s+)*(?:fall|falls|fell|drop|drops|dropped|cut|lowered|reduced|decline|declines|declined|come down|comes down|came down|go down|goes down|went down|rise|rises|rose|increase|increases|increased|raised)\s+to\s+(?:just\s+|only\s+)?$`)

// tariffRoseTo reports whether the market-move word k before the rate at
// token ti has a tariff as its subject: "the tariff on coffee rose to 50%"
// is a rate, "shares rose 5%" is not.
func tariffRoseTo(s *sentence, ti int, k string) bool {
	switch k {
	case "rose", "fell", "jumped", "climbed", "dropped", "surged":
	default:
		return false
	}
	if s.lowTok(ti-1) != "to" {
		return false
	}
	cs := s.tokAt(s.clauseStart(s.Toks[ti].Off))
	for j := cs; j < ti-2; j++ {
		if strongTariffWords[s.Toks[j].Low] {
			return true
		}
	}
	return false
}

// anaphoricChange reports whether the rate r is the new level of the
// tariff of the sentence before: "Under the deal, that falls to 15%".
func anaphoricChange(s *sentence, r rate) bool {
	before := tail(s.Low[:r.Off], 50)
	t := strings.TrimRight(before, " ")
	if !strings.HasSuffix(t, " to") && !strings.HasSuffix(t, " just") && !strings.HasSuffix(t, " only") {
		return false // cheap test before the pattern
	}
	return anaphoricChangeRe.MatchString(before) && s.afterTariff()
}
