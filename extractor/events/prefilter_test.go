package events

import (
	"regexp"
	"slices"
	"testing"
)

func TestNeedles(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{`\b(higher than|lower than|versus)\b`, []string{"higher than", "lower than", "versus"}},
		{`\bdoubl(?:e|es|ed|ing)\b[^%]*\bto\s+$`, []string{"doubl"}},
		{`^[^.;,]{0,40}?\b(threatened|proposed)\b`, []string{"threatened", "proposed"}},
		{`\b(current\w*|still)\b`, []string{"current", "still"}},
		{`\d+%`, nil}, // a class and a one-byte literal: nothing to filter on
		{`\b(a|an|the)?\s*deal`, []string{"deal"}},
		{`(tariff|duty)?`, nil}, // may match the empty string
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := needles(tt.give)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("needles(%q) = %q, want %q", tt.give, got, want)
			}
		})
	}
}

// FuzzCueAgreesWithRegexp checks that the prefilter never hides a match.
func FuzzCueAgreesWithRegexp(f *testing.F) {
	patterns := []string{
		`\b(higher than|lower than|more than double|compared (?:with|to)|versus)\b`,
		`\bdoubl(?:e|es|ed|ing)\b[^%]*\bto\s+(?:\S+\s+)?$`,
		`\b(eliminat\w*|scrap\w*|remov\w*)\s+(?:\S+\s+){0,4}$`,
		`^[^.;,]{0,50}?\b(removed|eliminated|scrapped)\b`,
		`\b(total|(?:bringing|taking) (?:it|them)? ?to|for a total of)\b`,
	}
	for _, s := range []string{"tariffs doubled to 50%", "higher than before", "it was removed", "bringing it to 25%", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range patterns {
			if got, want := mustCue(p).MatchString(s), regexp.MustCompile(p).MatchString(s); got != want {
				t.Fatalf("pattern %q on %q: cue %v, regexp %v", p, s, got, want)
			}
		}
	})
}
