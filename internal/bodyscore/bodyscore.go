// Package bodyscore scores extracted article bodies against expected ones
// with the metric of the article-body benchmark
// (../shared/bench/article-body/README.md): 4-token shingles counted as
// multisets, page precision and recall averaged over pages, F1 of the means.
package bodyscore

import (
	"strings"
	"unicode"
)

// Tokens splits s into maximal runs of word characters: letters, digits
// (any Unicode number, as Python's \w) and underscore. Case is kept.
func Tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// Shingles counts the contiguous 4-token shingles of s. A text of fewer
// than 4 tokens gives one shingle of all its tokens; an empty one none.
func Shingles(s string) map[string]int {
	toks := Tokens(s)
	m := make(map[string]int, len(toks))
	if len(toks) == 0 {
		return m
	}
	if len(toks) < 4 {
		m[strings.Join(toks, "\x00")]++
		return m
	}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], "\x00")]++
	}
	return m
}

// Page is the score of one page, TP, FP and FN divided by their sum.
type Page struct {
	TP, FP, FN float64
}

// ScorePage compares a predicted body with the expected one.
func ScorePage(expected, predicted string) Page {
	e, p := Shingles(expected), Shingles(predicted)
	var tp, fp, fn int
	for k, pc := range p {
		ec := e[k]
		shared := min(pc, ec)
		tp += shared
		fp += pc - shared
	}
	for k, ec := range e {
		fn += ec - min(ec, p[k])
	}
	sum := float64(tp + fp + fn)
	if sum == 0 {
		return Page{}
	}
	return Page{TP: float64(tp) / sum, FP: float64(fp) / sum, FN: float64(fn) / sum}
}

// Precision of the page: 1 with no error, 0 with nothing predicted right.
func (p Page) Precision() float64 {
	switch {
	case p.FP == 0 && p.FN == 0:
		return 1
	case p.TP == 0 && p.FP == 0:
		return 0
	}
	return p.TP / (p.TP + p.FP)
}

// Recall of the page: 1 with no error, 0 with nothing expected found.
func (p Page) Recall() float64 {
	switch {
	case p.FP == 0 && p.FN == 0:
		return 1
	case p.TP == 0 && p.FN == 0:
		return 0
	}
	return p.TP / (p.TP + p.FN)
}

// Result is the score of a corpus.
type Result struct {
	F1, Precision, Recall float64
	Pages                 int
}

// Score scores predictions against the expected bodies, both keyed by page
// id. A page with no prediction counts as an empty prediction; predictions
// of pages not expected are ignored.
func Score(expected, predicted map[string]string) Result {
	var sumP, sumR float64
	var nP, nR int
	for id, exp := range expected {
		pg := ScorePage(exp, predicted[id])
		if pg.TP+pg.FP > 0 {
			sumP += pg.Precision()
			nP++
		}
		if pg.TP+pg.FN > 0 {
			sumR += pg.Recall()
			nR++
		}
	}
	r := Result{Pages: len(expected)}
	if nP > 0 {
		r.Precision = sumP / float64(nP)
	}
	if nR > 0 {
		r.Recall = sumR / float64(nR)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}
