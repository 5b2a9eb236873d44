package events

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a half-open byte range [Start, End) of the composed text.
type span struct{ Start, End int }

// abbreviations end with a period that does not end a sentence. Compared
// lower-case, without the final period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"gov": true, "sen": true, "rep": true, "gen": true, "lt": true, "col": true, "sgt": true, "capt": true,
	"pres": true, "amb": true, "hon": true, "rev": true, "messrs": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"no": true, "nos": true, "vs": true, "etc": true, "approx": true, "est": true, "fig": true, "vol": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "bros": true, "dept": true, "univ": true,
	"u.s": true, "u.k": true, "e.u": true, "u.n": true, "d.c": true, "s": true, "n": true, "p.m": true, "a.m": true,
}

// sentenceStarters are words that, after "U.S." and the like, show that the
// period also ended the sentence.
var sentenceStarters = map[string]bool{
	"the": true, "it": true, "he": true, "she": true, "they": true, "this": true, "that": true, "these": true,
	"in": true, "but": true, "and": true, "a": true, "an": true, "we": true, "i": true, "its": true, "there": true,
	"his": true, "her": true, "their": true, "on": true, "under": true, "while": true, "however": true,
}

// splitSentences splits text into sentences. Line breaks always end a
// sentence (headlines, date lines and list items stand alone); within a
// line, ". ", "! " and "? " end one unless the word before the period is an
// abbreviation or an initial.
func splitSentences(text string) []span {
	var out []span
	add := func(a, b int) {
		for a < b && isSpaceByte(text[a]) {
			a++
		}
		for b > a && isSpaceByte(text[b-1]) {
			b--
		}
		if b > a {
			out = append(out, span{a, b})
		}
	}
	lineStart := 0
	for lineStart <= len(text) {
		nl := strings.IndexByte(text[lineStart:], '\n')
		lineEnd := len(text)
		if nl >= 0 {
			lineEnd = lineStart + nl
		}
		splitLine(text, lineStart, lineEnd, add)
		if nl < 0 {
			break
		}
		lineStart = lineEnd + 1
	}
	return out
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

func splitLine(text string, a, b int, add func(int, int)) {
	start := a
	for i := a; i < b; i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		// Closing quotes and brackets after the mark belong to the sentence.
		j := i + 1
		for j < b {
			if text[j] == '"' || text[j] == '\'' || text[j] == ')' {
				j++
				continue
			}
			if r, sz := utf8.DecodeRuneInString(text[j:b]); r == '”' || r == '’' || r == '»' {
				j += sz
				continue
			}
			break
		}
		if j < b && !isSpaceByte(text[j]) {
			continue // "3.5", "U.S.-Japan", "example.com"
		}
		k := j
		for k < b && isSpaceByte(text[k]) {
			k++
		}
		if k >= b {
			continue // end of line: the line split handles it
		}
		next, _ := utf8.DecodeRuneInString(text[k:b])
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || next == '"' || next == '“' || next == '‘' || next == '(' || next == '[') {
			continue
		}
		if c == '.' && j == i+1 {
			w := wordBefore(text, a, i)
			lw := strings.ToLower(w)
			if abbreviations[lw] || (len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z') {
				// "U.S. The ..." still ends a sentence.
				if !(strings.Contains(lw, ".") && sentenceStarters[strings.ToLower(wordAt(text, k, b))]) {
					continue
				}
			}
		}
		add(start, j)
		start = k
		i = k - 1
	}
	add(start, b)
}

// wordBefore returns the word that ends at text[i] (exclusive), with inner
// periods kept ("U.S" for "U.S.").
func wordBefore(text string, lo, i int) string {
	j := i
	for j > lo {
		r, sz := utf8.DecodeLastRuneInString(text[lo:j])
		if unicode.IsLetter(r) || r == '.' {
			j -= sz
			continue
		}
		break
	}
	return strings.TrimLeft(text[j:i], ".")
}

func wordAt(text string, i, hi int) string {
	j := i
	for j < hi {
		r, sz := utf8.DecodeRuneInString(text[j:hi])
		if !unicode.IsLetter(r) {
			break
		}
		j += sz
	}
	return text[i:j]
}

// token is one word of a sentence. Off and End are byte offsets within the
// sentence text.
type token struct {
	Text   string // as written, possessive removed ("Japan" for "Japan's")
	Low    string // lower case, periods removed ("us" for "U.S.")
	Off    int
	End    int
	Poss   bool // followed by 's or ’s
	Upper  bool // all letters upper case
	Capit  bool // starts with an upper-case letter
	Punct  bool // a punctuation token (",", ";", ":", "-", "(", quotes)
	Number bool
}

// tokenize splits s into words and punctuation marks. Words keep inner
// periods of abbreviations (U.S.), hyphens split words ("U.S.-Japan" gives
// "U.S.", "-", "Japan").
func tokenize(s string) []token { return tokenizeLow(s, "") }

// tokenizeLow is tokenize with lowerASCII(s) given (or ""), so that the
// lower-case forms of ASCII words are slices of it, not new strings.
func tokenizeLow(s, lowS string) []token {
	toks := make([]token, 0, len(s)/5)
	i := 0
	for i < len(s) {
		if s[i] == ' ' {
			i++
			continue
		}
		r, sz := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			start := i
			j := i
			for j < len(s) {
				if c := s[j]; (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
					j++
					continue
				}
				r2, sz2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += sz2
					continue
				}
				// inner period: U.S., 3.5, a.m.
				if r2 == '.' && j+1 < len(s) {
					r3, _ := utf8.DecodeRuneInString(s[j+1:])
					prevLetters := j - start
					if (unicode.IsDigit(r3) && isDigitByte(s[j-1])) || (unicode.IsLetter(r3) && prevLetters <= 2 && (j+2 >= len(s) || s[j+2] == '.' || !isLetterByte(s[j+2]))) {
						j++
						continue
					}
				}
				// inner comma in numbers: 1,200
				if r2 == ',' && j+1 < len(s) && isDigitByte(s[j-1]) && isDigitByte(s[j+1]) {
					j++
					continue
				}
				break
			}
			// trailing period of an abbreviation like U.S. or No.
			if j < len(s) && s[j] == '.' && strings.IndexByte(s[start:j], '.') >= 0 && !isDigitByte(s[j-1]) {
				j++
			}
			t := token{Text: s[start:j], Off: start, End: j}
			if j+1 < len(s) && (s[j] == '\'') && (s[j+1] == 's' || s[j+1] == 'S') && (j+2 >= len(s) || !isLetterByte(s[j+2])) {
				t.Poss = true
				j += 2
			} else if strings.HasPrefix(s[j:], "’s") && (j+4 >= len(s) || !isLetterByte(s[j+4])) {
				t.Poss = true
				j += 4
			}
			fillToken(&t, lowS)
			toks = append(toks, t)
			i = j
		case unicode.IsSpace(r):
			i += sz
		default:
			toks = append(toks, token{Text: s[i : i+sz], Low: s[i : i+sz], Off: i, End: i + sz, Punct: true})
			i += sz
		}
	}
	return toks
}

func isDigitByte(c byte) bool  { return c >= '0' && c <= '9' }
func isLetterByte(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 }

func fillToken(t *token, lowS string) {
	low := t.Text
	ascii := true
	hasUpper := false
	for i := 0; i < len(low); i++ {
		c := low[i]
		if c >= 0x80 {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			hasUpper = true
		}
	}
	switch {
	case !ascii:
		low = strings.ToLower(low)
	case hasUpper && lowS != "":
		low = lowS[t.Off:t.End]
	case hasUpper:
		low = lowerASCII(low)
	}
	if strings.IndexByte(low, '.') >= 0 && !isDigitByte(low[0]) {
		low = strings.ReplaceAll(low, ".", "")
	}
	t.Low = low
	if ascii {
		up, letters := true, 0
		for i := 0; i < len(t.Text); i++ {
			c := t.Text[i]
			if c >= 'a' && c <= 'z' {
				letters++
				up = false
			} else if c >= 'A' && c <= 'Z' {
				letters++
			}
		}
		t.Upper = up && letters > 0
		c := t.Text[0]
		t.Capit = c >= 'A' && c <= 'Z'
		t.Number = c >= '0' && c <= '9'
		return
	}
	up, letters := true, 0
	for _, r := range t.Text {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				up = false
			}
		}
	}
	t.Upper = up && letters > 0
	r, _ := utf8.DecodeRuneInString(t.Text)
	t.Capit = unicode.IsUpper(r)
	t.Number = unicode.IsDigit(r)
}

// lowerASCII lower-cases ASCII letters only, so that byte offsets in the
// result are those of s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
