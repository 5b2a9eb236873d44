package schema

import (
	"fmt"
	"strings"
)

// DefaultTopicPrefix is the prefix of the event topics: trade.trip-cancelled.
const DefaultTopicPrefix = "trade."

// Topic returns the topic of event type t under prefix. The separator style
// of the prefix decides the one used inside the type name, so that one name
// never mixes '.' and '_': "trade." gives trade.trip-cancelled and "trade_"
// gives trade_trip_cancelled.
func Topic(prefix string, t Type) string {
	if strings.Contains(prefix, "_") {
		return prefix + string(t)
	}
	return prefix + t.Slug()
}

// ValidateTopicPrefix reports a prefix that cannot make valid topic names.
func ValidateTopicPrefix(prefix string) error {
	if strings.Contains(prefix, ".") && strings.Contains(prefix, "_") {
		return fmt.Errorf("topic prefix %q mixes '.' and '_'", prefix)
	}
	for _, r := range prefix {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("topic prefix %q has %q: topic names allow only [a-zA-Z0-9._-]", prefix, r)
		}
	}
	if len(prefix)+len("investment-pledged") > 249 {
		return fmt.Errorf("topic prefix %q is too long", prefix)
	}
	return nil
}
