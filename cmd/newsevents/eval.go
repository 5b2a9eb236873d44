package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/events"
	"github.com/newsevents/newsevents/internal/eval"
)

// cmdEval scores the event extractor on a corpus:
//
//	newsevents eval --corpus PATH [--predictions OUT.jsonl] [--errors] [--json]
func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	corpus := fs.String("corpus", "", "corpus JSONL file or directory of *.jsonl files (required)")
	predictions := fs.String("predictions", "", "write one {\"id\",\"events\"} line per article to this file")
	showErrors := fs.Bool("errors", false, "list every false positive and false negative with its sentence")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsevents eval --corpus PATH [--predictions OUT.jsonl] [--errors] [--json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *corpus == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	recs, err := eval.Load(*corpus)
	if err != nil {
		return err
	}
	x, err := extractor.New()
	if err != nil {
		return err
	}
	var pw io.Writer
	var bw *bufio.Writer
	if *predictions != "" {
		f, err := os.Create(*predictions)
		if err != nil {
			return fmt.Errorf("predictions: %w", err)
		}
		defer f.Close()
		bw = bufio.NewWriter(f)
		pw = bw
	}
	// The engine alone locates the sentences behind missed events.
	loc, err := events.New()
	if err != nil {
		return err
	}
	rep, err := eval.RunWith(ctx, x, loc, recs, pw)
	if err != nil {
		return err
	}
	if bw != nil {
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("predictions: %w", err)
		}
	}
	if *asJSON {
		if !*showErrors {
			rep.Errors = nil
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(stdout, *showErrors)
}
