package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/admin"
	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/logging"
	"github.com/newsevents/newsevents/internal/metrics"
	"github.com/newsevents/newsevents/internal/pipeline"
	"github.com/newsevents/newsevents/internal/publish"
)

// runFlags are the flags of `newsevents run`.
type runFlags struct {
	configPath string
	demo       bool
	demoAddr   string
	once       bool
	brokers    string
	brokerAddr string
	partitions int
	workers    int
	grace      time.Duration
	stateDir   string
	shard      string
	adminAddr  string
	logFormat  string
	logLevel   string
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.configPath, "config", "", "YAML configuration `file` (feeds, brokers, ...); see deployments/config.example.yaml")
	fs.BoolVar(&f.demo, "demo", false, "serve the bundled demo news site on loopback and poll its feeds")
	fs.StringVar(&f.demoAddr, "demo-addr", "127.0.0.1:0", "listen `address` of the demo site (port 0 picks a free one)")
	fs.BoolVar(&f.once, "once", false, "poll every feed once, process every article, then exit")
	fs.StringVar(&f.brokers, "brokers", "", "comma-separated Kafka `host:port` list; overrides the config; empty: the embedded broker")
	fs.StringVar(&f.brokerAddr, "broker-addr", "", "listen `address` of the embedded broker (default 127.0.0.1:9092)")
	fs.IntVar(&f.partitions, "partitions", 0, "partitions of each topic created at start-up (default 3)")
	fs.IntVar(&f.workers, "workers", 0, "articles fetched, extracted and published at once (default 8)")
	fs.DurationVar(&f.grace, "grace", 30*time.Second, "on shutdown, how long in-flight articles may take to finish")
	fs.StringVar(&f.stateDir, "state-dir", "", "`directory` of the durable feed and article state (default: state_dir of the config; --demo: a temporary one)")
	fs.StringVar(&f.shard, "shard", "", "poll only shard `i/N` of the feeds (1-based, rendezvous hashing on the feed URL)")
	fs.StringVar(&f.adminAddr, "admin-addr", "", "listen `address` of the admin endpoint (/metrics, /healthz, /readyz, /loglevel); overrides admin.addr; off by default in --demo")
	fs.StringVar(&f.logFormat, "log-format", "", "log format: console or json (default: console when stderr is a terminal, json otherwise)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	var f runFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsevents run (--demo | --config FILE) [flags]\n\nPolls the feeds, extracts trade events from each article and publishes them to Kafka.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "newsevents run: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if !f.demo && f.configPath == "" {
		fmt.Fprintln(stderr, "newsevents run: give --demo or --config FILE")
		return errUsage
	}
	m := metrics.New()
	log, level, err := logging.New(f.logFormat, f.logLevel, stderr, logging.WithMetrics(m))
	if err != nil {
		return err
	}
	defer log.Sync() //nolint:errcheck // stderr

	// The demo site runs until the pipeline has stopped.
	siteCtx, stopSite := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSite()
	var demoBase string
	var waitSite func() error
	if f.demo {
		demoBase, waitSite, err = demo.Serve(siteCtx, f.demoAddr)
		if err != nil {
			return fmt.Errorf("demo site: %w", err)
		}
		log.Info("demo news site serving", zap.String("url", demoBase+"/"), zap.Strings("feeds", demo.FeedURLs(demoBase)))
	}

	cfg, err := loadRunConfig(&f, demoBase)
	if err != nil {
		return err
	}
	err = runPipeline(ctx, cfg, &f, deps{log: log, level: level, metrics: m}, stdout)
	stopSite()
	if waitSite != nil {
		if werr := waitSite(); werr != nil {
			log.Warn("demo site did not stop cleanly", zap.Error(werr))
		}
	}
	return err
}

// loadRunConfig reads --config (or builds the demo's configuration) and
// applies the flags that override it.
func loadRunConfig(f *runFlags, demoBase string) (config.Config, error) {
	var cfg config.Config
	var err error
	switch {
	case f.configPath != "":
		cfg, err = config.Load(f.configPath)
		if err != nil {
			return cfg, err
		}
		if demoBase != "" {
			for _, u := range demo.FeedURLs(demoBase) {
				cfg.Feeds = append(cfg.Feeds, config.Feed{URL: u, Name: "demo"})
			}
			cfg.Poll.AllowCIDRs = append(cfg.Poll.AllowCIDRs, "127.0.0.0/8", "::1/128")
		}
	default:
		cfg = config.Default()
		for _, u := range demo.FeedURLs(demoBase) {
			cfg.Feeds = append(cfg.Feeds, config.Feed{URL: u, Name: "demo"})
		}
		// The demo site is on loopback, which requests may not reach unless allowed.
		cfg.Poll.AllowCIDRs = []string{"127.0.0.0/8", "::1/128"}
	}
	if f.brokers != "" {
		cfg.Kafka.Brokers = splitList(f.brokers)
	}
	if f.brokerAddr != "" {
		cfg.Kafka.EmbeddedAddr = f.brokerAddr
	}
	if f.partitions != 0 {
		cfg.Kafka.Partitions = f.partitions
	}
	if f.workers != 0 {
		cfg.Workers = f.workers
	}
	if f.shard != "" {
		cfg.Shard = f.shard
	}
	if f.stateDir != "" {
		cfg.StateDir = f.stateDir
	}
	if f.adminAddr != "" {
		cfg.Admin.Addr = f.adminAddr
	}
	if demoBase != "" {
		// The demo site is our own server on loopback: poll it at once and
		// often, and fetch its pages without the politeness meant for others.
		cfg.Poll.PerHostRate = 1e6
		cfg.Poll.PerHostConcurrency = max(cfg.Workers, cfg.Poll.PerHostConcurrency)
		cfg.Poll.Interval = config.Duration(time.Minute)
		cfg.Poll.MinInterval = config.Duration(time.Minute)
		// Its articles are dated early in 2026: keep them within the
		// retention window, which also bounds how old an emitted item may be.
		cfg.Retention = config.Duration(100 * 365 * 24 * time.Hour)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%w (after applying command-line flags)", err)
	}
	return cfg, nil
}

// deps are what cmdRun built before the configuration was read.
type deps struct {
	log     *zap.Logger
	level   zap.AtomicLevel
	metrics *metrics.Metrics
}

// runPipeline builds every dependency from cfg and runs the pipeline.
func runPipeline(ctx context.Context, cfg config.Config, f *runFlags, d deps, progress io.Writer) (err error) {
	log, m := d.log, d.metrics
	brokers := cfg.Kafka.Brokers
	if len(brokers) == 0 {
		emb, err := publish.StartEmbedded(cfg.Kafka.EmbeddedAddr, cfg.Kafka.Partitions)
		if err != nil {
			return fmt.Errorf("%w\n(is another newsevents or Kafka running there? choose another address with --broker-addr, or use a real cluster with --brokers)", err)
		}
		defer emb.Close()
		brokers = []string{emb.Addr()}
		log.Info("embedded Kafka broker started: data lives in memory and is lost at exit; set kafka.brokers in the config or --brokers host:port to use a real cluster",
			zap.String("addr", emb.Addr()))
	}

	setupCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	pub, err := publish.Setup(setupCtx, cfg.Kafka, brokers, log.Named("kafka"))
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		// Flush what the writer holds, within the grace period.
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.grace)
		defer cancel()
		if cerr := pub.CloseContext(closeCtx); cerr != nil {
			err = errors.Join(err, fmt.Errorf("flushing the Kafka writer: %w", cerr))
		}
	}()
	m.WatchBroker(func() (bool, time.Time) { s := pub.Status(); return s.Reachable, s.Since })

	x, err := extractor.NewWithOptions(page.Options{MaxBytes: int(cfg.Poll.MaxPageBytes)})
	if err != nil {
		return err
	}
	client, err := fetch.NewClient(fetch.ConfigOptions(cfg.Poll, log.Named("fetch")))
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()

	stateDir := cfg.StateDir
	if f.demo && f.stateDir == "" {
		// A fresh broker holds no events, so the demo starts from a fresh
		// state too; --state-dir keeps it across runs.
		tmp, err := os.MkdirTemp("", "newsevents-demo-state-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		stateDir = tmp
	}
	feedList, err := feeds.FromConfig(cfg)
	if err != nil {
		return err
	}
	if len(feedList) == 0 {
		return fmt.Errorf("shard %s has no feed: every feed hashes to another shard", cfg.Shard)
	}
	store, err := feeds.OpenStore(stateDir, feeds.StoreOptionsFromConfig(cfg, log.Named("state")))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing the state store: %w", cerr))
		}
	}()
	m.WatchStateStore(store.Size)
	sopts := feeds.SchedulerOptionsFromConfig(cfg, log.Named("feeds"))
	sopts.Metrics = m
	sopts.StartNow = f.demo
	source, err := feeds.NewScheduler(client, store, feedList, sopts)
	if err != nil {
		return err
	}
	urls := make([]string, len(feedList))
	for i, fd := range feedList {
		urls[i] = fd.URL
	}
	m.KnownFeeds(urls...)

	if cfg.Admin.Addr != "" {
		srv, err := admin.New(admin.Options{
			Addr:     cfg.Admin.Addr,
			Gatherer: m.Registry(),
			Level:    &d.level,
			Stopping: ctx.Done(),
			Checks: []admin.Check{
				{Name: "broker", Func: pub.Ready},
				{Name: "state_store", Func: func(context.Context) error { return store.Check() }},
			},
			Logger: log.Named("admin"),
		})
		if err != nil {
			return err
		}
		adminCtx, stopAdmin := context.WithCancel(context.WithoutCancel(ctx))
		adminDone := make(chan error, 1)
		go func() { adminDone <- srv.Run(adminCtx) }()
		defer func() {
			stopAdmin()
			if aerr := <-adminDone; aerr != nil {
				err = errors.Join(err, aerr)
			}
		}()
	}

	p, err := pipeline.New(pipeline.Options{
		Source:       source,
		Store:        store,
		Fetcher:      client,
		Extractor:    x,
		Publisher:    pub,
		Workers:      cfg.Workers,
		PerHost:      cfg.Poll.PerHostConcurrency,
		MaxPageBytes: cfg.Poll.MaxPageBytes,
		Grace:        f.grace,
		Logger:       log,
		Metrics:      m,
		Progress:     progress,
	})
	if err != nil {
		return err
	}
	log.Info("pipeline started", zap.Int("feeds", len(feedList)), zap.Strings("brokers", brokers),
		zap.String("state_dir", stateDir), zap.String("shard", cfg.Shard), zap.Int("workers", cfg.Workers), zap.Bool("once", f.once))
	runErr := p.Run(ctx, f.once)
	s := p.Stats()
	log.Info("pipeline stopped", zap.Int("articles", s.Articles), zap.Int("events", s.Events), zap.Int("failed", s.Failed))
	return runErr
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
