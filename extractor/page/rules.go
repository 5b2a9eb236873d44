package page

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// SiteRule says where the body of one site's pages is and what to drop
// from it. Rules are data: the built-in ones live in rules.json.
type SiteRule struct {
	// Domain matches the page's host and its subdomains ("example.com"
	// matches "www.example.com").
	Domain string `json:"domain"`
	// Body selectors name the elements holding the article body, in
	// document order; empty leaves the choice to the general extractor.
	Body []string `json:"body,omitempty"`
	// Drop selectors name elements to leave out of the body.
	Drop []string `json:"drop,omitempty"`
	// Note says why the rule exists (the site, what goes wrong without it).
	Note string `json:"note,omitempty"`
}

//go:embed rules.json
var builtinRules []byte

// BuiltinRules returns the site rules shipped with the extractor.
func BuiltinRules() ([]SiteRule, error) {
	var rules []SiteRule
	if err := json.Unmarshal(builtinRules, &rules); err != nil {
		return nil, fmt.Errorf("built-in site rules: %w", err)
	}
	return rules, nil
}

type compiledRule struct {
	body []cascadia.Selector
	drop []cascadia.Selector
}

type ruleSet struct {
	byDomain map[string]*compiledRule
}

// compileRules compiles every selector, so that a bad one fails at start-up
// rather than silently matching nothing.
func compileRules(rules []SiteRule) (*ruleSet, error) {
	rs := &ruleSet{byDomain: make(map[string]*compiledRule, len(rules))}
	for i, r := range rules {
		d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(r.Domain), "www."))
		if d == "" {
			return nil, fmt.Errorf("site rule %d: empty domain", i)
		}
		if _, dup := rs.byDomain[d]; dup {
			return nil, fmt.Errorf("site rule %d: domain %q given twice", i, d)
		}
		c := &compiledRule{}
		for _, s := range r.Body {
			sel, err := cascadia.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("site rule %s: body selector %q: %w", d, s, err)
			}
			c.body = append(c.body, sel)
		}
		for _, s := range r.Drop {
			sel, err := cascadia.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("site rule %s: drop selector %q: %w", d, s, err)
			}
			c.drop = append(c.drop, sel)
		}
		rs.byDomain[d] = c
	}
	return rs, nil
}

// lookup returns the rule of the page's host or one of its parents.
func (rs *ruleSet) lookup(pageURL string) *compiledRule {
	if rs == nil || len(rs.byDomain) == 0 || pageURL == "" {
		return nil
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	for host != "" {
		if r := rs.byDomain[host]; r != nil {
			return r
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return nil
}

// apply marks the dropped elements and returns the body elements found.
func (r *compiledRule) apply(root *html.Node, d *doc) []*html.Node {
	for _, sel := range r.drop {
		for _, n := range sel.MatchAll(root) {
			d.dropped[n] = struct{}{}
		}
	}
	var body []*html.Node
	for _, sel := range r.body {
		body = append(body, sel.MatchAll(root)...)
	}
	return body
}
