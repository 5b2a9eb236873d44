package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/internal/replay"
	"github.com/newsevents/newsevents/schema"
)

// cmdReplay copies the events of a time window to a JSON lines file or to
// topics under another prefix.
func cmdReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("replay", stderr)
	var k kafkaFlags
	k.register(fs)
	var w windowFlags
	w.register(fs)
	typesFlag := typeFlag(fs)
	out := fs.String("out", "", "write the events to `FILE` as JSON lines (- for stdout)")
	toPrefix := fs.String("to-topic-prefix", "", "copy the messages (key, value, headers) to the event topics under `PREFIX`")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: newsevents replay --since T [--until T] [--type TYPE...] (--out FILE.jsonl | --to-topic-prefix P) [--brokers ...]

Reads the event topics from the offsets matching --since on every partition
up to the end offsets of the moment it starts (or --until), so it always
ends. The window is on the time each message was written to Kafka (its
timestamp), not the article's date. Events come out unchanged: to a file,
one JSON value per line; to topics, with their key, value, headers and
timestamp. T is RFC 3339 (2026-11-24T08:00:00Z), a date (2026-11-24, UTC)
or a duration back from now (90m, 24h).

flags:`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*out == "") == (*toPrefix == "") {
		fmt.Fprintln(stderr, "newsevents replay: give exactly one of --out and --to-topic-prefix")
		return errUsage
	}
	window, err := w.window(time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "newsevents replay: %v\n", err)
		return errUsage
	}
	cfg, conn, err := k.conn()
	if err != nil {
		return err
	}
	comp, err := publish.ParseCompression(cfg.Compression)
	if err != nil {
		return err
	}
	opts := replay.Options{Conn: conn, TopicPrefix: cfg.TopicPrefix, Types: *typesFlag, Window: window, ToTopicPrefix: *toPrefix, Compression: comp}
	if !*quiet {
		opts.Progress = stderr
	}
	var f *os.File
	switch *out {
	case "":
	case "-":
		opts.Out = stdout
	default:
		if f, err = os.Create(*out); err != nil {
			return err
		}
		opts.Out = f
	}
	res, err := replay.Replay(ctx, opts)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "replayed %d events%s\n", res.Messages, byType(res.ByType))
	return nil
}

func byType(m map[schema.Type]int64) string {
	var parts []string
	for t, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", t, n))
	}
	if len(parts) == 0 {
		return ""
	}
	sort.Strings(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}

// kafkaFlags are the flags of the commands that read the topics.
type kafkaFlags struct {
	configPath string
	brokers    string
	prefix     string
}

func (k *kafkaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&k.configPath, "config", "", "configuration `FILE` for TLS, SASL, compression and the topic prefix")
	fs.StringVar(&k.brokers, "brokers", "", "comma-separated Kafka `host:port` list (default: the config's brokers, or the embedded broker's address)")
	fs.StringVar(&k.prefix, "topic-prefix", "", "`prefix` of the event topics (default: the config's, trade.)")
}

// conn returns the Kafka settings and connection of the flags.
func (k *kafkaFlags) conn() (config.Kafka, publish.Conn, error) {
	cfg := config.Default()
	if k.configPath != "" {
		var err error
		if cfg, err = config.Load(k.configPath); err != nil {
			return config.Kafka{}, publish.Conn{}, err
		}
	}
	kc := cfg.Kafka
	if k.prefix != "" {
		if err := schema.ValidateTopicPrefix(k.prefix); err != nil {
			return config.Kafka{}, publish.Conn{}, err
		}
		kc.TopicPrefix = k.prefix
	}
	brokers := kc.Brokers
	if k.brokers != "" {
		brokers = splitList(k.brokers)
	}
	if len(brokers) == 0 {
		brokers = []string{kc.EmbeddedAddr}
	}
	conn, err := publish.ConnFromConfig(kc, brokers)
	if err != nil {
		return config.Kafka{}, publish.Conn{}, err
	}
	return kc, conn, nil
}

// windowFlags are --since and --until.
type windowFlags struct {
	since, until string
}

func (w *windowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&w.since, "since", "", "start `T` of the window, included (required)")
	fs.StringVar(&w.until, "until", "", "end `T` of the window, excluded (default: now)")
}

func (w *windowFlags) window(now time.Time) (replay.Window, error) {
	if w.since == "" {
		return replay.Window{}, errors.New("--since is required")
	}
	since, err := parseTime(w.since, now)
	if err != nil {
		return replay.Window{}, fmt.Errorf("--since: %w", err)
	}
	win := replay.Window{Since: since}
	if w.until != "" {
		if win.Until, err = parseTime(w.until, now); err != nil {
			return replay.Window{}, fmt.Errorf("--until: %w", err)
		}
		if !win.Until.After(win.Since) {
			return replay.Window{}, fmt.Errorf("--until %s is not after --since %s", w.until, w.since)
		}
	}
	return win, nil
}

// parseTime reads RFC 3339, a date or date and time (UTC), or a duration
// back from now.
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseDuration(strings.TrimPrefix(s, "-")); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want 2026-11-24T08:00:00Z, 2026-11-24 or a duration back from now such as 24h", s)
}
