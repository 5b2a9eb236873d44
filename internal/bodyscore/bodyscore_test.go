package bodyscore

import (
	"math"
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{"", nil},
		{"Hello, world!", []string{"Hello", "world"}},
		{"U.S. rate: 4.5%", []string{"U", "S", "rate", "4", "5"}},
		{"snake_case and café", []string{"snake_case", "and", "café"}},
		{"港湾局は 金曜日", []string{"港湾局は", "金曜日"}},
		{"  — ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := Tokens(tt.give); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestShingles(t *testing.T) {
	tests := []struct {
		give string
		want map[string]int
	}{
		{"", map[string]int{}},
		{"one two", map[string]int{"one\x00two": 1}},
		{"a b c d", map[string]int{"a\x00b\x00c\x00d": 1}},
		{"a b c d e", map[string]int{"a\x00b\x00c\x00d": 1, "b\x00c\x00d\x00e": 1}},
		{"a b c d a b c d", map[string]int{"a\x00b\x00c\x00d": 2, "b\x00c\x00d\x00a": 1, "c\x00d\x00a\x00b": 1, "d\x00a\x00b\x00c": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := Shingles(tt.give)
			if len(got) != len(tt.want) {
				t.Fatalf("Shingles(%q) = %v, want %v", tt.give, got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("Shingles(%q)[%q] = %d, want %d", tt.give, k, got[k], v)
				}
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScorePage(t *testing.T) {
	tests := []struct {
		name          string
		exp, pred     string
		wantP, wantR  float64
		wantTP, wantN float64 // TP and TP+FP+FN after division by the sum
	}{
		{"exact", "a b c d e", "a b c d e", 1, 1, 1, 1},
		{"both empty", "", "", 1, 1, 0, 0},
		{"nothing predicted", "a b c d e", "", 0, 0, 0, 1},
		{"half extra", "a b c d e", "a b c d e x y", 0.5, 1, 0.5, 1},       // 2 shared, 2 extra
		{"half missing", "a b c d e f", "a b c d", 1, 1.0 / 3, 1.0 / 3, 1}, // 1 shared, 2 missing
		{"disjoint", "a b c d", "w x y z", 0, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg := ScorePage(tt.exp, tt.pred)
			if !near(pg.Precision(), tt.wantP) || !near(pg.Recall(), tt.wantR) {
				t.Errorf("P, R = %v, %v, want %v, %v", pg.Precision(), pg.Recall(), tt.wantP, tt.wantR)
			}
			if !near(pg.TP, tt.wantTP) || !near(pg.TP+pg.FP+pg.FN, tt.wantN) {
				t.Errorf("TP = %v, sum = %v, want %v, %v", pg.TP, pg.TP+pg.FP+pg.FN, tt.wantTP, tt.wantN)
			}
		})
	}
}

func TestScore(t *testing.T) {
	exp := map[string]string{
		"p1": "a b c d e",   // predicted exactly: P 1, R 1
		"p2": "a b c d e f", // half missing: P 1, R 1/3
		"p3": "a b c d",     // nothing predicted: counts for recall only
		"p4": "",            // nothing expected, something predicted: precision 0
	}
	pred := map[string]string{
		"p1":    "a b c d e",
		"p2":    "a b c d",
		"p4":    "x y z w",
		"extra": "ignored",
	}
	r := Score(exp, pred)
	wantP := (1 + 1 + 0) / 3.0
	wantR := (1 + 1.0/3 + 0) / 3.0
	if !near(r.Precision, wantP) || !near(r.Recall, wantR) {
		t.Errorf("P, R = %v, %v, want %v, %v", r.Precision, r.Recall, wantP, wantR)
	}
	if want := 2 * wantP * wantR / (wantP + wantR); !near(r.F1, want) {
		t.Errorf("F1 = %v, want %v", r.F1, want)
	}
	if r.Pages != 4 {
		t.Errorf("pages = %d, want 4", r.Pages)
	}
}
