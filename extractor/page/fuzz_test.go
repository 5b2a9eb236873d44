package page

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzExtract checks that no input makes Extract panic or return invalid
// UTF-8, whatever the declared charset.
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob("testdata/golden/*.html")
	for _, p := range pages {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(raw, "text/html; charset=utf-8")
		}
	}
	f.Add([]byte(`<html><head><script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":[{"name":1}],"datePublished":[]}]}</script></head></html>`), "")
	f.Add([]byte(`<meta charset="shift_jis"><p>`+"\x82\xa0\x82\xa2"), "")
	f.Add([]byte("<table><td><div><p>a, b, c, d</p></div></td></table><article><article></article></article>"), "text/html; charset=gbk")
	f.Add([]byte{0xff, 0xfe, 0x3c, 0x00}, "")
	x, err := NewWithOptions(Options{MaxBytes: 1 << 20})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte, contentType string) {
		art, err := x.Extract(raw, Meta{URL: "https://news.example/2026/03/14/a", Header: http.Header{"Content-Type": {contentType}}})
		if err != nil {
			return
		}
		for _, s := range []string{art.Title, art.Body, art.SiteName, art.Section, art.CanonicalURL} {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in %q", s)
			}
		}
	})
}
