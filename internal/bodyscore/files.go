package bodyscore

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// PageFile is one saved page of a benchmark directory.
type PageFile struct {
	ID   string // the file name without its extensions
	HTML []byte // the page, gunzipped
}

// LoadPages reads every *.html and *.html.gz file of dir, sorted by id.
func LoadPages(dir string) ([]PageFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read page dir: %w", err)
	}
	var out []PageFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".html.gz")) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read page: %w", err)
		}
		if strings.HasSuffix(name, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("page %s: %w", name, err)
			}
			raw, err = io.ReadAll(zr)
			if err != nil {
				return nil, fmt.Errorf("page %s: %w", name, err)
			}
		}
		out = append(out, PageFile{ID: strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".html"), HTML: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Entry is one page of a ground-truth or prediction file.
type Entry struct {
	ArticleBody string `json:"articleBody"`
	URL         string `json:"url,omitempty"`
}

// LoadTruth reads a ground-truth file, {id: {"articleBody": ..., "url": ...}}.
func LoadTruth(path string) (map[string]Entry, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read truth: %w", err)
	}
	var m map[string]Entry
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("truth %s: %w", path, err)
	}
	return m, nil
}

// Bodies returns the article bodies of entries by id.
func Bodies(m map[string]Entry) map[string]string {
	out := make(map[string]string, len(m))
	for id, e := range m {
		out[id] = e.ArticleBody
	}
	return out
}
