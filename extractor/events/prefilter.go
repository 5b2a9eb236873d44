package events

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// cue is a regexp with a literal prefilter: the strings of which every
// match contains at least one, found by reading the pattern (see needles).
// Most sentences contain none of them, and strings.Contains is far cheaper
// than running the regexp (Go's regexp cannot skip ahead on a pattern that
// begins with \b and an alternation).
type cue struct {
	*regexp.Regexp
	need []string // nil: no prefilter
}

// mustCue compiles pattern, for package-level variables.
func mustCue(pattern string) *cue {
	return &cue{Regexp: regexp.MustCompile(pattern), need: needles(pattern)}
}

func (c *cue) mayMatch(s string) bool {
	if c.need == nil {
		return true
	}
	for _, n := range c.need {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// MatchString is regexp's, after the prefilter.
func (c *cue) MatchString(s string) bool { return c.mayMatch(s) && c.Regexp.MatchString(s) }

// FindString is regexp's, after the prefilter.
func (c *cue) FindString(s string) string {
	if !c.mayMatch(s) {
		return ""
	}
	return c.Regexp.FindString(s)
}

// FindStringIndex is regexp's, after the prefilter.
func (c *cue) FindStringIndex(s string) []int {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindStringIndex(s)
}

// FindStringSubmatch is regexp's, after the prefilter.
func (c *cue) FindStringSubmatch(s string) []string {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindStringSubmatch(s)
}

// FindStringSubmatchIndex is regexp's, after the prefilter.
func (c *cue) FindStringSubmatchIndex(s string) []int {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindStringSubmatchIndex(s)
}

// FindAllStringIndex is regexp's, after the prefilter.
func (c *cue) FindAllStringIndex(s string, n int) [][]int {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindAllStringIndex(s, n)
}

// FindAllStringSubmatchIndex is regexp's, after the prefilter.
func (c *cue) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindAllStringSubmatchIndex(s, n)
}

// FindAllString is regexp's, after the prefilter.
func (c *cue) FindAllString(s string, n int) []string {
	if !c.mayMatch(s) {
		return nil
	}
	return c.Regexp.FindAllString(s, n)
}

// needles returns strings of which every match of pattern contains at
// least one, or nil when the pattern has no such set (a match may be made
// of character classes only, or be empty).
func needles(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	set, ok := required(re.Simplify())
	if !ok {
		return nil
	}
	for _, s := range set {
		if len(s) < 2 { // one-byte needles filter nothing
			return nil
		}
	}
	return set
}

// required computes, for one node, a set of literals of which every match
// contains one. ok is false when there is none.
func required(re *syntax.Regexp) (set []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return required(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, ok := required(sub)
			if !ok {
				return nil, false
			}
			set = append(set, s...)
		}
		return set, true
	case syntax.OpConcat:
		// Adjacent literals join into longer needles; of the candidates,
		// keep the set whose shortest needle is longest.
		var best []string
		bestLen := 0
		consider := func(s []string) {
			if len(s) == 0 {
				return
			}
			m := len(s[0])
			for _, x := range s {
				m = min(m, len(x))
			}
			if m > bestLen {
				best, bestLen = s, m
			}
		}
		var lit strings.Builder
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 {
				lit.WriteString(string(sub.Rune))
				continue
			}
			if lit.Len() > 0 {
				consider([]string{lit.String()})
				lit.Reset()
			}
			if s, ok := required(sub); ok {
				consider(s)
			}
		}
		if lit.Len() > 0 {
			consider([]string{lit.String()})
		}
		return best, best != nil
	}
	return nil, false
}
