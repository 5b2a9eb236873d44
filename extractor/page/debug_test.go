package page

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestDebugChain prints the ancestors of the element holding DEBUG_TEXT in
// the bench page DEBUG_ID (a development aid; skipped without them).
func TestDebugChain(t *testing.T) {
	id, needle := os.Getenv("DEBUG_ID"), os.Getenv("DEBUG_TEXT")
	if id == "" {
		t.Skip("DEBUG_ID not set")
	}
	m, _ := filepath.Glob(filepath.Join(benchDir(t), "html", id+"*"))
	if len(m) == 0 {
		t.Fatalf("no bench page %s", id)
	}
	f, _ := os.ReadFile(m[0])
	zr, _ := gzip.NewReader(bytes.NewReader(f))
	raw, _ := io.ReadAll(zr)
	root, _ := html.Parse(bytes.NewReader(raw))
	d := newDoc(root, "")
	d.collect(root)
	s := newScorer(d, true)
	s.measure(d.body)
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.TextNode && strings.Contains(n.Data, needle) {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.body)
	if found == nil {
		t.Fatal("not found")
	}
	for p := found.Parent; p != nil && p.Type == html.ElementNode; p = p.Parent {
		_, un := d.unlikely[p]
		st := s.stats[p]
		desc := ""
		if st != nil {
			desc = fmt.Sprintf("text=%d link=%d score=%.1f cand=%v", st.text, st.link, st.score, st.candidate)
		}
		fmt.Printf("%s class=%q id=%q unlikely=%v ignored=%v %s\n", p.Data, attr(p, "class"), attr(p, "id"), un, s.ignored(p), desc)
	}
	blocks := s.pick(d.body)
	for _, b := range blocks {
		fmt.Printf("PICK %s class=%q id=%q score=%.1f\n", b.Data, attr(b, "class"), attr(b, "id"), s.stats[b].score)
	}
}

// TestDebugMeta prints the metadata of every bench page (a development
// aid; skipped unless DEBUG_META is set).
func TestDebugMeta(t *testing.T) {
	if os.Getenv("DEBUG_META") == "" {
		t.Skip("DEBUG_META not set")
	}
	m, _ := filepath.Glob(filepath.Join(benchDir(t), "html", "*.gz"))
	x, _ := New()
	for _, f := range m {
		raw, _ := os.ReadFile(f)
		zr, _ := gzip.NewReader(bytes.NewReader(raw))
		page, _ := io.ReadAll(zr)
		art, _ := x.Extract(page, Meta{})
		pub := ""
		if art.Published != nil {
			pub = art.Published.Format("2006-01-02T15:04Z")
		}
		fmt.Printf("%s | %.60s | %s %s | %q | %s | %s | %s | %.50s | %v\n", filepath.Base(f)[:8], art.Title, pub, art.PublishedSource, art.Authors, art.Language, art.SiteName, art.Section, art.CanonicalURL, art.Warnings)
	}
}
