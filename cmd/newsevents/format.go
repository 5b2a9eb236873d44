package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// describe is the one-line, human summary of an event used by tail.
func describe(e *schema.Event) string {
	f := &e.Fields
	var s string
	switch e.Type {
	case schema.TripCancelled:
		s = fmt.Sprintf("%s -> %s trip %s", or(f.TravelerCountry, "?"), or(f.DestinationCountry, "?"), or(f.Status, "cancelled"))
		if f.Traveler != "" {
			s += ": " + f.Traveler
			if f.TravelerRole != "" {
				s += " (" + f.TravelerRole + ")"
			}
		}
	case schema.TariffRateAgreed, schema.TariffImposed:
		verb := "imposed"
		if e.Type == schema.TariffRateAgreed {
			verb = "agreed"
		}
		s = fmt.Sprintf("%s on %s: %s %s", or(f.ImposingCountry, "?"), or(f.TargetCountry, "?"), pct(f.RatePct), verb)
		if f.PreviousRatePct != nil {
			s += " (was " + pct(f.PreviousRatePct) + ")"
		}
		if f.Products != "" {
			s += " on " + f.Products
		}
	case schema.InvestmentPledged:
		s = fmt.Sprintf("%s -> %s: %s pledged", or(f.Investor, "?"), or(f.RecipientCountry, "?"), usd(f.AmountUSD))
	case schema.TradeDealReached:
		s = "deal reached: " + strings.Join(f.Parties, ", ")
		if f.Name != "" {
			s += " (" + f.Name + ")"
		}
	default:
		s = e.EventKey
	}
	return s
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func pct(v *float64) string {
	if v == nil {
		return "?%"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64) + "%"
}

func usd(v *float64) string {
	if v == nil {
		return "$?"
	}
	x := *v
	switch {
	case x >= 1e12:
		return fmt.Sprintf("$%.3gtn", x/1e12)
	case x >= 1e9:
		return fmt.Sprintf("$%.4gbn", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("$%.4gm", x/1e6)
	}
	return fmt.Sprintf("$%.0f", x)
}
