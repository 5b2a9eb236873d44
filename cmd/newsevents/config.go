package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/newsevents/newsevents/internal/config"
)

// cmdConfig is `newsevents config check FILE...` (validate, exactly as `run`
// does at start-up) and `newsevents config default` (print the defaults).
func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: newsevents config check FILE...
       newsevents config default

check    validates each configuration file as "newsevents run --config FILE"
         would at start-up and prints a one-line summary of it; exits 1 if
         any file is invalid, naming the file and the field.
default  prints the default configuration as YAML.`)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "check":
		if fs.NArg() < 2 {
			fmt.Fprintln(stderr, "newsevents config check: give at least one FILE")
			return errUsage
		}
		return configCheck(fs.Args()[1:], stdout)
	case "default":
		if fs.NArg() > 1 {
			fmt.Fprintf(stderr, "newsevents config default: unexpected argument %q\n", fs.Arg(1))
			return errUsage
		}
		enc := yaml.NewEncoder(stdout)
		enc.SetIndent(2)
		if err := enc.Encode(config.Default()); err != nil {
			return err
		}
		return enc.Close()
	case "":
		fs.Usage()
		return errUsage
	default:
		fmt.Fprintf(stderr, "newsevents config: unknown subcommand %q (want check or default)\n", fs.Arg(0))
		return errUsage
	}
}

// errInvalidConfig is returned by config check when a file is invalid;
// each file's error has been printed already.
var errInvalidConfig = errors.New("invalid configuration")

func configCheck(paths []string, stdout io.Writer) error {
	bad := 0
	for _, p := range paths {
		cfg, err := config.Load(p)
		if err != nil {
			bad++
			fmt.Fprintf(stdout, "FAIL %v\n", err)
			continue
		}
		fmt.Fprintf(stdout, "ok   %s: %s\n", p, summary(&cfg))
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d of %d files", errInvalidConfig, bad, len(paths))
	}
	return nil
}

// summary is one line saying what a configuration will do.
func summary(cfg *config.Config) string {
	brokers := "embedded broker on " + cfg.Kafka.EmbeddedAddr
	if len(cfg.Kafka.Brokers) > 0 {
		brokers = "brokers " + strings.Join(cfg.Kafka.Brokers, ",")
	}
	admin := "admin off"
	if cfg.Admin.Addr != "" {
		admin = "admin on " + cfg.Admin.Addr
	}
	s := fmt.Sprintf("%d feeds, %s, topics %s*, %d workers, state in %s, %s",
		len(cfg.Feeds), brokers, cfg.Kafka.TopicPrefix, cfg.Workers, cfg.StateDir, admin)
	if cfg.Shard != "" {
		s += ", shard " + cfg.Shard
	}
	return s
}
