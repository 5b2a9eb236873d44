package events

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FXDate is the date of the static exchange rates used to turn amounts in
// other currencies into US dollars when the text gives no conversion of its
// own. The rates are rounded market rates of that day; an event's identity
// tolerates 2%, and texts usually state their own dollar figure.
const FXDate = "2025-09-01"

// usdPer is the value of one unit of each currency in US dollars on FXDate.
var usdPer = map[string]float64{
	"USD": 1, "EUR": 1.17, "GBP": 1.35, "JPY": 0.0068, "CHF": 1.25, "KRW": 0.00072,
	"CNY": 0.14, "INR": 0.0114, "CAD": 0.725, "AUD": 0.655, "BRL": 0.184, "MXN": 0.0535,
	"SAR": 0.2667, "AED": 0.2723, "HKD": 0.128, "SGD": 0.78, "NOK": 0.099, "SEK": 0.105, "NZD": 0.59,
}

// money is an amount of money written in a sentence.
type money struct {
	Value    float64 // as written: 550
	Scale    string  // "billion", "trillion", "million", "" (units)
	Currency string  // ISO 4217
	USD      float64 // Value * scale converted to US dollars
	UpTo     bool    // "up to $550 billion"
	Off, End int     // byte offsets in the sentence
}

var (
	moneySymbolRe = mustCue(`(up to |as much as |at least )?(us\$|\$us ?|u\.s\.\s?\$|usd ?|a\$|au\$|c\$|ca\$|s\$|hk\$|nz\$|r\$|mx\$|\$|€|£|¥|₩|₹|chf ?|eur ?|gbp ?|jpy ?|sfr\.? ?|rs\.? ?|rmb ?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:[ -]?(lakh crore|trillion|billion|million|crore|tn|trn|bn|mn|mln|m|b)\b)?`)
	moneyWordRe   = mustCue(`(up to |as much as |at least )?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[ -]?(lakh crore|trillion|billion|million|crore|tn|bn|mn)\s+(?:(?:us|u\.s\.|american|swiss|canadian|australian|hong kong|singapore|saudi) )?(dollars|dollar|euros|euro|pounds sterling|pounds|sterling|yen|won|yuan|renminbi|rupees|francs|riyals|dirhams|reais|pesos)`)
)

var symbolCurrency = map[string]string{
	"us$": "USD", "$us": "USD", "u.s.$": "USD", "u.s. $": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
	"s$": "SGD", "hk$": "HKD", "nz$": "NZD", "r$": "BRL", "mx$": "MXN", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR",
	"chf": "CHF", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "sfr": "CHF", "sfr.": "CHF", "rs": "INR", "rs.": "INR", "rmb": "CNY",
}

var wordCurrency = map[string]string{
	"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP",
	"yen": "JPY", "won": "KRW", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "francs": "CHF", "riyals": "SAR",
	"dirhams": "AED", "reais": "BRL", "pesos": "MXN",
}

var scaleWords = map[string]string{
	"trillion": "trillion", "tn": "trillion", "trn": "trillion", "billion": "billion", "bn": "billion", "b": "billion",
	"million": "million", "mn": "million", "mln": "million", "m": "million",
	"crore": "crore", "lakh crore": "lakh crore", // Indian: 10 million, and a lakh (100,000) of crores
}

var scaleValue = map[string]float64{"trillion": 1e12, "billion": 1e9, "million": 1e6, "lakh crore": 1e12, "crore": 1e7, "": 1}

// hasMoneyCue is a cheap test run before the money regexps.
func hasMoneyCue(s string) bool {
	return hasSymbolCue(s) || hasWordCue(s)
}

func hasSymbolCue(s string) bool {
	if strings.ContainsAny(s, "$€£¥₩₹") {
		return true
	}
	for _, code := range []string{"chf", "eur", "gbp", "jpy", "usd", "rs", "rmb", "sfr"} {
		for i := 0; ; {
			j := strings.Index(s[i:], code)
			if j < 0 {
				break
			}
			k := i + j + len(code)
			for k < len(s) && (s[k] == ' ' || s[k] == '.') {
				k++
			}
			if k < len(s) && isDigitByte(s[k]) {
				return true
			}
			i = i + j + 1
		}
	}
	return false
}

func hasWordCue(s string) bool {
	return containsAny(s, "dollar", "euros", "euro ", "pound", "yen", " won", "yuan", "franc", "rupee", "riyal", "dirham", "sterling", "renminbi", "reais", "pesos")
}

// findMoney returns the amounts of money written in s, in order.
func findMoney(s string) []money {
	s = lowerASCII(s) // same offsets; the patterns are lower case
	if strings.IndexAny(s, "0123456789") < 0 {
		return nil
	}
	var out []money
	words := hasWordCue(s)
	for _, m := range windowMatches(moneySymbolRe.Regexp, s, symbolPositions(s), 14, 40) {
		sym := strings.ToLower(strings.TrimSpace(s[m[4]:m[5]]))
		cur := symbolCurrency[sym]
		if cur == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(s[m[6]:m[7]], ",", ""), 64)
		if err != nil {
			continue
		}
		scale := ""
		if m[8] >= 0 {
			scale = scaleWords[strings.ToLower(s[m[8]:m[9]])]
		}
		out = append(out, newMoney(v, scale, cur, m[2] >= 0, m[0], m[1]))
	}
	if !words {
		goto done
	}
	for _, m := range windowMatches(moneyWordRe.Regexp, s, scalePositions(s), 40, 40) {
		cur := wordCurrency[strings.ToLower(s[m[8]:m[9]])]
		if cur == "" {
			continue
		}
		if cur == "USD" && m[8] > 0 && strings.Contains(strings.ToLower(s[m[6]:m[8]]), "hong kong") {
			cur = "HKD"
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(s[m[4]:m[5]], ",", ""), 64)
		if err != nil {
			continue
		}
		out = append(out, newMoney(v, scaleWords[strings.ToLower(s[m[6]:m[7]])], cur, m[2] >= 0, m[0], m[1]))
	}
done:
	if len(out) > 1 {
		sortMoney(out)
	}
	return out
}

func newMoney(v float64, scale, cur string, upTo bool, off, end int) money {
	return money{Value: v, Scale: scale, Currency: cur, USD: v * scaleValue[scale] * usdPer[cur], UpTo: upTo, Off: off, End: end}
}

func sortMoney(ms []money) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Off < ms[j-1].Off; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// inUSD returns the amount to report for ms[i]: the text's own dollar
// figure when one is written beside it in brackets ("¥80 trillion ($550
// billion)", "$550 billion (about ¥80 trillion)"), else ms[i] converted at
// the static rate.
func inUSD(s string, ms []money, i int) money {
	m := ms[i]
	if m.Currency == "USD" {
		return m
	}
	for _, j := range []int{i + 1, i - 1} {
		if j < 0 || j >= len(ms) || ms[j].Currency != "USD" {
			continue
		}
		a, b := m.End, ms[j].Off
		if j < i {
			a, b = ms[j].End, m.Off
		}
		if b-a <= 16 && b >= a && strings.ContainsAny(s[a:b], "(,–—-") {
			return ms[j] // the text's own dollar figure, as written
		}
	}
	return m
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// symbolPositions returns where a currency symbol or code is written: the
// money patterns only run on a window around each (a whole-sentence scan
// with these patterns costs more than the rest of the engine).
func symbolPositions(s string) []int {
	var out []int
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '$', '€', '£', '¥', '₩', '₹':
			out = append(out, i)
		case 'c', 'e', 'g', 'j', 'u', 'r', 's':
			if i > 0 && isLetterByte(s[i-1]) {
				break
			}
			for _, code := range []string{"chf", "eur", "gbp", "jpy", "usd", "rs", "rmb", "sfr"} {
				if strings.HasPrefix(s[i:], code) {
					out = append(out, i)
					break
				}
			}
		}
		i += size
	}
	return out
}

// scalePositions returns where a scale word is written (billion, bn...).
func scalePositions(s string) []int {
	return indexAll(s, "trillion", "billion", "million", "bn", "tn", "mn", "crore")
}

// indexAll returns every index at which one of words starts in s
// (non-overlapping occurrences of each word), for windowMatches.
func indexAll(s string, words ...string) []int {
	var out []int
	for _, w := range words {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			out = append(out, i+j)
			i += j + len(w)
		}
	}
	return out
}

// windowMatches runs re on the window [p-before, p+after] around each
// position and returns the distinct matches, as offsets into s.
func windowMatches(re *regexp.Regexp, s string, pos []int, before, after int) [][]int {
	if len(pos) == 0 {
		return nil
	}
	sort.Ints(pos)
	var out [][]int
	seen := map[int]bool{}
	for i := 0; i < len(pos); {
		// Merge the windows that overlap.
		a, b := max(0, pos[i]-before), min(len(s), pos[i]+after)
		i++
		for i < len(pos) && pos[i]-before <= b {
			b = min(len(s), pos[i]+after)
			i++
		}
		for _, m := range re.FindAllStringSubmatchIndex(s[a:b], -1) {
			if seen[a+m[0]] || (m[1] == b-a && b < len(s)) {
				continue // seen, or cut by the window
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += a
				}
			}
			seen[m[0]] = true
			out = append(out, m)
		}
	}
	return out
}
