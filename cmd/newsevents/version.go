package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/newsevents/newsevents/internal/buildinfo"
)

// cmdVersion prints the build: the version injected at link time (see
// deployments/Dockerfile), else the module version or VCS revision.
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	asJSON := fs.Bool("json", false, "print the build information as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsevents version [--json]\n\nPrints the version, VCS revision, Go version and platform of this binary.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "newsevents version: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	info := buildinfo.Get()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	_, err := fmt.Fprintln(stdout, info)
	return err
}
