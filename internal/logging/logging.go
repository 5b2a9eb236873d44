// Package logging builds the zap logger of newsevents: console lines for a
// person at a terminal, JSON lines for a log collector, a level that can be
// changed at run time (zap.AtomicLevel, served on the admin /loglevel), and
// sampling of repetitive lines.
//
// Field keys follow STYLE.md: feed_url, article_url, event_type, topic,
// partition, offset, duration. Entry keys: ts, level, logger, caller, msg,
// error, stacktrace.
package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/newsevents/newsevents/internal/metrics"
)

// Formats accepted by New.
const (
	FormatAuto    = "auto" // console when w is a terminal, json otherwise ("" too)
	FormatConsole = "console"
	FormatJSON    = "json"
)

// Sampling defaults: per message and level, each second the first 100
// lines are written, then every 100th. "article processed" at 1,000
// articles/s thus writes about 109 lines/s; rare lines are never dropped.
const (
	DefaultSampleFirst      = 100
	DefaultSampleThereafter = 100
)

type options struct {
	first, thereafter int
	metrics           *metrics.Metrics
	tick              time.Duration
}

// Option changes New's defaults.
type Option func(*options)

// WithSampling sets how many lines with the same message and level are
// written per second before only every thereafter-th is; first <= 0 turns
// sampling off.
func WithSampling(first, thereafter int) Option {
	return func(o *options) { o.first, o.thereafter = first, thereafter }
}

// WithMetrics counts lines dropped by sampling in
// newsevents_log_messages_dropped_total.
func WithMetrics(m *metrics.Metrics) Option {
	return func(o *options) { o.metrics = m }
}

// New returns a logger writing to w in format ("auto" or "": console when w
// is a terminal, json otherwise) at level ("debug", "info", "warn",
// "error"; "" is info), and the level to change at run time.
func New(format, level string, w io.Writer, opts ...Option) (*zap.Logger, zap.AtomicLevel, error) {
	o := options{first: DefaultSampleFirst, thereafter: DefaultSampleThereafter, tick: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	lvl := zap.NewAtomicLevel()
	if level != "" {
		if err := lvl.UnmarshalText([]byte(strings.ToLower(level))); err != nil {
			return nil, lvl, fmt.Errorf("log level %q: want debug, info, warn or error", level)
		}
	}
	terminal := isTerminal(w)
	switch format {
	case "", FormatAuto:
		format = FormatJSON
		if terminal {
			format = FormatConsole
		}
	case FormatConsole, FormatJSON:
	default:
		return nil, lvl, fmt.Errorf("log format %q: want console, json or auto", format)
	}
	enc := encoder(format, terminal)
	// Lines come from many goroutines: serialise the writes, whatever w is.
	ws := zapcore.Lock(zapcore.AddSync(w))
	core := zapcore.NewCore(enc, ws, lvl)
	if o.first > 0 {
		m := o.metrics
		core = zapcore.NewSamplerWithOptions(core, o.tick, o.first, o.thereafter,
			zapcore.SamplerHook(func(e zapcore.Entry, d zapcore.SamplingDecision) {
				if d&zapcore.LogDropped != 0 {
					m.LogDropped(e.Level.String())
				}
			}))
	}
	log := zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.DPanicLevel), zap.ErrorOutput(ws))
	return log, lvl, nil
}

func encoder(format string, terminal bool) zapcore.Encoder {
	cfg := zapcore.EncoderConfig{
		TimeKey:        "ts",
		LevelKey:       "level",
		NameKey:        "logger",
		CallerKey:      "caller",
		FunctionKey:    zapcore.OmitKey,
		MessageKey:     "msg",
		StacktraceKey:  "stacktrace",
		LineEnding:     zapcore.DefaultLineEnding,
		EncodeLevel:    zapcore.LowercaseLevelEncoder,
		EncodeTime:     utcTime(time.RFC3339Nano),
		EncodeDuration: zapcore.StringDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	}
	if format == FormatConsole {
		cfg.EncodeTime = localTime("15:04:05.000")
		cfg.CallerKey = zapcore.OmitKey
		cfg.EncodeLevel = zapcore.CapitalLevelEncoder
		if terminal {
			cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
		}
		return zapcore.NewConsoleEncoder(cfg)
	}
	return zapcore.NewJSONEncoder(cfg)
}

func utcTime(layout string) zapcore.TimeEncoder {
	return func(t time.Time, enc zapcore.PrimitiveArrayEncoder) { enc.AppendString(t.UTC().Format(layout)) }
}

func localTime(layout string) zapcore.TimeEncoder {
	return func(t time.Time, enc zapcore.PrimitiveArrayEncoder) { enc.AppendString(t.Format(layout)) }
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// withTick sets the sampling period (tests).
func withTick(d time.Duration) Option { return func(o *options) { o.tick = d } }
