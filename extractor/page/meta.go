package page

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsevents/newsevents/schema"
)

// Date sources, in order of trust; their names go to Article.PublishedSource.
const (
	SourceJSONLD = "json-ld"
	SourceOG     = "og"
	SourceMeta   = "meta"
	SourceTime   = "time"
	SourceURL    = "url"
	SourceFeed   = "feed"
)

// minPublished is the earliest published date believed: news sites did
// not exist before.
var minPublished = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// ld is what the JSON-LD of a page says about its article.
type ld struct {
	headline, published, modified, body, section, lang, url, site string
	authors                                                       []string
}

var articleTypes = map[string]bool{
	"newsarticle": true, "reportagenewsarticle": true, "article": true, "blogposting": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "socialmediaposting": true, "liveblogposting": true,
	"techarticle": true, "scholarlyarticle": true, "report": true, "webpage": false,
}

// parseJSONLD reads every JSON-LD block and keeps the first article-typed
// object found (top level, arrays or @graph).
func parseJSONLD(blocks []string) (ld, bool) {
	for _, b := range blocks {
		var v any
		if err := json.Unmarshal([]byte(strings.TrimSpace(b)), &v); err != nil {
			continue
		}
		if o := findArticle(v, 0); o != nil {
			return readLD(o), true
		}
	}
	return ld{}, false
}

func findArticle(v any, depth int) map[string]any {
	if depth > 4 {
		return nil
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if o := findArticle(e, depth+1); o != nil {
				return o
			}
		}
	case map[string]any:
		if isArticleType(t["@type"]) {
			return t
		}
		if g, ok := t["@graph"]; ok {
			return findArticle(g, depth+1)
		}
		if m, ok := t["mainEntity"]; ok {
			return findArticle(m, depth+1)
		}
	}
	return nil
}

func isArticleType(v any) bool {
	switch t := v.(type) {
	case string:
		return articleTypes[strings.ToLower(strings.TrimPrefix(t, "http://schema.org/"))]
	case []any:
		for _, e := range t {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case []any:
		if len(t) > 0 {
			return str(t[0])
		}
	case map[string]any:
		if s := str(t["name"]); s != "" {
			return s
		}
		return str(t["@id"])
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func names(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, names(e)...)
		}
		return out
	case map[string]any:
		if s := str(t["name"]); s != "" {
			return []string{s}
		}
	}
	return nil
}

func readLD(o map[string]any) ld {
	l := ld{
		headline:  str(o["headline"]),
		published: str(o["datePublished"]),
		modified:  str(o["dateModified"]),
		body:      str(o["articleBody"]),
		section:   str(o["articleSection"]),
		lang:      str(o["inLanguage"]),
		authors:   names(o["author"]),
	}
	if l.headline == "" {
		l.headline = str(o["name"])
	}
	if l.published == "" {
		l.published = str(o["dateCreated"])
	}
	if p, ok := o["publisher"].(map[string]any); ok {
		l.site = str(p["name"])
	}
	if m, ok := o["mainEntityOfPage"]; ok {
		if s, ok := m.(string); ok {
			l.url = s
		} else if mm, ok := m.(map[string]any); ok {
			l.url = str(mm["@id"])
		}
	}
	if l.url == "" {
		l.url = str(o["url"])
	}
	return l
}

// dateCandidate is one published date and where it came from.
type dateCandidate struct {
	t      time.Time
	source string
}

// fillMeta sets everything but the body.
func (x *Extractor) fillMeta(art *schema.Article, d *doc, meta Meta) {
	l, hasLD := parseJSONLD(d.jsonld)
	d.ld, d.hasLD = l, hasLD

	// An <h1> is the headline only if the <title> agrees: on many pages
	// the first <h1> is the site's logo.
	h1 := ""
	if d.h1 != "" && (d.title == "" || strings.Contains(strings.ToLower(cleanTitle(d.title)), strings.ToLower(d.h1))) {
		h1 = d.h1
	}
	art.Title = firstNonEmpty(l.headline, d.meta["og:title"], d.meta["twitter:title"],
		d.meta["parsely-title"], d.meta["sailthru.title"], d.meta["dc.title"], h1,
		cleanTitle(d.title), meta.FeedTitle)
	art.Title = collapse(htmlUnescape(art.Title))

	art.CanonicalURL = resolve(meta.URL, firstNonEmpty(d.canonical, d.meta["og:url"], l.url))
	if art.CanonicalURL == "" {
		art.CanonicalURL = meta.URL
	}
	art.SiteName = collapse(htmlUnescape(firstNonEmpty(d.meta["og:site_name"], l.site, d.meta["application-name"],
		strings.TrimPrefix(d.meta["twitter:site"], "@"))))
	art.Section = firstSection(collapse(htmlUnescape(firstNonEmpty(l.section, d.meta["article:section"], d.meta["parsely-section"],
		d.meta["sailthru.section"], d.meta["section"]))))
	if strings.HasPrefix(art.SiteName, "http://") || strings.HasPrefix(art.SiteName, "https://") {
		if u, err := url.Parse(art.SiteName); err == nil {
			art.SiteName = strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	art.Language = normLang(firstNonEmpty(l.lang, d.lang, d.meta["og:locale"], d.meta["content-language"], d.meta["dc.language"], d.meta["language"]))

	art.Authors = cleanAuthors(firstList(l.authors, d.metaAll["article:author"], d.metaAll["author"],
		d.metaAll["parsely-author"], d.metaAll["sailthru.author"], d.metaAll["dc.creator"], d.authors))

	now := x.now()
	var cands []dateCandidate
	add := func(src string, values ...string) {
		for _, v := range values {
			if t, ok := parseDate(v); ok && validPublished(t, now) {
				cands = append(cands, dateCandidate{t, src})
				return
			}
		}
	}
	add(SourceJSONLD, l.published)
	add(SourceOG, d.meta["article:published_time"], d.meta["og:published_time"], d.meta["og:article:published_time"])
	add(SourceMeta, d.meta["datepublished"], d.meta["parsely-pub-date"], d.meta["sailthru.date"],
		d.meta["dc.date.issued"], d.meta["dc.date"], d.meta["dcterms.created"], d.meta["date"],
		d.meta["pubdate"], d.meta["publishdate"], d.meta["publish-date"], d.meta["article.published"],
		d.meta["published_time"], d.meta["cxenseparse:recs:publishtime"])
	add(SourceTime, d.times...)
	if t, ok := urlDate(meta.URL); ok && validPublished(t, now) {
		cands = append(cands, dateCandidate{t, SourceURL})
	}
	if meta.FeedPublished != nil && validPublished(*meta.FeedPublished, now) {
		cands = append(cands, dateCandidate{meta.FeedPublished.UTC(), SourceFeed})
	}
	if len(cands) > 0 {
		best := cands[0]
		t := best.t
		art.Published, art.PublishedSource = &t, best.source
		for _, c := range cands[1:] {
			diff := c.t.Sub(best.t)
			if c.source == SourceURL {
				// A URL date has no time of day: compare calendar days.
				diff = c.t.Sub(best.t.Truncate(24 * time.Hour))
			}
			if diff > 24*time.Hour || diff < -24*time.Hour {
				art.Warnings = append(art.Warnings, fmt.Sprintf("published dates disagree: %s says %s, %s says %s",
					best.source, best.t.Format(time.RFC3339), c.source, c.t.Format(time.RFC3339)))
			}
		}
	}
	for _, v := range []string{l.modified, d.meta["article:modified_time"], d.meta["og:updated_time"], d.meta["datemodified"], d.meta["dc.date.modified"], d.meta["last-modified"]} {
		if t, ok := parseDate(v); ok && t.After(minPublished) {
			art.Modified = &t
			break
		}
	}
}

// firstSection keeps the first of a list of sections ("game,news,slider").
func firstSection(s string) string {
	if i := strings.IndexAny(s, ",|"); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func validPublished(t, now time.Time) bool {
	// A little slack for clocks and time zones written wrongly.
	return !t.Before(minPublished) && !t.After(now.Add(time.Hour))
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func firstList(ls ...[]string) []string {
	for _, l := range ls {
		for _, v := range l {
			if strings.TrimSpace(v) != "" {
				return l
			}
		}
	}
	return nil
}

// htmlUnescape decodes entities left in metadata ("&#8217;" in JSON-LD
// written by some CMSs).
func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// cleanTitle drops the " | Site" or " - Site" tail of a <title>.
func cleanTitle(s string) string {
	for _, sep := range []string{" | ", " – ", " — ", " - ", " :: "} {
		if i := strings.LastIndex(s, sep); i > 15 {
			return s[:i]
		}
	}
	return s
}

func resolve(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != "" {
		if b, err := url.Parse(base); err == nil {
			r = b.ResolveReference(r)
		}
	}
	if !r.IsAbs() || (r.Scheme != "http" && r.Scheme != "https") {
		return ""
	}
	return r.String()
}

func normLang(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "_", "-")
	if i := strings.IndexAny(s, ",; "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, "-")
	parts[0] = strings.ToLower(parts[0])
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	for i := 1; i < len(parts); i++ {
		if len(parts[i]) == 2 {
			parts[i] = strings.ToUpper(parts[i])
		}
	}
	return strings.Join(parts, "-")
}

var dateLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"20060102",
	"2006/01/02 15:04:05",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006, 03:04 PM MST",
	"January 2, 2006, 3:04 PM MST",
	"January 2, 2006 3:04 PM MST",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006 3:04 PM MST",
	"Jan 2, 2006",
	"2 Jan 2006 15:04 MST",
	"2 January 2006 15:04 MST",
	"2 January 2006",
	"2 Jan 2006",
}

// zoneOffsets are the abbreviations pages write dates in; Go's parser
// knows only the local zone's, and takes the others as UTC.
var zoneOffsets = map[string]int{
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
}

// parseDate reads the date formats pages use in metadata. Dates without a
// zone are taken as UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 64 {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if name, off := t.Zone(); off == 0 && zoneOffsets[name] != 0 {
				t = t.Add(-time.Duration(zoneOffsets[name]) * time.Hour)
			}
			return t.UTC(), true
		}
	}
	// Unix seconds or milliseconds.
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if n > 1e12 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

var urlDateRE = regexp.MustCompile(`/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)`)

// urlDate reads a /2019/11/19/ style date from a URL path.
func urlDate(raw string) (time.Time, bool) {
	if raw == "" {
		return time.Time{}, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return time.Time{}, false
	}
	m := urlDateRE.FindStringSubmatch(u.Path)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+m[3])
	return t, err == nil
}

var (
	byRE      = regexp.MustCompile(`(?i)^\s*(?:[\pL ]{0,24}\s)?by[:\s]+`)
	readRE    = regexp.MustCompile(`(?i)\b\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b|\bminute\s+read\b`)
	roleWords = []string{
		"editor", "writer", "correspondent", "reporter", "staff", "contributor", "columnist",
		"journalist", "producer", "analyst", "bureau", "chief", "news service", "newsroom",
		"updated", "published", "associated press",
	}
	splitRE = regexp.MustCompile(`\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\n)\s*`)
)

// cleanAuthors turns author fields into a list of names: no "By", no
// roles, no reading times, no URLs, no duplicates.
func cleanAuthors(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, raw := range in {
		raw = collapse(htmlUnescape(raw))
		if raw == "" || strings.HasPrefix(raw, "http://") || strings.HasPrefix(raw, "https://") {
			continue
		}
		raw = readRE.ReplaceAllString(raw, "")
		raw = byRE.ReplaceAllString(raw, "")
		for _, part := range splitRE.Split(raw, -1) {
			// "Jane Doe - Staff Writer", "Jane Doe, Reuters"
			if i := strings.Index(part, " - "); i > 0 {
				part = part[:i]
			}
			part = strings.Trim(byRE.ReplaceAllString(part, ""), " .:-–—·")
			if !isName(part) {
				continue
			}
			if part == strings.ToUpper(part) && part != strings.ToLower(part) {
				part = titleCase(part) // "MEG KINNARD"
			}
			k := strings.ToLower(part)
			if !seen[k] {
				seen[k] = true
				out = append(out, part)
			}
		}
	}
	return out
}

// titleCase turns an upper-case name into "Meg Kinnard".
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

func isName(s string) bool {
	if len(s) < 2 || len(s) > 60 || strings.ContainsAny(s, "@/<>{}=") {
		return false
	}
	l := strings.ToLower(s)
	for _, w := range roleWords {
		if strings.Contains(l, w) {
			return false
		}
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits == 0
}
