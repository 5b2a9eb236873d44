package pipeline

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/feeds"
)

// FeedList is a simple Source: every Interval it polls every feed in turn.
type FeedList struct {
	Poller   *feeds.Poller
	URLs     []string
	Interval time.Duration
	Logger   *zap.Logger
}

var _ Source = (*FeedList)(nil)

// Run polls the feeds until ctx ends, or once.
func (s *FeedList) Run(ctx context.Context, once bool, emit func(context.Context, feeds.Item) error, endPass func()) error {
	log := s.Logger
	if log == nil {
		log = zap.NewNop()
	}
	for {
		for _, u := range s.URLs {
			start := time.Now()
			items, err := s.Poller.Poll(ctx, u)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				log.Warn("feed poll failed", zap.String("feed_url", u), zap.Error(err))
				continue
			}
			log.Info("feed polled", zap.String("feed_url", u), zap.Int("items", len(items)), zap.Duration("duration", time.Since(start)))
			for _, it := range items {
				if err := emit(ctx, it); err != nil {
					return nil
				}
			}
		}
		endPass()
		if once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.Interval):
		}
	}
}
