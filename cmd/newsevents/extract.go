package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/schema"
)

func cmdExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", stderr)
	article := fs.Bool("article", false, "print the extracted Article (title, body, dates, authors...) as JSON instead of the events")
	published := fs.String("published", "", "reference `date` (YYYY-MM-DD) for relative dates in a text file; pages carry their own")
	maxBytes := fs.Int64("max-bytes", 5<<20, "largest page read, in `bytes`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsevents extract [flags] PATH|URL\n\nExtracts the events of one HTML page (file or http(s) URL) or one plain-text file\n(first line: the title) and prints them as JSON lines. No Kafka involved.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	src := fs.Arg(0)
	var ref time.Time
	if *published != "" {
		t, err := time.Parse("2006-01-02", *published)
		if err != nil {
			return fmt.Errorf("--published %q: want a date such as 2025-08-28", *published)
		}
		ref = t
	}
	x, err := extractor.New()
	if err != nil {
		return err
	}

	var raw []byte
	meta := page.Meta{URL: src}
	isURL := strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
	if isURL {
		if err := config.CheckHTTPURL(src); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		resp, err := fetch.New(fetch.Options{}).Get(ctx, src, nil, *maxBytes)
		if err != nil {
			return err
		}
		raw, meta.URL, meta.Header = resp.Body, resp.URL, resp.Header
	} else {
		raw, err = readFileLimited(src, *maxBytes)
		if err != nil {
			return err
		}
		abs, _ := filepath.Abs(src)
		meta.URL = "file://" + filepath.ToSlash(abs)
	}

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	now := time.Now()
	if !isURL && !looksLikeHTML(src, raw) {
		if *article {
			return errors.New("--article needs an HTML page, not a text file")
		}
		title, text := splitTitle(string(raw))
		art := schema.Article{URL: meta.URL, CanonicalURL: meta.URL, Title: title, Body: text}
		if !ref.IsZero() {
			art.Published = &ref
		}
		return encodeAll(enc, x.Article(&art, now))
	}
	if *published != "" {
		meta.FeedPublished = &ref
	}
	art, evs, err := x.Page(raw, meta, now)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if *article {
		enc.SetIndent("", "  ")
		return enc.Encode(art)
	}
	return encodeAll(enc, evs)
}

func encodeAll(enc *json.Encoder, evs []schema.Event) error {
	for i := range evs {
		if err := enc.Encode(&evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// readFileLimited reads a file, refusing one larger than max bytes.
func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than --max-bytes %d", path, max)
	}
	return b, nil
}

// looksLikeHTML decides between a page and a plain-text file.
func looksLikeHTML(name string, b []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return true
	case ".txt", ".text":
		return false
	}
	return strings.HasPrefix(http.DetectContentType(b), "text/html") || bytes.Contains(bytes.ToLower(b[:min(len(b), 1024)]), []byte("<html"))
}

// splitTitle takes the first non-empty line of a text as its title.
func splitTitle(s string) (title, text string) {
	s = strings.TrimLeft(strings.ReplaceAll(s, "\r\n", "\n"), "\n \t")
	title, text, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(title), strings.TrimLeft(text, "\n")
}
