package events

import (
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// tariff_rate_agreed: two sides agree on the tariff rate one side will
// charge the other. The tariff reading is shared with tariff_imposed
// (tariff.go); this rule keeps the rates of sentences that speak of a deal.

var tariffTriggerRe = mustCue(`\b(tariffs?|duty|duties|levy|levies|tariffed)\b`)

// dropOwnRe: a partner that agrees to drop its own tariffs (rate 0).
var dropOwnRe = mustCue(`\b(?:(eliminat(?:e|es|ed|ing|ion)|remov(?:e|es|ed|ing|al)|scrap(?:s|ped|ping)?|drop(?:s|ped|ping)?|abolish(?:es|ed|ing)?|lift(?:s|ed|ing)?|waiv(?:e|es|ed|ing)|end(?:s|ed|ing)?|axe[sd]?)\b[^.;]{0,40}\b(?:tariffs?|duties|levies)\b|(?:no|zero)[”"’']?\s+(?:\S+\s+){0,2}?(?:tariffs?|duties|levies)\b|(duty-free|tariff-free)|(exempt(?:ed|ion|s)?)\s+(?:\S+\s+){0,6}?(?:tariffs?|duties|levies)\b|(?:tariffs?|duties|levies)\s+(?:\S+\s+){0,14}?(eliminated|removed|scrapped|abolished|lifted|dropped|waived|axed|ended)\b)`)

// tariffRateAgreedRules are the rules of tariff_rate_agreed.
func tariffRateAgreedRules() []Rule {
	return []Rule{Rule{
		Name: "tariff_rate_agreed/deal-rate",
		Type: schema.TariffRateAgreed,
		// Every tariff rate is written with one of these (see findRates):
		// a much narrower prefilter than the trigger words.
		Keywords:     []string{"%", "percent", "per cent", "pc", "pct", "zero"},
		Trigger:      tariffTriggerRe.Regexp,
		TriggerWords: []string{"tariff", "tariffs", "duty", "duties", "levy", "levies", "tariffed", "surtax", "surtaxes", "rate", "rates", "taxes", "tax", "taxed", "charge", "charges", "charged", "charging", "impose", "imposes", "imposed", "imposing", "pay", "pays", "paying", "paid", "face", "faces", "facing", "faced", "fall", "falls", "fell", "drop", "drops", "dropped", "cut", "lowered", "reduced", "decline", "declines", "declined", "rise", "rises", "rose", "increase", "increases", "increased", "raised"},
		Blockers:     []cueClass{}, // per rate, in fillTariff
		Once:         true,
		Confidence:   0.8,
		Fill:         func(d *doc, s *sentence, r *Rule, m []int) []candidate { return fillTariff(d, s, r, true) },
	}, Rule{
		Name:       "tariff_rate_agreed/drop-own-tariffs",
		Type:       schema.TariffRateAgreed,
		Keywords:   []string{"eliminat", "remov", "scrap", "drop", "abolish", "zero", " no ", "lift", "waiv", "end", "axe", "duty-free", "tariff-free", "exempt"},
		Also:       []string{"tariff", "dut"},
		Window:     80,
		Trigger:    dropOwnRe.Regexp,
		Blockers:   []cueClass{cueCondition, cueQuestion, cueThreat, cueRequest, cueModal, cueDenial},
		Once:       false,
		Confidence: 0.6,
		Fill:       fillDropOwn,
	}}
}

// fillDropOwn reads "X agreed to eliminate its tariffs on U.S. goods" as X
// agreeing to a 0% rate on the partner's goods, "Y goods will enter X
// duty-free" as X charging Y nothing, and a "zero-for-zero" deal as both.
func fillDropOwn(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if strings.Contains(s.Low[m[0]:m[1]], "non-tariff") {
		return nil
	}
	at := m[0]
	cs, ce := s.clauseStart(at), s.clauseEnd(m[1])
	// A rate cut to a stated rate is read by the rate rules; a rate given
	// in exchange is another matter.
	for _, tr := range tariffRates(s) {
		if tr.r.Off >= cs && tr.r.Off < ce && tr.r.Value > 0 && !exchangeRe.MatchString(s.Low[min(m[1], tr.r.Off):tr.r.Off]) {
			return nil
		}
	}
	ti := s.tokAt(at)
	conf := r.Confidence
	prod := productsNear(s, ti)
	// "Tariffs on goods coming the other way will also be axed": the
	// elimination of the sentence before, reversed.
	if len(s.Countries) == 0 && containsAny(s.Low, "the other way", "other direction", "in the opposite direction") && s.Index > 0 {
		for k := s.Index - 1; k >= 0 && k >= s.Index-2; k-- {
			p := d.sents[k]
			if dm := dropOwnRe.FindStringSubmatchIndex(p.Low); dm != nil {
				var out []candidate
				for _, c := range fillDropOwn(d, p, r, dm) {
					f := c.ev.Fields
					f.ImposingCountry, f.TargetCountry, f.Products = f.TargetCountry, f.ImposingCountry, prod
					out = append(out, newEvent(schema.TariffRateAgreed, f, s, r.Name, conf-0.1))
				}
				return out
			}
		}
		return nil
	}
	// "91% of EU exports to Mercosur, and 92% of Mercosur exports to the
	// EU": each market drops its tariffs on the exporter's goods.
	if pairs := exportPairs(s, -1); len(pairs) > 0 {
		var out []candidate
		for _, p := range pairs {
			if dealInSentence(s, at, cs, ce) || d.hasDeal(p[0], p[1]) {
				out = append(out, newEvent(schema.TariffRateAgreed, schema.Fields{ImposingCountry: p[0], TargetCountry: p[1], RatePct: schema.Float(0), Products: prod}, s, r.Name, conf))
			}
		}
		return out
	}
	// "while those nations would scrap the tariffs they imposed on U.S.
	// products": each country of the list before is an imposer.
	if ants := pluralAntecedents(s, cs, at); len(ants) >= 2 {
		var out []candidate
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Tok <= ti || !(targetLike(s, c) || goodsTarget(s, c)) {
				continue
			}
			for _, a := range ants {
				if a != c.Code && (dealInSentence(s, at, cs, ce) || d.hasDeal(a, c.Code)) {
					out = append(out, newEvent(schema.TariffRateAgreed, schema.Fields{ImposingCountry: a, TargetCountry: c.Code, RatePct: schema.Float(0), Products: prod}, s, r.Name, conf-0.05))
				}
			}
			break
		}
		return out
	}
	var imp, tgt string
	impPerson := false
	for k := range s.Countries {
		c := &s.Countries[k]
		if speaker(s, c) {
			continue // "London said the deal ends tariffs on ..."
		}
		if c.Tok < ti && !targetLike(s, c) && !goodsTarget(s, c) && s.lowTok(c.Tok-1) != "with" && !(s.lowTok(c.Tok-1) == "the" && s.lowTok(c.Tok-2) == "with") {
			// The nearest subject before the verb; a speaker ("Trump
			// said") only when no other is named.
			if c.Kind != kindPerson || imp == "" || impPerson {
				imp, impPerson = c.Code, c.Kind == kindPerson
			}
		}
		if c.Tok > ti && tgt == "" && c.Kind != kindPerson && (targetLike(s, c) || goodsTarget(s, c)) {
			tgt = c.Code
		}
		// "let US rice enter tariff-free": the goods come first.
		if c.Tok < ti && tgt == "" && strings.Contains(s.Low[m[0]:m[1]], "free") && goodsTarget(s, c) {
			tgt = c.Code
		}
	}
	// "Korea is exempted from U.S. tariffs": the subject is the target.
	if len(m) >= 8 && m[6] >= 0 {
		tgt, imp = imp, ""
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Tok > ti && c.Code != tgt && c.Kind != kindPerson {
				imp = c.Code
				break
			}
		}
	}
	// "charge America no tariffs": the charged side is the target.
	if w := s.lowTok(ti); (w == "no" || w == "zero") && ti >= 2 {
		if c := s.countryAt(ti - 1); c != nil {
			switch s.lowTok(c.Tok - 1) {
			case "charge", "charges", "charging", "charged":
				tgt, imp = c.Code, d.partner(c.Code)
			}
		}
	}
	mutual := mutualRe.MatchString(s.Low)
	if mutual && (imp == "" || tgt == "") {
		// "zero-for-zero tariffs" between the two sides of the deal.
		if codes := sortedCodes(s.codesIn(0, len(s.Toks))); len(codes) == 2 {
			imp, tgt = codes[0], codes[1]
		} else if a := d.partner(); a != "" && d.hasDeal(a, d.partner(a)) {
			imp, tgt = a, d.partner(a)
		}
	}
	if tgt == "" && imp != "" {
		tgt = d.partner(imp)
		conf -= 0.15
	}
	if imp == "" {
		// "coffee sold in Korea": the market charges the tariff.
		for k := range s.Countries {
			c := &s.Countries[k]
			p := s.lowTok(c.Tok - 1)
			if (p == "in" || p == "into") && c.Code != tgt {
				switch s.lowTok(c.Tok - 2) {
				case "sold", "entering", "imported", "shipped", "exported", "enter":
					imp = c.Code
				}
			}
		}
	}
	if imp == "" && tgt != "" {
		imp = d.partner(tgt)
		conf -= 0.15
	}
	if imp == "" || tgt == "" || imp == tgt {
		return nil
	}
	if !dealInSentence(s, at, cs, ce) && !d.hasDeal(imp, tgt) {
		return nil // a unilateral removal is not labelled
	}
	out := []candidate{newEvent(schema.TariffRateAgreed, schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(0), Products: prod}, s, r.Name, conf)}
	// "remove tariffs on Canada and Mexico": each listed target.
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Code != tgt || c.Tok < ti {
			continue
		}
		ms := make([]*mention, len(s.Countries))
		for i := range s.Countries {
			ms[i] = &s.Countries[i]
		}
		for _, x := range coTargets(s, ms, c)[1:] {
			if x.Code != imp {
				out = append(out, newEvent(schema.TariffRateAgreed, schema.Fields{ImposingCountry: imp, TargetCountry: x.Code, RatePct: schema.Float(0), Products: prod}, s, r.Name, conf))
			}
		}
		break
	}
	if mutual {
		out = append(out, newEvent(schema.TariffRateAgreed, schema.Fields{ImposingCountry: tgt, TargetCountry: imp, RatePct: schema.Float(0), Products: prod}, s, r.Name, conf-0.05))
	}
	return out
}

// mutualRe marks an elimination by both sides.
var mutualRe = mustCue(`\b(zero[- ]for[- ]zero|both sides|each other|mutual\w*|reciprocally|bilateral elimination|tariff-free trade|duty-free trade|zero tariffs and zero quotas)\b`)

// speaker reports whether c only reports the news: "London said", "an EU
// official said".
func speaker(s *sentence, c *mention) bool {
	switch s.lowTok(c.End) {
	case "said", "says", "told", "stated", "added", "noted":
		// "China said (on Tuesday) it will impose ...": the subject
		// reports its own act.
		for k := c.End + 1; k < len(s.Toks) && k <= c.End+5; k++ {
			switch s.Toks[k].Low {
			case "it", "they", "its":
				return false
			case "that", "on", "in", "last", "this", "late", "early", "earlier", "week", "month":
				continue
			}
			if weekdays[s.Toks[k].Low] != 0 || s.Toks[k].Low == "sunday" {
				continue
			}
			break
		}
		return true
	case "official", "officials", "spokesperson", "spokesman", "spokeswoman", "source", "sources", "diplomat", "diplomats", "lawmaker", "lawmakers":
		for k := c.End + 1; k < len(s.Toks) && k <= c.End+3; k++ {
			if w := s.Toks[k].Low; w == "said" || w == "says" || w == "say" || w == "told" {
				return true
			}
		}
	}
	return false
}

// tariffReading is one tariff rate of a sentence with its sides and
// whether a deal set it; both tariff rules share it (see readTariffs).
type tariffReading struct {
	tariffRate
	imp, tgt   string
	guessed    int
	deal       bool // set by an agreement
	eliminated bool // removed by the agreement: agreed at 0
	skip       bool // not a factual rate
}

// readTariffs reads the tariff rates of s once for both tariff rules.
func readTariffs(d *doc, s *sentence) []tariffReading {
	if s.tariffsDone {
		return s.tariffs
	}
	s.tariffsDone = true
	rates := tariffRates(s)
	for i, tr := range rates {
		classes := allCues
		asserted := assertedRateRe.MatchString(s.Low[tr.r.End:])
		if asserted {
			classes = []cueClass{cueCondition, cueQuestion, cueNegation, cueDenial}
		}
		// Cues before an earlier rate belong to it: "lower the threatened
		// 25% tariff to 15%" threatens the 25%, not the 15%.
		from := -1
		for _, o := range s.Rates() {
			if o.End <= tr.r.Off && toNextRateRe.MatchString(s.Low[o.End:tr.r.Off]) && tr.r.Off-o.End < 60 {
				from = o.End
			}
		}
		_ = i
		if tr.prevRate != nil && tr.prevRate.Off < tr.r.Off {
			from = max(from, tr.prevRate.End)
		}
		cue := blockedAfter(s, tr.r.Off, tr.r.End, classes, from)
		// "imposed the 20% tariff that it had floated": carried out.
		threat := (afterThreatRe.MatchString(s.Low[tr.r.End:]) && !imposedBeforeRe.MatchString(tail(s.Low[:tr.r.Off], 40))) || beforeThreatRe.MatchString(tail(s.Low[:tr.r.Off], 60)) ||
			proposalRe.MatchString(s.Low[s.clauseStart(tr.r.Off):tr.r.Off])
		if cue != "" || threat {
			// Keep threatened rates aside: a later cut may start from them.
			if threat || cueClassOf(cue) == cueThreat {
				if imp, tgts, g := tariffSides(d, s, tr.tok); imp != "" && g == 0 && len(tgts) > 0 {
					d.noteThreat(imp, tgts[0], tr.r.Value)
				}
			}
			continue
		}
		imp, tgts, guessed := tariffSides(d, s, tr.tok)
		for _, tgt := range tgts {
			if imp == "" || tgt == "" || imp == tgt {
				continue
			}
			rd := readTariff(d, s, tr, imp, tgt, guessed)
			// "hoping to secure cuts to the 25% tariffs Trump has levied":
			// the rate is in force; the cut is only hoped for.
			if asserted && blockedAfter(s, tr.r.Off, tr.r.End, nil, from) != "" {
				rd.deal, rd.eliminated = false, false
			}
			// "paying 25% on X, and 10% on Y": a listed rate reads as the
			// one before it.
			if n := len(s.tariffs); n > 0 && !rd.skip && !s.tariffs[n-1].skip && coordinated(s, []tariffRate{s.tariffs[n-1].tariffRate}, tr.r) && (s.tariffs[n-1].imp == imp || guessed > 0) {
				rd.deal = s.tariffs[n-1].deal
				rd.eliminated = rd.eliminated || s.tariffs[n-1].eliminated
				// A guessed target follows the listed rate's.
				if rd.guessed > s.tariffs[n-1].guessed {
					rd.imp, rd.tgt, rd.guessed = s.tariffs[n-1].imp, s.tariffs[n-1].tgt, s.tariffs[n-1].guessed
				}
			}
			// With neither side read from the text, there is no event.
			if rd.guessed >= 2 {
				rd.skip = true
			}
			s.tariffs = append(s.tariffs, rd)
		}
	}
	return s.tariffs
}

// readTariff decides whether the rate tr between imp and tgt was agreed.
func readTariff(d *doc, s *sentence, tr tariffRate, imp, tgt string, guessed int) tariffReading {
	{
		cs := s.clauseStart(tr.r.Off)
		ce := s.clauseEnd(tr.r.End)
		if comparisonRe.MatchString(s.Low[cs:ce]) || comparesRe.MatchString(s.Low) {
			return tariffReading{skip: true} // "the 19% tariff is still higher than the 17% proposed"
		}
		if modalAfterRe.MatchString(s.Low[tr.r.End:ce]) {
			return tariffReading{skip: true} // "a 10% tariff on wine could raise prices"
		}
		// The text that speaks of this rate only: from the clause start or
		// the rate before it, to the clause end.
		own := cs
		for _, o := range s.Rates() {
			if o.End <= tr.r.Off && o.End > own && (tr.prevRate == nil || o.Off != tr.prevRate.Off) {
				own = o.End
			}
		}
		hardEnd := len(s.Low)
		if k := strings.IndexByte(s.Low[tr.r.End:], ';'); k >= 0 {
			hardEnd = tr.r.End + k
		}
		near := s.Low[max(own, tr.r.Off-120):min(hardEnd, tr.r.End+60)]
		// "current", "existing" speak of the rate only right before it.
		inForceNear := func() bool {
			if currentRe.MatchString(s.Low[max(own, tr.r.Off-25):tr.r.Off]) {
				return true // "the current 27.5%"
			}
			return strongInForceRe.MatchString(currentRe.ReplaceAllString(near, ""))
		}
		cut := (tr.prev != nil && *tr.prev > tr.r.Value) || cutRe.MatchString(s.Low[own:tr.r.Off])
		inSentence := dealInSentence(s, tr.r.Off, cs, ce)
		deal := inSentence
		switch {
		case deal && !cut && inForceNear():
			deal = false // "the additional 25% tariffs Trump levied", in a sentence about a deal
		case deal && !cut && despiteDeal(s, tr.r.End, ce):
			deal = false // "30% tariffs from Aug. 1, despite efforts to reach a deal"
		case !deal && d.hasDeal(imp, tgt):
			// An article about a deal between the two: a cut is the agreed
			// rate; so is a rate not said to be the earlier one, in force,
			// threatened or newly imposed.
			deal = cut || !inForceRe.MatchString(near)
		}
		if tr.prev != nil && *tr.prev < tr.r.Value {
			deal = false // a raise is never agreed
		}
		if deal && !inSentence && dealDenied(s) {
			deal = false // "tariffs of 50% on steel were not part of the agreement"
		}
		// "lifting the total to 20%" raises; "lifted its 24% tariff" removes.
		if before := tail(s.Low[cs:tr.r.Off], 40); !deal && suspendedRe.MatchString(before) && !strings.HasSuffix(strings.TrimRight(before, " "), " to") {
			return tariffReading{skip: true} // "suspended its 24% tariff": not in force, not labelled
		}
		elim := deal && (eliminateRe.MatchString(tail(s.Low[cs:tr.r.Off], 80)) || afterRemovedRe.MatchString(s.Low[tr.r.End:]))
		return tariffReading{tariffRate: tr, imp: imp, tgt: tgt, guessed: guessed, deal: deal, eliminated: elim}
	}
}

// fillTariff returns the tariff events of s; agreed selects the rates set
// by a deal (tariff_rate_agreed) or the others (tariff_imposed).
func fillTariff(d *doc, s *sentence, r *Rule, agreed bool) []candidate {
	var out []candidate
	for _, tr := range readTariffs(d, s) {
		if tr.skip {
			continue
		}
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
		// "instead of the current 27.5%", "up from the 34% announced
		// before": the previous rate was in force too.
		if !agreed && tr.prevRate != nil && (deal && tr.current || prevAnnouncedRe.MatchString(s.Low[tr.prevRate.End:min(len(s.Low), tr.prevRate.End+30)])) {
			g := schema.Fields{ImposingCountry: imp, TargetCountry: tgt, RatePct: schema.Float(tr.prevRate.Value), Products: productsNear(s, tr.tok)}
			out = append(out, newEvent(schema.TariffImposed, g, s, r.Name, conf-0.1))
		}
	}
	return out
}

// toNextRateRe: the text between two rates of one change, "25% ... to".
var toNextRateRe = mustCue(`\bto (?:a |the |about |around |just )?$`)

// prevAnnouncedRe: a previous rate said to have been set before.
var prevAnnouncedRe = mustCue(`^\s*(?:\S+\s+){0,2}?(previously|earlier|already)\s+(announced|imposed|set|levied|in place)\b`)

// suspendedRe: a rate suspended or removed by its author.
var suspendedRe = mustCue(`\b(suspend\w*|paus\w*|lift\w*|remov\w*|scrap\w*|drop\w*|waiv\w*|withdr\w*|revok\w*|rescind\w*)\s+(?:\S+\s+){0,3}$`)

// comparisonRe marks comparisons of rates, which are not events.
var comparisonRe = mustCue(`\b(higher than|lower than|more than double|compared (?:with|to)|compares (?:with|to)|versus)\b`)

// comparesRe: a sentence built on a comparison of rates.
var comparesRe = mustCue(`\b(compares (?:with|to)|compared (?:with|to) an? average)\b`)

// modalAfterRe: a modal after the rate in its clause makes it hypothetical.
var modalAfterRe = mustCue(`\b(could|might|may|would)\s+(?:\S+\s+)?(result|raise|cost|mean|hurt|add|lead|push|increase|lift)\b`)

// inForceRe marks a rate described as the one before a deal: in force,
// earlier, threatened.
var inForceRe = mustCue(`\b(current\w*|existing|still|remain\w*|had been|has been|previously|initially|originally|earlier|since|before|threat\w*|impos\w*|levied|slapped|hit|raised|hiked|increas\w*|doubl\w*|additional|extra|penalty|retaliat\w*|keep|kept|maintain\w*|in place|paying|announced|unveiled|letters?|would see|took effect|went into effect|came into effect|in effect|escalat\w*|blow|facing|faces|faced|raise|raises|raising|hike|hikes|hiking|increase)\b`)

// despiteDeal reports whether the deal words after the rate come after
// "despite" (the deal is what did not happen).
func despiteDeal(s *sentence, end, ce int) bool {
	i := strings.Index(s.Low[end:ce], " despite ")
	if i < 0 {
		return false
	}
	return !containsAny(s.Low[s.clauseStart(end):end], dealContextWords...)
}

// currentRe: words that mark a rate in force only when right before it.
var currentRe = mustCue(`\b(current\w*|existing)\b`)

// strongInForceRe marks a rate in force even in a sentence about a deal.
var strongInForceRe = mustCue(`\b(levied|slapped|still|remains?|remained|current\w*|existing|already|had been|in place|previously|originally|initially|maintains?|paying)\b`)

// dealInSentence reports whether a deal word speaks for the rate at off:
// one in the rate's clause [cs, ce), or one before it with no "following"
// or "after" between (those open a clause about another act).
func dealInSentence(s *sentence, off, cs, ce int) bool {
	if !containsAny(s.Low, dealContextWords...) {
		return false
	}
	for _, m := range dealContextRe.FindAllStringIndex(s.Low, -1) {
		// "countries without trade deals": no deal.
		if noDeal(tail(s.Low[:m[0]], 30)) {
			continue
		}
		if m[0] >= cs && m[1] <= ce {
			return true
		}
		if m[1] <= off {
			between := s.Low[m[1]:off]
			if !containsAny(between, " following ", " after ", " before ", " since ", " while ", " but ", " whereas ", " although ", " despite ") {
				return true
			}
		}
	}
	return false
}

// exportPairs returns the (market, exporter) pairs written as "X exports to
// Y", "X's exports to Y", "X goods into Y", "access to Y for X goods" after
// token from.
func exportPairs(s *sentence, from int) [][2]string {
	var out [][2]string
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Tok <= from {
			continue
		}
		p1 := s.lowTok(c.Tok - 1)
		j := c.Tok - 2
		if p1 == "the" {
			p1, j = s.lowTok(c.Tok-2), c.Tok-3
		}
		if p1 != "to" && p1 != "into" {
			continue
		}
		if w := s.lowTok(j); !goodsWords[w] && w != "exported" && w != "access" && w != "sales" {
			continue
		}
		// The exporter: the country named just before ("EU exports",
		// "New Zealand's current exports").
		for x := len(s.Countries) - 1; x >= 0; x-- {
			e := &s.Countries[x]
			if e.Tok < j && j-e.End <= 3 && e.Code != c.Code {
				out = append(out, [2]string{c.Code, e.Code})
				break
			}
		}
	}
	return out
}

// proposalRe: a rate that a proposal, plan or bill "would" set is not
// decided ("The proposal would raise tariffs on X to 60%").
var proposalRe = mustCue(`\b(?:proposal|proposals|plan|plans|bill|draft|legislation|measure|scheme)\s+(?:would|could|might)\b`)

// imposedBeforeRe: a verb of imposition just before a rate.
var imposedBeforeRe = mustCue(`\b(imposed|imposes|levied|levies|slapped|introduced|applied|enacted)\s+(?:\S+\s+){0,2}$`)

// pluralAntecedents returns the countries of the list that a plural
// anaphor in [cs, at) stands for: "Canada and Mexico ..., while those
// nations would scrap". Nil when the clause has no such anaphor.
func pluralAntecedents(s *sentence, cs, at int) []string {
	clause := s.Low[cs:at]
	i := -1
	for _, a := range []string{"those nations", "those countries", "both countries", "both nations", "the two countries", "the two nations", "these countries", "these nations"} {
		if j := strings.Index(clause, a); j >= 0 {
			i = cs + j
			break
		}
	}
	if i < 0 {
		return nil
	}
	ms := all0(s)
	for k := len(ms) - 1; k >= 0; k-- {
		if ms[k].OffEnd > i {
			continue
		}
		list := coTargets(s, ms, ms[k])
		if len(list) < 2 {
			continue
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Code)
		}
		return sortedCodes(out)
	}
	return nil
}

// noDealRe precedes a deal word that denies a deal or leaves the rate out
// of it: "countries without trade deals", "in the absence of an agreement",
// "no deal", "were not part of the agreement".
var noDealRe = mustCue(`\b(without|no|lacking|lack|absence of|absent|not (?:part of|included in|covered by|covered under|in)|outside|excluded from|left out of)\s+(?:\S+\s+){0,2}$`)

// dealDenied reports whether the sentence names a deal only to deny it or
// to leave something out of it ("not part of the agreement").
func dealDenied(s *sentence) bool {
	if !containsAny(s.Low, dealContextWords...) {
		return false
	}
	for _, m := range dealContextRe.FindAllStringIndex(s.Low, -1) {
		if noDeal(tail(s.Low[:m[0]], 30)) {
			return true
		}
	}
	return false
}

// noDeal reports whether the text before a deal word denies the deal (see
// noDealRe), with a cheap test before the pattern.
func noDeal(before string) bool {
	return containsAny(before, "without", "no ", "lack", "absen", "not ", "outside", "exclud", "left out") && noDealRe.MatchString(before)
}
