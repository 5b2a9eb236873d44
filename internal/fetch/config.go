package fetch

import (
	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/internal/config"
)

// ConfigOptions maps the poll: section of the configuration to Options.
func ConfigOptions(p config.Poll, log *zap.Logger) Options {
	o := Options{
		Timeout:            p.Timeout.D(),
		ConnectTimeout:     p.ConnectTimeout.D(),
		UserAgent:          p.UserAgent,
		ContactURL:         p.ContactURL,
		AllowCIDRs:         p.AllowCIDRs,
		MaxRedirects:       p.MaxRedirects,
		PerHostConcurrency: p.PerHostConcurrency,
		PerHostRate:        rate.Limit(p.PerHostRate),
		Robots:             !p.IgnoreRobots,
		Logger:             log,
	}
	if p.MaxCrawlDelay == 0 {
		o.MaxCrawlDelay = -1 // max_crawl_delay: 0 ignores Crawl-delay, not the default
	} else {
		o.MaxCrawlDelay = p.MaxCrawlDelay.D()
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = -1 // max_redirects: 0 means none, not the default
	}
	return o
}
