package publish

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/newsevents/newsevents/internal/config"
)

// Setup is what `run` does with the Kafka configuration in one call: it
// builds the publisher options of cfg for brokers (TLS, SASL with secrets
// from the environment, compression), provisions the topics (creates the
// missing ones; a partition count or cleanup policy mismatch is an error
// unless kafka.topics.on_mismatch is warn) and returns the publisher.
// brokers are cfg.Brokers, or the embedded broker's address.
func Setup(ctx context.Context, cfg config.Kafka, brokers []string, log *zap.Logger) (*Publisher, error) {
	opts, err := OptionsFromConfig(cfg, brokers, log)
	if err != nil {
		return nil, err
	}
	if err := ProvisionTopics(ctx, opts.Conn(), TopicSpecsFromConfig(cfg), ProvisionOptionsFromConfig(cfg), log); err != nil {
		return nil, fmt.Errorf("kafka topics: %w", err)
	}
	return New(opts)
}
