package events

import (
	"regexp"
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// investment_pledged: a government or company commits or pledges to invest
// an amount in a country.

var (
	investRe = regexp.MustCompile(`\binvest(?:s|ed|ing|ment|ments|or|ors)?\b`)
	// pledgeCueRe: the sentence speaks of a commitment, not of money spent.
	pledgeCueRe = regexp.MustCompile(`\b(pledg\w*|commit\w*|promis\w*|vow\w*|agreed|agrees|agree|will invest|would invest|to invest|plans? to|planning to|announced|announces|unveil\w*|package|earmark\w*|intends?|offer\w*|guarantee\w*|fund|deal|agreement|framework)\b`)
	// investorVerbRe: the verb after a company that pledges.
	investorVerbRe = regexp.MustCompile(`^\s*(?:(?:has|have|had|also|said it|said it will|says it will|will|would|is|on \w+)\s+)*(pledg\w*|commit\w*|promis\w*|vow\w*|announc\w*|unveil\w*|plans?|planning|intends?|invest\w*|agreed|is set|to invest|said)\b`)
)

var exchangeRe = regexp.MustCompile(`\b(in return for|in exchange for|return for|exchange for|for (?:a|an|the) (?:\S+ ){0,3}(?:commitment|pledge|promise))\b`)

func init() {
	registerRules(Rule{
		Name:       "investment_pledged/pledge-amount",
		Type:       schema.InvestmentPledged,
		Keywords:   []string{"invest"},
		Trigger:    investRe,
		Confidence: 0.8,
		Once:       true,
		Fill:       fillInvestment,
	})
}

func fillInvestment(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if len(s.Money) == 0 || !pledgeCueRe.MatchString(s.Low) {
		return nil
	}
	at := m[0]
	// The amount nearest to the word "invest", within reach.
	best := -1
	for i, mo := range s.Money {
		dist := mo.Off - at
		if dist < 0 {
			dist = at - mo.End
		}
		if dist > 90 {
			continue
		}
		if best < 0 || dist < abs(s.Money[best].Off-at) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	mo := inUSD(s.Text, s.Money, best)
	if mo.USD < 1e8 {
		return nil // pledges of interest are in the hundreds of millions and up
	}
	vt := s.tokAt(at)
	mt := s.tokAt(mo.Off)
	conf := r.Confidence
	investor, recipient := "", ""
	var invM *mention
	// Recipient: "in the United States", "into the US", "in American ...".
	for k := range s.Countries {
		c := &s.Countries[k]
		p := s.lowTok(c.Tok - 1)
		if p == "the" {
			p = s.lowTok(c.Tok - 2)
		}
		if (p == "in" || p == "into" || p == "to") && c.Kind != kindPerson {
			recipient = c.Code
			break
		}
	}
	// Investor: "Japan's $550 billion", "Japanese investment", the subject.
	for k := range s.Countries {
		c := &s.Countries[k]
		if c.Code == recipient {
			continue
		}
		if c.Poss || (c.Kind == kindDemonym && (s.lowTok(c.End) == "investment" || s.lowTok(c.End) == "investments" || s.lowTok(c.End) == "companies" || s.lowTok(c.End) == "firms")) {
			investor, invM = c.Code, c
			break
		}
	}
	if investor == "" && exchangeRe.MatchString(s.Low) {
		// "lower tariffs on Japanese goods in return for a $550 billion
		// investment": the side whose goods gain pays in investment.
		for k := range s.Countries {
			c := &s.Countries[k]
			if targetLike(s, c) && c.Code != recipient {
				investor, invM = c.Code, c
				break
			}
		}
	}
	if investor == "" && recipient == "" {
		// "X and Y reached a deal ... for a $550 billion investment":
		// the side the document elsewhere invests in is the recipient.
		recipient = d.investRecipient()
		if recipient != "" {
			conf -= 0.1
		}
	}
	if investor == "" {
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Code != recipient && c.Tok < max(vt, mt) && c.Kind != kindPerson {
				investor, invM = c.Code, c
				break
			}
		}
	}
	// A company as the subject: capitalised words before the pledge verb.
	if co := companyInvestor(s, min(vt, mt)); co != "" && (invM == nil || invM.Tok > s.tokAt(strings.Index(s.Text, co))) {
		investor = co
	}
	if investor == "" {
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Code != recipient {
				investor = c.Code
				conf -= 0.1
				break
			}
		}
	}
	if recipient == "" {
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Code != investor && c.Kind != kindPerson {
				recipient = c.Code
				conf -= 0.05
				break
			}
		}
	}
	if recipient == "" && investor != "" {
		recipient = d.partner(investor)
		conf -= 0.2
	}
	if investor == "" && recipient != "" {
		investor = d.partner(recipient)
		conf -= 0.2
	}
	if investor == "" || recipient == "" || investor == recipient {
		return nil
	}
	f := schema.Fields{
		Investor:         investor,
		RecipientCountry: recipient,
		AmountUSD:        schema.Float(mo.USD),
		Amount:           schema.Float(mo.Value),
		Currency:         mo.Currency,
		Scale:            mo.Scale,
	}
	c := newEvent(schema.InvestmentPledged, f, s, r.Name, conf)
	c.ev.OccurredOn = occurred(s, at)
	return []candidate{c}
}

// companyInvestor returns the company named as the subject of the clause
// that ends before token end: one to three capitalised words followed by a
// pledge verb ("Apple said it will invest", "SoftBank pledged").
func companyInvestor(s *sentence, end int) string {
	for i := 0; i < end && i < len(s.Toks); i++ {
		t := s.Toks[i]
		if t.Punct || !t.Capit || notNames[t.Low] || roleWords[t.Low] || s.countryAt(i) != nil {
			continue
		}
		j := i
		for j < end && j < len(s.Toks) && j < i+3 && !s.Toks[j].Punct && s.Toks[j].Capit && s.countryAt(j) == nil {
			j++
		}
		if j == i {
			continue
		}
		rest := s.Low[s.Toks[j-1].End:]
		if investorVerbRe.MatchString(rest) {
			// A person ("Tim Cook said") is no company: require no
			// title before it and a single word or a known corporate form.
			name := s.Text[t.Off:s.Toks[j-1].End]
			if j-i >= 2 && !corporate(s.Toks[j-1].Low) {
				i = j
				continue
			}
			return strings.TrimSuffix(name, "’s")
		}
		i = j
	}
	return ""
}

func corporate(w string) bool {
	switch w {
	case "inc", "corp", "corporation", "group", "holdings", "motor", "motors", "co", "ltd", "electronics", "industries", "company", "bank":
		return true
	}
	return false
}

// investRecipient returns the country the document most often names as the
// place of an investment ("invest in the United States", "American
// factories"), or "".
func (d *doc) investRecipient() string {
	count := map[string]int{}
	for _, s := range d.sents {
		if !strings.Contains(s.Low, "invest") {
			continue
		}
		for _, c := range s.Countries {
			p := s.lowTok(c.Tok - 1)
			if p == "the" {
				p = s.lowTok(c.Tok - 2)
			}
			if p == "in" || p == "into" {
				count[c.Code]++
			}
		}
	}
	best, n := "", 0
	for c, k := range count {
		if k > n || (k == n && c < best) {
			best, n = c, k
		}
	}
	return best
}
