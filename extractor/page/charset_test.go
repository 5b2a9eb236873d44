package page

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// charsetPage is a page in one language, written for these tests.
func charsetPage(title, para1, para2, metaTag string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head>" + metaTag + "<title>" + title + "</title></head><body>")
	b.WriteString(`<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>` + title + "</h1>")
	for range 3 {
		b.WriteString("<p>" + para1 + "</p><p>" + para2 + "</p>")
	}
	b.WriteString("</article><footer>(c) 2026</footer></body></html>")
	return b.String()
}

// TestCharsets decodes pages in legacy charsets whether the charset is
// declared in the HTTP header, in a <meta> tag, or nowhere.
func TestCharsets(t *testing.T) {
	langs := []struct {
		name         string
		enc          encoding.Encoding
		charset      string
		title        string
		para1, para2 string
	}{
		{
			"shift_jis", japanese.ShiftJIS, "Shift_JIS", "港湾局が穀物の取扱料金を拡大",
			"港湾局は金曜日、東岸の埠頭で陸揚げされるすべての穀物に新しい取扱料金を適用すると発表した。",
			"貿易業者によると、この変更で一トン当たりの費用が数ユーロ上がり、一部の貨物は近くの港に移るという。",
		},
		{
			"euc-kr", korean.EUCKR, "EUC-KR", "항만 당국, 곡물 처리 요금 확대",
			"항만 당국은 금요일 동쪽 부두에 하역되는 모든 곡물 화물에 새로운 처리 요금을 적용하겠다고 밝혔다.",
			"무역업자들은 이 조치로 톤당 비용이 몇 유로 오르고 일부 화물이 인근 항구로 옮겨갈 것이라고 말했다.",
		},
		{
			"gbk", simplifiedchinese.GBK, "GBK", "港务局扩大散粮装卸费",
			"港务局周五表示，将对东码头卸下的所有散装粮食货物征收新的装卸费，新收费标准将于四月生效。",
			"两位使用该港口的粮商说，这一变化事先没有与用户商量，将使每吨成本增加几欧元，并把部分货物推向沿岸的其他码头。",
		},
		{
			"windows-1252", charmap.Windows1252, "windows-1252", "L’autorité portuaire élargit sa taxe",
			"L’autorité portuaire a annoncé vendredi une nouvelle taxe de 4 € par tonne sur les céréales débarquées au quai est, à partir d’avril.",
			"« C’est une mauvaise surprise », ont déclaré deux négociants, qui craignent que des cargaisons partent vers d’autres ports de la côte.",
		},
		{
			"iso-8859-1", charmap.ISO8859_1, "ISO-8859-1", "Hafenbehörde erhöht Gebühren für Getreide",
			"Die Hafenbehörde erhöht ab April die Gebühren für Getreide, das am Ostkai gelöscht wird; Händler befürchten höhere Kosten je Tonne.",
			"Zwei Getreidehändler sagten, die Änderung sei nicht mit den Nutzern besprochen worden und werde Ladungen zu anderen Häfen an der Küste drängen.",
		},
	}
	modes := []struct {
		name   string
		header func(cs string) http.Header
		meta   func(cs string) string
	}{
		{"header", func(cs string) http.Header { return http.Header{"Content-Type": {"text/html; charset=" + cs}} }, func(string) string { return "" }},
		{"meta", func(string) http.Header { return nil }, func(cs string) string { return `<meta charset="` + cs + `">` }},
		{"meta-http-equiv", func(string) http.Header { return nil }, func(cs string) string {
			return `<meta http-equiv="Content-Type" content="text/html; charset=` + cs + `">`
		}},
		{"sniffed", func(string) http.Header { return http.Header{"Content-Type": {"text/html"}} }, func(string) string { return "" }},
	}
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range langs {
		for _, m := range modes {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				page := charsetPage(tt.title, tt.para1, tt.para2, m.meta(tt.charset))
				raw, err := tt.enc.NewEncoder().Bytes([]byte(page))
				if err != nil {
					t.Fatal(err)
				}
				art, err := x.Extract(raw, Meta{URL: "https://news.example/a", Header: m.header(tt.charset)})
				if err != nil {
					t.Fatal(err)
				}
				if art.Title != tt.title {
					t.Errorf("title = %q, want %q", art.Title, tt.title)
				}
				for _, p := range []string{tt.para1, tt.para2} {
					if !strings.Contains(art.Body, p) {
						t.Errorf("body lacks %q; body:\n%s", p, art.Body)
					}
				}
			})
		}
	}
}

// TestUTF8Undeclared reads an undeclared UTF-8 page whose first kilobyte
// is plain ASCII (the HTML prescan alone would call it windows-1252).
func TestUTF8Undeclared(t *testing.T) {
	para := "Les négociants ont dit que la taxe coûterait plusieurs euros par tonne à partir d’avril."
	page := "<html><head><title>T</title><!-- " + strings.Repeat("x", 2000) + " --></head><body><article><p>" + para + "</p></article></body></html>"
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	art, err := x.Extract([]byte(page), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if art.Body != para {
		t.Errorf("body = %q, want %q", art.Body, para)
	}
}
