// Command bench compares the newsevents article extractor with
// go-trafilatura (and readeck's go-readability) on the pages of the
// article-body benchmark: the same pages, already in memory, one core
// (GOMAXPROCS=1), one goroutine. It prints the median pages/s of each over
// several interleaved rounds, the speed ratio, allocations per page, and
// the F1, precision and recall of each by the benchmark's metric.
//
// It is its own Go module so that the peers never become dependencies of
// the service.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/internal/bodyscore"
)

type extractor struct {
	name string
	run  func(p bodyscore.PageFile, u *url.URL) string
}

func main() {
	dir := flag.String("dir", "../../shared/bench/article-body", "article-body benchmark directory (html/ and ground-truth.json)")
	rounds := flag.Int("rounds", 5, "timed rounds over all pages, per extractor")
	withReadability := flag.Bool("readability", true, "also run readeck go-readability v2")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	if err := run(*dir, *rounds, *withReadability); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(dir string, rounds int, withReadability bool) error {
	pages, err := bodyscore.LoadPages(filepath.Join(dir, "html"))
	if err != nil {
		return err
	}
	truth, err := bodyscore.LoadTruth(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		return err
	}
	urls := make(map[string]*url.URL, len(pages))
	for _, p := range pages {
		u, _ := url.Parse(truth[p.ID].URL)
		urls[p.ID] = u
	}
	ours, err := page.New()
	if err != nil {
		return err
	}
	exts := []extractor{
		{"newsevents", func(p bodyscore.PageFile, u *url.URL) string {
			art, _ := ours.Extract(p.HTML, page.Meta{URL: u.String()})
			return art.Body
		}},
		{"go-trafilatura", func(p bodyscore.PageFile, u *url.URL) string {
			res, err := trafilatura.Extract(bytes.NewReader(p.HTML), trafilatura.Options{OriginalURL: u})
			if err != nil || res == nil {
				return ""
			}
			return res.ContentText
		}},
	}
	if withReadability {
		exts = append(exts, extractor{"go-readability-v2", func(p bodyscore.PageFile, u *url.URL) string {
			a, err := readability.FromReader(bytes.NewReader(p.HTML), u)
			if err != nil {
				return ""
			}
			var b strings.Builder
			if err := a.RenderText(&b); err != nil {
				return ""
			}
			return b.String()
		}})
	}
	var size int
	for _, p := range pages {
		size += len(p.HTML)
	}
	fmt.Printf("%d pages, %.1f MB, GOMAXPROCS=%d, %d rounds\n\n", len(pages), float64(size)/1e6, runtime.GOMAXPROCS(0), rounds)

	// One warm-up round each (package init, lazily built tables), which
	// also gives the predictions scored below.
	preds := make([]map[string]string, len(exts))
	for i, e := range exts {
		preds[i] = make(map[string]string, len(pages))
		for _, p := range pages {
			preds[i][p.ID] = e.run(p, urls[p.ID])
		}
	}
	rates := make([][]float64, len(exts))
	allocs := make([]float64, len(exts))
	for r := 0; r < rounds; r++ {
		for i, e := range exts { // interleaved, so drifts hit all alike
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			start := time.Now()
			for _, p := range pages {
				e.run(p, urls[p.ID])
			}
			el := time.Since(start)
			runtime.ReadMemStats(&m1)
			rates[i] = append(rates[i], float64(len(pages))/el.Seconds())
			allocs[i] += float64(m1.Mallocs-m0.Mallocs) / float64(len(pages)) / float64(rounds)
		}
	}
	exp := bodyscore.Bodies(truth)
	med := make([]float64, len(exts))
	fmt.Printf("%-18s %10s %12s %8s %8s %8s\n", "extractor", "pages/s", "allocs/page", "F1", "P", "R")
	for i, e := range exts {
		med[i] = median(rates[i])
		s := bodyscore.Score(exp, preds[i])
		fmt.Printf("%-18s %10.1f %12.0f %8.4f %8.4f %8.4f\n", e.name, med[i], allocs[i], s.F1, s.Precision, s.Recall)
	}
	fmt.Printf("\nspeed ratio newsevents / go-trafilatura: %.2fx (medians of %d rounds)\n", med[0]/med[1], rounds)
	return nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
