package page

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// sniffLen bounds how much of a page is looked at for a <meta> charset and
// for statistical detection.
const sniffLen = 64 << 10

// decode returns the page as UTF-8. The charset is, in order: a byte order
// mark, the Content-Type header, a <meta> tag in the first 1024 bytes (the
// WHATWG prescan of x/net/html/charset), valid UTF-8 throughout, a <meta>
// tag further on, then statistical detection.
//
// Detection uses github.com/saintfish/chardet, a port of ICU's detector
// (the upstream of the gogs fork, and the one still updated in 2023): it
// tells Shift_JIS, EUC-JP, EUC-KR, GB18030 and Big5 apart from the Latin
// single-byte charsets, which the HTML prescan cannot do without a
// declaration (it falls back to windows-1252).
func decode(raw []byte, contentType string) ([]byte, error) {
	enc, name, certain := charset.DetermineEncoding(raw, contentType)
	if !certain && utf8.Valid(raw) {
		// The prescan looks at 1024 bytes only and calls plain ASCII
		// windows-1252: a page that is valid UTF-8 throughout is UTF-8
		// (a legacy page almost never is).
		enc, name, certain = nil, "utf-8", true
	}
	if !certain {
		if e, n := metaCharset(raw); e != nil {
			enc, name, certain = e, n, true
		}
	}
	if !certain {
		if e, n := detect(raw); e != nil {
			enc, name = e, n
		}
	}
	if name == "utf-8" {
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(raw) {
			// Declared UTF-8 with stray bytes: replace them, as browsers do.
			raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
		}
		return raw, nil
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return out, nil
}

// metaCharset finds <meta charset=X> or <meta http-equiv content="...;
// charset=X"> in the first sniffLen bytes.
func metaCharset(raw []byte) (encoding.Encoding, string) {
	head := raw[:min(len(raw), sniffLen)]
	lower := bytes.ToLower(head)
	for i := 0; ; {
		j := bytes.Index(lower[i:], []byte("<meta"))
		if j < 0 {
			return nil, ""
		}
		i += j + 5
		end := bytes.IndexByte(lower[i:], '>')
		if end < 0 {
			return nil, ""
		}
		tag := lower[i : i+end]
		k := bytes.Index(tag, []byte("charset="))
		if k < 0 {
			continue
		}
		v := tag[k+len("charset="):]
		v = bytes.TrimLeft(v, "\"' ")
		n := bytes.IndexAny(v, "\"' ;/")
		if n >= 0 {
			v = v[:n]
		}
		if e, canon := charset.Lookup(string(v)); e != nil {
			return e, canon
		}
	}
}

// detect guesses the charset of an undeclared, non-UTF-8 page.
func detect(raw []byte) (encoding.Encoding, string) {
	r, err := chardet.NewHtmlDetector().DetectBest(raw[:min(len(raw), sniffLen)])
	if err != nil || r == nil {
		return nil, ""
	}
	name := strings.ToLower(r.Charset)
	if name == "gb-18030" {
		name = "gb18030"
	}
	e, canon := charset.Lookup(name)
	return e, canon
}
