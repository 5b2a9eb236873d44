package events

import (
	"regexp"
	"strconv"
	"strings"
)

// rate is a percentage written in a sentence.
type rate struct {
	Value    float64
	Off, End int  // byte offsets in the sentence
	Points   bool // "percentage points": a change, not a rate
}

var (
	rateNumRe  = regexp.MustCompile(`(\d+(?:\.\d+)?)\s?(%|percent\b|per cent\b|pct\b|percentage points?\b)`)
	rateWordRe = regexp.MustCompile(`\b((?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:one )?hundred)[ -](percent\b|per cent\b|percentage points?\b)`)
)

var numberWords = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "one hundred": 100,
}

// wordNumber reads "fifteen", "twenty-five", "one hundred".
func wordNumber(w string) (float64, bool) {
	w = strings.ToLower(strings.ReplaceAll(w, "-", " "))
	if v, ok := numberWords[w]; ok {
		return v, true
	}
	if tens, units, ok := strings.Cut(w, " "); ok {
		a, ok1 := numberWords[tens]
		b, ok2 := numberWords[units]
		if ok1 && ok2 && a >= 20 && b < 10 {
			return a + b, true
		}
	}
	return 0, false
}

// findRates returns the percentages written in s, in order.
func findRates(s string) []rate {
	if !strings.Contains(s, "%") && !strings.Contains(s, "per") && !strings.Contains(s, "pct") {
		return nil
	}
	var out []rate
	s = lowerASCII(s) // same offsets; the patterns are lower case
	for _, m := range rateNumRe.FindAllStringSubmatchIndex(s, -1) {
		v, err := strconv.ParseFloat(s[m[2]:m[3]], 64)
		if err != nil {
			continue
		}
		// 1,200%: the digits before a comma belong to the number.
		if m[2] > 0 && (s[m[2]-1] == ',' || s[m[2]-1] == '.' || isDigitByte(s[m[2]-1])) {
			continue
		}
		out = append(out, rate{Value: v, Off: m[0], End: m[1], Points: strings.HasPrefix(strings.ToLower(s[m[4]:m[5]]), "percentage")})
	}
	if !strings.Contains(s, "per") {
		goto sorted
	}
	for _, m := range rateWordRe.FindAllStringSubmatchIndex(s, -1) {
		v, ok := wordNumber(s[m[2]:m[3]])
		if !ok {
			continue
		}
		out = append(out, rate{Value: v, Off: m[0], End: m[1], Points: strings.HasPrefix(strings.ToLower(s[m[4]:m[5]]), "percentage")})
	}
sorted:
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Off < out[j-1].Off; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
