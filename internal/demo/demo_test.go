package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"
	"go.uber.org/goleak"

	"github.com/newsevents/newsevents/schema"
)

const testBase = "http://demo.test"

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func getDoc(t *testing.T, h http.Handler, path string) *goquery.Document {
	t.Helper()
	resp := get(t, h, path, nil)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", path, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q, want text/html", path, ct)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return doc
}

func TestArticlePages(t *testing.T) {
	h := Handler(testBase)
	paths := Paths()
	if len(paths) < 14 {
		t.Fatalf("got %d article pages, want at least 14", len(paths))
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			doc := getDoc(t, h, p)
			url := testBase + p
			meta := func(sel string) string {
				v, ok := doc.Find(sel).Attr("content")
				if !ok {
					t.Errorf("missing %s", sel)
				}
				return v
			}
			ogTitle := meta(`meta[property="og:title"]`)
			if got := meta(`meta[property="og:type"]`); got != "article" {
				t.Errorf("og:type = %q, want article", got)
			}
			if got := meta(`meta[property="og:url"]`); got != url {
				t.Errorf("og:url = %q, want %q", got, url)
			}
			if got := meta(`meta[property="og:site_name"]`); got != SiteName {
				t.Errorf("og:site_name = %q, want %q", got, SiteName)
			}
			published := meta(`meta[property="article:published_time"]`)
			pubTime, err := time.Parse(time.RFC3339, published)
			if err != nil || pubTime.Year() != 2026 {
				t.Errorf("article:published_time = %q, want an RFC 3339 time in 2026 (%v)", published, err)
			}
			if got, _ := doc.Find(`link[rel="canonical"]`).Attr("href"); got != url {
				t.Errorf("canonical = %q, want %q", got, url)
			}
			if !strings.HasPrefix(doc.Find("title").Text(), ogTitle) {
				t.Errorf("<title> %q does not start with og:title %q", doc.Find("title").Text(), ogTitle)
			}

			var ld struct {
				Type             string `json:"@type"`
				Headline         string `json:"headline"`
				DatePublished    string `json:"datePublished"`
				DateModified     string `json:"dateModified"`
				URL              string `json:"url"`
				MainEntityOfPage string `json:"mainEntityOfPage"`
				ArticleSection   string `json:"articleSection"`
				Author           []struct {
					Name string `json:"name"`
				} `json:"author"`
				Publisher struct {
					Name string `json:"name"`
				} `json:"publisher"`
			}
			scripts := doc.Find(`script[type="application/ld+json"]`)
			if scripts.Length() != 1 {
				t.Fatalf("got %d JSON-LD scripts, want 1", scripts.Length())
			}
			if err := json.Unmarshal([]byte(scripts.Text()), &ld); err != nil {
				t.Fatalf("JSON-LD: %v", err)
			}
			if ld.Type != "NewsArticle" || ld.Headline != ogTitle || ld.URL != url || ld.MainEntityOfPage != url ||
				ld.DatePublished != published || ld.DateModified == "" || ld.ArticleSection == "" ||
				len(ld.Author) != 1 || ld.Author[0].Name == "" || ld.Publisher.Name != SiteName {
				t.Errorf("JSON-LD = %+v, want a NewsArticle with headline %q, url %q, datePublished %q", ld, ogTitle, url, published)
			}

			art := doc.Find("article")
			if got := strings.TrimSpace(art.Find("h1").Text()); got != ogTitle {
				t.Errorf("<h1> = %q, want %q", got, ogTitle)
			}
			if dt, _ := art.Find("time[datetime]").First().Attr("datetime"); dt != published {
				t.Errorf("<time datetime> = %q, want %q", dt, published)
			}
			if !strings.Contains(art.Find(".byline").Text(), ld.Author[0].Name) {
				t.Errorf("byline %q does not name %q", art.Find(".byline").Text(), ld.Author[0].Name)
			}
			if n := art.Find(".article-body > p").Length(); n < 4 {
				t.Errorf("article body has %d paragraphs, want at least 4", n)
			}
			for _, sel := range []string{"header nav a", ".share-bar a", ".related a", ".newsletter form", "footer"} {
				if doc.Find(sel).Length() == 0 {
					t.Errorf("page has no %q", sel)
				}
			}
			if !strings.Contains(doc.Find(".share-bar").Text(), "Share on X") {
				t.Errorf("share bar %q has no Share on X link", doc.Find(".share-bar").Text())
			}
			doc.Find(".related a").Each(func(_ int, s *goquery.Selection) {
				href, _ := s.Attr("href")
				if !slices.Contains(paths, href) || href == p {
					t.Errorf("related link %q is not another article", href)
				}
			})
		})
	}
}

func TestIndexListsEveryArticle(t *testing.T) {
	doc := getDoc(t, Handler(testBase), "/")
	var links []string
	doc.Find("main a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		links = append(links, href)
	})
	for _, p := range Paths() {
		if !slices.Contains(links, p) {
			t.Errorf("index does not link to %s", p)
		}
	}
}

func TestFeedsListEveryArticle(t *testing.T) {
	h := Handler(testBase)
	want := map[string]bool{}
	for _, p := range Paths() {
		want[testBase+p] = true
	}
	seen := map[string]int{}
	tests := []struct {
		give     string
		wantType string
	}{
		{give: testBase + RSSPath, wantType: "rss"},
		{give: testBase + AtomPath, wantType: "atom"},
	}
	if got := FeedURLs(testBase + "/"); !slices.Equal(got, []string{tests[0].give, tests[1].give}) {
		t.Fatalf("FeedURLs = %v", got)
	}
	for _, tt := range tests {
		t.Run(tt.wantType, func(t *testing.T) {
			resp := get(t, h, strings.TrimPrefix(tt.give, testBase), nil)
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			feed, err := gofeed.NewParser().Parse(resp.Body)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if feed.FeedType != tt.wantType {
				t.Errorf("feed type %q, want %q", feed.FeedType, tt.wantType)
			}
			if len(feed.Items) == 0 {
				t.Fatal("feed has no items")
			}
			for _, it := range feed.Items {
				if !want[it.Link] {
					t.Errorf("item link %q is not an article", it.Link)
				}
				if it.Title == "" || it.GUID == "" || it.PublishedParsed == nil || it.Description == "" {
					t.Errorf("item %q: want title, guid/id, published date and description/summary: %+v", it.Link, it)
				}
				seen[it.Link]++
			}
		})
	}
	both := 0
	for u := range want {
		if seen[u] == 0 {
			t.Errorf("no feed lists %s", u)
		}
		if seen[u] == 2 {
			both++
		}
	}
	if both == 0 {
		t.Error("no article is in both feeds; want some, to exercise de-duplication")
	}
}

func TestConditionalGet(t *testing.T) {
	h := Handler(testBase)
	for _, p := range []string{RSSPath, AtomPath, "/", Paths()[0]} {
		t.Run(p, func(t *testing.T) {
			first := get(t, h, p, nil)
			first.Body.Close()
			etag, lastMod := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
			if etag == "" || lastMod == "" {
				t.Fatalf("ETag %q, Last-Modified %q: want both", etag, lastMod)
			}
			tests := []struct {
				name string
				give map[string]string
				want int
			}{
				{name: "if-none-match", give: map[string]string{"If-None-Match": etag}, want: http.StatusNotModified},
				{name: "if-modified-since", give: map[string]string{"If-Modified-Since": lastMod}, want: http.StatusNotModified},
				{name: "stale etag", give: map[string]string{"If-None-Match": `"stale"`}, want: http.StatusOK},
			}
			for _, tt := range tests {
				resp := get(t, h, p, tt.give)
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
				}
			}
		})
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	h := Handler(testBase)
	resp := get(t, h, "/2026/01/no-such-story.html", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page: status %d, want 404", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, RSSPath, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
}

// pageText is the visible text of an article's body.
func pageText(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	return getDoc(t, h, path).Find(".article-body").Text()
}

func TestExpectedMatchesPages(t *testing.T) {
	exp := Expected()
	paths := Paths()
	if len(exp) != len(paths) {
		t.Errorf("Expected has %d pages, site has %d", len(exp), len(paths))
	}
	for _, p := range paths {
		if _, ok := exp[p]; !ok {
			t.Errorf("no expected events for page %s", p)
		}
	}
	perType := map[schema.Type]int{}
	empty := 0
	h := Handler(testBase)
	for p, evs := range exp {
		if !slices.Contains(paths, p) {
			t.Errorf("expected events for missing page %s", p)
			continue
		}
		if len(evs) == 0 {
			empty++
		}
		text := pageText(t, h, p)
		keys := map[string]bool{}
		for _, e := range evs {
			perType[e.Type]++
			if e.Key != schema.Key(e.Type, e.Fields) {
				t.Errorf("%s: key %q, want schema.Key %q", p, e.Key, schema.Key(e.Type, e.Fields))
			}
			if keys[e.Key] {
				t.Errorf("%s: event %s listed twice", p, e.Key)
			}
			keys[e.Key] = true
			// Names the labeller copied must be on the page as written.
			for _, name := range []string{e.Fields.Traveler, e.Fields.Investor} {
				if len(name) > 2 && !strings.Contains(text, name) {
					t.Errorf("%s: %q is not in the article text", p, name)
				}
			}
		}
	}
	for _, ty := range schema.CoreTypes() {
		if perType[ty] < 2 {
			t.Errorf("%d pages' events of type %s, want at least 2", perType[ty], ty)
		}
	}
	if empty < 3 {
		t.Errorf("%d pages without events, want at least 3", empty)
	}
}

func TestExpectedKeys(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{give: "/2026/01/canada-minister-cancels-mexico-visit.html", want: []string{"trip_cancelled|CA|MX"}},
		{give: "/2026/02/india-raises-steel-tariff.html", want: []string{"tariff_imposed|IN|*|30"}},
		{give: "/2026/03/south-korea-us-sign-trade-agreement.html", want: []string{
			"trade_deal_reached|KR,US", "tariff_rate_agreed|US|KR|15", "investment_pledged|KR|US|3.5e+11"}},
		{give: "/2026/04/albrecht-werke-invests-in-mexico.html", want: []string{"investment_pledged|albrecht werke|MX|2.3e+09"}},
		{give: "/2026/03/will-australia-eu-strike-deal.html", want: nil},
	}
	exp := Expected()
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []string
			for _, e := range exp[tt.give] {
				got = append(got, e.Key)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("keys = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	base, wait, err := Serve(ctx, "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatalf("Serve: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := client.Get(base + RSSPath)
	if err != nil {
		cancel()
		t.Fatalf("GET feed: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	client.CloseIdleConnections()
	if !strings.Contains(string(body), base+Paths()[0]) {
		t.Errorf("feed served at %s does not use that base URL for its links", base)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("wait: %v", err)
	}
	if _, err := client.Get(base + "/"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestServeBadAddr(t *testing.T) {
	if _, _, err := Serve(context.Background(), "256.0.0.1:bad"); err == nil {
		t.Error("Serve on a malformed address: no error")
	}
}
