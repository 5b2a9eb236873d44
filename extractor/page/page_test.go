package page

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSizeLimit(t *testing.T) {
	x, err := NewWithOptions(Options{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	small := "<html><body><article><p>" + strings.Repeat("Freight rates eased again. ", 10) + "</p></article></body></html>"
	big := "<html><body><article><p>" + strings.Repeat("Freight rates eased again. ", 100) + "</p></article></body></html>"
	tests := []struct {
		name    string
		give    string
		wantErr error
	}{
		{"below the limit", small, nil},
		{"above the limit", big, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			art, err := x.Extract([]byte(tt.give), Meta{URL: "https://news.example/a"})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Extract error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && art.Body != "" {
				t.Errorf("a refused page gave a body: %q", art.Body)
			}
			art, err = x.ExtractReader(strings.NewReader(tt.give), Meta{URL: "https://news.example/a"})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ExtractReader error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !strings.Contains(art.Body, "Freight rates eased again.") {
				t.Errorf("body = %q", art.Body)
			}
		})
	}
}

func TestNewRejectsBadSelectors(t *testing.T) {
	tests := []struct {
		name  string
		give  []SiteRule
		isErr bool
	}{
		{"good rules", []SiteRule{{Domain: "news.example", Body: []string{"article .story-body"}, Drop: []string{".share", "aside.related"}}}, false},
		{"bad body selector", []SiteRule{{Domain: "news.example", Body: []string{"article >> p["}}}, true},
		{"bad drop selector", []SiteRule{{Domain: "news.example", Drop: []string{"div:nth-child("}}}, true},
		{"empty domain", []SiteRule{{Body: []string{"article"}}}, true},
		{"duplicate domain", []SiteRule{{Domain: "news.example"}, {Domain: "www.news.example"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWithOptions(Options{Rules: tt.give})
			if (err != nil) != tt.isErr {
				t.Errorf("NewWithOptions error = %v, want error: %v", err, tt.isErr)
			}
		})
	}
}

func TestBuiltinRulesCompile(t *testing.T) {
	rules, err := BuiltinRules()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compileRules(rules); err != nil {
		t.Fatal(err)
	}
}

// TestSiteRule shows a rule choosing the body and dropping a box the
// general extractor would keep.
func TestSiteRule(t *testing.T) {
	page := `<html><body><div class="wrap">
<div class="lede"><p>Container volumes at the river port rose by a tenth in the third quarter, the operator said.</p></div>
<div class="story"><p>The operator said the rise came mostly from new feeder services to the coast, which started in July.</p>
<p class="promo-box">Our quarterly port almanac is out now, with every terminal ranked by volume and by speed.</p>
<p>It expects volumes to keep growing next year as a second quay opens.</p></div>
</div></body></html>`
	x, err := NewWithOptions(Options{Rules: []SiteRule{{Domain: "river.example", Body: []string{".lede", ".story"}, Drop: []string{"p.promo-box"}}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url      string
		wantBox  bool
		wantLede bool
	}{
		{"https://www.river.example/news/1", false, true},
		{"https://other.example/news/1", true, false}, // the general extractor misses the short lede
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			art, err := x.Extract([]byte(page), Meta{URL: tt.url})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(art.Body, "almanac"); got != tt.wantBox {
				t.Errorf("promo box in body = %v, want %v:\n%s", got, tt.wantBox, art.Body)
			}
			if got := strings.Contains(art.Body, "rose by a tenth"); got != tt.wantLede {
				t.Errorf("lede in body = %v, want %v:\n%s", got, tt.wantLede, art.Body)
			}
			if !strings.Contains(art.Body, "second quay opens") {
				t.Errorf("body lacks its last paragraph:\n%s", art.Body)
			}
		})
	}
}

func ts(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestPublished(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	x, err := NewWithOptions(Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	const body = `<article><p>Freight rates on the northern routes eased for a third week, brokers said on Monday.</p></article>`
	tests := []struct {
		name       string
		head       string
		url        string
		feed       *time.Time
		want       *time.Time
		wantSource string
		wantWarn   bool
	}{
		{
			name:       "json-ld first",
			head:       `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-03-14T08:30:00Z"}</script><meta property="article:published_time" content="2026-03-14T10:00:00Z">`,
			want:       ts("2026-03-14T08:30:00Z"),
			wantSource: SourceJSONLD,
		},
		{
			name:       "json-ld in an array",
			head:       `<script type="application/ld+json">[{"@type":"Organization","name":"X"},{"@type":["ReportageNewsArticle"],"datePublished":"2026-03-14T08:30:00+02:00"}]</script>`,
			want:       ts("2026-03-14T06:30:00Z"),
			wantSource: SourceJSONLD,
		},
		{
			name:       "opengraph when no json-ld",
			head:       `<meta property="article:published_time" content="2026-03-14T10:00:00Z"><meta name="parsely-pub-date" content="2026-03-14T10:05:00Z">`,
			want:       ts("2026-03-14T10:00:00Z"),
			wantSource: SourceOG,
		},
		{
			name:       "parsely meta",
			head:       `<meta name="parsely-pub-date" content="2026-03-14T10:05:00Z">`,
			want:       ts("2026-03-14T10:05:00Z"),
			wantSource: SourceMeta,
		},
		{
			name:       "dc.date",
			head:       `<meta name="DC.date" content="2026-03-14">`,
			want:       ts("2026-03-14T00:00:00Z"),
			wantSource: SourceMeta,
		},
		{
			name:       "time element",
			head:       `</head><body><time datetime="2026-03-14T07:00:00Z">14 March</time>`,
			want:       ts("2026-03-14T07:00:00Z"),
			wantSource: SourceTime,
		},
		{
			name:       "date in the url",
			url:        "https://news.example/2026/03/14/rates-ease",
			want:       ts("2026-03-14T00:00:00Z"),
			wantSource: SourceURL,
		},
		{
			name:       "feed date last",
			feed:       ts("2026-03-15T09:00:00Z"),
			want:       ts("2026-03-15T09:00:00Z"),
			wantSource: SourceFeed,
		},
		{
			name:       "future date rejected",
			head:       `<meta property="article:published_time" content="2027-01-01T00:00:00Z"><meta name="parsely-pub-date" content="2026-03-14T10:05:00Z">`,
			want:       ts("2026-03-14T10:05:00Z"),
			wantSource: SourceMeta,
		},
		{
			name: "date before 1995 rejected",
			head: `<meta property="article:published_time" content="1970-01-01T00:00:00Z">`,
		},
		{
			name:       "sources disagree by more than a day",
			head:       `<meta property="article:published_time" content="2026-03-14T10:00:00Z">`,
			url:        "https://news.example/2026/02/01/rates-ease",
			want:       ts("2026-03-14T10:00:00Z"),
			wantSource: SourceOG,
			wantWarn:   true,
		},
		{
			name:       "sources agree within a day",
			head:       `<meta property="article:published_time" content="2026-03-14T23:00:00Z">`,
			url:        "https://news.example/2026/03/14/rates-ease",
			feed:       ts("2026-03-15T01:00:00Z"),
			want:       ts("2026-03-14T23:00:00Z"),
			wantSource: SourceOG,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = "https://news.example/rates-ease"
			}
			page := "<html><head>" + tt.head + "</head><body>" + body + "</body></html>"
			art, err := x.Extract([]byte(page), Meta{URL: u, FeedPublished: tt.feed})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == nil && art.Published != nil:
				t.Errorf("published = %v, want none", art.Published)
			case tt.want != nil && (art.Published == nil || !art.Published.Equal(*tt.want)):
				t.Errorf("published = %v, want %v", art.Published, tt.want)
			}
			if art.PublishedSource != tt.wantSource {
				t.Errorf("published_source = %q, want %q", art.PublishedSource, tt.wantSource)
			}
			if got := len(art.Warnings) > 0; got != tt.wantWarn {
				t.Errorf("warnings = %q, want some: %v", art.Warnings, tt.wantWarn)
			}
		})
	}
}

func TestAuthors(t *testing.T) {
	tests := []struct {
		give []string
		want []string
	}{
		{[]string{"By Mara Linden"}, []string{"Mara Linden"}},
		{[]string{"By Mara Linden and Tomas Ek"}, []string{"Mara Linden", "Tomas Ek"}},
		{[]string{"Mara Linden, Senior Correspondent"}, []string{"Mara Linden"}},
		{[]string{"Mara Linden - Staff Writer"}, []string{"Mara Linden"}},
		{[]string{"by Mara Linden 4 Minute Read"}, []string{"Mara Linden"}},
		{[]string{"Mara Linden", "mara linden", "https://news.example/authors/mara"}, []string{"Mara Linden"}},
		{[]string{"Ana Sousa & Li Wei"}, []string{"Ana Sousa", "Li Wei"}},
		{[]string{"  "}, nil},
		{[]string{"Analysis by Chris Park"}, []string{"Chris Park"}},
		{[]string{"MEG KINNARD", "ERRIN HAINES"}, []string{"Meg Kinnard", "Errin Haines"}},
		{[]string{"Bobby Tables"}, []string{"Bobby Tables"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.give, "|"), func(t *testing.T) {
			if got := cleanAuthors(tt.give); !slices.Equal(got, tt.want) {
				t.Errorf("cleanAuthors(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const body = `<article><p>Freight rates on the northern routes eased for a third week, brokers said on Monday.</p></article>`
	tests := []struct {
		name string
		head string
		url  string
		want func(t *testing.T, got articleView)
	}{
		{
			name: "canonical resolved against the page url",
			head: `<link rel="canonical" href="/news/rates-ease">`,
			url:  "https://www.news.example/amp/rates-ease?x=1",
			want: wantField("canonical", "https://www.news.example/news/rates-ease"),
		},
		{
			name: "og:url when no canonical link",
			head: `<meta property="og:url" content="https://news.example/rates-ease">`,
			want: wantField("canonical", "https://news.example/rates-ease"),
		},
		{
			name: "json-ld in @graph",
			head: `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"Rates ease","articleSection":"Shipping","inLanguage":"en-US","author":{"@type":"Person","name":"Li Wei"},"publisher":{"@type":"Organization","name":"Port Ledger"}}]}</script>`,
			want: func(t *testing.T, got articleView) {
				wantField("title", "Rates ease")(t, got)
				wantField("section", "Shipping")(t, got)
				wantField("language", "en-US")(t, got)
				wantField("site", "Port Ledger")(t, got)
				wantField("authors", "Li Wei")(t, got)
			},
		},
		{
			name: "opengraph and html lang",
			head: `<meta property="og:title" content="Rates ease again"><meta property="og:site_name" content="Port Ledger"><meta property="article:section" content="Markets"><meta property="article:author" content="By Ana Sousa">`,
			want: func(t *testing.T, got articleView) {
				wantField("title", "Rates ease again")(t, got)
				wantField("site", "Port Ledger")(t, got)
				wantField("section", "Markets")(t, got)
				wantField("authors", "Ana Sousa")(t, got)
				wantField("language", "pt-BR")(t, got)
			},
		},
		{
			name: "h1 holding the site name is not the title",
			head: `<title>Freight rates ease for a third week - Port Ledger</title></head><body><h1>Port Ledger</h1>`,
			want: wantField("title", "Freight rates ease for a third week"),
		},
		{
			name: "entities in json-ld",
			head: `<script type="application/ld+json">{"@type":"Article","headline":"&#8216;Rates ease&#8217; &amp; more"}</script>`,
			want: wantField("title", "‘Rates ease’ & more"),
		},
		{
			name: "title tag without the site name",
			head: `<title>Freight rates ease for a third week | Port Ledger</title>`,
			want: wantField("title", "Freight rates ease for a third week"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = "https://news.example/rates-ease"
			}
			page := `<html lang="pt-br"><head>` + tt.head + "</head><body>" + body + "</body></html>"
			art, err := x.Extract([]byte(page), Meta{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, articleView{
				"canonical": art.CanonicalURL, "title": art.Title, "section": art.Section,
				"language": art.Language, "site": art.SiteName, "authors": strings.Join(art.Authors, "; "),
			})
		})
	}
}

type articleView map[string]string

func wantField(k, v string) func(*testing.T, articleView) {
	return func(t *testing.T, got articleView) {
		t.Helper()
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		give string
		want string // RFC 3339, "" for no date
	}{
		{"2019-11-19T07:47:00-05:00", "2019-11-19T12:47:00Z"},
		{"2019-11-19T07:47:00.123Z", "2019-11-19T07:47:00.123Z"},
		{"2019-11-19 07:47:00", "2019-11-19T07:47:00Z"},
		{"2019-11-19", "2019-11-19T00:00:00Z"},
		{"November 19, 2019, 07:47 PM EST", "2019-11-20T00:47:00Z"},
		{"19 Nov 2019 07:09 GMT", "2019-11-19T07:09:00Z"},
		{"Tue, 19 Nov 2019 07:09:00 +0100", "2019-11-19T06:09:00Z"},
		{"1574168580", "2019-11-19T13:03:00Z"},
		{"yesterday", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, ok := parseDate(tt.give)
			switch {
			case tt.want == "" && ok:
				t.Errorf("parseDate(%q) = %v, want no date", tt.give, got)
			case tt.want != "" && (!ok || got.Format(time.RFC3339Nano) != tt.want):
				t.Errorf("parseDate(%q) = %v, %v, want %s", tt.give, got.Format(time.RFC3339Nano), ok, tt.want)
			}
		})
	}
}

// TestCJKInlineEdges keeps a linked phrase apart from the CJK text around
// it (CJK has no spaces), and leaves Latin words as written.
func TestCJKInlineEdges(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{`<p>パスワード管理ソフト<a href="/k">KeePass</a>の起動キーと同じなのです。今回はその話をします。</p>`, "パスワード管理ソフト KeePass の起動キーと同じなのです。今回はその話をします。"},
		{`<p>The port of <a href="/r">Rotter</a>dam said volumes rose by a tenth in the quarter.</p>`, "The port of Rotterdam said volumes rose by a tenth in the quarter."},
		{`<p>Freight rates <b>eased</b> again, brokers said on Monday.</p>`, "Freight rates eased again, brokers said on Monday."},
	}
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			art, err := x.Extract([]byte("<html><body><article>"+tt.give+"</article></body></html>"), Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if art.Body != tt.want {
				t.Errorf("body = %q, want %q", art.Body, tt.want)
			}
		})
	}
}

// TestConcurrentExtract shares one extractor between goroutines (run with
// -race).
func TestConcurrentExtract(t *testing.T) {
	x, err := NewWithOptions(Options{Rules: []SiteRule{{Domain: "news.example", Drop: []string{".promo"}}}})
	if err != nil {
		t.Fatal(err)
	}
	page := []byte(`<html><body><article><p>Freight rates on the northern routes eased for a third week, brokers said.</p><p class="promo">Get our app</p></article></body></html>`)
	want := "Freight rates on the northern routes eased for a third week, brokers said."
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 20 {
				art, err := x.Extract(page, Meta{URL: "https://news.example/a"})
				if err == nil && art.Body != want {
					err = errors.New("body = " + art.Body)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestNewWithOptionsRejectsNegativeLimit(t *testing.T) {
	if _, err := NewWithOptions(Options{MaxBytes: -1}); err == nil {
		t.Error("NewWithOptions accepted a negative size limit")
	}
}
