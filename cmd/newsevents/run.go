package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/logging"
	"github.com/newsevents/newsevents/internal/pipeline"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
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
	log, _, err := logging.New(f.logFormat, f.logLevel, stderr)
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
	err = runPipeline(ctx, cfg, &f, log, stdout)
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
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%w (after applying command-line flags)", err)
	}
	return cfg, nil
}

// runPipeline builds every dependency from cfg and runs the pipeline.
func runPipeline(ctx context.Context, cfg config.Config, f *runFlags, log *zap.Logger, progress io.Writer) error {
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

	var specs []publish.TopicSpec
	for _, t := range schema.CoreTypes() {
		specs = append(specs, publish.TopicSpec{Name: schema.Topic(cfg.Kafka.TopicPrefix, t), Partitions: cfg.Kafka.Partitions, ReplicationFactor: cfg.Kafka.ReplicationFactor})
	}
	specs = append(specs,
		publish.TopicSpec{Name: publish.ArticlesTopic, Partitions: cfg.Kafka.Partitions, ReplicationFactor: cfg.Kafka.ReplicationFactor, Configs: map[string]string{"cleanup.policy": "compact"}},
		publish.TopicSpec{Name: publish.DeadLetterTopic, Partitions: 1, ReplicationFactor: cfg.Kafka.ReplicationFactor},
	)
	setupCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := publish.EnsureTopics(setupCtx, brokers, specs)
	cancel()
	if err != nil {
		return err
	}
	pub, err := publish.New(publish.Options{
		Brokers:      brokers,
		TopicPrefix:  cfg.Kafka.TopicPrefix,
		BatchTimeout: cfg.Kafka.BatchTimeout.D(),
		MaxAttempts:  cfg.Kafka.MaxAttempts,
		Logger:       log.Named("kafka"),
	})
	if err != nil {
		return err
	}
	x, err := extractor.New()
	if err != nil {
		pub.Close()
		return err
	}
	fopts := fetch.Options{
		Timeout:    cfg.Poll.Timeout.D(),
		UserAgent:  cfg.Poll.UserAgent,
		ContactURL: cfg.Poll.ContactURL,
		AllowCIDRs: cfg.Poll.AllowCIDRs,
		Logger:     log.Named("fetch"),

		ConnectTimeout:     cfg.Poll.ConnectTimeout.D(),
		MaxRedirects:       cfg.Poll.MaxRedirects,
		PerHostConcurrency: cfg.Poll.PerHostConcurrency,
		PerHostRate:        rate.Limit(cfg.Poll.PerHostRate),
		Robots:             !cfg.Poll.IgnoreRobots,
	}
	if f.demo {
		// The demo site is our own server on loopback: no need to be polite.
		fopts.PerHostRate = rate.Inf
		fopts.PerHostConcurrency = cfg.Workers
	}
	client, err := fetch.NewClient(fopts)
	if err != nil {
		pub.Close()
		return err
	}
	var urls []string
	for _, fd := range cfg.Feeds {
		urls = append(urls, fd.URL)
	}
	source := &pipeline.FeedList{
		Poller:   &feeds.Poller{Client: client, Logger: log, MaxBytes: cfg.Poll.MaxFeedBytes},
		URLs:     urls,
		Interval: cfg.Poll.Interval.D(),
		Logger:   log,
	}
	p, err := pipeline.New(pipeline.Options{
		Source:       source,
		Fetcher:      client,
		Extractor:    x,
		Publisher:    pub,
		Workers:      cfg.Workers,
		MaxPageBytes: cfg.Poll.MaxPageBytes,
		Grace:        f.grace,
		Logger:       log,
		Progress:     progress,
	})
	if err != nil {
		pub.Close()
		return err
	}
	log.Info("pipeline started", zap.Int("feeds", len(urls)), zap.Strings("brokers", brokers), zap.Int("workers", cfg.Workers), zap.Bool("once", f.once))
	runErr := p.Run(ctx, f.once)
	client.CloseIdleConnections()
	closeErr := pub.Close()
	if closeErr != nil {
		closeErr = fmt.Errorf("flushing the Kafka writer: %w", closeErr)
	}
	s := p.Stats()
	log.Info("pipeline stopped", zap.Int("articles", s.Articles), zap.Int("events", s.Events), zap.Int("failed", s.Failed))
	return errors.Join(runErr, closeErr)
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
