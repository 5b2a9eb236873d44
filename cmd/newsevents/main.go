// Command newsevents turns trade news into structured events on Kafka topics.
//
// main only wires: it parses the subcommand, runs it with a context that is
// cancelled on SIGINT/SIGTERM, and exits once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsevents/newsevents/schema"
)

// command is one subcommand. args excludes the subcommand's name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "poll feeds, extract events, publish them to Kafka", cmdRun},
		{"tail", "print events as they arrive on the topics", cmdTail},
		{"extract", "extract events (or --article) from one page, URL or text file", cmdExtract},
		{"eval", "score the event extractor on a labelled corpus", cmdEval},
		{"bench", "benchmarks: `bench body` scores the article-body extractor", cmdBench},
		{"feeds", "`feeds status`: the state of every feed", cmdFeeds},
		{"schema", "print the JSON Schema of the events", cmdSchema},
		{"replay", "copy events of a time window to a file or topics", cmdReplay},
		{"reextract", "re-run the extractor over stored articles", cmdReextract},
		{"config", "`config check FILE`: validate a configuration file", cmdConfig},
		{"version", "print the version", cmdVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "newsevents %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "newsevents: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: newsevents <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'newsevents <command> -h' for the flags of one command.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("newsevents "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and maps a parse error to errUsage (the flag
// package has already printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// typeFlag registers --type (repeatable, comma-separated) on fs and
// returns the types it collects.
func typeFlag(fs *flag.FlagSet) *[]schema.Type {
	var types []schema.Type
	fs.Func("type", "only events of this `type` (trip_cancelled, tariff-imposed...); repeat or comma-separate for several", func(s string) error {
		for _, p := range splitList(s) {
			t, err := schema.ParseType(p)
			if err != nil {
				return err
			}
			types = append(types, t)
		}
		return nil
	})
	return &types
}
