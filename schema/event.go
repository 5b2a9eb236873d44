// Package schema is the wire contract of newsevents: the event and article
// types published to Kafka, event identity (keys and ids) and the topic names.
// It has few dependencies so that consumers can import it on its own.
package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Version is the schema_version carried by every published event value.
const Version = 1

// Type names one kind of event. The five core types are those of the spec
// (shared/spec/events.md); other types may be added later.
type Type string

// The five core event types.
const (
	TripCancelled     Type = "trip_cancelled"
	TariffRateAgreed  Type = "tariff_rate_agreed"
	InvestmentPledged Type = "investment_pledged"
	TariffImposed     Type = "tariff_imposed"
	TradeDealReached  Type = "trade_deal_reached"
)

// CoreTypes returns the five core event types in a stable order.
func CoreTypes() []Type {
	return []Type{TripCancelled, TariffRateAgreed, InvestmentPledged, TariffImposed, TradeDealReached}
}

// IsCore reports whether t is one of the five core types.
func (t Type) IsCore() bool {
	for _, c := range CoreTypes() {
		if c == t {
			return true
		}
	}
	return false
}

// Slug is the type in the form used in topic names: trip-cancelled.
func (t Type) Slug() string { return strings.ReplaceAll(string(t), "_", "-") }

// ParseType accepts a type as trip_cancelled or trip-cancelled.
func ParseType(s string) (Type, error) {
	t := Type(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	if !t.IsCore() {
		return "", fmt.Errorf("unknown event type %q (want one of %s)", s, typeList())
	}
	return t, nil
}

func typeList() string {
	var names []string
	for _, t := range CoreTypes() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// Fields holds the type-specific fields of an event, named as in the spec.
// Only the fields of the event's type are set; the rest are omitted in JSON.
type Fields struct {
	// trip_cancelled
	TravelerCountry    string `json:"traveler_country,omitempty"`
	DestinationCountry string `json:"destination_country,omitempty"`
	Traveler           string `json:"traveler,omitempty"`
	TravelerRole       string `json:"traveler_role,omitempty"`
	Status             string `json:"status,omitempty"` // cancelled or postponed
	Reason             string `json:"reason,omitempty"`

	// tariff_rate_agreed and tariff_imposed
	ImposingCountry string   `json:"imposing_country,omitempty"`
	TargetCountry   string   `json:"target_country,omitempty"`
	RatePct         *float64 `json:"rate_pct,omitempty"` // pointer: 0 is a valid agreed rate
	PreviousRatePct *float64 `json:"previous_rate_pct,omitempty"`
	Products        string   `json:"products,omitempty"`
	EffectiveDate   string   `json:"effective_date,omitempty"` // YYYY-MM-DD

	// investment_pledged
	Investor         string   `json:"investor,omitempty"` // country code or company name
	RecipientCountry string   `json:"recipient_country,omitempty"`
	AmountUSD        *float64 `json:"amount_usd,omitempty"`
	Amount           *float64 `json:"amount,omitempty"`   // as written: 550
	Currency         string   `json:"currency,omitempty"` // ISO 4217: USD, JPY, EUR
	Scale            string   `json:"scale,omitempty"`    // billion, trillion, million
	Instruments      string   `json:"instruments,omitempty"`

	// trade_deal_reached
	Parties []string `json:"parties,omitempty"` // sorted codes
	Name    string   `json:"name,omitempty"`
}

// Evidence is the sentence an event was read from. Start and End are byte
// offsets of the sentence in the text the extractor read (see extractor.Text).
type Evidence struct {
	Sentence string `json:"sentence"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// ArticleRef describes the article an event came from.
type ArticleRef struct {
	URL          string     `json:"url"`
	CanonicalURL string     `json:"canonical_url"`
	Title        string     `json:"title,omitempty"`
	Published    *time.Time `json:"published,omitempty"`
	SourceSite   string     `json:"source_site,omitempty"`
	FeedURL      string     `json:"feed_url,omitempty"`
}

// Event is one published event: the value of a message on an event topic.
type Event struct {
	SchemaVersion int    `json:"schema_version"`
	ID            string `json:"id"`
	EventKey      string `json:"event_key"`
	Type          Type   `json:"type"`
	Fields
	OccurredOn       string     `json:"occurred_on,omitempty"` // YYYY-MM-DD when the text dates the event
	Evidence         Evidence   `json:"evidence"`
	Confidence       float64    `json:"confidence"`
	Rule             string     `json:"rule,omitempty"`
	Article          ArticleRef `json:"article"`
	ExtractorVersion string     `json:"extractor_version"`
	ExtractedAt      time.Time  `json:"extracted_at"`
}

// Key is the event's identity: its type and key fields, normalised, joined
// with "|". Every mention of one real-world event has the same key, so the
// key is used as the Kafka message key. Amounts are rounded to two
// significant figures so that figures within about 2% usually share a key.
func Key(t Type, f Fields) string {
	parts := []string{string(t)}
	switch t {
	case TripCancelled:
		parts = append(parts, code(f.TravelerCountry), code(f.DestinationCountry))
	case TariffRateAgreed, TariffImposed:
		parts = append(parts, code(f.ImposingCountry), code(f.TargetCountry), num(f.RatePct, 4))
	case InvestmentPledged:
		parts = append(parts, investor(f.Investor), code(f.RecipientCountry), num(f.AmountUSD, 2))
	case TradeDealReached:
		ps := make([]string, len(f.Parties))
		for i, p := range f.Parties {
			ps[i] = code(p)
		}
		sort.Strings(ps)
		parts = append(parts, strings.Join(ps, ","))
	}
	return strings.Join(parts, "|")
}

// ID is the deterministic id of an event read from one article: the same
// article (by canonical URL) and the same event key give the same id on
// every run, so consumers can de-duplicate replays and re-extractions.
func ID(canonicalURL, eventKey string) string {
	h := sha256.Sum256([]byte(canonicalURL + "\x00" + eventKey))
	return hex.EncodeToString(h[:16])
}

func code(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func investor(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 2 && strings.ToUpper(s) == s {
		return s
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// num formats v with sig significant figures, or "" for nil.
func num(v *float64, sig int) string {
	if v == nil {
		return ""
	}
	x := *v
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', sig, 64)
}

// Float returns a pointer to v, for the optional numeric fields.
func Float(v float64) *float64 { return &v }
