package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// cmdSchema prints the JSON Schema of the events (or of one type, the
// stored articles or the dead letters), or validates JSON lines with it:
//
//	newsevents schema                  # the event schema, self-contained
//	newsevents schema tariff_imposed   # the fields of one type
//	newsevents schema -list            # names and $ids
//	kcat -C -b HOST -t trade.tariff-imposed -e -c 100 -f '%s\n' | newsevents schema -validate -
func cmdSchema(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("schema", stderr)
	list := fs.Bool("list", false, "list the schemas and their $id")
	validate := fs.String("validate", "", "validate every line of `FILE` (- for stdin) as one JSON value of the schema NAME (default event)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: newsevents schema [-list] [-validate FILE] [NAME]\n\nNAME is one of: %s (default event).\n\n", strings.Join(schema.SchemaNames(), ", "))
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	name := schema.EventSchema
	if fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	switch {
	case *list:
		for _, n := range schema.SchemaNames() {
			fmt.Fprintf(stdout, "%-20s %s\n", n, schema.SchemaID(n))
		}
		return nil
	case *validate != "":
		return validateLines(ctx, name, *validate, stdout)
	}
	out, err := schema.BundledJSONSchema(name)
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// errInvalid reports that some values did not match.
var errInvalid = errors.New("invalid values")

// validateLines validates every non-empty line of path and prints one line
// per invalid value, then a summary.
func validateLines(ctx context.Context, name, path string, stdout io.Writer) error {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var n, bad, line int
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line++
		v := strings.TrimSpace(sc.Text())
		if v == "" {
			continue
		}
		n++
		if err := schema.ValidateAs(name, []byte(v)); err != nil {
			bad++
			fmt.Fprintf(stdout, "line %d: %v\n", line, strings.ReplaceAll(err.Error(), "\n", " "))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "%d values, %d valid, %d invalid (%s)\n", n, n-bad, bad, schema.SchemaID(name))
	if bad > 0 {
		return fmt.Errorf("%d of %d: %w", bad, n, errInvalid)
	}
	return nil
}
