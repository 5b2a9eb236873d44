package events

import (
	"strconv"
	"strings"
	"time"
)

// dateMention is a date written in a sentence, resolved against the
// published date.
type dateMention struct {
	Date     time.Time
	Off, End int  // byte offsets in the sentence
	Month    bool // only the month is known ("in July"): Date is its first day
}

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
	"june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var monthPrefixes = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

const monthAlt = `january|february|march|april|may|june|july|august|september|october|november|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?`

var (
	// "Aug. 1", "August 1, 2025", "1 August 2025"
	dateMDYRe = mustCue(`\b(` + monthAlt + `)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	dateDMYRe = mustCue(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(` + monthAlt + `)\b(?:,?\s+(\d{4}))?`)
	// "in July", "in early July 2025", "last July"
	dateMonthRe = mustCue(`\b(in|last|since|by|from|until|of|this|next)\s+(?:(?:early|mid|late|mid-)\s*-?\s*)?(january|february|march|april|may|june|july|august|september|october|november|december)\b(?:\s+(\d{4}))?`)
	dateRelRe   = mustCue(`\b(?:(?:on|last|this|next|earlier this|late on|early on)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(yesterday|today|last week|next week|this week|last month|next month|this month|last year|next year)\b`)
)

// findDates returns the dates written in s resolved against pub. Without a
// published date, only dates with a year are returned.
func findDates(s string, pub time.Time) []dateMention {
	low := lowerASCII(s)
	var out []dateMention
	// Where month names are written: the patterns run on windows there.
	var monthPos []int
	for _, m := range monthPrefixes {
		for i := 0; ; {
			j := strings.Index(low[i:], m)
			if j < 0 {
				break
			}
			j += i
			// A month name starts a word: "in may", not "dismay".
			if j == 0 || !isLetterByte(low[j-1]) {
				w := j
				for w < len(low) && low[w] >= 'a' && low[w] <= 'z' {
					w++
				}
				if _, ok := months[low[j:w]]; ok {
					monthPos = append(monthPos, j)
				}
			}
			i = j + 1
		}
	}
	hasMonth := len(monthPos) > 0
	hasRel := strings.Contains(low, "day") || strings.Contains(low, "week") || strings.Contains(low, "month")
	if !hasMonth && !hasRel {
		return nil
	}
	taken := func(a, b int) bool {
		for _, d := range out {
			if a < d.End && b > d.Off {
				return true
			}
		}
		return false
	}
	if !hasMonth {
		goto relative
	}
	for _, m := range windowMatches(dateMDYRe.Regexp, low, monthPos, 8, 30) {
		mon := months[strings.TrimSuffix(low[m[2]:m[3]], ".")]
		day, _ := strconv.Atoi(low[m[4]:m[5]])
		if day < 1 || day > 31 {
			continue
		}
		if d, ok := resolveDay(mon, day, low, m[6], m[7], pub); ok {
			out = append(out, dateMention{Date: d, Off: m[0], End: m[1]})
		}
	}
	for _, m := range windowMatches(dateDMYRe.Regexp, low, monthPos, 12, 30) {
		if taken(m[0], m[1]) {
			continue
		}
		day, _ := strconv.Atoi(low[m[2]:m[3]])
		mon := months[strings.TrimSuffix(low[m[4]:m[5]], ".")]
		if day < 1 || day > 31 {
			continue
		}
		if d, ok := resolveDay(mon, day, low, m[6], m[7], pub); ok {
			out = append(out, dateMention{Date: d, Off: m[0], End: m[1]})
		}
	}
	for _, m := range windowMatches(dateMonthRe.Regexp, low, monthPos, 24, 20) {
		if taken(m[0], m[1]) {
			continue
		}
		mon := months[low[m[4]:m[5]]]
		year := pub.Year()
		switch {
		case m[6] >= 0:
			year, _ = strconv.Atoi(low[m[6]:m[7]])
		case pub.IsZero():
			continue
		case low[m[2]:m[3]] == "next":
			if mon <= pub.Month() {
				year++
			}
		case low[m[2]:m[3]] == "last" || mon > pub.Month()+1:
			// "in July" read in March is last July; "last July" always is.
			if mon >= pub.Month() {
				year--
			}
		}
		out = append(out, dateMention{Date: time.Date(year, mon, 1, 0, 0, 0, 0, time.UTC), Off: m[0], End: m[1], Month: true})
	}
relative:
	if pub.IsZero() || !hasRel {
		return out
	}
	for _, m := range windowMatches(dateRelRe.Regexp, low, relPositions(low), 16, 24) {
		if taken(m[0], m[1]) {
			continue
		}
		d := dateMention{Off: m[0], End: m[1]}
		p := day0(pub)
		if m[2] >= 0 {
			wd := weekdays[low[m[2]:m[3]]]
			if strings.HasPrefix(low[m[0]:], "next") {
				d.Date = nextWeekday(p, wd)
			} else {
				d.Date = lastWeekday(p, wd)
			}
		} else {
			switch low[m[4]:m[5]] {
			case "yesterday":
				d.Date = p.AddDate(0, 0, -1)
			case "today", "this week":
				d.Date = p
			case "last week":
				d.Date = p.AddDate(0, 0, -7)
			case "next week":
				d.Date = p.AddDate(0, 0, 7)
			case "last month":
				d.Date, d.Month = time.Date(p.Year(), p.Month()-1, 1, 0, 0, 0, 0, time.UTC), true
			case "this month":
				d.Date, d.Month = time.Date(p.Year(), p.Month(), 1, 0, 0, 0, 0, time.UTC), true
			case "next month":
				d.Date, d.Month = time.Date(p.Year(), p.Month()+1, 1, 0, 0, 0, 0, time.UTC), true
			default:
				continue // years are too coarse for a date
			}
		}
		out = append(out, d)
	}
	return out
}

func day0(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// resolveDay builds the date of a day and month, with the year written at
// low[ya:yb] or else the published year (the nearest such date to pub).
func resolveDay(mon time.Month, day int, low string, ya, yb int, pub time.Time) (time.Time, bool) {
	if ya >= 0 {
		y, _ := strconv.Atoi(low[ya:yb])
		return time.Date(y, mon, day, 0, 0, 0, 0, time.UTC), true
	}
	if pub.IsZero() {
		return time.Time{}, false
	}
	d := time.Date(pub.Year(), mon, day, 0, 0, 0, 0, time.UTC)
	// Pick the year that puts the date within six months of publication.
	if d.Sub(pub) > 183*24*time.Hour {
		d = d.AddDate(-1, 0, 0)
	} else if pub.Sub(d) > 183*24*time.Hour {
		d = d.AddDate(1, 0, 0)
	}
	return d, true
}

// lastWeekday is the latest day with weekday wd on or before p: news tells
// of events "on Thursday" in the past tense.
func lastWeekday(p time.Time, wd time.Weekday) time.Time {
	diff := (int(p.Weekday()) - int(wd) + 7) % 7
	return p.AddDate(0, 0, -diff)
}

func nextWeekday(p time.Time, wd time.Weekday) time.Time {
	diff := (int(wd) - int(p.Weekday()) + 7) % 7
	if diff == 0 {
		diff = 7
	}
	return p.AddDate(0, 0, diff)
}

// ymd formats a date as the events carry it.
func ymd(t time.Time) string { return t.Format("2006-01-02") }

// relPositions returns where a relative date may be written: weekday names
// and "yesterday", "today", "last/next/this week/month/year".
func relPositions(low string) []int { return indexAll(low, "day", "week", "month", "year") }
