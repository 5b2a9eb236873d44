package events

import (
	"strings"

	"github.com/newsevents/newsevents/schema"
)

// investment_pledged: a government or company commits or pledges to invest
// an amount in a country.

var (
	investRe = mustCue(`\binvest(?:s|ed|ing|ment|ments|or|ors)?\b`)
	// pledgeCueRe: the sentence speaks of a commitment, not of money spent.
	pledgeCueRe = mustCue(`\b(pledg\w*|commit\w*|promis\w*|vow\w*|agreed|agrees|agree|will invest|would invest|to invest|plans? to|planning to|announced|announces|unveil\w*|package|earmark\w*|intends?|offer\w*|guarantee\w*|fund|deal|agreement|framework|(?:will|would|to) (?:give|provide|pour|put|increase|raise|boost|expand|lift)|in (?:return|exchange) for)\b`)
	// investorVerbRe: the verb after a company that pledges.
	investorVerbRe = mustCue(`^[\s,]*(?:(?:has|have|had|also|previously|earlier|now|said it|said it will|says it will|said it would|will|would|is|on \w+|last \w+|this \w+|said|says|said on \w+ it|said that it|it)\s+)*(pledg\w*|commit\w*|promis\w*|vow\w*|announc\w*|unveil\w*|plans?|planning|intend\w*|invest\w*|agreed|is set|to invest|said it (?:will|would|intends|plans)|(?:will|would|to) (?:increase|raise|boost|expand|lift))\b`)
)

// willAndInvestRe: a future that reaches a second verb, "will buy $750
// billion of energy and invest $600 billion".
var willAndInvestRe = mustCue(`\bwill [^.;]{0,60}? and invest`)

var exchangeRe = mustCue(`\b(in return for|in exchange for|return for|exchange for|for (?:a|an|the) (?:\S+ ){0,3}(?:commitment|pledge|promise))\b`)

// investmentPledgedRules are the rules of investment_pledged.
func investmentPledgedRules() []Rule {
	return []Rule{Rule{
		Name:         "investment_pledged/pledge-amount",
		Type:         schema.InvestmentPledged,
		Keywords:     []string{"invest", "spend"},
		Trigger:      investRe.Regexp,
		TriggerWords: []string{"invest", "invests", "invested", "investing", "investment", "investments", "investor", "investors", "spend", "spending"},
		Blockers:     []cueClass{}, // in fillInvestment: a participle asserts by itself
		Confidence:   0.8,
		Once:         true,
		Fill:         fillInvestment,
	}}
}

// investBlockers cancel a pledge in the clause before its anchor.
var investBlockers = []cueClass{cueCondition, cueQuestion, cueRequest, cueModal, cueNegation, cueDenial}

// pledgedParticipleRe: "the $250 billion in investments promised to the
// US": the participle asserts the pledge whatever the clause around it says
// ("no obligation if the investments promised to the US were not made").
var pledgedParticipleRe = mustCue(`^[^,;.()]{0,25}?\b(pledged|promised|committed|earmarked|vowed)\s+(?:to|by|for|in)\b`)

func fillInvestment(d *doc, s *sentence, r *Rule, m []int) []candidate {
	if pm := pledgedParticipleRe.FindStringSubmatchIndex(s.Low[m[1]:]); pm != nil && moneyJustBefore(s, m[0]) {
		if blockedWithin(s, m[0], m[1]+pm[1]) != "" {
			return nil
		}
	} else if blocked(s, m[0], m[1], investBlockers) != "" {
		return nil
	}
	// A headline "Orbitex Investing $30 Billion In US" announces a plan.
	if len(s.Money()) == 0 || !(pledgeCueRe.MatchString(s.Low) || titleCase(s) || strings.Contains(s.Low, " and invest") && willAndInvestRe.MatchString(s.Low)) {
		return nil
	}
	at := m[0]
	// The amount nearest to the word "invest", within reach.
	best := -1
	for i, mo := range s.Money() {
		dist := mo.Off - at
		if dist < 0 {
			dist = at - mo.End
		}
		if dist > 90 {
			continue
		}
		if best < 0 || dist < abs(s.Money()[best].Off-at) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	if rest := strings.TrimLeft(s.Low[s.Money()[best].End:], " "); strings.HasPrefix(rest, "of the") || strings.HasPrefix(rest, "of which") || strings.HasPrefix(rest, "of that") {
		return nil // "$24 billion of the investment": a part of a pledge
	}
	// "$US550bn ($836bn)": the bracketed figure converts the one before.
	if ms := s.Money(); best > 0 && ms[best].Off-ms[best-1].End <= 3 && strings.Contains(s.Text[ms[best-1].End:ms[best].Off], "(") {
		best--
	}
	mo := inUSD(s.Text, s.Money(), best)
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
		next := s.lowTok(c.End)
		if c.Kind == kindDemonym && (next == "investment" || next == "investments" || next == "companies" || next == "firms" || next == "investors") {
			continue
		}
		if (inBefore(s, c) && c.Kind != kindPerson) || next == "soil" || (next == "-" && s.lowTok(c.End+1) == "bound") || (p == "give" || p == "giving" || p == "gives") {
			recipient = c.Code
			break
		}
	}
	if recipient == "" {
		// "in Texas", "in Ontario": a state or province of the country.
		recipient = regionIn(s)
	}
	company := companyInvestor(s, max(vt, mt))
	if company != "" {
		investor = company
	}
	// Investor: "Japan's $550 billion", "Japanese investment", the subject.
	for k := range s.Countries {
		if investor != "" {
			break
		}
		c := &s.Countries[k]
		if c.Code == recipient {
			continue
		}
		if c.Poss || (c.Kind == kindDemonym && (s.lowTok(c.End) == "investment" || s.lowTok(c.End) == "investments" || s.lowTok(c.End) == "companies" || s.lowTok(c.End) == "firms")) {
			investor, invM = c.Code, c
			break
		}
	}
	_ = invM
	if investor == "" && exchangeRe.MatchString(s.Low) {
		// "lower tariffs on Japanese goods in return for a $550 billion
		// investment": the side whose goods gain pays in investment.
		for k := range s.Countries {
			c := &s.Countries[k]
			if goodsTarget(s, c) && c.Code != recipient {
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
	if investor == "" {
		// A person's government: "Akazawa had intended to ... the $550
		// billion investment".
		for k := range s.Countries {
			c := &s.Countries[k]
			if c.Code != recipient && c.Tok < max(vt, mt) && c.Kind == kindPerson && c.Code != "US" {
				investor = c.Code
				conf -= 0.1
				break
			}
		}
	}
	if investor == "" {
		return nil // a pledge needs its investor named
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

// companyInvestor returns the company named as the subject of the
// sentence when a pledge verb follows it within a few words ("Apple said it
// will invest", "SoftBank Group, the Japanese conglomerate, announced
// plans to invest"). Countries, people and titles are not companies.
func companyInvestor(s *sentence, end int) string {
	i := 0
	// Skip a dateline ("date 2025-03-24 SEOUL (dpa-AFX) -").
	for k := 0; k < len(s.Toks) && k < 16; k++ {
		if s.Toks[k].Text == "-" || s.Toks[k].Text == "—" || s.Toks[k].Text == "–" {
			if k > 0 && (s.Toks[k-1].Text == ")" || s.Toks[k-1].Upper) {
				i = k + 1
			}
		}
	}
	if i >= len(s.Toks) {
		return ""
	}
	if titleCase(s) {
		// A headline: the capitalised word just before "Investing",
		// "Invests", "Pledges" ("Trump Announces Apple Investing ...").
		for k := 1; k < len(s.Toks) && k < end+1; k++ {
			w := s.Toks[k].Low
			if strings.HasPrefix(w, "invest") || strings.HasPrefix(w, "pledg") || strings.HasPrefix(w, "commit") {
				// "Apple To Invest", "Orbitex Will Invest".
				b := k - 1
				for b > 0 && (s.Toks[b].Low == "to" || s.Toks[b].Low == "will") {
					b--
				}
				p := s.Toks[b]
				if p.Capit && !p.Punct && s.countryAt(k-1) == nil && !notNames[p.Low] && !roleWords[p.Low] && !headlineVerbs[p.Low] {
					return p.Text
				}
				break
			}
		}
		return ""
	}
	// "SoftBank’s $100 billion pledge": a possessive company before money.
	for k := i; k < len(s.Toks) && k < end+2; k++ {
		t := s.Toks[k]
		if t.Poss && t.Capit && !t.Punct && s.countryAt(k) == nil && !notNames[t.Low] && !roleWords[t.Low] && (k == 0 || !s.Toks[k-1].Capit || k == i) {
			rest := s.Text[t.End:]
			if strings.HasPrefix(strings.TrimLeft(rest, "’'s "), "$") || strings.Contains(s.Low[t.End:min(len(s.Low), t.End+40)], "invest") || strings.Contains(s.Low[t.End:min(len(s.Low), t.End+40)], "pledge") {
				return t.Text
			}
		}
	}
	// "Taiwan's TSMC said it will invest": the company after its country;
	// "Taiwanese chipmaker Nanolux": after a demonym and what it is.
	if c := s.countryAt(i); c != nil && c.Poss && c.End < len(s.Toks) && s.Toks[c.End].Capit && s.countryAt(c.End) == nil {
		i = c.End
	} else if c != nil && c.Kind == kindDemonym {
		k := c.End
		for k < len(s.Toks) && k < c.End+3 && !s.Toks[k].Capit && !s.Toks[k].Punct {
			k++
		}
		if k > c.End && k < len(s.Toks) && s.Toks[k].Capit && s.countryAt(k) == nil && companyNounRe.MatchString(s.Low[s.Toks[c.End].Off:s.Toks[k-1].End]) {
			i = k
		}
	}
	t := s.Toks[i]
	if t.Punct || !t.Capit || notNames[t.Low] || roleWords[t.Low] || s.countryAt(i) != nil || sentenceStarters[t.Low] {
		return ""
	}
	j := i
	for j < len(s.Toks) && j < i+3 && !s.Toks[j].Punct && s.Toks[j].Capit && s.countryAt(j) == nil {
		j++
	}
	name := s.Text[t.Off:s.Toks[j-1].End]
	// Skip an apposition: "SoftBank Group, the Japanese ..., announced".
	k := j
	appo := ""
	if k < len(s.Toks) && s.Toks[k].Text == "," {
		a := k
		for k++; k < len(s.Toks) && s.Toks[k].Text != ","; k++ {
		}
		if k < len(s.Toks) {
			appo = s.Low[s.Toks[a].End:s.Toks[k].Off]
		}
		k++
	}
	// "Tim Cook" is a person: two capitalised words need a corporate form
	// or an apposition that says what the company is.
	if j-i >= 2 && !corporate(s.Toks[j-1].Low) && !companyNounRe.MatchString(appo) {
		return ""
	}
	if k >= len(s.Toks) || k > end+1 {
		return ""
	}
	if investorVerbRe.MatchString(s.Low[s.Toks[k-1].End:]) || (k == j && investorVerbRe.MatchString(s.Low[s.Toks[j-1].End:])) {
		return name
	}
	// "Apple clarified that its investment ...": the company's own pledge.
	if j-i == 1 && (strings.Contains(s.Low, " its investment") || strings.Contains(s.Low, " its pledge") || strings.Contains(s.Low, " its commitment")) {
		return name
	}
	return ""
}

// companyNounRe: an apposition that names a company ("the German
// engineering group").
var companyNounRe = mustCue(`\b(group|company|firm|maker|manufacturer|conglomerate|giant|carmaker|automaker|bank|fund|corporation|producer|retailer|operator|supplier|chipmaker|developer|investor)\b`)

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

// goodsTarget reports whether c names the goods that gain from a tariff
// cut: "on Japanese goods", "on most Korean goods".
func goodsTarget(s *sentence, c *mention) bool {
	p := s.lowTok(c.Tok - 1)
	if p == "the" {
		p = s.lowTok(c.Tok - 2)
	}
	if p == "on" {
		// "tariffs on Korea", not "alignment on China".
		for k := max(0, c.Tok-5); k < c.Tok; k++ {
			if strongTariffWords[s.Toks[k].Low] {
				return true
			}
		}
	}
	// "Japanese cars", "Japan's exports", "US rice"; but "U.S. imports
	// from Brazil" are the importer's.
	next := s.lowTok(c.End)
	if next == "imports" && s.lowTok(c.End+1) == "from" {
		return false
	}
	return (c.Kind == kindDemonym || c.Poss || c.Kind == kindName) && goodsWords[next]
}

// headlineVerbs are capitalised verbs of headlines that precede the
// investor ("Trump Announces Apple Investing").
var headlineVerbs = map[string]bool{"announces": true, "says": true, "to": true, "will": true, "plans": true, "unveils": true, "and": true}

// inBefore reports whether "in" or "into" comes just before c, maybe with
// lower-case words between ("in new US fabs").
func inBefore(s *sentence, c *mention) bool {
	for k := c.Tok - 1; k >= 0 && k >= c.Tok-3; k-- {
		t := s.Toks[k]
		if t.Low == "in" || t.Low == "into" {
			return true
		}
		if t.Punct || t.Capit || t.Number {
			return false
		}
		switch t.Low {
		case "for", "of", "to", "with", "by", "from", "return", "exchange", "addition", "than":
			return false
		}
	}
	return false
}

// moneyJustBefore reports whether an amount ends shortly before offset a
// ("$250 billion in investments", "CHF200 billion ($250 billion) of
// investment").
func moneyJustBefore(s *sentence, a int) bool {
	for _, mo := range s.Money() {
		if mo.End <= a && a-mo.End <= 20 {
			return true
		}
	}
	return false
}

// regions are US states and Canadian provinces, named where an investment
// goes ("in Arizona", "in Ontario"). Georgia (a country) and Washington (a
// capital) are read as such elsewhere.
var regions = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Split("alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia wisconsin wyoming", " ") {
		m[n] = "US"
	}
	for _, n := range []string{"new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "rhode island", "south carolina", "south dakota", "west virginia"} {
		m[n] = "US"
	}
	for _, n := range []string{"ontario", "quebec", "alberta", "manitoba", "saskatchewan", "british columbia", "nova scotia", "new brunswick", "newfoundland"} {
		m[n] = "CA"
	}
	return m
}()

// regionIn returns the country of a state or province written after "in"
// or "into" ("in Texas"), or "".
func regionIn(s *sentence) string {
	for i := 0; i+1 < len(s.Toks); i++ {
		if w := s.Toks[i].Low; w != "in" && w != "into" {
			continue
		}
		t := s.Toks[i+1]
		if !t.Capit {
			continue
		}
		if c, ok := regions[t.Low]; ok {
			return c
		}
		if i+2 < len(s.Toks) {
			if c, ok := regions[t.Low+" "+s.Toks[i+2].Low]; ok {
				return c
			}
		}
	}
	return ""
}
