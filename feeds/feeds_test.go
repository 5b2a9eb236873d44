package feeds

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// latin1 encodes s (Latin-1 only) as ISO-8859-1 bytes.
func latin1(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func TestParseCharsets(t *testing.T) {
	const title = "Café exports to Zürich rise"
	item := "<item><title>" + title + "</title><link>https://news.example/1</link></item>"
	rssDoc := func(decl, items string) string {
		return decl + `<rss version="2.0"><channel><title>T</title>` + items + `</channel></rss>`
	}
	tests := []struct {
		name        string
		give        string
		contentType string
	}{
		{"UTF-8 declared", rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`, item), "application/rss+xml"},
		{"ISO-8859-1 declared and used", latin1(rssDoc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, item)), ""},
		{"UTF-8 bytes declared ISO-8859-1", rssDoc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, item), ""},
		{"Latin-1 bytes declared UTF-8", latin1(rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`, item)), ""},
		{"Latin-1 bytes, charset in Content-Type only", latin1(rssDoc(`<?xml version="1.0"?>`, item)), "text/xml; charset=iso-8859-1"},
		{"Windows-1252 bytes, no charset anywhere", latin1(rssDoc("", item)), "text/xml"},
		{"byte order mark", "\xef\xbb\xbf" + rssDoc(`<?xml version="1.0" encoding="utf-8"?>`, item), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, _, err := parse(Feed{URL: "https://news.example/rss"}, "https://news.example/rss", normalizeCharset([]byte(tt.give), tt.contentType))
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 || items[0].Title != title {
				t.Fatalf("items %+v, want one titled %q", items, title)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		name      string
		give      string
		wantLink  string
		wantGUID  string
		wantDate  string
		wantTTL   time.Duration
		wantCount int
	}{
		{
			name:     "relative link resolved against the feed",
			give:     `<rss version="2.0"><channel><ttl>45</ttl><item><title>A</title><link>/news/a</link><guid>a</guid><pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate></item></channel></rss>`,
			wantLink: "https://news.example/news/a", wantGUID: "a", wantDate: "2026-11-20T08:00:00Z", wantTTL: 45 * time.Minute, wantCount: 1,
		},
		{
			name:     "Atom with updated only",
			give:     `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>B</title><id>tag:b</id><link href="https://news.example/b"/><updated>2026-11-21T10:00:00Z</updated></entry></feed>`,
			wantLink: "https://news.example/b", wantGUID: "tag:b", wantDate: "2026-11-21T10:00:00Z", wantCount: 1,
		},
		{
			name:     "JSON Feed",
			give:     `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"c","url":"https://news.example/c","title":"C","date_published":"2026-11-22T00:00:00Z"}]}`,
			wantLink: "https://news.example/c", wantGUID: "c", wantDate: "2026-11-22T00:00:00Z", wantCount: 1,
		},
		{
			name:      "items with neither link nor GUID are dropped",
			give:      `<rss version="2.0"><channel><item><title>Orphan</title></item></channel></rss>`,
			wantCount: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, ttl, err := parse(Feed{URL: "https://news.example/rss"}, "https://news.example/rss", []byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tt.wantCount {
				t.Fatalf("%d items, want %d", len(items), tt.wantCount)
			}
			if ttl != tt.wantTTL {
				t.Errorf("ttl %s, want %s", ttl, tt.wantTTL)
			}
			if tt.wantCount == 0 {
				return
			}
			it := items[0]
			if it.Link != tt.wantLink || it.GUID != tt.wantGUID || it.Published == nil || it.Published.UTC().Format(time.RFC3339) != tt.wantDate {
				t.Errorf("item %+v, want link %s guid %s date %s", it, tt.wantLink, tt.wantGUID, tt.wantDate)
			}
		})
	}
}

func TestFreshness(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	tests := []struct {
		name string
		give http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"max-age", http.Header{"Cache-Control": {"public, max-age=900"}}, 15 * time.Minute},
		{"no-cache wins", http.Header{"Cache-Control": {"no-cache, max-age=900"}}, 0},
		{"max-age beats Expires", http.Header{"Cache-Control": {"max-age=60"}, "Expires": {now.Add(time.Hour).Format(http.TimeFormat)}}, time.Minute},
		{"Expires relative to Date", http.Header{"Date": {date}, "Expires": {now.Add(2 * time.Hour).Format(http.TimeFormat)}}, 2 * time.Hour},
		{"Expires in the past", http.Header{"Expires": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0},
		{"bad Expires", http.Header{"Expires": {"0"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := freshness(tt.give, now); got != tt.want {
				t.Errorf("freshness = %s, want %s", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(rss("<ttl>5</ttl>", twoItems...)), "text/xml")
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>caf`+"\xe9"+`</title><guid>x</guid></item></channel></rss>`), "")
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id></entry></feed>`), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1"}]}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, _, err := parse(Feed{URL: "https://news.example/rss", FullText: true}, "https://news.example/rss", normalizeCharset(body, contentType))
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Link == "" && it.GUID == "" {
				t.Errorf("item without link or GUID: %+v", it)
			}
			if it.SkipFetch && strings.TrimSpace(it.Content) == "" {
				t.Errorf("SkipFetch without content: %+v", it)
			}
		}
	})
}
