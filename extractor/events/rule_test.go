package events

import (
	"regexp"
	"strings"
	"testing"

	"github.com/newsevents/newsevents/schema"
)

func TestCheckRules(t *testing.T) {
	fill := func(*doc, *sentence, *Rule, []int) []candidate { return nil }
	re := regexp.MustCompile(`x`)
	ok := Rule{Name: "a/b", Type: "export_ban", Trigger: re, Fill: fill, Confidence: 0.5}
	tests := []struct {
		name    string
		give    []Rule
		wantErr string
	}{
		{"a new type is fine", []Rule{ok}, ""},
		{"names are unique", []Rule{ok, ok}, "used twice"},
		{"a type is required", []Rule{{Name: "c", Trigger: re, Fill: fill, Confidence: 0.5}}, "no event type"},
		{"a trigger is required", []Rule{{Name: "c", Type: "t", Fill: fill, Confidence: 0.5}}, "trigger and fill"},
		{"confidence in (0,1]", []Rule{{Name: "c", Type: "t", Trigger: re, Fill: fill, Confidence: 1.5}}, "confidence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkRules(tt.give)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checkRules = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestEveryCoreTypeHasRules guards the registry: each core type has a rule.
func TestEveryCoreTypeHasRules(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range schema.CoreTypes() {
		found := false
		for _, name := range e.Rules() {
			if strings.HasPrefix(name, string(ty)+"/") {
				found = true
			}
		}
		if !found {
			t.Errorf("no rule for %s", ty)
		}
	}
}
