package events

import (
	"regexp"
	"strconv"
	"strings"
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
	"SAR": 0.2667, "AED": 0.2723, "HKD": 0.128, "SGD": 0.78, "NOK": 0.099, "SEK": 0.105,
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
	moneySymbolRe = regexp.MustCompile(`(up to |as much as |at least )?(us\$|\$us ?|u\.s\.\s?\$|usd ?|a\$|au\$|c\$|ca\$|s\$|hk\$|\$|€|£|¥|₩|₹|chf ?|eur ?|gbp ?|jpy ?|sfr\.? ?|rs\.? ?|rmb ?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?: ?(trillion|billion|million|tn|trn|bn|mn|mln|m|b)\b)?`)
	moneyWordRe   = regexp.MustCompile(`(up to |as much as |at least )?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?) ?(trillion|billion|million|tn|bn|mn)\s+(?:(?:us|u\.s\.|american|swiss|canadian|australian|hong kong|singapore|saudi) )?(dollars|dollar|euros|euro|pounds sterling|pounds|sterling|yen|won|yuan|renminbi|rupees|francs|riyals|dirhams|reais|pesos)`)
)

var symbolCurrency = map[string]string{
	"us$": "USD", "$us": "USD", "u.s.$": "USD", "u.s. $": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
	"s$": "SGD", "hk$": "HKD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR",
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
}

var scaleValue = map[string]float64{"trillion": 1e12, "billion": 1e9, "million": 1e6, "": 1}

// hasMoneyCue is a cheap test run before the money regexps.
func hasMoneyCue(s string) bool {
	return strings.ContainsAny(s, "$€£¥₩₹") || containsAny(lowerASCII(s), "dollar", "euro", "pound", "yen", " won", "yuan", "franc", "chf", "rupee", "riyal", "dirham", "sterling")
}

// findMoney returns the amounts of money written in s, in order.
func findMoney(s string) []money {
	if !hasMoneyCue(s) {
		return nil
	}
	var out []money
	s = lowerASCII(s) // same offsets; the patterns are lower case
	for _, m := range moneySymbolRe.FindAllStringSubmatchIndex(s, -1) {
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
	for _, m := range moneyWordRe.FindAllStringSubmatchIndex(s, -1) {
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

// inUSD returns the dollar figure for ms[i]: the text's own conversion when
// one is written beside it in brackets ("¥80 trillion ($550 billion)", or
// "$550 billion (about ¥80 trillion)"), else the static rate.
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
			c := ms[j]
			c.Value, c.Scale, c.Currency = m.Value, m.Scale, m.Currency
			return c
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
