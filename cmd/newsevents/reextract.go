package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/internal/replay"
)

// cmdReextract runs the current extractor over the articles stored on
// news.articles in a time window and publishes their events.
func cmdReextract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reextract", stderr)
	var k kafkaFlags
	k.register(fs)
	var w windowFlags
	w.register(fs)
	dryRun := fs.Bool("dry-run", false, "compare with the previous extraction and print the summary, publish nothing")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: newsevents reextract --since T [--until T] [--dry-run] [--brokers ...]

Reads the articles stored on news.articles in the window (by the time they
were stored), runs the current extractor, publishes the events and prints
how many were added, changed and removed compared with the previous
extraction of the same articles. Unchanged events keep their id.
T is RFC 3339, a date (UTC) or a duration back from now (24h).

flags:`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	window, err := w.window(time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "newsevents reextract: %v\n", err)
		return errUsage
	}
	cfg, conn, err := k.conn()
	if err != nil {
		return err
	}
	x, err := extractor.New()
	if err != nil {
		return err
	}
	opts := replay.ReextractOptions{Conn: conn, TopicPrefix: cfg.TopicPrefix, Window: window, Extractor: x}
	if !*quiet {
		opts.Progress = stderr
	}
	if !*dryRun {
		popts, err := publish.OptionsFromConfig(cfg, conn.Brokers, nil)
		if err != nil {
			return err
		}
		popts.TopicPrefix = cfg.TopicPrefix
		pub, err := publish.New(popts)
		if err != nil {
			return err
		}
		defer pub.Close()
		opts.Publisher = pub
	}
	sum, err := replay.Reextract(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	return nil
}
