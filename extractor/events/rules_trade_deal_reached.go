package events

import (
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// trade_deal_reached: two or more parties reach, sign or announce a trade
// agreement, framework or preliminary deal.

var (
	dealNounRe = mustCue(`\b(deal|deals|agreement|agreements|pact|accord|framework|fta|truce|arrangement|nafta|usmca|cusma)\b`)
	// existingWords prefilter existingRe.
	existingWords = []string{"existing", "current", "previous", "under the terms", "under their", "under its", "renegotiat", "review of", "withdraw", "exit", "terminat", "violat", "compl"}
	// notYetRe: a deal noun described as not yet reached.
	notYetRe = mustCue(`\b(planned|proposed|draft|potential|possible|prospective|future|hoped-for|elusive|eventual)\s+(?:\S+\s+){0,2}$`)
	// existingRe: a bare reference to an agreement that already exists.
	gettingRe = mustCue(`\b(getting|get|gets|want|wants|see|seeing|when|until|once|before)\s+(?:\S+\s+){0,4}$`)
	// notYetAfterRe: the deal noun is followed by its future reaching.
	notYetAfterRe = mustCue(`^[^.;]{0,50}?\b(?:will|would|is expected to|are expected to|is set to|is due to)\s+(?:\S+\s+)?(?:be\s+)?(?:signed|finali[sz]ed|concluded|reached|agreed|struck|sealed|completed|announced|ratified)\b`)
	underDealRe   = mustCue(`\b(?:under|as part of|in line with) the (?:\S+ ){0,3}?(deal|agreement|pact|framework|accord)\b`)
	existingRe    = mustCue(`\b(existing|current|previous|under the terms of|under their|under its|renegotiat\w*|review of|withdraw\w*|exit\w*|terminat\w*|violat\w*|comply|compliance)\b`)
)

// tradeDealReachedRules are the rules of trade_deal_reached.
func tradeDealReachedRules() []Rule {
	return []Rule{Rule{
		Name:         "trade_deal_reached/reach-deal",
		Type:         schema.TradeDealReached,
		Keywords:     []string{"deal", "agreement", "pact", "accord", "framework", "fta", "truce", "arrangement", "nafta", "usmca", "cusma"},
		Trigger:      dealNounRe.Regexp,
		TriggerWords: []string{"deal", "deals", "agreement", "agreements", "pact", "accord", "framework", "fta", "truce", "arrangement", "nafta", "usmca", "cusma"},
		Blockers:     []cueClass{}, // read at the verb, in fillDeal
		Confidence:   0.8,
		Once:         true,
		Fill:         fillDeal,
	}}
}

func fillDeal(d *doc, s *sentence, r *Rule, m []int) []candidate {
	var vm []int
	var under []int
	if containsAny(s.Low, "under the", "part of the", "in line with") {
		under = underDealRe.FindStringIndex(s.Low)
	}
	nounTok := s.tokAt(m[2])
	for _, v := range dealVerbs(s) {
		vt := s.tokAt(v[0])
		if abs(vt-nounTok) > 20 && !nearAnyDealNoun(s, vt) {
			continue // a verb about something else
		}
		switch next := s.lowTok(vt + 1); {
		case s.Toks[vt].Low == "signs" && (next == "of" || next == "up" || next == "that" || vt > 0 && !s.Toks[vt-1].Capit && s.Toks[vt-1].Low != "it"):
			continue // "signs of easing", "Britain signs up to join"
		case s.Toks[vt].Low == "completed" && (next == "five" || talkNouns[next] || talkNouns[s.lowTok(vt+2)] || talkNouns[s.lowTok(vt+3)]):
			continue // "completed five rounds of negotiations"
		}
		// "to seal a deal", "will be signed": not reached.
		before := strings.TrimSpace(s.Low[max(0, v[0]-12):v[0]])
		if strings.HasSuffix(before, " to") || (strings.HasSuffix(before, " be") && !strings.HasSuffix(before, "yet to be")) || strings.HasSuffix(before, "will") || before == "to" {
			continue
		}
		// "agreed to work together", "agreed to keep talking": an
		// agreement to go on talking is no deal.
		if strings.HasPrefix(s.Toks[vt].Low, "agree") && s.lowTok(vt+1) == "to" && talkVerbs[s.lowTok(vt+2)] {
			continue
		}
		// "getting a deal signed", "when it is signed".
		if gettingRe.MatchString(tail(s.Low[:v[0]], 40)) {
			continue
		}
		vm = v
		break
	}
	conf := r.Confidence
	if vm == nil {
		if under == nil {
			return nil
		}
		// "Under the framework deal, Korea pledged ...": the deal exists.
		vm = under
		conf -= 0.1
	}
	// "an agreement reached in July", "the deal it struck": the
	// participle asserts the deal whatever the clause around it says.
	from := vm[0]
	participle := false
	if nm := dealNounRe.FindAllStringIndex(s.Low[:vm[0]], -1); len(nm) > 0 && vm[0]-nm[len(nm)-1][1] <= 20 {
		from, participle = nm[len(nm)-1][0], true
	}
	if participle {
		// "we can have the deal completed": a modal just before the noun
		// phrase still counts.
		start := from
		if nt := s.tokAt(from); nt >= 4 {
			start = s.Toks[nt-4].Off
		} else if len(s.Toks) > 0 {
			start = s.Toks[0].Off
		}
		if cue := blockedWithin(s, start, vm[1]); cue != "" {
			return nil
		}
	} else if cue := blocked(s, from, vm[1], nil); cue != "" {
		return nil
	}
	if containsAny(s.Low, existingWords...) && existingRe.MatchString(s.Low) && !strings.Contains(s.Low, "reached") && !strings.Contains(s.Low, "signed") {
		return nil
	}
	if notYetRe.MatchString(tail(s.Low[:m[2]], 60)) || notYetAfterRe.MatchString(s.Low[m[3]:]) {
		return nil
	}
	if !d.aboutTrade() {
		return nil
	}
	var codes []string
	for _, c := range s.Countries {
		codes = append(codes, c.Code)
	}
	// "Britain signed a treaty to join the CPTPP": an accession is a deal
	// between the joining country and the bloc.
	vtok := s.tokAt(vm[0])
	for ji, t := range s.Toks {
		if !strings.HasPrefix(t.Low, "join") && t.Low != "accession" && !strings.HasPrefix(t.Low, "acced") || ji < vtok || ji-vtok > 8 {
			continue
		}
		subj, bloc := "", ""
		for _, o := range s.Countries {
			if o.Tok < ji && ji-o.End <= 8 && len(o.Code) == 2 {
				subj = o.Code // the nearest before "join"
			}
			if o.Tok > ji && len(o.Code) > 2 && o.Code != "EU" && bloc == "" {
				bloc = o.Code
			}
		}
		if subj != "" && bloc != "" {
			codes = []string{subj, bloc}
		}
		break
	}
	named := false
	for name, ps := range namedAgreements {
		if len(sortedCodes(codes)) < 2 && strings.Contains(s.Low, name) {
			codes, named = ps, true
			break
		}
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
		a := d.partner()
		b := d.partner(a)
		if a == "" || b == "" || d.freq[b] < 2 {
			return nil
		}
		parties = sortedCodes([]string{a, b})
		conf -= 0.3
	case len(parties) == 3 && (named || strings.Contains(s.Low, "trilateral") || hyphenChain3(s)):
		conf -= 0.1
	case len(parties) > 2 && !strings.HasSuffix(s.Low[m[2]:m[3]], "s") && subjectListWith(s, s.tokAt(vm[0])) != nil:
		// "Switzerland, Norway, Iceland and Liechtenstein signed a deal
		// with India": one deal between all of them.
		parties = subjectListWith(s, s.tokAt(vm[0]))
		conf -= 0.1
	case len(parties) > 2 && strings.HasSuffix(s.Low[m[2]:m[3]], "s") && len(withPairs(d, s, s.tokAt(vm[0]))) > 1:
		// "agreements with the Philippines and Japan": one deal each.
		var out []candidate
		for _, p := range withPairs(d, s, s.tokAt(vm[0])) {
			c := newEvent(schema.TradeDealReached, schema.Fields{Parties: p, Name: dealName(s, m)}, s, r.Name, conf-0.1)
			c.ev.OccurredOn = occurred(s, vm[0])
			out = append(out, c)
		}
		return out
	case len(parties) > 2 && subjectPair(s, s.tokAt(vm[0])) != nil:
		// "The U.S. and Mexico reached a deal" among other countries.
		parties = subjectPair(s, s.tokAt(vm[0]))
		conf -= 0.05
	case len(parties) == 3 && listedWithSubject(s):
		conf -= 0.1
	case len(parties) > 2:
		// Keep the pair joined by a hyphen ("U.S.-Japan deal"), or the
		// subject and the partners after "with" ("the U.S. reached deals
		// with Japan and the Philippines"); lists of countries are not
		// one deal.
		if pair := hyphenPair(s); pair != nil {
			parties = pair
		} else if pairs := withPairs(d, s, s.tokAt(vm[0])); len(pairs) > 0 {
			var out []candidate
			for _, p := range pairs {
				c := newEvent(schema.TradeDealReached, schema.Fields{Parties: p, Name: dealName(s, m)}, s, r.Name, conf-0.1)
				c.ev.OccurredOn = occurred(s, vm[0])
				out = append(out, c)
			}
			return out
		} else {
			return nil
		}
		conf -= 0.1
	}
	f := schema.Fields{Parties: parties, Name: dealName(s, m)}
	c := newEvent(schema.TradeDealReached, f, s, r.Name, conf)
	c.ev.OccurredOn = occurred(s, vm[0])
	return []candidate{c}
}

// withPairs returns the deals of "X reached a deal with Y (and Z)": the
// subject before the verb at token vt, paired with each partner listed
// after "with".
func withPairs(d *doc, s *sentence, vt int) [][]string {
	subj := ""
	for _, c := range s.Countries {
		if c.Tok < vt {
			subj = c.Code // the nearest before the verb
		}
	}
	if subj == "" {
		// "agreements struck with Australia and Japan": the article's
		// own country made them.
		var listed []string
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Tok > vt && (s.lowTok(c.Tok-1) == "with" || s.lowTok(c.Tok-2) == "with") {
				ms := make([]*mention, len(s.Countries))
				for i := range s.Countries {
					ms[i] = &s.Countries[i]
				}
				for _, x := range coTargets(s, ms, c) {
					listed = append(listed, x.Code)
				}
				break
			}
		}
		if p := d.partner(listed...); p != "" && d.freq[p] >= 3 {
			subj = p
		}
	}
	if subj == "" {
		return nil
	}
	// "Chile and Peru signed separate deals with Japan": each subject.
	subjs := []string{subj}
	for k := range s.Countries {
		if c := &s.Countries[k]; c.Code == subj && c.Tok < vt {
			subjs = nil
			for _, x := range coTargets(s, all0(s), c) {
				subjs = append(subjs, x.Code)
			}
		}
	}
	var out [][]string
	for k := range s.Countries {
		c := &s.Countries[k]
		p := s.lowTok(c.Tok - 1)
		if p == "the" {
			p = s.lowTok(c.Tok - 2)
		}
		if c.Tok <= vt || p != "with" || c.Code == subj {
			continue
		}
		ms := make([]*mention, len(s.Countries))
		for i := range s.Countries {
			ms[i] = &s.Countries[i]
		}
		list := coTargets(s, ms, c)
		// "with Brazil, Argentina and two other nations": a bloc left
		// unnamed; the pairs would be wrong.
		last := list[len(list)-1]
		if s.lowTok(last.End) == "and" && (s.Toks[min(last.End+1, len(s.Toks)-1)].Number || numberWordsRe.MatchString(s.lowTok(last.End+1))) && s.lowTok(last.End+2) == "other" {
			return nil
		}
		for _, sj := range subjs {
			for _, x := range list {
				if x.Code != sj {
					out = append(out, sortedCodes([]string{sj, x.Code}))
				}
			}
		}
		break
	}
	return out
}

var numberWordsRe = mustCue(`^(two|three|four|five|six|seven|eight|nine|ten|several|some|many)$`)

// hyphenPair returns the two codes of "U.S.-Japan" or "EU-Mercosur".
func hyphenPair(s *sentence) []string {
	for k := 0; k+1 < len(s.Countries); k++ {
		a, b := s.Countries[k], s.Countries[k+1]
		if b.Tok == a.End+1 && isDash(s.Toks[a.End].Text) && a.Code != b.Code {
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

// aboutTrade reports whether the article speaks of trade at all (a "deal"
// in an article about a merger or a ceasefire is not a trade deal).
func (d *doc) aboutTrade() bool {
	for _, s := range d.sents {
		if containsAny(s.Low, "trade", "tariff", "fta", "export", "import", "comprehensive economic partnership", "cepa", "customs union", "nafta", "usmca", "cusma") {
			return true
		}
	}
	return false
}

// hyphenChain3 reports whether three countries are joined by hyphens or
// dashes: "United States-Mexico-Canada Agreement".
func hyphenChain3(s *sentence) bool {
	for k := 0; k+2 < len(s.Countries); k++ {
		a, b, c := s.Countries[k], s.Countries[k+1], s.Countries[k+2]
		if b.Tok == a.End+1 && c.Tok == b.End+1 && isDash(s.Toks[a.End].Text) && isDash(s.Toks[b.End].Text) {
			return true
		}
	}
	return false
}

func isDash(t string) bool { return t == "-" || t == "–" || t == "—" }

// dealVerbSet holds the one-word verbs that say a deal was reached.
var dealVerbSet = map[string]bool{}

func init() {
	for _, w := range strings.Split("reached reaches struck strikes signed signs sealed seals clinched concluded concludes finalized finalised finalizes finalises agreed agree agrees announced announces unveiled unveils inked secured completed forged brokered landed closed formalized formalised ratified initialled initialed inks", " ") {
		dealVerbSet[w] = true
	}
}

// dealVerbs returns the byte ranges of the verbs that say a deal was
// reached: the words of dealVerbSet and "hammered out", "in principle". It
// reads tokens, which is faster than a pattern over the sentence.
func dealVerbs(s *sentence) [][]int {
	var out [][]int
	headline := titleCase(s)
	for i, t := range s.Toks {
		switch {
		case dealVerbSet[t.Low] || (headline && headlineDealVerbs[t.Low]):
			end := t.End
			if t.Low == "agreed" && s.lowTok(i+1) == "upon" {
				end = s.Toks[i+1].End
			}
			out = append(out, []int{t.Off, end})
		case (t.Low == "joined" || t.Low == "joins" || t.Low == "acceded" || t.Low == "accedes" || t.Low == "join" && s.lowTok(i-1) == "to" && containsAny(s.Low, "became", "formally", "officially")) && hasBloc(s):
			out = append(out, []int{t.Off, t.End}) // accession to a trade bloc
		case t.Low == "hammered" && s.lowTok(i+1) == "out", t.Low == "in" && s.lowTok(i+1) == "principle",
			t.Low == "into" && s.lowTok(i+1) == "force", t.Low == "conclusion" && s.lowTok(i+1) == "of":
			out = append(out, []int{t.Off, s.Toks[i+1].End})
		}
	}
	return out
}

// talkVerbs follow "agreed to" in agreements to keep talking.
var talkVerbs = map[string]bool{"work": true, "continue": true, "keep": true, "hold": true, "resume": true, "meet": true,
	"talk": true, "negotiate": true, "discuss": true, "pursue": true, "seek": true, "explore": true, "launch": true,
	"start": true, "begin": true, "intensify": true, "accelerate": true, "step": true, "extend": true,
	"restart": true, "return": true, "reopen": true, "revive": true, "renew": true}

// headlineVerbs are base forms that headlines use in the present tense
// ("U.S., Mexico Reach Tentative Agreement").
var headlineDealVerbs = map[string]bool{"reach": true, "sign": true, "seal": true, "strike": true, "clinch": true, "ink": true, "finalize": true, "finalise": true, "conclude": true}

// listedWithSubject reports whether the sentence names a subject and then
// a list of the other parties: "The United States has reached a deal to
// remove tariffs on Canada and Mexico".
func listedWithSubject(s *sentence) bool {
	if len(s.Countries) < 3 {
		return false
	}
	ms := make([]*mention, len(s.Countries))
	for i := range s.Countries {
		ms[i] = &s.Countries[i]
	}
	second := 1
	for second < len(ms) && ms[second].Code == ms[0].Code {
		second++ // a dateline ("WASHINGTON -") and the subject name one side
	}
	if second >= len(ms) {
		return false
	}
	list := coTargets(s, ms, ms[second])
	codes := map[string]bool{ms[0].Code: true}
	for _, c := range list {
		codes[c.Code] = true
	}
	for _, c := range ms {
		if !codes[c.Code] {
			return false
		}
	}
	return len(codes) == 3
}

// talkNouns name rounds of talks, which can be completed without a deal.
var talkNouns = map[string]bool{"rounds": true, "round": true, "talks": true, "negotiations": true, "consultations": true, "discussions": true}

// namedAgreements are agreements known by name, with their parties.
var namedAgreements = map[string][]string{
	"nafta": {"CA", "MX", "US"}, "north american free trade agreement": {"CA", "MX", "US"},
	"usmca": {"CA", "MX", "US"}, "cusma": {"CA", "MX", "US"}, "united states-mexico-canada agreement": {"CA", "MX", "US"},
}

// nearAnyDealNoun reports whether a deal noun is within 14 tokens of vt.
func nearAnyDealNoun(s *sentence, vt int) bool {
	for k := max(0, vt-20); k < len(s.Toks) && k <= vt+20; k++ {
		switch s.Toks[k].Low {
		case "deal", "deals", "agreement", "agreements", "pact", "accord", "framework", "fta", "truce", "nafta", "usmca", "cusma":
			return true
		}
	}
	return false
}

// subjectPair returns the two parties written as the subject of the verb
// at token vt: "The EU and the Mercosur countries have closed ...".
func subjectPair(s *sentence, vt int) []string {
	for k := 0; k+1 < len(s.Countries); k++ {
		a, b := s.Countries[k], s.Countries[k+1]
		if b.Tok >= vt || a.Code == b.Code {
			continue
		}
		joined := b.Tok > a.End
		for j := a.End; j < b.Tok; j++ {
			if w := s.Toks[j].Low; w != "and" && w != "the" {
				joined = false
			}
		}
		if !joined {
			continue
		}
		// The pair is the subject: only a few words (an apposition in
		// brackets, "have", "on Friday") between it and the verb.
		ok := true
		paren := false
		for j := b.End; j < vt; j++ {
			switch s.Toks[j].Text {
			case "(":
				paren = true
			case ")":
				paren = false
			default:
				if !paren && !s.Toks[j].Punct && !subjectGapWords[s.Toks[j].Low] && weekdays[s.Toks[j].Low] == 0 && s.Toks[j].Low != "sunday" {
					ok = false
				}
			}
		}
		if ok {
			return sortedCodes([]string{a.Code, b.Code})
		}
	}
	return nil
}

// subjectGapWords may stand between a subject and its verb.
var subjectGapWords = map[string]bool{"have": true, "has": true, "had": true, "on": true, "also": true, "jointly": true,
	"formally": true, "officially": true, "finally": true, "today": true, "yesterday": true, "countries": true, "now": true,
	"both": true, "last": true, "week": true, "month": true, "earlier": true}

// hasBloc reports whether s names a trade bloc (CPTPP, EFTA, Mercosur...).
func hasBloc(s *sentence) bool {
	for _, c := range s.Countries {
		if len(c.Code) > 2 && c.Code != "EU" {
			return true
		}
	}
	return false
}

// subjectListWith returns the parties of a deal whose subject is a list of
// three or more countries just before the verb at token vt and whose
// partner follows "with": "A, B, C and D signed a deal with E". Nil
// otherwise.
func subjectListWith(s *sentence, vt int) []string {
	ms := all0(s)
	var last *mention
	for _, c := range ms {
		if c.End <= vt {
			last = c
		}
	}
	if last == nil {
		return nil
	}
	for j := last.End; j < vt; j++ {
		if !subjectGapWords[s.Toks[j].Low] && !s.Toks[j].Punct && weekdays[s.Toks[j].Low] == 0 {
			return nil
		}
	}
	list := coTargets(s, ms, last)
	if len(list) < 2 {
		return nil
	}
	var with []*mention
	for _, c := range ms {
		if c.Tok > vt && (s.lowTok(c.Tok-1) == "with" || (s.lowTok(c.Tok-1) == "the" && s.lowTok(c.Tok-2) == "with")) {
			with = coTargets(s, ms, c)
			break
		}
	}
	if len(with) == 0 {
		return nil
	}
	var codes []string
	for _, c := range append(list, with...) {
		codes = append(codes, c.Code)
	}
	return sortedCodes(codes)
}
