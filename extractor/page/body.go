package page

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsevents/newsevents/schema"
)

// stat is what the measuring pass learns of one element.
type stat struct {
	text, link, commas int // characters of text, of link text; commas
	own                int // characters in the element's own text nodes
	ps                 int // <p> descendants
	score              float64
	candidate          bool
	hasBlock           bool
}

// scorer measures the body's blocks and picks the story.
type scorer struct {
	d           *doc
	top         *html.Node // the best-scored block
	inArticle   bool       // top is or is inside an <article>
	seenH1      bool       // an <h1> was met while writing
	useUnlikely bool
	stats       map[*html.Node]*stat
	slab        []stat
	cands       []*html.Node
}

func newScorer(d *doc, useUnlikely bool) *scorer {
	return &scorer{d: d, useUnlikely: useUnlikely, stats: make(map[*html.Node]*stat, 1024)}
}

func (s *scorer) alloc() *stat {
	if len(s.slab) == cap(s.slab) {
		s.slab = make([]stat, 0, 512)
	}
	s.slab = s.slab[:len(s.slab)+1]
	return &s.slab[len(s.slab)-1]
}

// ignoredTags are never part of a story's text.
var ignoredTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Option: true,
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Figure: true, atom.Figcaption: true,
	atom.Picture: true, atom.Video: true, atom.Audio: true, atom.Head: true, atom.Link: true,
	atom.Meta: true, atom.Dialog: true, atom.Label: true, atom.Header: true, atom.Menu: true,
}

// blockTags end a paragraph before and after them.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true,
	atom.Br: true, atom.Form: true, atom.Fieldset: true, atom.Address: true, atom.Center: true,
	atom.Caption: true, atom.Details: true, atom.Summary: true,
}

func (s *scorer) ignored(n *html.Node) bool {
	if ignoredTags[n.DataAtom] {
		return true
	}
	if _, ok := s.d.dropped[n]; ok {
		return true
	}
	if s.useUnlikely {
		if _, ok := s.d.unlikely[n]; ok {
			return true
		}
	}
	return false
}

// countText returns the characters (runes other than white space) and
// commas of s.
func countText(s string) (chars, commas int) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f':
		case c < 0x80:
			chars++
			if c == ',' {
				commas++
			}
		case c >= 0xC0: // a rune's first byte
			chars++
			// "，" U+FF0C and "、" U+3001
			if strings.HasPrefix(s[i:], "，") || strings.HasPrefix(s[i:], "、") {
				commas++
			}
		}
	}
	return chars, commas
}

// measure is the second pass: text and link lengths of every element, and
// Readability's scores of the blocks holding paragraphs.
func (s *scorer) measure(n *html.Node) *stat {
	st := s.alloc()
	s.stats[n] = st
	// Runs of inline content directly in a container are scored as the
	// paragraphs they are (Readability wraps them in <p>).
	runs := runContainers[n.DataAtom]
	var run, runCommas int
	endRun := func() {
		if run >= 25 {
			s.addScoreFrom(n, 1+float64(runCommas)+min(float64(run)/100, 3))
		}
		run, runCommas = 0, 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			t, cm := countText(c.Data)
			st.text += t
			st.own += t
			st.commas += cm
			run += t
			runCommas += cm
		case html.ElementNode:
			if s.ignored(c) {
				continue
			}
			cs := s.measure(c)
			st.text += cs.text
			st.commas += cs.commas
			st.ps += cs.ps
			if c.DataAtom == atom.A {
				st.link += cs.text
			} else {
				st.link += cs.link
			}
			if blockTags[c.DataAtom] {
				st.hasBlock = true
				if runs {
					endRun()
				}
			} else {
				run += cs.text
				runCommas += cs.commas
			}
		}
	}
	switch {
	case n.DataAtom == atom.P:
		st.ps++
		if st.text >= 25 {
			s.addScoreFrom(n.Parent, 1+float64(st.commas)+min(float64(st.text)/100, 3))
		}
	case n.DataAtom == atom.Pre:
		if st.text >= 25 {
			s.addScoreFrom(n.Parent, 1+float64(st.commas)+min(float64(st.text)/100, 3))
		}
	case runs:
		endRun()
	}
	return st
}

// runContainers are the blocks whose own inline runs count as paragraphs.
var runContainers = map[atom.Atom]bool{
	atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Td: true,
	atom.Blockquote: true, atom.Center: true, atom.Dd: true, atom.Form: true, atom.Body: true,
}

// addScoreFrom gives a paragraph's score to anc, its container, half to
// the next ancestor and a sixth to the one above.
func (s *scorer) addScoreFrom(anc *html.Node, score float64) {
	for level := 0; level < 3 && anc != nil && anc.Type == html.ElementNode; level++ {
		as := s.stats[anc]
		if as == nil {
			return
		}
		if !as.candidate {
			as.candidate = true
			as.score += tagWeight(anc) + s.d.classWeight(anc)
			s.cands = append(s.cands, anc)
		}
		div := 1.0
		switch level {
		case 1:
			div = 2
		case 2:
			div = 6
		}
		as.score += score / div
		anc = anc.Parent
	}
}

func tagWeight(n *html.Node) float64 {
	switch n.DataAtom {
	case atom.Div, atom.Article, atom.Section, atom.Main:
		return 5
	case atom.Pre, atom.Td, atom.Blockquote:
		return 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		return -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		return -5
	}
	return 0
}

func linkDensity(st *stat) float64 {
	if st.text == 0 {
		return 0
	}
	return float64(st.link) / float64(st.text)
}

// pick chooses the elements holding the story: the best-scored block,
// moved up when its ancestors hold more of the story, and its siblings
// that look like more of it.
func (s *scorer) pick(body *html.Node) []*html.Node {
	if len(s.cands) == 0 {
		return []*html.Node{body}
	}
	type scored struct {
		n     *html.Node
		score float64
	}
	all := make([]scored, 0, len(s.cands))
	for _, c := range s.cands {
		st := s.stats[c]
		st.score *= 1 - linkDensity(st)
		all = append(all, scored{c, st.score})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].score > all[j].score })
	top := all[0].n
	topScore := all[0].score
	s.top = top
	for p := top; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article {
			s.inArticle = true
			break
		}
	}

	// Several good candidates under one ancestor: the story is split
	// into parts; take the ancestor.
	var alts []*html.Node
	for _, a := range all[1:min(len(all), 5)] {
		if a.score >= 0.75*topScore {
			alts = append(alts, a.n)
		}
	}
	if len(alts) >= 3 {
		for p := top.Parent; p != nil && p != body && p.Type == html.ElementNode; p = p.Parent {
			k := 0
			for _, a := range alts {
				if isAncestor(p, a) {
					k++
				}
			}
			if k >= 3 {
				top = p
				break
			}
		}
	}
	// A score going up on the way to the root means more of the story is
	// above.
	last := s.stats[top].score
	threshold := last / 3
	for p := top.Parent; p != nil && p != body && p.Type == html.ElementNode; p = p.Parent {
		ps := s.stats[p]
		if ps == nil || !ps.candidate {
			continue
		}
		if ps.score < threshold {
			break
		}
		if ps.score > last {
			top = p
			break
		}
		last = ps.score
	}
	for top.Parent != nil && top.Parent != body && top.Parent.Type == html.ElementNode && onlyElementChild(top) {
		top = top.Parent
	}
	if top.Parent == nil {
		return []*html.Node{top}
	}

	topSt := s.stats[top]
	sibThreshold := max(10, topSt.score*0.2)
	topClass := attr(top, "class")
	var out []*html.Node
	for c := top.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c == top {
			out = append(out, c)
			continue
		}
		st := s.stats[c]
		if st == nil || st.text == 0 {
			continue
		}
		bonus := 0.0
		if topClass != "" && attr(c, "class") == topClass {
			bonus = topSt.score * 0.2
		}
		ld := linkDensity(st)
		switch {
		case st.candidate && st.score+bonus >= sibThreshold:
			out = append(out, c)
		case c.DataAtom == atom.P && st.text > 80 && ld < 0.25:
			out = append(out, c)
		case c.DataAtom == atom.P && st.text > 0 && ld == 0 && endsSentence(c):
			out = append(out, c)
		}
	}
	return out
}

func isAncestor(a, n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

func onlyElementChild(n *html.Node) bool {
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c != n && c.Type == html.ElementNode {
			return false
		}
	}
	return true
}

func endsSentence(n *html.Node) bool {
	t := strings.TrimSpace(textOf(n))
	return strings.HasSuffix(t, ".")
}

// keep decides, for an element inside the chosen blocks, whether it is
// part of the story (Readability's conditional cleaning).
func (s *scorer) keep(n *html.Node, st *stat) bool {
	if st.text == 0 {
		return false
	}
	switch n.DataAtom {
	case atom.H1:
		// The first <h1> is the title (in whatever variant); pages
		// using more hold section headings in the others.
		if !s.seenH1 {
			s.seenH1 = true
			return false
		}
		return s.d.classWeight(n) >= 0 && linkDensity(st) < 0.5
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return s.d.classWeight(n) >= 0 && linkDensity(st) < 0.5
	case atom.P:
		// A short paragraph that is all link: "Read more: ...", a
		// related headline.
		return !(st.text < 200 && linkDensity(st) >= 0.8)
	case atom.Ul, atom.Ol, atom.Div, atom.Section, atom.Table, atom.Form, atom.Fieldset, atom.Dl:
	default:
		return true
	}
	w := s.d.classWeight(n)
	ld := linkDensity(st)
	if w < 0 && s.useUnlikely && !(st.ps > 0 && st.text >= 150 && ld < 0.25) {
		// A noise-like name, unless the block holds real paragraphs.
		return false
	}
	if st.commas >= 10 {
		return true
	}
	if (w < 25 && ld > 0.33) || ld > 0.5 {
		return false
	}
	if st.text < 25 && st.ps == 0 && n.DataAtom != atom.Ul && n.DataAtom != atom.Ol {
		return false
	}
	return true
}

// teaser reports whether n is another <article> inside the story's: a
// teaser of a related post.
func (s *scorer) teaser(n *html.Node) bool {
	return n.DataAtom == atom.Article && s.inArticle && s.top != nil && n != s.top && !isAncestor(n, s.top)
}

// writer gathers paragraphs, collapsing white space.
type writer struct {
	paras    []string
	headings []bool // paras[i] came from a heading
	cur      strings.Builder
	space    bool
	heading  bool // the current paragraph is a heading
	edge     bool // an inline element began or ended since the last text
}

func (w *writer) text(s string) {
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' {
			if start >= 0 {
				w.cur.WriteString(s[start:i])
				start = -1
			}
			w.space = true
			continue
		}
		if start < 0 {
			if w.space && w.cur.Len() > 0 {
				w.cur.WriteByte(' ')
			} else if w.edge && w.cur.Len() > 0 && cjkEdge(w.cur.String(), s[i:]) {
				// CJK text has no spaces: keep a linked or marked
				// phrase apart from the words around it.
				w.cur.WriteByte(' ')
			}
			w.space = false
			w.edge = false
			start = i
		}
	}
	if start >= 0 {
		w.cur.WriteString(s[start:])
	}
}

func (w *writer) flush() {
	if w.cur.Len() > 0 {
		w.paras = append(w.paras, w.cur.String())
		w.headings = append(w.headings, w.heading)
		w.cur.Reset()
	}
	w.space = false
	w.heading = false
}

// cjkEdge reports whether the text before and after an inline element's
// edge meet with a Chinese, Japanese or Korean character on either side.
func cjkEdge(before, after string) bool {
	r1, _ := utf8.DecodeLastRuneInString(before)
	r2, _ := utf8.DecodeRuneInString(after)
	return isCJK(r1) || isCJK(r2)
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// write is the third pass: the text of the kept blocks.
func (s *scorer) write(w *writer, n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			w.text(c.Data)
		case html.ElementNode:
			if s.ignored(c) {
				continue
			}
			st := s.stats[c]
			if st == nil || !s.keep(c, st) || s.teaser(c) {
				if c.DataAtom == atom.Br || c.DataAtom == atom.Hr {
					w.flush()
				}
				continue
			}
			if c.DataAtom == atom.Time && runContainers[n.DataAtom] {
				// A date line standing alone between blocks.
				continue
			}
			if blockTags[c.DataAtom] {
				w.flush()
				w.heading = isHeading(c.DataAtom)
				s.write(w, c)
				w.flush()
			} else {
				w.edge = true
				s.write(w, c)
				w.edge = true
			}
		}
	}
}

// body extracts the story's text: the site rule's blocks when the page's
// site has one that matches, else the best-scored blocks.
func (x *Extractor) body(d *doc, art *schema.Article) string {
	root := d.body
	if root == nil {
		root = d.root
	}
	var ruleBlocks []*html.Node
	u := d.url
	if u == "" {
		u = art.CanonicalURL // a saved page: its own canonical or og:url
	}
	if r := x.rules.lookup(u); r != nil {
		ruleBlocks = r.apply(d.root, d)
	}
	w := extractParas(d, root, ruleBlocks, true)
	if n := textLen(w.paras); n < 250 || (d.weakText > 500 && d.weakText > 2*n) {
		// Readability's retry: the class names misled us (almost
		// nothing found, or twice as much paragraph text in blocks dropped
		// for a weak class name than in the story found).
		if w2 := extractParas(d, root, ruleBlocks, false); textLen(w2.paras) > textLen(w.paras) {
			w = w2
		}
	}
	paras := cleanParas(w.paras, w.headings, art.Title, art.Authors)
	if ld := ldParas(d.ld.body); textLen(paras) < 250 && textLen(ld) > 2*textLen(paras) {
		// The page's text is not in its HTML (rendered by script, or
		// behind a wall) but its JSON-LD carries the whole body.
		paras = ld
	}
	return strings.Join(paras, "\n\n")
}

func extractParas(d *doc, root *html.Node, ruleBlocks []*html.Node, useUnlikely bool) *writer {
	s := newScorer(d, useUnlikely)
	s.measure(root)
	blocks := ruleBlocks
	if len(blocks) == 0 {
		blocks = s.pick(root)
	}
	w := &writer{}
	for _, b := range blocks {
		if s.stats[b] == nil { // inside an ignored block
			continue
		}
		w.flush()
		s.write(w, b)
	}
	w.flush()
	return w
}

// ldParas splits a JSON-LD articleBody into paragraphs; a body cut short
// ("…" at the end, as some sites give teasers) gives none.
func ldParas(body string) []string {
	body = strings.TrimSpace(body)
	if body == "" || strings.HasSuffix(body, "…") || strings.HasSuffix(body, "...") {
		return nil
	}
	if strings.Contains(body, "<") {
		if frag, err := html.Parse(strings.NewReader(body)); err == nil {
			body = textBlocks(frag)
		}
	}
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if line = collapse(htmlUnescape(line)); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// textBlocks is the text of n with a line break between blocks.
func textBlocks(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if ignoredTags[c.DataAtom] {
					continue
				}
				block := blockTags[c.DataAtom]
				if block {
					b.WriteByte('\n')
				}
				walk(c)
				if block {
					b.WriteByte('\n')
				}
			}
		}
	}
	walk(n)
	return b.String()
}

func textLen(paras []string) int {
	n := 0
	for _, p := range paras {
		n += utf8.RuneCountInString(p)
	}
	return n
}

// boilerplate starts short paragraphs that are page furniture, not story.
var boilerplate = []string{
	"advertisement", "story continues below", "continue reading", "read more", "share this",
	"sign up", "subscribe", "click here", "follow us", "skip to", "listen to this article",
	"loading", "sponsored", "related:", "related stories", "related articles", "see also",
	"recommended", "you may also like", "more from", "image:", "photo:", "getty images",
	"all rights reserved", "copyright", "©", "join our", "like this story", "sharing is caring",
	"don't miss", "don’t miss", "see more:", "more:", "updated", "published", "posted on",
	"posted by", "last updated", "last modified", "first published", "reporting by", "editing by",
	"(reporting by", "filed under", "filed in", "tags:", "tagged:", "topics:", "reach the reporter", "email the author", "contact the author",
	"tempo de leitura", "lesezeit", "temps de lecture", "tiempo de lectura", "reading time",
}

// furnitureParts, found anywhere in a short paragraph, mark captions,
// credits and notes around the story.
var furnitureParts = []string{
	"getty images", "| reuters", "/ap photo", "(ap photo", "ap photo/", "photo by ", "image credit",
	"(credit:", "contributed to this report", "min read", "minute read", "minutes read",
	"publicado por", "publicado el", "publicado em", "publié le", "pubblicato il", "veröffentlicht am",
}

// dateLineRE starts a line that begins with a numeric date ("05/10/2018 -
// Published by ...").
var dateLineRE = regexp.MustCompile(`^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})\b`)

// bylineRoles end a "Name, Role" byline.
var bylineRoles = []string{"writer", "correspondent", "reporter", "editor", "associated press", "reuters", "staff"}

// furniture are whole short paragraphs that are page furniture.
var furniture = map[string]bool{
	"comments": true, "comment": true, "tags": true, "share": true, "print": true, "email": true,
	"tweet": true, "advertisement": true, "more": true, "related": true, "video": true,
}

// cleanParas drops page furniture that survived the block choice: short
// boilerplate lines, bylines naming the authors, the title repeated, and
// headings with no text after them (the heading of a dropped box).
func cleanParas(paras []string, headings []bool, title string, authors []string) []string {
	keep := make([]bool, len(paras))
	lowTitle := strings.ToLower(title)
	first := true
	for i, p := range paras {
		keep[i] = true
		if utf8.RuneCountInString(p) < 120 && (isFurniture(p, authors) || !hasWordChar(p)) {
			keep[i] = false
			continue
		}
		if title != "" && (first || headings[i]) {
			// The title, or its heading, repeated.
			l := strings.ToLower(p)
			if l == lowTitle || (headings[i] && (strings.Contains(lowTitle, l) || strings.Contains(l, lowTitle))) {
				keep[i] = false
				continue
			}
		}
		first = false
	}
	out := make([]string, 0, len(paras))
	for i, p := range paras {
		if !keep[i] {
			continue
		}
		if len(p) > 20 && strings.HasSuffix(strings.ToLower(p), "click to tweet") {
			// A quote boxed for sharing: keep the quote.
			p = strings.TrimSpace(p[:len(p)-len("click to tweet")])
		}
		if headings[i] {
			text := false
			for j := i + 1; j < len(paras) && !text; j++ {
				text = keep[j] && !headings[j]
			}
			if !text {
				continue
			}
		}
		out = append(out, p)
	}
	// The last lines of a story page are often its outro: the author's
	// Twitter, a newsletter or forum plug.
	for len(out) > 1 {
		last := out[len(out)-1]
		if utf8.RuneCountInString(last) > 400 || !containsAny(strings.ToLower(last), outroParts) {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}

// outroParts mark the plugs that end story pages.
var outroParts = []string{
	"follow us", "follow him", "follow her", "follow me", "on twitter", "on facebook", "on instagram",
	"newsletter", "sign up", "subscribe", "join our", "email us", "contact us",
}

// hasWordChar reports whether p holds a letter, digit or underscore (AP
// separates parts of a story with "___"); a line of
// separators left by dropped links does not.
func hasWordChar(p string) bool {
	for _, r := range p {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			return true
		}
	}
	return false
}

func isFurniture(p string, authors []string) bool {
	l := strings.ToLower(p)
	if furniture[strings.Trim(l, " :.!|")] {
		return true
	}
	for _, b := range boilerplate {
		if strings.HasPrefix(l, b) {
			return true
		}
	}
	for _, b := range furnitureParts {
		if strings.Contains(l, b) {
			return true
		}
	}
	if dateLineRE.MatchString(p) {
		return true
	}
	if strings.Count(p, "»") >= 2 || strings.Count(p, " > ") >= 2 || strings.Count(p, " / ") >= 3 {
		return true // a breadcrumb trail
	}
	if !strings.ContainsRune(p, ' ') && strings.ContainsRune(p, '@') {
		return true // a lone e-mail address or handle
	}
	if utf8.RuneCountInString(p) < 80 {
		if strings.HasPrefix(l, "by ") {
			return true
		}
		if i := strings.LastIndexByte(l, ','); i > 0 && containsAny(l[i:], bylineRoles) {
			return true
		}
		for _, a := range authors {
			if len(a) > 3 && strings.Contains(p, a) {
				return true
			}
		}
	}
	return false
}
