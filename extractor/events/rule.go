package events

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// Rule is one pattern for one event type. Rules are data: a keyword
// prefilter, a trigger regexp and the factuality cues that cancel it; the
// type's Fill function turns a trigger match into events by reading the
// sentence's countries, rates, amounts and dates. Each event type keeps its
// rules in its own file (rules_<type>.go), in a function that allRules
// lists.
type Rule struct {
	// Name is "<type>/<pattern>": it is carried by every event as rule.
	Name string
	Type schema.Type
	// Keywords: the lower-cased sentence must contain at least one, and
	// every trigger match contains one (see matches).
	Keywords []string
	// Window: how far around a keyword a trigger match may reach, when
	// more than triggerWindow bytes.
	Window int
	// Also: when set, the sentence must also contain one of these.
	Also []string
	// Trigger is matched against the lower-cased sentence; each match is
	// one anchor for Fill.
	Trigger *regexp.Regexp
	// TriggerWords, when set, are the one-word triggers: any token among
	// them is an anchor (faster than Trigger, which then documents them).
	TriggerWords []string
	words        map[string]bool
	mask         uint64 // bits of Keywords in Engine.keywords
	// Blockers are the factuality cue classes that cancel an anchor when
	// they appear in its clause before it (or anywhere, for conditions and
	// questions). Nil means all of them.
	Blockers []cueClass
	// Confidence is the confidence of an event whose fields were all read
	// from the sentence; Fill lowers it when it had to guess.
	Confidence float64
	// Once: only the first trigger match of a sentence is an anchor (for
	// rules whose Fill reads the whole sentence).
	Once bool
	// Fill returns the events of one anchor (the trigger match m, as
	// indexes into s.Low).
	Fill func(d *doc, s *sentence, r *Rule, m []int) []candidate
}

// allRules returns the rules of every event type: adding a type is adding
// its rules_<type>.go file and one line here.
func allRules() []Rule {
	out := slices.Concat(
		investmentPledgedRules(),
		tariffImposedRules(),
		tariffRateAgreedRules(),
		tradeDealReachedRules(),
		tripCancelledRules(),
	)
	for i := range out {
		if len(out[i].TriggerWords) > 0 {
			out[i].words = map[string]bool{}
			for _, w := range out[i].TriggerWords {
				out[i].words[w] = true
			}
		}
	}
	return out
}

func checkRules(rs []Rule) error {
	seen := map[string]bool{}
	for _, r := range rs {
		switch {
		case r.Name == "" || seen[r.Name]:
			return fmt.Errorf("rule %q: name empty or used twice", r.Name)
		case r.Type == "":
			return fmt.Errorf("rule %q: no event type", r.Name)
		case r.Trigger == nil || r.Fill == nil:
			return fmt.Errorf("rule %q: trigger and fill are required", r.Name)
		case r.Confidence <= 0 || r.Confidence > 1:
			return fmt.Errorf("rule %q: confidence %v not in (0,1]", r.Name, r.Confidence)
		}
		seen[r.Name] = true
	}
	return nil
}

// prefilterAlso checks the Also keywords (Keywords are checked by mask).
func (r *Rule) prefilterAlso(low string) bool {
	return len(r.Also) == 0 || containsAny(low, r.Also...)
}

// triggerWindow is how far around a keyword the trigger is looked for.
// Every trigger match contains one of the rule's keywords, so the trigger
// runs on these windows only: a regexp scan of short strings is much
// cheaper than one of the whole sentence.
const triggerWindow = 24

// matches returns the trigger matches of the sentence, in order.
func (r *Rule) matches(low string) [][]int {
	if len(r.Keywords) == 0 {
		return r.Trigger.FindAllStringSubmatchIndex(low, -1)
	}
	var pos []int
	for _, k := range r.Keywords {
		k = strings.TrimLeft(k, " ")
		for i := 0; ; {
			j := strings.Index(low[i:], k)
			if j < 0 {
				break
			}
			// Keywords begin words (see keywordMask).
			if at := i + j; at == 0 || !isLetterByte(low[at-1]) {
				pos = append(pos, at)
			}
			i += j + len(k)
		}
	}
	w := triggerWindow
	if r.Window > 0 {
		w = r.Window
	}
	ms := windowMatches(r.Trigger, low, pos, w, w)
	sort.Slice(ms, func(a, b int) bool { return ms[a][0] < ms[b][0] })
	return ms
}

func (r *Rule) apply(d *doc, s *sentence) []candidate {
	var out []candidate
	var ms [][]int
	if r.words != nil {
		for _, t := range s.Toks {
			if r.words[t.Low] {
				ms = append(ms, []int{t.Off, t.End, t.Off, t.End})
				if r.Once {
					break
				}
			}
		}
	} else {
		ms = r.matches(s.Low)
	}
	if r.Once && len(ms) > 1 {
		ms = ms[:1]
	}
	for _, m := range ms {
		if cue := blocked(s, m[0], m[1], r.Blockers); cue != "" {
			continue
		}
		out = append(out, r.Fill(d, s, r, m)...)
		if r.Once {
			break
		}
	}
	return out
}

// cueClass is a kind of non-factual statement.
type cueClass uint8

const (
	cueCondition cueClass = iota + 1 // if, unless
	cueQuestion                      // a sentence ending in "?"
	cueThreat                        // threatened, warned
	cueRequest                       // urged, demanded, asked, called for
	cueModal                         // could, may, might, considering, expected to
	cueNegation                      // not, never, no
	cueDenial                        // denied, rejected: reach over "that" clauses
)

// cues are matched on word boundaries in the lower-cased clause before the
// anchor. They are data: widen them here, not in the rules.
var cues = map[cueClass][]string{
	cueDenial:    {"denied", "denies", "deny", "denying", "rejected", "rejects", "dismissed", "dismisses", "refuted", "false"},
	cueCondition: {"if", "unless", "once a", "once an", "failure to", "failing to", "absent a", "once the", "once it", "once they", "had believed", "had thought", "had expected", "had hoped", "provided that", "in the event", "as long as", "in case", "should talks", "should negotiations", "should the talks", "should no", "should they", "should it"},
	cueThreat:    {"threat", "threaten", "threatened", "threatening", "threatens", "warned", "warns", "warning", "vowed to retaliate", "ultimatum"},
	cueRequest:   {"urge", "urged", "urges", "urging", "demand", "demanded", "demands", "demanding", "called on", "calls on", "call on", "called for", "calls for", "call for", "asked", "asks", "asking", "ask", "pressed", "pressing", "press", "pushed for", "pushing for", "push for", "wants", "want", "wanted", "seek", "seeks", "seeking", "sought", "request", "requested", "insisted", "insists", "negotiating to", "lobbying", "in a bid", "bid to", "seeking to", "trying to", "efforts to", "effort to"},
	cueModal:     {"could", "can", "may", "might", "expect", "expects", "expecting", "anticipate", "anticipates", "considering", "considers", "consider", "weighing", "mulling", "expected to", "likely to", "likely", "unlikely", "possible", "possibly", "potential", "hope", "hopes", "hoping", "hoped", "aim", "aims", "aiming", "would like", "prepared to", "ready to", "forecast", "predicted", "predicts", "speculation", "rumored", "rumoured", "should", "would mean", "preparing to", "prepares to", "prepared to", "poised to", "believed", "believe", "believes", "had hoped", "thought", "preparing", "prepares", "floated", "floats", "floating", "recommending", "recommended", "recommends", "mulled", "eyeing"},
	cueNegation:  {"not", "n't", "never", "no", "refused", "without", "nor", "neither", "failed to", "yet to", "instead of", "rather than", "nothing"},
}

// allCues is the default set of blockers.
var allCues = []cueClass{cueCondition, cueQuestion, cueThreat, cueRequest, cueModal, cueNegation, cueDenial}

// clauseBreaks end the clause an anchor belongs to, looking backwards.
var clauseBreaks = []string{";", " following ", ", despite ", " but ", " while ", " whereas ", " although ", " though ", " — ", " – ", " after ", " before ", " since ", ", as ", " when ", " which ", " who ", " that ", ", and ", " said ", " says ", "said ", ": "}

// clauseStart returns the start of the clause that contains offset i.
func clauseStart(low string, i int) int {
	start := 0
	for _, b := range clauseBreaks {
		if j := strings.LastIndex(low[:i], b); j >= 0 && j+len(b) > start {
			start = j + len(b)
		}
	}
	return start
}

// blocked returns the cue that makes the anchor [a,b) non-factual, or "".
func blocked(s *sentence, a, b int, classes []cueClass) string {
	return blockedAfter(s, a, b, classes, -1)
}

// blockedAfter is blocked with the clause cues read after offset from only.
func blockedAfter(s *sentence, a, b int, classes []cueClass, from int) string {
	if classes == nil {
		classes = allCues
	}
	if len(classes) == 0 {
		return ""
	}
	low := s.Low
	hits := s.cueHits()
	if len(hits) == 0 && !strings.Contains(low, "?") {
		return ""
	}
	cs := max(s.clauseStart(a), from)
	for _, c := range classes {
		if c == cueQuestion {
			if strings.HasSuffix(strings.TrimRight(low, " \"”’'"), "?") {
				return "?"
			}
			continue
		}
		for _, h := range hits {
			if h.class != c {
				continue
			}
			// Cues inside the anchor are part of it ("no longer travel").
			if c == cueCondition || (h.off >= cs && h.off+len(h.word) <= b && (h.off < a || h.off >= b)) || (c == cueDenial && h.off < a) {
				return h.word
			}
			// "demanded that Chile cut", "warned that it would impose":
			// a request, threat or expectation reaches over its "that".
			if (c == cueRequest || c == cueThreat || c == cueModal) && h.off < cs && thatComplement(low, h.off+len(h.word), cs) {
				return h.word
			}
		}
	}
	return ""
}

// cueHit is one factuality cue found in a sentence.
type cueHit struct {
	class cueClass
	word  string
	off   int
}

// cueHits finds the cues of the sentence once, by tokens: a cue of several
// words matches consecutive tokens ("called for"), "n't" the token "t"
// after an apostrophe.
func (s *sentence) cueHits() []cueHit {
	if s.cuesDone {
		return s.cues
	}
	s.cuesDone = true
	toks := s.Toks
	for i, t := range toks {
		if t.Low == "t" && i > 0 && (toks[i-1].Text == "'" || toks[i-1].Text == "’") && toks[i-1].Off == t.Off-len(toks[i-1].Text) {
			s.cues = append(s.cues, cueHit{class: cueNegation, word: "n't", off: toks[i-1].Off - 1})
			continue
		}
		for _, e := range cueIndex[t.Low] {
			if i+len(e.rest) >= len(toks) && len(e.rest) > 0 {
				continue
			}
			ok := true
			for k, w := range e.rest {
				if toks[i+1+k].Low != w {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			// "May" written with a capital inside a sentence is the month.
			if e.word == "may" && i > 0 && t.Text == "May" {
				continue
			}
			// "Japan's No. 1 negotiator": a rank, not a negation.
			if e.word == "no" && t.Capit && numberAfter(toks, i) {
				continue
			}
			// "carried out its earlier threat to slap 10% tariffs": done.
			if e.class == cueThreat && carriedOut(toks, i) {
				continue
			}

			s.cues = append(s.cues, cueHit{class: e.class, word: e.word, off: t.Off})
		}
	}
	return s.cues
}

// cueEntry is one cue in cueIndex.
type cueEntry struct {
	class cueClass
	word  string   // the cue as listed
	rest  []string // its tokens after the first
}

// cueIndex maps the first token of every cue to the cues it starts.
var cueIndex = buildCueIndex()

func buildCueIndex() map[string][]cueEntry {
	idx := map[string][]cueEntry{}
	for _, c := range []cueClass{cueCondition, cueThreat, cueRequest, cueModal, cueNegation, cueDenial} {
		for _, w := range cues[c] {
			if w == "n't" {
				continue
			}
			var ts []string
			for _, t := range tokenize(w) {
				ts = append(ts, t.Low)
			}
			idx[ts[0]] = append(idx[ts[0]], cueEntry{class: c, word: w, rest: ts[1:]})
		}
	}
	return idx
}

// hasWord reports whether w occurs in s on word boundaries.
func hasWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isWordByte(s[j-1]) || !isWordByte(w[0])) && (end == len(s) || !isWordByte(s[end]) || !isWordByte(w[len(w)-1])) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

// tokAt returns the index of the token that contains byte offset off, or
// the first token after it.
func (s *sentence) tokAt(off int) int {
	for i, t := range s.Toks {
		if t.End > off {
			return i
		}
	}
	return len(s.Toks)
}

// lowTok returns the lower-cased text of token i, or "".
func (s *sentence) lowTok(i int) string {
	if i < 0 || i >= len(s.Toks) {
		return ""
	}
	return s.Toks[i].Low
}

// countryAt returns the mention that covers token i, or nil.
func (s *sentence) countryAt(i int) *mention {
	for k := range s.Countries {
		if s.Countries[k].Tok <= i && i < s.Countries[k].End {
			return &s.Countries[k]
		}
	}
	return nil
}

// codesIn returns the codes of the mentions whose tokens fall in [a,b).
func (s *sentence) codesIn(a, b int) []string {
	var out []string
	for _, m := range s.Countries {
		if m.Tok >= a && m.End <= b {
			out = append(out, m.Code)
		}
	}
	return out
}

// occurred returns the date nearest to the anchor at byte offset a, as the
// event's occurred_on, or "".
func occurred(s *sentence, a int) string {
	best, bestDist := "", 1<<30
	for _, dm := range s.Dates() {
		// "from July 1", "starting Aug. 1": when it takes effect, not when
		// it happened.
		if fromDateRe.MatchString(tail(s.Low[:dm.Off], 16)) {
			continue
		}
		dist := dm.Off - a
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist {
			best, bestDist = ymd(dm.Date), dist
		}
	}
	return best
}

// clauseEnd returns the end of the clause that contains offset i.
func clauseEnd(low string, i int) int {
	end := len(low)
	for _, b := range clauseBreaks {
		if j := strings.Index(low[i:], b); j >= 0 && i+j < end {
			end = i + j
		}
	}
	return end
}

// blockedWithin is blocked with the clause cues read from offset a only: for
// an anchor that asserts by itself ("an agreement reached in July" after
// "he would ask ... to reflect").
func blockedWithin(s *sentence, a, b int) string {
	if strings.HasSuffix(strings.TrimRight(s.Low, " \"”’'"), "?") {
		return "?"
	}
	for _, h := range s.cueHits() {
		if h.off >= a && h.off+len(h.word) <= b {
			return h.word
		}
	}
	return ""
}

// cueClassOf returns the class of a cue word, or 0.
func cueClassOf(w string) cueClass {
	for c, ws := range cues {
		for _, x := range ws {
			if x == w {
				return c
			}
		}
	}
	return 0
}

// carriedOut reports whether the threat at token i was carried out ("made
// good on its threat", "carried out the earlier threat").
func carriedOut(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		switch toks[k].Low {
		case "carried", "made", "followed", "delivered", "acted", "executed", "implemented":
			return true
		}
	}
	return false
}

// clauseStart is clauseStart for the sentence, from the clause breaks found
// once (see breaks).
func (s *sentence) clauseStart(i int) int {
	start := 0
	for _, b := range s.breaks() {
		if b.End <= i && b.End > start {
			start = b.End
		}
	}
	return start
}

// clauseEnd is clauseEnd for the sentence.
func (s *sentence) clauseEnd(i int) int {
	end := len(s.Low)
	for _, b := range s.breaks() {
		if b.Start >= i && b.Start < end {
			end = b.Start
		}
	}
	return end
}

// breaks returns the spans of the clause breaks of the sentence.
func (s *sentence) breaks() []span {
	if s.breaksDone {
		return s.brk
	}
	s.breaksDone = true
	for _, b := range clauseBreaks {
		for i := 0; ; {
			j := strings.Index(s.Low[i:], b)
			if j < 0 {
				break
			}
			s.brk = append(s.brk, span{i + j, i + j + len(b)})
			i += j + 1
		}
	}
	return s.brk
}

// fromDateRe precedes a date from which something applies.
var fromDateRe = regexp.MustCompile(`\b(from|starting|beginning|effective|as of|until|by)\s+(?:on\s+)?$`)

// thatComplement reports whether the clause starting at cs is the "that"
// complement of the word ending at end: "demanded that | Chile cut".
func thatComplement(low string, end, cs int) bool {
	if cs < end || cs-end > 12 {
		return false
	}
	between := strings.TrimSpace(low[end:cs])
	return between == "that"
}

// numberAfter reports whether a number follows token i, maybe after a
// period ("No. 1", "No 2").
func numberAfter(toks []token, i int) bool {
	j := i + 1
	if j < len(toks) && toks[j].Text == "." {
		j++
	}
	return j < len(toks) && toks[j].Number
}
