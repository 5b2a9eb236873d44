// Package events turns the text of a news article into trade events of the
// five core types (shared/spec/events.md). It reads text only: it never
// fetches and never parses HTML.
//
// The engine splits the text into sentences, finds in each the countries,
// amounts of money, percentages and dates (the normalisers), and runs the
// rules of every event type over the sentences that pass the rule's keyword
// prefilter. Each event type has its rules in one file, rules_<type>.go,
// which registers them (see Rule). Mentions of one event (one schema.Key)
// are merged, keeping the evidence of the most confident mention.
package events

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/newsevents/newsevents/schema"
)

// Version identifies the rules; it is carried by every event as
// extractor_version. Raise it when the rules change what they extract.
const Version = "events/1.1"

// Document is the text the engine reads.
type Document struct {
	Title     string
	Text      string    // the article body, paragraphs separated by "\n\n" or "\n"
	Published time.Time // reference date for relative dates; zero when unknown
}

// Compose returns the text the engine reads for doc: the title, a blank line
// and the body. Evidence offsets index into this string.
func Compose(doc Document) string {
	if doc.Title == "" {
		return doc.Text
	}
	return doc.Title + "\n\n" + doc.Text
}

// Engine extracts events. It is safe for concurrent use.
type Engine struct {
	countries countryIndex
	rules     []Rule
	keywords  []string // distinct keywords of the rules, by bit
	kwByByte  [256][]int
}

// New compiles the rules.
func New() (*Engine, error) {
	rs := allRules()
	if err := checkRules(rs); err != nil {
		return nil, err
	}
	e := &Engine{countries: newCountryIndex(), rules: rs}
	e.indexKeywords()
	return e, nil
}

// indexKeywords numbers the distinct keywords of all rules, so that one pass
// over a sentence tells which rules may fire (see keywordMask).
func (e *Engine) indexKeywords() {
	idx := map[string]int{}
	for i := range e.rules {
		r := &e.rules[i]
		if len(r.Keywords) == 0 {
			r.mask = ^uint64(0)
			continue
		}
		for _, k := range r.Keywords {
			n, ok := idx[k]
			if !ok {
				n = len(e.keywords)
				idx[k] = n
				e.keywords = append(e.keywords, k)
			}
			if n >= 63 || k == "" {
				r.mask |= 1 << 63 // overflow bit: always checked
				continue
			}
			r.mask |= 1 << n
		}
	}
	for i, k := range e.keywords {
		k = strings.TrimLeft(k, " ")
		e.keywords[i] = k
		if k != "" {
			e.kwByByte[k[0]] = append(e.kwByByte[k[0]], i)
		}
	}
}

// keywordMask returns the bits of the keywords that start a word of low
// (one pass over the sentence; keywords are word beginnings: "postpon",
// "tariff", "called off").
func (e *Engine) keywordMask(low string) uint64 {
	var m uint64
	for i := 0; i < len(low); i++ {
		c := low[i]
		if i > 0 && isLetterByte(low[i-1]) {
			continue
		}
		for _, k := range e.kwByByte[c] {
			if strings.HasPrefix(low[i:], e.keywords[k]) {
				m |= uint64(1) << min(k, 63)
			}
		}
	}
	return m
}

// Rules returns the names of the rules, in the order they run.
func (e *Engine) Rules() []string {
	out := make([]string, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Name
	}
	return out
}

// Extract returns the core events asserted by doc, one per identity. Each
// event has Type, Fields, OccurredOn, Evidence, Confidence, Rule and
// ExtractorVersion set; ID, EventKey, Article and ExtractedAt are left to
// the caller (see extractor.Finalize).
func (e *Engine) Extract(doc Document) []schema.Event {
	text := Compose(doc)
	d := e.analyse(text, doc.Published)
	var cands []candidate
	for _, s := range d.sents {
		if linkLine(s.Low) {
			continue // "Also read: ...": another article's headline
		}
		present := e.keywordMask(s.Low)
		for ri := range e.rules {
			r := &e.rules[ri]
			if present&r.mask == 0 || !r.prefilterAlso(s.Low) {
				continue
			}
			cands = append(cands, r.apply(d, s)...)
		}
	}
	return postprocess(d, merge(cands))
}

// postprocess applies the article-level rules of the spec: a rate agreed in
// a deal is not also an imposed one, and a trip is called off by one side.
func postprocess(d *doc, evs []schema.Event) []schema.Event {
	fillPrevious(d, evs)
	fillTravelers(d, evs)
	agreed := map[string]bool{}
	for _, e := range evs {
		if e.Type == schema.TariffRateAgreed {
			agreed[schema.Key(schema.TariffImposed, e.Fields)] = true
		}
	}
	out := evs[:0]
	for i, e := range evs {
		if e.Type == schema.TariffImposed && agreed[schema.Key(e.Type, e.Fields)] && !otherGoodsInForce(e) {
			continue
		}
		if reversedBetter(evs, i, d.retaliation()) || companyPledged(evs, i) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// hasDeal reports whether the article speaks of a deal, agreement or
// framework between a and b (in one sentence naming both, or naming one
// when the other is the article's main partner).
func (d *doc) hasDeal(a, b string) bool {
	if d.deals == nil {
		d.deals = map[[2]string]bool{}
		for _, s := range d.sents {
			if !containsAny(s.Low, dealContextWords...) || !dealContextRe.MatchString(s.Low) {
				continue
			}
			codes := map[string]bool{}
			for _, m := range s.Countries {
				codes[m.Code] = true
			}
			if len(codes) == 1 {
				for c := range codes {
					if p := d.partner(c); p != "" {
						codes[p] = true
					}
				}
			}
			for x := range codes {
				for y := range codes {
					if x != y {
						d.deals[[2]string{x, y}] = true
					}
				}
			}
		}
	}
	return d.deals[[2]string{a, b}]
}

// doc is one document being read.
type doc struct {
	text  string
	pub   time.Time
	sents []*sentence
	// freq counts the sentences naming each country; partner() uses it
	// when a sentence leaves one side implicit.
	freq  map[string]int
	deals map[[2]string]bool // pairs with a deal; see hasDeal
	// imposers counts the countries named as authors of tariffs; see
	// imposerPrior.
	imposers map[string]int
	// threats holds the rates threatened or in force before a deal, by
	// "imposer|target"; see fillPrevious.
	threats    map[string][]float64
	retaliates int8 // 0 unknown, 1 yes, -1 no; see retaliation
	eng        *Engine
}

// sentence is one sentence with what the normalisers found in it.
type sentence struct {
	Text       string
	Low        string // ASCII lower case: same byte offsets as Text
	Start, End int    // byte offsets in the composed text
	Toks       []token
	Countries  []mention
	rates      []rate
	money      []money
	ratesDone  bool
	moneyDone  bool
	dates      []dateMention
	datesDone  bool
	pub        time.Time
	Index      int
	// tariffs caches readTariffs, shared by the two tariff rules.
	tariffs     []tariffReading
	tariffsDone bool
	cues        []cueHit  // see cueHits
	prev        *sentence // the sentence before, or nil
	cuesDone    bool
	brk         []span // clause breaks; see breaks
	breaksDone  bool
}

// Rates returns the percentages of the sentence, computed on first use.
func (s *sentence) Rates() []rate {
	if !s.ratesDone {
		s.rates, s.ratesDone = findRates(s.Text), true
	}
	return s.rates
}

// Money returns the amounts of money of the sentence, computed on first use.
func (s *sentence) Money() []money {
	if !s.moneyDone {
		s.money, s.moneyDone = findMoney(s.Text), true
	}
	return s.money
}

// Dates returns the dates of the sentence, computed on first use.
func (s *sentence) Dates() []dateMention {
	if !s.datesDone {
		s.dates, s.datesDone = findDates(s.Text, s.pub), true
	}
	return s.dates
}

func (e *Engine) analyse(text string, pub time.Time) *doc {
	d := &doc{text: text, pub: pub, freq: map[string]int{}, eng: e}
	seenLow := map[string]bool{}
	for i, sp := range splitSentences(text) {
		s := &sentence{Text: text[sp.Start:sp.End], Start: sp.Start, End: sp.End, pub: pub, Index: i}
		s.Low = lowerASCII(s.Text)
		s.Toks = tokenizeLow(s.Text, s.Low)
		s.Countries = e.countries.find(s.Toks)
		// Repeated sentences (a headline echoed, a lede repeated below a
		// photo) count once for the country frequencies.
		if !seenLow[s.Low] {
			seenLow[s.Low] = true
			for k, m := range s.Countries {
				dup := false
				for _, o := range s.Countries[:k] {
					if o.Code == m.Code {
						dup = true
						break
					}
				}
				if !dup {
					d.freq[m.Code]++
				}
			}
		}
		if n := len(d.sents); n > 0 {
			s.prev = d.sents[n-1]
		}
		d.sents = append(d.sents, s)
	}
	return d
}

// partner returns the country most often named in the document other than
// the codes given, or "" when none is named at least twice.
func (d *doc) partner(not ...string) string {
	best, bestN := "", 1
	for c, n := range d.freq {
		skip := false
		for _, x := range not {
			if c == x {
				skip = true
			}
		}
		if skip {
			continue
		}
		if n > bestN || (n == bestN && best != "" && c < best) {
			best, bestN = c, n
		}
	}
	return best
}

// candidate is one event read from one mention.
type candidate struct {
	ev   schema.Event
	key  string
	rank float64 // confidence, used to pick the evidence of merged mentions
	// postponedVerb: a trip said postponed with a verb ("postponed his
	// visit"), not only a noun ("the postponement of"); see merge.
	postponedVerb bool
}

// merge keeps one event per identity: the most confident mention gives the
// evidence and fields; the others fill fields it left empty.
func merge(cands []candidate) []schema.Event {
	if len(cands) == 0 {
		return nil
	}
	byKey := map[string]int{}
	var out []schema.Event
	var conf []float64
	for _, c := range cands {
		i, ok := byKey[c.key]
		if !ok {
			byKey[c.key] = len(out)
			out = append(out, c.ev)
			conf = append(conf, c.rank)
			continue
		}
		if c.rank > conf[i] {
			old := out[i]
			out[i] = c.ev
			conf[i] = c.rank
			fillFrom(&out[i], &old)
		} else {
			fillFrom(&out[i], &c.ev)
		}
		// "cancels India visit" in the headline, then "postponed his visit"
		// in the text: a later postponement verb gives the detail (it will
		// happen later); a later "the postponement of his visit" only
		// refers back.
		if c.postponedVerb {
			out[i].Status = "postponed"
		}
		// Several mentions make an event surer.
		out[i].Confidence = math.Round(clamp01(out[i].Confidence+0.05)*100) / 100
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Evidence.Start < out[b].Evidence.Start })
	return out
}

// fillFrom copies into e the fields it lacks that o has.
func fillFrom(e, o *schema.Event) {
	f, g := &e.Fields, &o.Fields
	setS := func(a *string, b string) {
		if *a == "" {
			*a = b
		}
	}
	setS(&f.Traveler, g.Traveler)

	setS(&f.TravelerRole, g.TravelerRole)
	setS(&f.Status, g.Status)
	setS(&f.Reason, g.Reason)
	setS(&f.Products, g.Products)
	setS(&f.EffectiveDate, g.EffectiveDate)
	setS(&f.Instruments, g.Instruments)
	setS(&f.Name, g.Name)
	setS(&e.OccurredOn, o.OccurredOn)
	if f.PreviousRatePct == nil {
		f.PreviousRatePct = g.PreviousRatePct
	}
	if f.Amount == nil {
		f.Amount, f.Currency, f.Scale = g.Amount, g.Currency, g.Scale
	}
}

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// newEvent builds the event of a candidate from sentence s.
func newEvent(t schema.Type, f schema.Fields, s *sentence, rule string, conf float64) candidate {
	conf = math.Round(clamp01(conf)*100) / 100
	ev := schema.Event{
		Type:             t,
		Fields:           f,
		Evidence:         schema.Evidence{Sentence: s.Text, Start: s.Start, End: s.End},
		Confidence:       conf,
		Rule:             rule,
		ExtractorVersion: Version,
	}
	return candidate{ev: ev, key: schema.Key(t, f), rank: conf}
}

// sortedCodes returns the distinct codes, sorted.
func sortedCodes(codes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range codes {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// trimPhrase tidies a phrase copied from the text for a descriptive field.
func trimPhrase(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, ",;:—–-\"“”‘’()")
	return strings.TrimSpace(s)
}

// reversedBetter reports whether another event of the same type has the
// sides of evs[i] the other way round and is surer: one side cancels a
// trip, one side charges a given rate.
func reversedBetter(evs []schema.Event, i int, retaliation bool) bool {
	e := evs[i]
	for j, o := range evs {
		if j == i || o.Type != e.Type {
			continue
		}
		var rev bool
		switch e.Type {
		case schema.TripCancelled:
			rev = o.TravelerCountry == e.DestinationCountry && o.DestinationCountry == e.TravelerCountry
		case schema.TariffRateAgreed, schema.TariffImposed:
			// A rate on every country has one author.
			if e.TargetCountry == "*" && o.TargetCountry == "*" && o.ImposingCountry != e.ImposingCountry &&
				e.RatePct != nil && o.RatePct != nil && *e.RatePct == *o.RatePct {
				rev = true
				break
			}
			// In a tit-for-tat both sides may charge the same rate.
			rev = !retaliation && o.ImposingCountry == e.TargetCountry && o.TargetCountry == e.ImposingCountry &&
				e.RatePct != nil && o.RatePct != nil && *e.RatePct == *o.RatePct && *e.RatePct != 0
		}
		if rev && (o.Confidence > e.Confidence || (o.Confidence == e.Confidence && j < i)) {
			return true
		}
	}
	return false
}

// companyPledged reports whether evs[i] is a pledge by a country that the
// article also reports as made by a company (same recipient and amount):
// "German group Albrecht Werke pledged $2.3 billion" is the company's.
func companyPledged(evs []schema.Event, i int) bool {
	e := evs[i]
	if e.Type != schema.InvestmentPledged || !isCode(e.Investor) || e.AmountUSD == nil {
		return false
	}
	for j, o := range evs {
		if j == i || o.Type != schema.InvestmentPledged || isCode(o.Investor) || o.AmountUSD == nil || o.RecipientCountry != e.RecipientCountry {
			continue
		}
		a, b := *e.AmountUSD, *o.AmountUSD
		if a-b <= 0.02*max(a, b) && b-a <= 0.02*max(a, b) {
			return true
		}
	}
	return false
}

// isCode reports whether an investor is a country or bloc code.
func isCode(s string) bool { return s != "" && strings.ToUpper(s) == s && !strings.Contains(s, " ") }

func (d *doc) noteThreat(imp, tgt string, rate float64) {
	if d.threats == nil {
		d.threats = map[string][]float64{}
	}
	d.threats[imp+"|"+tgt] = append(d.threats[imp+"|"+tgt], rate)
}

// fillPrevious gives an agreed rate with no previous rate of its own the
// rate the article says was threatened or imposed on the same side before,
// when there is one higher rate to come down from.
func fillPrevious(d *doc, evs []schema.Event) {
	for i := range evs {
		e := &evs[i]
		if e.PreviousRatePct != nil || e.RatePct == nil || *e.RatePct == 0 {
			continue
		}
		// An imposed rate has an earlier one only when the text says it
		// rose: "now total 50%", "raised to", "hiked".
		if e.Type == schema.TariffImposed {
			if low := strings.ToLower(e.Evidence.Sentence); !roseRe.MatchString(low) && !containsAny(low, roseToWords...) {
				continue
			}
		}
		if e.Type != schema.TariffRateAgreed && e.Type != schema.TariffImposed {
			continue
		}
		var cands []float64
		cands = append(cands, d.threats[e.ImposingCountry+"|"+e.TargetCountry]...)
		for _, o := range evs {
			if o.Type == schema.TariffImposed && o.ImposingCountry == e.ImposingCountry && o.TargetCountry == e.TargetCountry && o.RatePct != nil {
				cands = append(cands, *o.RatePct)
			}
		}
		best := 0.0
		for _, c := range cands {
			switch {
			case e.Type == schema.TariffRateAgreed && c > *e.RatePct && (best == 0 || c < best):
				best = c // the agreed rate came down from the nearest higher one
			case e.Type == schema.TariffImposed && c < *e.RatePct && c > best:
				best = c // a raised rate went up from the nearest lower one
			}
		}
		if best > 0 {
			e.PreviousRatePct = schema.Float(best)
		}
	}
}

// retaliation reports whether the article tells of retaliation, where both
// sides may charge each other the same rate.
func (d *doc) retaliation() bool {
	if d.retaliates == 0 {
		d.retaliates = -1
		for _, s := range d.sents {
			if containsAny(s.Low, "retaliat", "countermeasure", "tit-for-tat", "in response to") {
				d.retaliates = 1
				break
			}
		}
	}
	return d.retaliates > 0
}

// fillTravelers names the traveller of a trip whose sentence names none,
// from another sentence of the article ("China's commerce minister Gao
// Hucheng").
func fillTravelers(d *doc, evs []schema.Event) {
	for i := range evs {
		e := &evs[i]
		if e.Type != schema.TripCancelled || e.Traveler != "" {
			continue
		}
		// "a visit by a US trade delegation": a group travels, led by its
		// negotiator maybe, not by the head of state named elsewhere.
		group := groupTravelRe.MatchString(strings.ToLower(e.Evidence.Sentence))
		for _, s := range d.sents {
			if name, role := personOf(d, s, e.TravelerCountry); name != "" {
				if group && headOfStateRe.MatchString(strings.ToLower(role+" "+name)) {
					break
				}
				e.Traveler = name
				if e.TravelerRole == "" {
					e.TravelerRole = role
				}
				break
			}
		}
	}
}

// roseRe marks a sentence telling that a rate rose to its level.
var roseRe = mustCue(`\b(total\w*|combined|raised|rais\w+ to|hik\w+|increas\w+|doubl\w+|lift\w* to|up from|extra|additional)\b`)

// roseToWords also tell that a rate rose ("will rise to 25%"); matched as
// plain text so that roseRe keeps a selective prefilter.
var roseToWords = []string{"rise to", "rises to", "rising to", "rose to", "go up to", "goes up to", "went up to", "climbed to", "climbs to", "jumped to", "jumps to"}

// otherGoodsInForceRe: a rate said to stay in force on the other goods
// ("the 10% tariff still applies to most other UK goods"): a tariff apart
// from the one a deal set at the same rate.
var otherGoodsInForceRe = mustCue(`\b(still|remains?|continues? to)\b[^.;]*\bother\b`)

// otherGoodsInForce reports whether an imposed event's own sentence keeps
// its rate in force on other goods, with no deal word.
func otherGoodsInForce(e schema.Event) bool {
	low := strings.ToLower(e.Evidence.Sentence)
	return otherGoodsInForceRe.MatchString(low) && !dealContextRe.MatchString(low)
}

// afterTariff reports whether the sentence before names a tariff (for "it
// falls to 15%", see anaphoricChangeRe).
func (s *sentence) afterTariff() bool {
	return s.prev != nil && containsAny(s.prev.Low, "tariff", "duty", "duties", "levy", "levies")
}

// groupTravelRe: a trip made by a group rather than by one official.
var groupTravelRe = mustCue(`\b(delegations?|teams?|negotiators|officials|round of (?:talks|negotiations))\b`)

// headOfStateRe: the roles (and best-known holders) that lead countries,
// not delegations.
var headOfStateRe = mustCue(`\b(president|prime minister|premier|chancellor|king|trump|biden|xi jinping)\b`)

// linkPrefixes open a line of page furniture that links to another
// article: its headline asserts nothing in this one.
var linkPrefixes = []string{"also read", "read more", "read also", "see also", "related:", "related stories", "related articles", "recommended:", "must read", "more from", "you may also like", "you might also like", "don't miss", "suggested reading"}

// linkLine reports whether a sentence is a link to another article.
func linkLine(low string) bool {
	low = strings.TrimLeft(low, " \t-•*|>")
	return hasPrefixAny(low, linkPrefixes)
}
