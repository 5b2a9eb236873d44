package events

import (
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
	rateWordRe = mustCue(`\b((?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:one )?hundred)[ -](percent\b|per cent\b|percentage points?\b)`)
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
	s = lowerASCII(s) // same offsets; the patterns are lower case
	words := strings.Contains(s, "percent") || strings.Contains(s, "per cent") || strings.Contains(s, "percentage")
	if !words && !strings.Contains(s, "%") && !strings.Contains(s, "pc") && !strings.Contains(s, "to zero") && !strings.Contains(s, "at zero") {
		return nil
	}
	var out []rate
	// Numbers: find each unit and read the number before it (a hand
	// scanner: the equivalent pattern rateNumRe is several times slower).
	for i := 0; i < len(s); i++ {
		var unitEnd int
		points := false
		switch {
		case s[i] == '%':
			unitEnd = i + 1
		case s[i] == 'p' && (i == 0 || !isLetterByte(s[i-1])):
			rest := s[i:]
			switch {
			case strings.HasPrefix(rest, "percentage point"):
				unitEnd, points = i+len("percentage point"), true
				if strings.HasPrefix(s[unitEnd:], "s") {
					unitEnd++
				}
			case strings.HasPrefix(rest, "percent"):
				unitEnd = i + len("percent")
			case strings.HasPrefix(rest, "per cent"):
				unitEnd = i + len("per cent")
			case strings.HasPrefix(rest, "pct"):
				unitEnd = i + len("pct")
			case strings.HasPrefix(rest, "pc") && i > 0 && isDigitByte(s[i-1]):
				unitEnd = i + len("pc") // "25pc", British style
			default:
				continue
			}
			if unitEnd < len(s) && isLetterByte(s[unitEnd]) {
				continue // "percentages", "pctx"
			}
		default:
			continue
		}
		// The number ends at i, or one space or hyphen before it.
		j := i
		if j > 0 && (s[j-1] == ' ' || (s[j-1] == '-' && s[i] == 'p')) {
			j--
		}
		k := j
		for k > 0 && (isDigitByte(s[k-1]) || s[k-1] == '.') {
			k--
		}
		for k < j && s[k] == '.' {
			k++
		}
		if k == j || (k > 0 && (s[k-1] == ',' || isLetterByte(s[k-1]) && !strings.HasSuffix(s[:k], "–") && !strings.HasSuffix(s[:k], "—"))) {
			continue // "a2%", "1,5%"; but "20–35%" is a range
		}
		v, err := strconv.ParseFloat(s[k:j], 64)
		if err != nil {
			continue
		}
		out = append(out, rate{Value: v, Off: k, End: unitEnd, Points: points})
	}
	if !words {
		goto sorted
	}
	for _, m := range windowMatches(rateWordRe.Regexp, s, percentWordPositions(s), 40, 24) {
		v, ok := wordNumber(s[m[2]:m[3]])
		if !ok {
			continue
		}
		out = append(out, rate{Value: v, Off: m[0], End: m[1], Points: strings.HasPrefix(strings.ToLower(s[m[4]:m[5]]), "percentage")})
	}
sorted:
	// "a 15-20% tariff", "between 10 and 15 per cent": the lower end of a
	// range, written without its unit, is a rate too. ("from 10 to 25
	// percent" is a change, read by the tariff rules.)
	for _, r := range out {
		if r.Points {
			continue
		}
		pre := strings.TrimRight(s[:r.Off], " ")
		if !strings.HasSuffix(pre, "-") && !strings.HasSuffix(pre, "–") && !strings.HasSuffix(pre, " and") {
			continue // cheap test before the pattern
		}
		if m := rangeLowRe.FindStringSubmatch(tail(s[:r.Off], 24)); m != nil {
			lo := m[1]
			if lo == "" {
				lo = m[2]
			}
			if v, err := strconv.ParseFloat(lo, 64); err == nil && v < r.Value {
				at := r.Off - len(m[0]) + strings.Index(m[0], lo)
				if !rateAt(out, at) {
					out = append(out, rate{Value: v, Off: at, End: at + len(lo)})
				}
			}
		}
	}
	// "cut its tariffs to zero", "sets them at zero": a rate of nought.
	for _, p := range []string{"to zero", "at zero"} {
		for i := 0; ; {
			j := strings.Index(s[i:], p)
			if j < 0 {
				break
			}
			at := i + j + 3
			if (i+j == 0 || !isLetterByte(s[i+j-1])) && (at+4 == len(s) || !isLetterByte(s[at+4])) {
				out = append(out, rate{Value: 0, Off: at, End: at + 4})
			}
			i = at + 4
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Off < out[j-1].Off; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// percentWordPositions returns where "percent" or "per cent" is written:
// the number-word pattern runs on a window before each.
func percentWordPositions(s string) []int { return indexAll(s, "percent", "per cent") }

// rangeLowRe is the lower end of a range before a rate: "15-" of
// "15-20%", "between 10 and " of "between 10 and 15 per cent".
var rangeLowRe = mustCue(`(?:\b(\d{1,3}(?:\.\d+)?)\s?[-–]\s?|\bbetween (\d{1,3}(?:\.\d+)?)%? and )$`)

// rateAt reports whether one of rs starts at offset off.
func rateAt(rs []rate, off int) bool {
	for _, r := range rs {
		if r.Off == off {
			return true
		}
	}
	return false
}
