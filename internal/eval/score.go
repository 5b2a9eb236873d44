package eval

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// Counts are the true positives, false positives and false negatives of
// one type or of all.
type Counts struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
}

// MarshalJSON writes the counts with their precision, recall and F1.
func (c Counts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		TP        int     `json:"tp"`
		FP        int     `json:"fp"`
		FN        int     `json:"fn"`
		Precision float64 `json:"precision"`
		Recall    float64 `json:"recall"`
		F1        float64 `json:"f1"`
	}{c.TP, c.FP, c.FN, round3(c.Precision()), round3(c.Recall()), round3(c.F1())})
}

// UnmarshalJSON reads the counts written by MarshalJSON.
func (c *Counts) UnmarshalJSON(b []byte) error {
	var v struct{ TP, FP, FN int }
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Counts{TP: v.TP, FP: v.FP, FN: v.FN}
	return nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Precision is TP/(TP+FP), or 0 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), or 0 when nothing was expected.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (c *Counts) add(o Counts) { c.TP += o.TP; c.FP += o.FP; c.FN += o.FN }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Accuracy counts the matched events whose secondary field was right.
type Accuracy struct {
	Right int `json:"right"`
	Total int `json:"total"`
}

// MarshalJSON writes the accuracy with its value.
func (a Accuracy) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Right    int     `json:"right"`
		Total    int     `json:"total"`
		Accuracy float64 `json:"accuracy"`
	}{a.Right, a.Total, round3(a.Value())})
}

// Value is Right/Total, or 0 when nothing was scored.
func (a Accuracy) Value() float64 { return ratio(a.Right, a.Total) }

// Identity is one event reduced to its type and key fields.
type Identity struct {
	Type   schema.Type
	Fields schema.Fields
}

// SameEvent reports whether a and b are the same event by the spec's
// identity: type and key fields equal, amount_usd within 2%, investor names
// compared case-insensitively with one containing the other.
func SameEvent(a, b Identity) bool {
	if a.Type != b.Type {
		return false
	}
	f, g := a.Fields, b.Fields
	switch a.Type {
	case schema.TripCancelled:
		return eqCode(f.TravelerCountry, g.TravelerCountry) && eqCode(f.DestinationCountry, g.DestinationCountry)
	case schema.TariffRateAgreed, schema.TariffImposed:
		return eqCode(f.ImposingCountry, g.ImposingCountry) && eqCode(f.TargetCountry, g.TargetCountry) && eqRate(f.RatePct, g.RatePct)
	case schema.InvestmentPledged:
		return sameInvestor(f.Investor, g.Investor) && eqCode(f.RecipientCountry, g.RecipientCountry) && nearAmount(f.AmountUSD, g.AmountUSD)
	case schema.TradeDealReached:
		return sameParties(f.Parties, g.Parties)
	}
	return false
}

func eqCode(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

func eqRate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-6
}

// nearAmount: within 2% of the larger amount.
func nearAmount(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 0.02*math.Max(math.Abs(*a), math.Abs(*b))
}

func sameInvestor(a, b string) bool {
	a = strings.ToLower(strings.Join(strings.Fields(a), " "))
	b = strings.ToLower(strings.Join(strings.Fields(b), " "))
	if a == "" || b == "" {
		return a == b
	}
	return strings.Contains(a, b) || strings.Contains(b, a)
}

func sameParties(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, p := range a {
		seen[strings.ToUpper(strings.TrimSpace(p))]++
	}
	for _, p := range b {
		k := strings.ToUpper(strings.TrimSpace(p))
		if seen[k] == 0 {
			return false
		}
		seen[k]--
	}
	return true
}

// dedupe reduces events to a set of identities: a later event that is the
// same as an earlier one is dropped. It returns the indexes kept.
func dedupe(ids []Identity) []int {
	var keep []int
	for i := range ids {
		dup := false
		for _, k := range keep {
			if SameEvent(ids[k], ids[i]) {
				dup = true
				break
			}
		}
		if !dup {
			keep = append(keep, i)
		}
	}
	return keep
}

// Pair is one matched gold and predicted event (indexes into the inputs).
type Pair struct{ Gold, Pred int }

// Match compares the predicted events of one article with the gold ones,
// after reducing each side to its set of identities. Predictions of other
// types than the five core ones are ignored. It returns the matched pairs
// and the indexes of the unmatched gold (false negatives) and predicted
// (false positives) events.
func Match(gold, pred []Identity) (pairs []Pair, fn, fp []int) {
	var core []int
	for i, p := range pred {
		if p.Type.IsCore() {
			core = append(core, i)
		}
	}
	corePred := make([]Identity, len(core))
	for i, k := range core {
		corePred[i] = pred[k]
	}
	gk := dedupe(gold)
	pk := dedupe(corePred)
	used := make([]bool, len(pk))
	for _, g := range gk {
		found := -1
		for j, p := range pk {
			if !used[j] && SameEvent(gold[g], corePred[p]) {
				found = j
				break
			}
		}
		if found < 0 {
			fn = append(fn, g)
			continue
		}
		used[found] = true
		pairs = append(pairs, Pair{Gold: g, Pred: core[pk[found]]})
	}
	for j, p := range pk {
		if !used[j] {
			fp = append(fp, core[p])
		}
	}
	return pairs, fn, fp
}

// Secondary holds the accuracy of the secondary fields over matched events
// whose gold event has the field.
type Secondary struct {
	Traveler        Accuracy `json:"traveler"`          // by surname
	Status          Accuracy `json:"status"`            // cancelled / postponed
	PreviousRatePct Accuracy `json:"previous_rate_pct"` // equal numbers
}

func (s *Secondary) score(g, p schema.Fields) {
	if g.Traveler != "" {
		s.Traveler.Total++
		if surname(g.Traveler) == surname(p.Traveler) {
			s.Traveler.Right++
		}
	}
	if g.Status != "" {
		s.Status.Total++
		if strings.EqualFold(g.Status, p.Status) {
			s.Status.Right++
		}
	}
	if g.PreviousRatePct != nil {
		s.PreviousRatePct.Total++
		if eqRate(g.PreviousRatePct, p.PreviousRatePct) {
			s.PreviousRatePct.Right++
		}
	}
}

// surname is the last word of a name, lower case: "Ryosei Akazawa" and
// "Akazawa" share "akazawa".
func surname(name string) string {
	f := strings.Fields(strings.ToLower(name))
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], ".,")
}
