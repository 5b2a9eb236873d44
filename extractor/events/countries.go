package events

import (
	"strings"
)

// mentionKind says how a country was named.
type mentionKind uint8

const (
	kindName        mentionKind = iota // Japan, the United States, EU
	kindDemonym                        // Japanese, American
	kindCapital                        // Tokyo, Washington: the government by metonymy
	kindInstitution                    // the White House, the European Commission
	kindPerson                         // Commerce Secretary Howard Lutnick, Akazawa
)

// mention is one country (or bloc) named in a sentence.
type mention struct {
	Code     string // ISO 3166-1 alpha-2, EU, or a bloc name (EFTA)
	Kind     mentionKind
	Tok, End int // token range [Tok, End)
	Off      int // byte offsets in the sentence
	OffEnd   int
	Poss     bool // "Japan's"
}

// gazetteer lists the names of countries and blocs. Each line: a code ("-"
// for names that contain a country name but are none), then
// entries separated by "|". An entry is lower case; a leading "=" marks an
// abbreviation that must be written in capitals (US, not us); a trailing
// ":d" a demonym, ":c" a capital or seat of government, ":i" an institution,
// ":p" a person or an office that names its country.
const gazetteer = `
US|united states|arizona|texas|ohio|california|michigan|kentucky|indiana|louisiana|alabama|south carolina|north carolina|pennsylvania|florida|illinois|wisconsin|nevada|oregon|virginia|arkansas|mississippi|new jersey|united states of america|america|=us|=usa|american:d|americans:d|washington:c|washington dc:c|white house:i|trump administration:i|biden administration:i|us administration:i|commerce department:i|department of commerce:i|us trade representative:i|office of the us trade representative:i|=ustr:i|pentagon:i|state department:i|us treasury:i|trump:p|donald trump:p|biden:p|joe biden:p|lutnick:p|howard lutnick:p|bessent:p|scott bessent:p|greer:p|jamieson greer:p|commerce secretary:p|treasury secretary:p|secretary of state:p|rubio:p|marco rubio:p|navarro:p|peter navarro:p|lighthizer:p|robert lighthizer:p|mnuchin:p|steven mnuchin:p|wilbur ross:p|katherine tai:p|hegseth:p|capitol hill:i
JP|japan|japanese:d|tokyo:c|akazawa:p|ryosei akazawa:p|ishiba:p|shigeru ishiba:p|ishiba shigeru:p|takaichi:p|sanae takaichi:p|kishida:p|fumio kishida:p|chief cabinet secretary:p|motegi:p|toshimitsu motegi:p|shinzo abe:p|=meti:i
KR|south korea|korea|republic of korea|s korea|south korean:d|korean:d|koreans:d|seoul:c|lee jae-myung:p|yoon suk yeol:p|yeo han-koo:p|kim jung-kwan:p|koo yun-cheol:p
KP|north korea|north korean:d|pyongyang:c
CN|china|people's republic of china|=prc|mainland china|chinese:d|beijing:c|xi jinping:p|president xi:p|xi:p|li keqiang:p|he lifeng:p|li qiang:p|liu he:p|wang wentao:p|zhongnanhai:i|mofcom:i
TW|taiwan|taiwanese:d|taipei:c
EU|european union|=eu|europe|european:d|europeans:d|brussels:c|european commission:i|von der leyen:p|ursula von der leyen:p|sefcovic:p|maros sefcovic:p|šefčovič:p|maroš šefčovič:p|european parliament:i|european council:i
GB|united kingdom|=uk|britain|great britain|british:d|scottish:d|britons:d|london:c|downing street:i|starmer:p|keir starmer:p|rishi sunak:p|boris johnson:p|theresa may:p|jonathan reynolds:p|peter kyle:p|rachel reeves:p|whitehall:i
CH|switzerland|swiss:d|bern:c|berne:c|keller-sutter:p|karin keller-sutter:p|guy parmelin:p|parmelin:p
IN|india|indian:d|indians:d|new delhi:c|delhi:c|modi:p|narendra modi:p|goyal:p|piyush goyal:p
BR|brazil|brazilian:d|brazilians:d|brasilia:c|brasília:c|lula:p|lula da silva:p|bolsonaro:p
CA|canada|canadian:d|canadians:d|ottawa:c|carney:p|mark carney:p|trudeau:p|justin trudeau:p|dominic leblanc:p|chrystia freeland:p
MX|mexico|mexican:d|mexicans:d|mexico city:c|sheinbaum:p|claudia sheinbaum:p|ebrard:p|marcelo ebrard:p|lopez obrador:p|lópez obrador:p|peña nieto:p|pena nieto:p|enrique peña nieto:p
VN|vietnam|viet nam|vietnamese:d|hanoi:c|to lam:p
ID|indonesia|indonesian:d|jakarta:c|prabowo:p|prabowo subianto:p
TH|thailand|thai:d|bangkok:c
MY|malaysia|malaysian:d|kuala lumpur:c|anwar ibrahim:p
PH|philippines|philippine:d|filipino:d|manila:c|ferdinand marcos:p|marcos jr:p
KH|cambodia|cambodian:d|phnom penh:c
SG|singapore|singaporean:d
AU|australia|australian:d|canberra:c|albanese:p|anthony albanese:p
NZ|new zealand|wellington:c
DE|germany|german:d|berlin:c|merz:p|scholz:p
FR|france|french:d|paris:c|macron:p|emmanuel macron:p|elysee:i|élysée:i
IT|italy|italian:d|rome:c|meloni:p
ES|spain|spanish:d|madrid:c
NL|netherlands|dutch:d
IE|ireland|irish:d|dublin:c
PL|poland|polish:d
SE|sweden|swedish:d
RU|russia|russian:d|moscow:c|kremlin:i|putin:p
UA|ukraine|ukrainian:d|kyiv:c
TR|turkey|türkiye|turkish:d|ankara:c
SA|saudi arabia|saudi:d|saudis:d|riyadh:c|mohammed bin salman:p
AE|united arab emirates|=uae|emirati:d|abu dhabi:c
QA|qatar|qatari:d|doha:c
EG|egypt|egyptian:d|cairo:c
IL|israel|israeli:d
ZA|south africa|south african:d|pretoria:c
PK|pakistan|pakistani:d|islamabad:c
BD|bangladesh|bangladeshi:d|dhaka:c
LK|sri lanka|sri lankan:d
NO|norway|norwegian:d|oslo:c
IS|iceland|icelandic:d|reykjavik:c
LI|liechtenstein
AR|argentina|argentine:d|argentinian:d|buenos aires:c|milei:p
CL|chile|chilean:d|santiago:c
CO|colombia|colombian:d|bogota:c
PE|peru|peruvian:d
NG|nigeria|nigerian:d
KE|kenya|kenyan:d
MA|morocco|moroccan:d
NI|nicaragua
DK|denmark|danish:d|danes:d|copenhagen:c|frederiksen:p
GL|greenland
FI|finland|finnish:d|helsinki:c
AT|austria|austrian:d|vienna:c
BE|belgium|belgian:d
PT|portugal|portuguese:d|lisbon:c
GR|greece|greek:d|athens:c
HU|hungary|hungarian:d|budapest:c
CZ|czech republic|czechia|czech:d|prague:c
UY|uruguay|uruguayan:d|montevideo:c
PY|paraguay|paraguayan:d
BO|bolivia
EC|ecuador
VE|venezuela|venezuelan:d|caracas:c
CU|cuba|cuban:d|havana:c
IR|iran|iranian:d|tehran:c
IQ|iraq|iraqi:d
JO|jordan|jordanian:d
KW|kuwait
OM|oman
BH|bahrain
DZ|algeria
TN|tunisia
ET|ethiopia
GH|ghana
LS|lesotho
MG|madagascar
KZ|kazakhstan
UZ|uzbekistan
MN|mongolia
NP|nepal
HK|hong kong
LA|laos|laotian:d
MM|myanmar|burmese:d
-|north america|south america|latin america|central america|n america|s america|american samoa|korean war|indian ocean|chinese new year|japanese yen|swiss franc|new mexico|british columbia|european championship
EFTA|=efta|european free trade association
MERCOSUR|mercosur|=mercosul
ASEAN|=asean
GCC|=gcc|gulf cooperation council
CPTPP|=cptpp|trans-pacific partnership|trans-pacific|comprehensive and progressive agreement for trans-pacific partnership
`

type gazEntry struct {
	rest  []string // tokens after the first
	code  string
	kind  mentionKind
	upper bool // abbreviation: must be written in capitals
}

// countryIndex finds country mentions by their first token.
type countryIndex map[string][]gazEntry

func newCountryIndex() countryIndex {
	idx := countryIndex{}
	for _, line := range strings.Split(gazetteer, "\n") {
		parts := strings.Split(strings.TrimSpace(line), "|")
		if len(parts) < 2 {
			continue
		}
		code := parts[0]
		for _, p := range parts[1:] {
			e := gazEntry{code: code}
			if strings.HasPrefix(p, "=") {
				e.upper = true
				p = p[1:]
			}
			if i := strings.LastIndexByte(p, ':'); i > 0 {
				switch p[i+1:] {
				case "d":
					e.kind = kindDemonym
				case "c":
					e.kind = kindCapital
				case "i":
					e.kind = kindInstitution
				case "p":
					e.kind = kindPerson
				}
				p = p[:i]
			}
			words := phraseTokens(p)
			e.rest = words[1:]
			idx[words[0]] = append(idx[words[0]], e)
		}
	}
	return idx
}

// phraseTokens splits a gazetteer phrase the way tokenize splits text.
func phraseTokens(p string) []string {
	var out []string
	for _, t := range tokenize(p) {
		out = append(out, t.Low)
	}
	return out
}

// find returns the country mentions among toks, longest match first.
func (idx countryIndex) find(toks []token) []mention {
	var out []mention
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Punct {
			continue
		}
		cands := idx[t.Low]
		if !t.Capit {
			// Lower case: only hyphenated compounds ("trans-Pacific").
			hy := cands[:0:0]
			for _, e := range cands {
				if len(e.rest) > 0 && e.rest[0] == "-" {
					hy = append(hy, e)
				}
			}
			cands = hy
		}
		best, bestLen := -1, 0
		for ci, e := range cands {
			if e.upper && !t.Upper {
				continue
			}
			n := 1 + len(e.rest)
			if n <= bestLen || i+n > len(toks) {
				continue
			}
			ok := true
			for k, w := range e.rest {
				if toks[i+1+k].Low != w {
					ok = false
					break
				}
			}
			if ok {
				best, bestLen = ci, n
			}
		}
		if best < 0 {
			continue
		}
		e := cands[best]
		if e.code == "-" {
			// A name that contains a country name but is none.
			i += bestLen - 1
			continue
		}
		last := toks[i+bestLen-1]
		// "US$250 billion", "NZ$3bn": a currency, not the country.
		if j := i + bestLen; j < len(toks) && toks[j].Text == "$" && toks[j].Off == last.End {
			i += bestLen - 1
			continue
		}
		out = append(out, mention{Code: e.code, Kind: e.kind, Tok: i, End: i + bestLen, Off: t.Off, OffEnd: last.End, Poss: last.Poss})
		i += bestLen - 1
	}
	return out
}

// countryOf returns the code of a name ("Japan", "the U.S.", "Swiss"), or "".
func (idx countryIndex) countryOf(name string) string {
	toks := tokenize(name)
	for len(toks) > 0 && (toks[0].Low == "the") {
		toks = toks[1:]
	}
	ms := idx.find(toks)
	if len(ms) == 1 && ms[0].Tok == 0 && ms[0].End == len(toks) {
		return ms[0].Code
	}
	return ""
}
