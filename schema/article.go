package schema

import "time"

// Article is one news page turned into text and metadata by the extractor.
type Article struct {
	URL             string     `json:"url"`
	CanonicalURL    string     `json:"canonical_url"`
	Title           string     `json:"title"`
	Body            string     `json:"body"` // paragraphs separated by "\n\n"
	Published       *time.Time `json:"published,omitempty"`
	PublishedSource string     `json:"published_source,omitempty"` // json-ld, og, meta, time, url, feed
	Modified        *time.Time `json:"modified,omitempty"`
	Authors         []string   `json:"authors,omitempty"`
	Language        string     `json:"language,omitempty"`
	SiteName        string     `json:"site_name,omitempty"`
	Section         string     `json:"section,omitempty"`
	FeedURL         string     `json:"feed_url,omitempty"`
	// Warnings name doubts about the metadata, such as date sources that
	// disagree by more than a day.
	Warnings []string `json:"warnings,omitempty"`
}

// Ref returns the reference to this article carried by its events.
func (a *Article) Ref() ArticleRef {
	return ArticleRef{
		URL:          a.URL,
		CanonicalURL: a.CanonicalURL,
		Title:        a.Title,
		Published:    a.Published,
		SourceSite:   a.SiteName,
		FeedURL:      a.FeedURL,
	}
}
