package demo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"strings"
	"time"
)

type jsonLDPerson struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonLDOrg struct {
	Type string      `json:"@type"`
	Name string      `json:"name"`
	URL  string      `json:"url"`
	Logo *jsonLDLogo `json:"logo,omitempty"`
}

type jsonLDLogo struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

type jsonLDArticle struct {
	Context          string         `json:"@context"`
	Type             string         `json:"@type"`
	Headline         string         `json:"headline"`
	Description      string         `json:"description"`
	DatePublished    string         `json:"datePublished"`
	DateModified     string         `json:"dateModified"`
	Author           []jsonLDPerson `json:"author"`
	Publisher        jsonLDOrg      `json:"publisher"`
	ArticleSection   string         `json:"articleSection"`
	URL              string         `json:"url"`
	MainEntityOfPage string         `json:"mainEntityOfPage"`
	InLanguage       string         `json:"inLanguage"`
}

type articleView struct {
	Base           string
	URL            string
	A              article
	JSONLD         template.JS
	Body           template.HTML
	SectionID      string
	AuthorID       string
	PublishedHuman string
	ModifiedHuman  string
	Related        []article
}

type sectionView struct {
	ID, Name string
	Articles []article
}

type indexView struct {
	Base     string
	Sections []sectionView
}

func slug(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}), "-"))
}

func human(t time.Time) string { return t.UTC().Format("Monday 2 January 2006, 15:04 UTC") }

// render builds every resource of the site for base, keyed by path.
func render(base string) (map[string]*page, error) {
	as, err := loadArticles()
	if err != nil {
		return nil, err
	}
	tmpl, err := template.ParseFS(siteFS, "site/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	byPath := make(map[string]article, len(as))
	for _, a := range as {
		byPath[a.Path] = a
	}
	pages := make(map[string]*page, len(as)+3)
	var latest time.Time
	for _, a := range as {
		if m := a.modified(); m.After(latest) {
			latest = m
		}
		body, err := siteFS.ReadFile("site/articles/" + a.File)
		if err != nil {
			return nil, fmt.Errorf("read article %s: %w", a.Path, err)
		}
		u := base + a.Path
		ld, err := json.Marshal(jsonLDArticle{
			Context:          "https://schema.org",
			Type:             "NewsArticle",
			Headline:         a.Title,
			Description:      a.Description,
			DatePublished:    a.Published,
			DateModified:     a.Modified,
			Author:           []jsonLDPerson{{Type: "Person", Name: a.Author, URL: base + "/authors/" + slug(a.Author)}},
			Publisher:        jsonLDOrg{Type: "NewsMediaOrganization", Name: SiteName, URL: base + "/", Logo: &jsonLDLogo{Type: "ImageObject", URL: base + "/static/logo.png"}},
			ArticleSection:   a.Section,
			URL:              u,
			MainEntityOfPage: u,
			InLanguage:       "en",
		})
		if err != nil {
			return nil, fmt.Errorf("json-ld of %s: %w", a.Path, err)
		}
		v := articleView{
			Base:           base,
			URL:            u,
			A:              a,
			JSONLD:         template.JS(ld),     // json.Marshal escapes <, > and &
			Body:           template.HTML(body), // written by the project, trusted
			SectionID:      slug(a.Section),
			AuthorID:       slug(a.Author),
			PublishedHuman: human(a.published()),
			ModifiedHuman:  human(a.modified()),
		}
		for _, r := range a.Related {
			v.Related = append(v.Related, byPath[r])
		}
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "article", v); err != nil {
			return nil, fmt.Errorf("render %s: %w", a.Path, err)
		}
		pages[a.Path] = newPage(buf.Bytes(), "text/html; charset=utf-8", a.modified())
	}

	iv := indexView{Base: base}
	secIdx := map[string]int{}
	for i := len(as) - 1; i >= 0; i-- { // newest first
		a := as[i]
		j, ok := secIdx[a.Section]
		if !ok {
			j = len(iv.Sections)
			secIdx[a.Section] = j
			iv.Sections = append(iv.Sections, sectionView{ID: slug(a.Section), Name: a.Section})
		}
		iv.Sections[j].Articles = append(iv.Sections[j].Articles, a)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "index", iv); err != nil {
		return nil, fmt.Errorf("render index: %w", err)
	}
	pages["/"] = newPage(buf.Bytes(), "text/html; charset=utf-8", latest)

	rss, err := renderRSS(base, as)
	if err != nil {
		return nil, err
	}
	pages[RSSPath] = newPage(rss, "application/rss+xml; charset=utf-8", latest)
	atom, err := renderAtom(base, as)
	if err != nil {
		return nil, err
	}
	pages[AtomPath] = newPage(atom, "application/atom+xml; charset=utf-8", latest)
	return pages, nil
}

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Self          rssSelf   `xml:"atom:link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	TTL           int       `xml:"ttl"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Author      string  `xml:"dc:creator"`
	Category    string  `xml:"category"`
	Description string  `xml:"description"`
}

// renderRSS writes the RSS 2.0 feed: the articles marked "rss", newest first.
func renderRSS(base string, as []article) ([]byte, error) {
	doc := rssDoc{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", Channel: rssChannel{
		Title:       SiteName,
		Link:        base + "/",
		Self:        rssSelf{Href: base + RSSPath, Rel: "self", Type: "application/rss+xml"},
		Description: "Trade, shipping and the money behind them",
		Language:    "en",
		TTL:         15,
	}}
	var latest time.Time
	for i := len(as) - 1; i >= 0; i-- {
		a := as[i]
		if !a.inFeed("rss") {
			continue
		}
		if a.modified().After(latest) {
			latest = a.modified()
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title:       a.Title,
			Link:        base + a.Path,
			GUID:        rssGUID{IsPermaLink: true, Value: base + a.Path},
			PubDate:     a.published().UTC().Format(time.RFC1123Z),
			Author:      a.Author,
			Category:    a.Section,
			Description: a.Description,
		})
	}
	doc.Channel.LastBuildDate = latest.UTC().Format(time.RFC1123Z)
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render rss feed: %w", err)
	}
	// dc:creator needs its namespace declared on the root element.
	out = bytes.Replace(out, []byte(`<rss version="2.0"`), []byte(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"`), 1)
	return append([]byte(xml.Header), out...), nil
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Link      atomLink   `xml:"link"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Author    atomPerson `xml:"author"`
	Category  struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Summary string `xml:"summary"`
}

// renderAtom writes the Atom feed: the articles marked "atom", newest first.
// Entry ids are tag URIs, independent of the base URL, as Atom recommends;
// the link is the page.
func renderAtom(base string, as []article) ([]byte, error) {
	f := atomFeed{
		Title:  SiteName,
		ID:     "tag:harbourledger.example,2026:feed",
		Links:  []atomLink{{Href: base + AtomPath, Rel: "self", Type: "application/atom+xml"}, {Href: base + "/", Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: SiteName},
	}
	var latest time.Time
	for i := len(as) - 1; i >= 0; i-- {
		a := as[i]
		if !a.inFeed("atom") {
			continue
		}
		if a.modified().After(latest) {
			latest = a.modified()
		}
		e := atomEntry{
			Title:     a.Title,
			ID:        "tag:harbourledger.example,2026:" + strings.TrimSuffix(a.Path, ".html"),
			Link:      atomLink{Href: base + a.Path, Rel: "alternate", Type: "text/html"},
			Published: a.Published,
			Updated:   a.Modified,
			Author:    atomPerson{Name: a.Author},
			Summary:   a.Description,
		}
		e.Category.Term = a.Section
		f.Entries = append(f.Entries, e)
	}
	f.Updated = latest.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render atom feed: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}
