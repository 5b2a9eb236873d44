package page

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsevents/newsevents/internal/demo"
)

// TestDemoSite extracts every article page of the bundled demo site: the
// title, the JSON-LD date and every paragraph of the story must come out,
// and none of the page furniture around it.
func TestDemoSite(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	srv.Config.Handler = demo.Handler(srv.URL)
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	furniture := []string{"Share on", "Related stories", "The Ledger Weekly", "Sign up", "About us", "Search the Ledger", "fictional outlet"}
	paths := demo.Paths()
	if len(paths) == 0 {
		t.Fatal("demo site has no pages")
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			art, err := x.Extract(raw, Meta{URL: srv.URL + p, Header: resp.Header})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if want := doc.Find("article h1").Text(); art.Title != want {
				t.Errorf("title = %q, want %q", art.Title, want)
			}
			if art.Published == nil || art.PublishedSource != SourceJSONLD {
				t.Errorf("published = %v from %q, want a JSON-LD date", art.Published, art.PublishedSource)
			}
			if art.CanonicalURL != srv.URL+p {
				t.Errorf("canonical = %q, want %q", art.CanonicalURL, srv.URL+p)
			}
			doc.Find(".article-body p").Each(func(_ int, s *goquery.Selection) {
				if para := strings.Join(strings.Fields(s.Text()), " "); !strings.Contains(art.Body, para) {
					t.Errorf("body lacks paragraph %q", para)
				}
			})
			for _, f := range furniture {
				if strings.Contains(art.Body, f) {
					t.Errorf("body holds page furniture %q:\n%s", f, art.Body)
				}
			}
		})
	}
}
