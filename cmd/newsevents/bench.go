package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/internal/bodyscore"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "body" {
		fmt.Fprintln(stderr, "usage: newsevents bench body --html DIR [--truth FILE] [--out PRED.json]")
		return errUsage
	}
	return benchBody(ctx, args[1:], stdout, stderr)
}

// benchBody runs the article extractor over a directory of saved pages,
// writes the bodies and, given the expected ones, prints the score.
func benchBody(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench body", stderr)
	dir := fs.String("html", "", "directory of *.html and *.html.gz pages (required)")
	truthPath := fs.String("truth", "", "ground-truth JSON {id: {\"articleBody\": text}}; prints F1, precision, recall")
	outPath := fs.String("out", "", "write the predictions {id: {\"articleBody\": text}} to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "bench body: --html is required")
		return errUsage
	}
	pages, err := bodyscore.LoadPages(*dir)
	if err != nil {
		return err
	}
	var truth map[string]bodyscore.Entry
	if *truthPath != "" {
		if truth, err = bodyscore.LoadTruth(*truthPath); err != nil {
			return err
		}
	}
	x, err := page.New()
	if err != nil {
		return fmt.Errorf("page extractor: %w", err)
	}
	pred := make(map[string]bodyscore.Entry, len(pages))
	var bytesIn int
	start := time.Now()
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		meta := page.Meta{}
		if e, ok := truth[p.ID]; ok {
			meta.URL = e.URL
		}
		art, err := x.Extract(p.HTML, meta)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", p.ID, err)
		}
		pred[p.ID] = bodyscore.Entry{ArticleBody: art.Body}
		bytesIn += len(p.HTML)
	}
	elapsed := time.Since(start)
	if *outPath != "" {
		raw, err := json.MarshalIndent(pred, "", "  ")
		if err != nil {
			return fmt.Errorf("encode predictions: %w", err)
		}
		if err := os.WriteFile(*outPath, raw, 0o644); err != nil {
			return fmt.Errorf("write predictions: %w", err)
		}
	}
	fmt.Fprintf(stdout, "pages: %d  time: %s  pages/s: %.1f  MB/s: %.1f\n", len(pages),
		elapsed.Round(time.Millisecond), float64(len(pages))/elapsed.Seconds(), float64(bytesIn)/1e6/elapsed.Seconds())
	if truth != nil {
		r := bodyscore.Score(bodyscore.Bodies(truth), bodyscore.Bodies(pred))
		fmt.Fprintf(stdout, "F1: %.4f  precision: %.4f  recall: %.4f  (%d pages)\n", r.F1, r.Precision, r.Recall, r.Pages)
	}
	return nil
}
