package page

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Class and id patterns, matched as substrings of the lower-cased class
// and id. They follow Mozilla Readability's lists, with the boxes news
// pages add around the story (newsletter sign-ups, share bars, related and
// recommended links, ad slots).
var (
	// strongNoise marks boxes that are never the story, even when their
	// class also says "article" ("related-articles").
	strongNoise = []string{
		"related", "newsletter", "share", "social", "comment", "outbrain", "taboola",
		"promo", "recirc", "subscribe", "signup", "sign-up", "advert", "cookie", "consent",
		"most-popular", "mostpopular", "trending", "recommend", "more-stories", "read-more",
		"readmore", "byline", "breadcrumb", "skip-link", "skiplink", "visually-hidden",
		"visuallyhidden", "sr-only", "screen-reader", "print-only", "^tags$", "author-bio",
		"disqus", "sponsor", "popup", "modal", "paywall-prompt", "also-read", "see-also",
		"newsfeed", "inline-ad", "ad-container", "ad-slot", "adslot", "adunit", "ad-unit",
		"^dfp", "gpt-ad", "caption", "credit", "toolbar", "pagination", "^pager$",
	}
	// weakNoise marks blocks that are dropped unless their class or id
	// also looks like content.
	weakNoise = []string{
		"-ad-", "banner", "combx", "community", "cover-wrap", "extra", "footer", "gdpr",
		"header", "legends", "menu", "remark", "replies", "rss", "shoutbox", "skyscraper",
		"supplemental", "agegate", "yom-remote", "^nav", "masthead", "^meta", "sidebar",
	}
	maybeContent = []string{"article", "body", "column", "content", "main", "shadow", "story", "text", "entry", "post"}

	positive = []string{"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text", "blog", "story"}
	negative = []string{
		"hidden", "banner", "combx", "comment", "com-", "contact", "foot", "footnote", "gdpr",
		"masthead", "^media", "^meta", "outbrain", "promo", "related", "scroll", "share",
		"shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "^tags$", "^tool",
		"newsletter", "subscribe", "social", "caption",
	}
)

func classID(n *html.Node) string {
	var c, id string
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			c = a.Val
		case "id":
			id = a.Val
		}
	}
	if c != "" && strings.Contains(c, "-") {
		c = dropTaxonomy(c)
	}
	if c == "" {
		return strings.ToLower(id)
	}
	if id == "" {
		return strings.ToLower(c)
	}
	return strings.ToLower(c + " " + id)
}

// taxonomyPrefixes start the class names CMSs derive from a post's
// categories and tags ("category-advertising", "tag-social-media"): they
// say what the story is about, not what the block is.
var taxonomyPrefixes = []string{"category-", "tag-", "post_tag-", "format-", "status-", "type-", "topic-", "section-"}

func dropTaxonomy(c string) string {
	fields := strings.Fields(c)
	out := fields[:0]
	for _, f := range fields {
		keep := true
		for _, p := range taxonomyPrefixes {
			if strings.HasPrefix(f, p) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// containsAny reports whether s holds one of the patterns. A pattern
// starting with "^" must start a word and one ending with "$" must end one
// (words being runs of letters), so that "^pager$" matches "pager" and
// "article-pager" but not "pagerow".
func containsAny(s string, patterns []string) bool {
	for _, p := range patterns {
		if p[0] != '^' && p[len(p)-1] != '$' {
			if strings.Contains(s, p) {
				return true
			}
			continue
		}
		start, end := p[0] == '^', p[len(p)-1] == '$'
		w := strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$")
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			j += i
			k := j + len(w)
			if (!start || j == 0 || !isLetter(s[j-1])) && (!end || k == len(s) || !isLetter(s[k])) {
				return true
			}
			i = j + 1
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isUnlikely reports whether an element of the body is unlikely to hold
// any of the story, from its role, visibility, class and id.
func (d *doc) isUnlikely(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Article, atom.Main, atom.P, atom.A, atom.Em, atom.Strong, atom.B, atom.I:
		return false
	}
	if hasAttr(n, "hidden") {
		return true
	}
	if st := attr(n, "style"); st != "" {
		st = strings.ReplaceAll(strings.ToLower(st), " ", "")
		if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
			return true
		}
	}
	if attr(n, "aria-hidden") == "true" {
		return true
	}
	switch attr(n, "role") {
	case "navigation", "complementary", "banner", "contentinfo", "dialog", "alertdialog", "menu", "menubar", "search":
		return true
	}
	return d.classInfo(n).unlikely
}

// classFacts is what a class and id say; pages repeat the same classes on
// many elements, so the facts are computed once per distinct string.
type classFacts struct {
	unlikely bool
	weakOnly bool // unlikely by a weak pattern only
	weight   float64
}

func (d *doc) classInfo(n *html.Node) classFacts {
	s := classID(n)
	if s == "" {
		return classFacts{}
	}
	if f, ok := d.classCache[s]; ok {
		return f
	}
	strong := containsAny(s, strongNoise)
	weak := !strong && containsAny(s, weakNoise) && !containsAny(s, maybeContent)
	f := classFacts{unlikely: strong || weak, weakOnly: weak}
	if containsAny(s, negative) {
		f.weight -= 25
	}
	if containsAny(s, positive) {
		f.weight += 25
	}
	d.classCache[s] = f
	return f
}

// classWeight is Readability's class and id weight: +25 for a content-like
// name, -25 for a noise-like one.
func (d *doc) classWeight(n *html.Node) float64 {
	return d.classInfo(n).weight
}
