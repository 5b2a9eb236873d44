package page

import "testing"

func TestContainsAny(t *testing.T) {
	tests := []struct {
		give    string
		pattern string
		want    bool
	}{
		{"article-pager", "^pager$", true},
		{"pager", "^pager$", true},
		{"pagebuilder-pagerow", "^pager$", false},
		{"main-nav", "^nav", true},
		{"navbar", "^nav", true},
		{"canvas-wrap", "^nav", false},
		{"post-tags", "^tags$", true},
		{"hashtags", "^tags$", false},
		{"related-posts", "related", true},
		{"relatedposts", "related", true},
	}
	for _, tt := range tests {
		t.Run(tt.give+"~"+tt.pattern, func(t *testing.T) {
			if got := containsAny(tt.give, []string{tt.pattern}); got != tt.want {
				t.Errorf("containsAny(%q, %q) = %v, want %v", tt.give, tt.pattern, got, tt.want)
			}
		})
	}
}
