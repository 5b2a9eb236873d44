// Package eval scores the event extractor on a labelled corpus in the format
// of shared/spec/events.md, exactly as the spec scores it, and writes the
// predictions.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/schema"
)

// Record is one article of a corpus.
type Record struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Published *string `json:"published"`
	Title     *string `json:"title"`
	Text      string  `json:"text"`
	// Events are the gold events; nil when the record has no "events" key.
	Events []GoldEvent `json:"events"`
	// HasGold reports whether the record carries an "events" key (an empty
	// list is a negative example).
	HasGold bool `json:"-"`
	// Source is "file:line", for messages.
	Source string `json:"-"`
}

// GoldEvent is a labelled event: its type and fields in the spec's names.
type GoldEvent struct {
	Type schema.Type `json:"type"`
	schema.Fields
}

// maxLine bounds one JSONL line (an article excerpt is a few kilobytes).
const maxLine = 16 << 20

// Load reads a corpus file, or every *.jsonl file of a directory in name
// order.
func Load(path string) ([]Record, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", path, err)
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("corpus %s: no *.jsonl file", path)
		}
	}
	var out []Record
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		recs, err := Read(fh, f)
		fh.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// Read reads JSONL records from r; name is used in error messages.
func Read(r io.Reader, name string) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []Record
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		_, rec.HasGold = keys["events"]
		rec.Source = fmt.Sprintf("%s:%d", name, line)
		if rec.ID == "" {
			rec.ID = rec.Source
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes: %w", name, line+1, maxLine, err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// Document is the text the extractor reads for rec: its title and text,
// published as the reference date. Corpus texts often begin with their
// title; then the title is not added a second time.
func (rec *Record) Document() events.Document {
	doc := events.Document{Text: rec.Text}
	if rec.Title != nil {
		t := strings.TrimSpace(*rec.Title)
		if t != "" && !strings.HasPrefix(strings.TrimSpace(rec.Text), t) {
			doc.Title = t
		}
	}
	if rec.Published != nil {
		for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, strings.TrimSpace(*rec.Published)); err == nil {
				doc.Published = t
				break
			}
		}
	}
	return doc
}
