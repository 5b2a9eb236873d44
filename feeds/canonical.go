package feeds

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not
// which article they read. Compared in lower case.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true,
	"mkt_tok": true, "_hsenc": true, "_hsmi": true, "__hstc": true, "__hssc": true,
	"__hsfp": true, "hsctatracking": true, "vero_id": true, "vero_conv": true,
	"oly_anon_id": true, "oly_enc_id": true, "rb_clickid": true, "s_cid": true,
	"ocid": true, "cmpid": true, "ncid": true, "sr_share": true, "at_medium": true,
	"at_campaign": true, "wt.mc_id": true, "ito": true, "guccounter": true,
	"guce_referrer": true, "guce_referrer_sig": true, "spm": true, "xtor": true,
}

// trackingPrefixes mark families of tracking parameters (utm_source,
// utm_medium, ..., pk_campaign, ...).
var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "hmb_", "ga_"}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	if trackingParams[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// CanonicalURL returns the form of an article URL used to recognise the
// same article behind different links: scheme and host in lower case,
// default port, user info, fragment and tracking parameters (utm_*,
// fbclid, gclid, mc_cid, ...) removed, the remaining query parameters
// sorted, an empty path written "/". A string that is not an absolute
// http(s) URL is returned trimmed but otherwise unchanged.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return raw
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return raw
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery)
	}
	u.ForceQuery = false
	return strings.TrimSpace(u.String())
}

// canonicalQuery drops tracking parameters and sorts the rest by key,
// keeping the original encoding of each pair and the order of repeated keys.
func canonicalQuery(q string) string {
	type pair struct{ key, raw string }
	var keep []pair
	for _, part := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
		part = strings.TrimSpace(part)
		k, _, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if strings.TrimSpace(k) == "" || isTracking(k) {
			continue
		}
		keep = append(keep, pair{k, part})
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].key < keep[j].key })
	parts := make([]string, len(keep))
	for i, p := range keep {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}
