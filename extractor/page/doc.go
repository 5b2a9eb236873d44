package page

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// doc is one parsed page and what the first pass found in it.
type doc struct {
	url   string
	root  *html.Node
	body  *html.Node
	title string // <title>
	lang  string // <html lang>
	h1    string // first <h1> of the body

	// meta maps a lower-cased name, property or itemprop to the first
	// non-empty content seen; metaAll keeps every value of the keys in
	// multiKeys.
	meta      map[string]string
	metaAll   map[string][]string
	canonical string
	jsonld    []string
	times     []string // <time datetime> values, in document order
	authors   []string // rel=author / itemprop=author texts

	// unlikely holds elements whose class, id, role or visibility make
	// them unlikely to be content; dropped holds those dropped by a site
	// rule. Both subtrees are skipped when measuring and writing the body.
	unlikely   map[*html.Node]struct{}
	dropped    map[*html.Node]struct{}
	classCache map[string]classFacts

	// weakText counts the paragraph text inside blocks dropped only for
	// a weak class name ("header", "sidebar", "widget"): much of it means
	// the class names misled us.
	weakText int

	ld    ld // the JSON-LD article, read by fillMeta
	hasLD bool
}

var multiKeys = map[string]bool{"article:author": true, "author": true, "parsely-author": true, "sailthru.author": true, "dc.creator": true}

func newDoc(root *html.Node, url string) *doc {
	return &doc{
		url:        url,
		root:       root,
		meta:       make(map[string]string, 32),
		metaAll:    make(map[string][]string, 4),
		unlikely:   make(map[*html.Node]struct{}, 64),
		dropped:    make(map[*html.Node]struct{}),
		classCache: make(map[string]classFacts, 256),
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// collect is the first pass: metadata, and the unlikely blocks.
func (d *doc) collect(n *html.Node) { d.collectIn(n, false, false) }

// collectIn walks n's children; inP says n is inside a <p>, inWeak that it
// is inside a block unlikely only by a weak class name.
func (d *doc) collectIn(n *html.Node, inP, inWeak bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && inP && inWeak {
			t, _ := countText(c.Data)
			d.weakText += t
		}
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Html:
			if d.lang == "" {
				d.lang = attr(c, "lang")
				if d.lang == "" {
					d.lang = attr(c, "xml:lang")
				}
			}
		case atom.Body:
			if d.body == nil {
				d.body = c
			}
		case atom.Title:
			if d.title == "" {
				d.title = textOf(c)
			}
			continue
		case atom.Meta:
			d.addMeta(c)
			continue
		case atom.Link:
			if d.canonical == "" && hasToken(attr(c, "rel"), "canonical") {
				d.canonical = strings.TrimSpace(attr(c, "href"))
			}
			continue
		case atom.Script:
			if strings.Contains(strings.ToLower(attr(c, "type")), "ld+json") && c.FirstChild != nil {
				d.jsonld = append(d.jsonld, c.FirstChild.Data)
			}
			continue
		case atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math:
			continue
		case atom.Time:
			if v := strings.TrimSpace(attr(c, "datetime")); v != "" {
				d.times = append(d.times, v)
			}
		case atom.H1:
			if d.h1 == "" {
				d.h1 = textOf(c)
			}
		case atom.A:
			rel := attr(c, "rel")
			if hasToken(rel, "author") {
				d.authors = append(d.authors, textOf(c))
			}
			if hasToken(rel, "tag") && d.body != nil {
				d.dropped[c] = struct{}{} // a tag list
			}
		}
		if ip := attr(c, "itemprop"); ip != "" {
			d.addItemprop(c, ip)
		}
		weak := inWeak
		if d.body != nil && d.isUnlikely(c) {
			d.unlikely[c] = struct{}{}
			weak = weak || d.classInfo(c).weakOnly
		}
		d.collectIn(c, inP || c.DataAtom == atom.P, weak)
	}
}

func (d *doc) addMeta(n *html.Node) {
	content := strings.TrimSpace(attr(n, "content"))
	if content == "" {
		return
	}
	for _, k := range [...]string{"property", "name", "itemprop"} {
		key := strings.ToLower(strings.TrimSpace(attr(n, k)))
		if key == "" {
			continue
		}
		if _, ok := d.meta[key]; !ok {
			d.meta[key] = content
		}
		if multiKeys[key] {
			d.metaAll[key] = append(d.metaAll[key], content)
		}
	}
}

// addItemprop records microdata dates and authors given on elements other
// than <meta>.
func (d *doc) addItemprop(n *html.Node, prop string) {
	prop = strings.ToLower(prop)
	switch prop {
	case "datepublished", "datemodified", "datecreated":
		v := attr(n, "datetime")
		if v == "" {
			v = attr(n, "content")
		}
		if v != "" {
			if _, ok := d.meta[prop]; !ok {
				d.meta[prop] = strings.TrimSpace(v)
			}
		}
	case "author", "creator":
		if n.DataAtom != atom.Meta {
			d.authors = append(d.authors, textOf(n))
		}
	default:
		return
	}
	// A date or byline marked up for machines is never story text.
	if d.body != nil && n.DataAtom != atom.Meta && n.DataAtom != atom.Article && n.DataAtom != atom.Body {
		d.dropped[n] = struct{}{}
	}
}

// hasToken reports whether the space-separated list s holds tok.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// textOf returns the whitespace-collapsed text of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
				b.WriteByte(' ')
			case html.ElementNode:
				if c.DataAtom == atom.Script || c.DataAtom == atom.Style {
					continue
				}
				walk(c)
			}
		}
	}
	walk(n)
	return collapse(b.String())
}

// collapse trims s and turns every run of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
