package feeds_test

import (
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/pipeline"
)

// The scheduler and the store are the pipeline's Source and Store.
var (
	_ pipeline.Source = (*feeds.Scheduler)(nil)
	_ pipeline.Store  = (*feeds.Store)(nil)
)
