package events

import (
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// trip_cancelled: a planned official trip, visit or round of in-person talks
// abroad is called off or postponed.

var (
	tripVerbRe = mustCue(`\b(no longer (?:travel|visit|attend|go|make the trip)|pull(?:ed|s|ing)? out of|cancel(?:l?ed|s|l?ing|lation)?|call(?:ed|s|ing)? off|scrap(?:ped|s|ping)?|postpone(?:d|s|ment)?|postponing|defer(?:s|red|ring|ral)?|delay(?:ed|s)?|put off|push(?:ed|es)? back|rescheduled?|shelved?|axed|called-off)\b`)
	// tripNouns name a trip or an in-person meeting, looked up by token.
	tripNouns = map[string]bool{"trip": true, "trips": true, "visit": true, "visits": true, "visiting": true, "travel": true,
		"travels": true, "tour": true, "journey": true, "flight": true, "mission": true, "talks": true, "meeting": true,
		"meetings": true, "summit": true, "delegation": true, "voyage": true, "going": true, "negotiations": true, "round": true}
	// remoteRe marks meetings that need no travel.
	remoteRe = mustCue(`\b(video|virtual|phone|call|online|teleconference|videoconference)\b`)
)

// tripCancelledRules are the rules of trip_cancelled.
func tripCancelledRules() []Rule {
	return []Rule{Rule{
		Name:       "trip_cancelled/verb-trip",
		Type:       schema.TripCancelled,
		Keywords:   []string{"no longer", "pull", "cancel", "called off", "calls off", "call off", "calling off", "called-off", "scrap", "postpon", "defer", "delay", "put off", "pushed back", "pushes back", "push back", "reschedul", "shelve", "axed"},
		Trigger:    tripVerbRe.Regexp,
		Blockers:   []cueClass{cueCondition, cueQuestion, cueThreat, cueModal, cueNegation, cueDenial},
		Confidence: 0.85,
		Fill:       fillTrip,
	}, Rule{
		// "will not travel to Washington this week as planned".
		Name:       "trip_cancelled/not-as-planned",
		Type:       schema.TripCancelled,
		Keywords:   []string{"as planned", "as scheduled", "as originally planned", "as previously planned"},
		Window:     120,
		Trigger:    notAsPlannedRe.Regexp,
		Blockers:   []cueClass{cueCondition, cueQuestion, cueThreat, cueModal, cueDenial},
		Confidence: 0.75,
		Once:       true,
		Fill:       fillTrip,
	}}
}

// notAsPlannedRe: a trip that will not happen as planned.
var notAsPlannedRe = mustCue(`\b(?:will|would|did|does|do|is|are|was|were)\s+(?:not|n't|no longer)\s+(?:be\s+)?(?:travel(?:l?ing)?|visit(?:ing)?|go(?:ing)?|attend(?:ing)?|fly(?:ing)?|head(?:ing)?)\b[^.;]{0,80}?\bas (?:originally |previously )?(?:planned|scheduled)\b`)

// tripStatus maps the verb to the status the spec names.
func tripStatus(verb string) string {
	for _, p := range []string{"postpon", "defer", "delay", "put off", "push", "reschedul", "shelv"} {
		if strings.HasPrefix(verb, p) {
			return "postponed"
		}
	}
	return "cancelled"
}

// baseForms are verb forms that do not assert the act ("to cancel",
// "could postpone", "a delay").
var baseForms = map[string]bool{"cancel": true, "call off": true, "scrap": true, "postpone": true, "delay": true, "defer": true,
	"push back": true, "reschedule": true, "shelve": true}

func fillTrip(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if baseForms[s.Low[m[0]:m[1]]] && !decidedRe.MatchString(tail(s.Low[:m[0]], 30)) {
		return nil
	}
	vt := s.tokAt(m[0])
	// A trip noun near the verb.
	nounTok := -1
	for nt := max(0, vt-15); nt < len(s.Toks) && nt <= vt+10; nt++ {
		if tripNouns[s.Toks[nt].Low] && (nounTok < 0 || abs(nt-vt) < abs(nounTok-vt)) {
			nounTok = nt
		}
	}
	if nounTok < 0 {
		return nil
	}
	// "the delegation's visit to Washington for the next round of talks
	// has been postponed": the visit is what is called off, not the talks.
	if !tripNounsOfTravel[s.Toks[nounTok].Low] {
		for nt := max(0, vt-15); nt < len(s.Toks) && nt <= vt+10; nt++ {
			if tripNounsOfTravel[s.Toks[nt].Low] {
				nounTok = nt
				break
			}
		}
	}
	if remoteRe.MatchString(s.Low[max(0, s.Toks[nounTok].Off-20):s.Toks[nounTok].End]) {
		return nil
	}
	noun := s.Toks[nounTok].Low
	conf := r.Confidence
	// A summit called off by its host: each named guest is a traveller.
	// The host is named before "host", or is the canceller of a summit "at
	// which" others were to meet.
	hm := hostRe.FindStringIndex(s.Low)
	if hm == nil && (noun == "summit" || noun == "meeting") {
		if k := strings.Index(s.Low[s.Toks[nounTok].End:], " at which "); k >= 0 && k < 40 {
			hm = []int{m[0], m[1]}
		} else if k := strings.Index(s.Low[s.Toks[nounTok].End:], " where "); k >= 0 && k < 40 {
			hm = []int{m[0], m[1]}
		}
	}
	if hm != nil && (noun == "summit" || noun == "meeting" || noun == "talks") {
		var host *mention
		for k := range s.Countries {
			if s.Countries[k].OffEnd <= hm[0] {
				host = &s.Countries[k]
			}
		}
		if host != nil {
			var out []candidate
			seen := map[string]bool{host.Code: true}
			for _, c := range s.Countries {
				if seen[c.Code] {
					continue
				}
				seen[c.Code] = true
				f := schema.Fields{TravelerCountry: c.Code, DestinationCountry: host.Code, Status: tripStatus(s.Low[m[0]:m[1]])}
				f.Traveler, f.TravelerRole = personOf(d, s, c.Code)
				ev := newEvent(schema.TripCancelled, f, s, r.Name, conf-0.1)
				ev.ev.OccurredOn = occurred(s, m[0])
				out = append(out, ev)
			}
			return out
		}
	}
	// Destination: "to X", "in X", "visit X", "X visit", "with X".
	dest := ""
	var destM *mention
	for k := range s.Countries {
		c := &s.Countries[k]
		prev := s.lowTok(c.Tok - 1)
		if prev == "the" {
			prev = s.lowTok(c.Tok - 2)
		}
		next := s.lowTok(c.End)
		// "a team that was scheduled to visit New Delhi ... has deferred
		// its trip": a place visited reaches further back.
		reachBack := 3
		if prev == "visit" || prev == "visiting" || (prev == "to" && (tripNouns[s.lowTok(c.Tok-2)] || travelVerbs[s.lowTok(c.Tok-2)])) {
			reachBack = 15
		}
		if c.Tok > max(nounTok, vt)+8 || c.End < min(nounTok, vt)-reachBack {
			continue
		}
		if prev == "to" || prev == "in" || prev == "visit" || prev == "visiting" || prev == "for" ||
			((next == "visit" || next == "trip" || next == "tour") && !c.Poss && c.Kind != kindDemonym) {
			if c.Kind == kindPerson {
				continue
			}
			dest, destM = c.Code, c
			break
		}
	}
	withDest := false
	if dest == "" {
		for k := range s.Countries {
			c := &s.Countries[k]
			if s.lowTok(c.Tok-1) == "with" || (s.lowTok(c.Tok-1) == "the" && s.lowTok(c.Tok-2) == "with") {
				dest, destM = c.Code, c
				withDest = true
				conf -= 0.1
				break
			}
		}
	}
	// Traveller: the subject, before the verb, that is not the destination.
	trav := ""
	for k := range s.Countries {
		c := &s.Countries[k]
		if c == destM || c.Code == dest || c.Tok > vt {
			continue
		}
		trav = c.Code
		break
	}
	if trav == "" {
		for k := range s.Countries {
			c := &s.Countries[k]
			if c != destM && c.Code != dest {
				trav = c.Code
				conf -= 0.1
				break
			}
		}
	}
	if trav == "" && dest == "" {
		return nil
	}
	var stops []string
	if tripNounsOfTravel[noun] && trav != "" {
		stops = itinerary(d, s, trav, func() string { return personName(d, s, vt, trav) })
	}
	if dest == "" && len(stops) > 0 {
		dest, stops = stops[0], stops[1:] // "cancelled his tour; he was due to visit Peru and Chile"
	}
	if dest == "" {
		dest = d.partner(trav)
		conf -= 0.2
	}
	if trav == "" {
		trav = d.partner(dest)
		conf -= 0.2
	}
	if trav == "" || dest == "" || trav == dest {
		return nil
	}
	if (noun == "talks" || noun == "meeting" || noun == "meetings" || noun == "summit") && destM == nil {
		conf -= 0.1
	}
	// "her meeting with Trump is postponed": a meeting with a person, no
	// place, may be no trip at all.
	if withDest && destM != nil && destM.Kind == kindPerson && (noun == "meeting" || noun == "meetings" || noun == "talks") {
		return nil
	}
	// "India postpones trade talks with US": talks with no place named
	// are no trip (the spec's halt to negotiations).
	if withDest && (noun == "talks" || noun == "negotiations") {
		return nil
	}
	if (noun == "negotiations" || noun == "round") && (destM == nil || destM.Kind != kindCapital) {
		return nil // a round of talks is a trip only where it is held abroad
	}
	f := schema.Fields{
		TravelerCountry:    trav,
		DestinationCountry: dest,
		Status:             tripStatus(s.Low[m[0]:m[1]]),
	}
	f.Traveler, f.TravelerRole = personNear(d, s, vt, trav)
	f.Reason = reasonAfter(s)
	// Of two verbs of one sentence, the one nearer the trip gives the status.
	c := newEvent(schema.TripCancelled, f, s, r.Name, conf-0.005*float64(abs(nounTok-vt)))
	c.ev.OccurredOn = occurred(s, m[0])
	c.postponedVerb = f.Status == "postponed" && !strings.HasSuffix(s.Low[m[0]:m[1]], "ment") && !strings.HasSuffix(s.Low[m[0]:m[1]], "ral")
	out := []candidate{c}
	// "He had been scheduled to leave for Brussels ... was expected to
	// visit France and Egypt": the stops of the called-off trip.
	for _, dest := range stops {
		if dest == trav || dest == f.DestinationCountry {
			continue
		}
		g := f
		g.DestinationCountry = dest
		e := newEvent(schema.TripCancelled, g, s, r.Name, conf-0.15)
		e.ev.OccurredOn = c.ev.OccurredOn
		out = append(out, e)
	}
	return out
}

// tripNounsOfTravel are the trip nouns of a journey with stops.
var tripNounsOfTravel = map[string]bool{"trip": true, "trips": true, "visit": true, "visits": true, "tour": true, "travel": true, "journey": true}

// itineraryRe: the plan of a trip, "had been scheduled to leave for",
// "was expected to visit", "was due to travel to".
var itineraryRe = mustCue(`\b(?:had been|was|were|is|are)\s+(?:originally\s+)?(?:scheduled|due|expected|set|slated|supposed)\s+to\s+(?:leave for|visit|travel to|fly to|go to|head to|stop in|continue to|tour)\b`)

// itinerary returns the countries that the sentences just after s give as
// the planned stops of the traveller's trip: their subject is the traveller
// (a person or name of that country, the traveller's surname, or a pronoun).
func itinerary(d *doc, s *sentence, trav string, traveler func() string) []string {
	var out []string
	surname, named := "", false
	for k := s.Index + 1; k < len(d.sents) && k <= s.Index+3; k++ {
		n := d.sents[k]
		if !containsAny(n.Low, "scheduled", "due", "expected", "set to", "slated", "supposed") {
			continue
		}
		m := itineraryRe.FindStringIndex(n.Low)
		if m == nil {
			continue
		}
		// The subject: the word just before the plan.
		st := n.tokAt(m[0]) - 1
		if st < 0 {
			continue
		}
		subj := n.Toks[st].Low
		if c := n.countryAt(st); c != nil {
			if c.Code != trav {
				continue
			}
		} else if subj != "he" && subj != "she" && subj != "they" {
			if !named {
				named = true
				if f := strings.Fields(strings.ToLower(traveler())); len(f) > 0 {
					surname = f[len(f)-1]
				}
			}
			if surname == "" || subj != surname {
				continue
			}
		}
		end := n.clauseEnd(m[1])
		if i := strings.Index(n.Low[m[1]:], " before "); i >= 0 && m[1]+i < end {
			end = m[1] + i
		}
		for _, c := range n.Countries {
			if c.Off >= m[1] && c.OffEnd <= end && c.Kind != kindPerson {
				out = append(out, c.Code)
			}
		}
	}
	return out
}

// decidedRe: a base form that still asserts the act ("forced him to
// cancel", "decided to postpone").
var decidedRe = mustCue(`\b(forced|decided|had|opted|chose|was forced|were forced|obliged|compelled)\s+(?:\S+\s+){0,3}?to\s+$`)

// hostRe finds the host of a summit: "Japan, which was to host the summit".
var hostRe = mustCue(`\b(host|hosts|hosting|hosted)\b`)

var reasonRe = mustCue(`\b(?:due to|because of|over|amid|citing|after)\s+([^.;,]{4,80})`)

func reasonAfter(s *sentence) string {
	if m := reasonRe.FindStringSubmatchIndex(s.Low); m != nil {
		return trimPhrase(s.Text[m[2]:m[3]])
	}
	return ""
}

// roleWords are the words of official titles.
var roleWords = map[string]bool{
	"minister": true, "negotiator": true, "secretary": true, "president": true, "premier": true, "chancellor": true,
	"envoy": true, "representative": true, "ambassador": true, "commissioner": true, "chief": true, "trade": true,
	"top": true, "economic": true, "revitalization": true, "foreign": true, "finance": true, "prime": true, "deputy": true,
	"vice": true, "industry": true, "commerce": true, "tariff": true, "defense": true, "defence": true, "senior": true,
	"cabinet": true, "state": true, "economy": true, "affairs": true, "head": true, "leader": true, "king": true, "crown": true,
	"prince": true, "official": true, "officials": true, "delegation": true, "lead": true, "general": true,
}

// notNames are capitalised words that do not start a person's name.
var notNames = map[string]bool{
	"the": true, "a": true, "in": true, "on": true, "but": true, "and": true, "his": true, "her": true, "its": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true, "reuters": true,
	"white": true, "house": true, "trade": true, "u": true, "s": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"times": true, "post": true, "journal": true, "news": true, "agency": true, "press": true, "street": true, "ministry": true,
}

// personNear finds the person's name (two or three capitalised words that
// are not a country or a title) nearest before token vt, or after it, and the
// title words written just before it.
func personNear(d *doc, s *sentence, vt int, code string) (name, role string) {
	if titleCase(s) {
		return "", "" // a headline: every word looks like a name
	}
	best := -1
	bestLen := 0
	score := func(i int) int {
		// Names before the verb and near it first; a name tied to the
		// traveller's country (a person of the gazetteer, or one after
		// "Japan's" and a title) before any other.
		sc := abs(vt - i)
		if i > vt {
			sc += 20
		}
		if c := s.countryAt(i); c != nil && c.Kind == kindPerson && c.Code == code {
			sc -= 30
		}
		for k := i - 1; k >= 0 && k >= i-5; k-- {
			if c := s.countryAt(k); c != nil && c.Code == code && c.Kind != kindPerson {
				sc -= 25
				break
			}
			if !roleWords[s.Toks[k].Low] && !s.Toks[k].Capit {
				break
			}
		}
		return sc
	}
	for i := 0; i < len(s.Toks); i++ {
		n := nameLen(s, i)
		if n < 2 {
			c := s.countryAt(i)
			switch {
			case c != nil && c.Kind == kindPerson && c.Tok == i && s.Toks[i].Capit && !roleWords[s.Toks[i].Low]:
				n = c.End - c.Tok
			case i+1 == vt && c == nil && s.Toks[i].Capit && !s.Toks[i].Upper && !notNames[s.Toks[i].Low] && !roleWords[s.Toks[i].Low] && !sentenceStarters[s.Toks[i].Low]:
				n = 1 // "Koo canceled his flight": a surname as the subject
			default:
				continue
			}
		}
		if i > 0 && (s.Toks[i-1].Low == "the" || s.Toks[i-1].Low == "to" && s.lowTok(i-2) == "according") {
			i += n - 1
			continue // "the Financial Times", "according to Reuters"
		}
		if best < 0 || score(i) < score(best) {
			best, bestLen = i, n
		}
		i += n - 1
	}
	if best < 0 {
		return "", ""
	}
	name = s.Text[s.Toks[best].Off:s.Toks[best+bestLen-1].End]
	if bestLen < 2 || !strings.Contains(name, " ") {
		name = d.fullName(name)
	}
	// Title: lower- or upper-case role words just before the name.
	j := best
	for j > 0 && roleWords[s.Toks[j-1].Low] {
		j--
	}
	if j < best {
		role = s.Text[s.Toks[j].Off:s.Toks[best-1].End]
	}
	return name, role
}

// nameLen returns how many tokens from i form a person's name (2 or 3
// capitalised words, hyphenated parts allowed), or 0.
func nameLen(s *sentence, i int) int {
	n := 0
	for k := i; k < len(s.Toks) && n < 4; {
		t := s.Toks[k]
		if t.Punct || !t.Capit || t.Upper || notNames[t.Low] || roleWords[t.Low] {
			break
		}
		if c := s.countryAt(k); c != nil && c.Kind != kindPerson {
			break
		}
		n++
		k++
		// Lee Jae-myung: a hyphen joins two parts of one word.
		if k+1 < len(s.Toks) && s.Toks[k].Text == "-" && s.Toks[k].Off == s.Toks[k-1].End && s.Toks[k+1].Off == s.Toks[k].End {
			k += 2
			n += 2
		}
		if t.Poss {
			break
		}
	}
	if n < 2 {
		return 0
	}
	return n
}

// titleCase reports whether most words of s are capitalised (a headline).
func titleCase(s *sentence) bool {
	words, capit := 0, 0
	for _, t := range s.Toks {
		if t.Punct || t.Number {
			continue
		}
		words++
		if t.Capit {
			capit++
		}
	}
	return words >= 4 && capit*10 >= words*7
}

// fullName returns "Ryosei Akazawa" for "Akazawa" when the document writes
// the full name somewhere.
func (d *doc) fullName(surname string) string {
	for _, s := range d.sents {
		i := strings.Index(s.Text, " "+surname)
		if i <= 0 {
			continue
		}
		j := strings.LastIndexByte(s.Text[:i], ' ') + 1
		first := s.Text[j:i]
		if first != "" && first[0] >= 'A' && first[0] <= 'Z' && !notNames[strings.ToLower(first)] && !roleWords[strings.ToLower(first)] {
			return first + " " + surname
		}
	}
	// "Koo Yun-cheol": the family name first.
	for _, s := range d.sents {
		i := strings.Index(s.Text, surname+" ")
		if i < 0 || (i > 0 && isLetterByte(s.Text[i-1])) {
			continue
		}
		rest := s.Text[i+len(surname)+1:]
		j := strings.IndexAny(rest, " ,.;:)")
		if j < 0 {
			j = len(rest)
		}
		given := rest[:j]
		lg := strings.ToLower(given)
		if given != "" && given[0] >= 'A' && given[0] <= 'Z' && len(given) > 2 && !notNames[lg] && !roleWords[lg] && !sentenceStarters[lg] && d.eng.countries.countryOf(given) == "" && !headlineWord(d, given) {
			return surname + " " + given
		}
	}
	return surname
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// personOf returns the person of country code named in s: a person of the
// gazetteer ("President Donald Trump") or a name after the country and a
// title ("China's President Xi Jinping").
func personOf(d *doc, s *sentence, code string) (name, role string) {
	for _, c := range s.Countries {
		if c.Code != code {
			continue
		}
		if c.Kind == kindPerson && !roleWords[s.Toks[c.Tok].Low] {
			n := nameLen(s, c.Tok)
			if n < c.End-c.Tok {
				n = c.End - c.Tok
			}
			name := s.Text[s.Toks[c.Tok].Off:s.Toks[c.Tok+n-1].End]
			if !strings.Contains(name, " ") {
				name = d.fullName(name)
			}
			return name, ""
		}
		// "China's President Xi Jinping"
		k := c.End
		for k < len(s.Toks) && roleWords[s.Toks[k].Low] {
			k++
		}
		if k > c.End {
			if n := nameLen(s, k); n >= 2 {
				return s.Text[s.Toks[k].Off:s.Toks[k+n-1].End], s.Text[s.Toks[c.End].Off:s.Toks[k-1].End]
			}
		}
	}
	return "", ""
}

// headlineWord reports whether w is a capitalised common word (it appears
// in lower case elsewhere in the article), not a given name.
func headlineWord(d *doc, w string) bool {
	lw := " " + strings.ToLower(w) + " "
	for _, s := range d.sents {
		if strings.Contains(s.Text, lw) {
			return true
		}
	}
	return false
}

// personName is the traveller's name as personNear reads it.
func personName(d *doc, s *sentence, vt int, code string) string {
	name, _ := personNear(d, s, vt, code)
	return name
}

// travelVerbs move a traveller to a place: "fly to", "travel to".
var travelVerbs = map[string]bool{"travel": true, "fly": true, "go": true, "head": true, "return": true, "come": true, "leave": true}
