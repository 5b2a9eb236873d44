// Package fetch is the one HTTP client of newsevents: every feed, page and
// robots.txt request goes through it, and so does every redirect hop.
//
// A Client enforces, for every request:
//   - an SSRF guard checked at dial time, after DNS resolution (see guard.go):
//     loopback, private, link-local, CGNAT, multicast, unspecified, NAT64 and
//     IPv6 unique-local addresses are refused unless allow-listed by CIDR;
//   - a connect timeout and a total timeout (connect to last body byte);
//   - a decoded body limit: Content-Encoding is handled here, not by
//     net/http, so a gzip bomb stops at the limit with ErrTooLarge;
//   - at most MaxRedirects redirects, loops detected (ErrRedirectLoop);
//   - per-host politeness: at most PerHostConcurrency requests in flight and
//     PerHostRate requests per second (golang.org/x/time/rate, the standard
//     token bucket, rather than a hand-rolled one);
//   - an identifiable User-Agent with the operator's contact URL.
//
// Get (pages) also honours robots.txt when Options.Robots is set (parsed by
// github.com/temoto/robotstxt, a small, long-lived parser that implements
// Google's matching rules), its Disallow rules and its Crawl-delay: pages
// of a host are started at most once per max(1/PerHostRate, Crawl-delay),
// the Crawl-delay capped at MaxCrawlDelay. GetFeed does not consult
// robots.txt.
package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"
)

// Options configure a Client. Zero values mean the documented defaults.
type Options struct {
	// Timeout bounds a whole request, connect to last byte, redirects
	// included (default 30s).
	Timeout time.Duration
	// ConnectTimeout bounds one TCP connect (default 10s).
	ConnectTimeout time.Duration
	// UserAgent is sent with every request (default: DefaultUserAgent, with
	// ContactURL in place of the project URL when set).
	UserAgent string
	// ContactURL lets publishers reach the operator; it goes in the default
	// User-Agent.
	ContactURL string
	// AllowCIDRs are networks the SSRF guard lets through although they are
	// private, loopback... e.g. 127.0.0.0/8 for a local test site.
	AllowCIDRs []string
	// MaxRedirects is the most redirects followed (default 5; negative: none).
	MaxRedirects int
	// PerHostConcurrency is the most requests in flight to one host (default 2).
	PerHostConcurrency int
	// PerHostRate is the most requests per second started to one host
	// (default 1; rate.Inf for no limit).
	PerHostRate rate.Limit
	// Robots makes Get (page fetches) honour robots.txt.
	Robots bool
	// RobotsTTL is how long a robots.txt is cached (default 24h).
	RobotsTTL time.Duration
	// MaxCrawlDelay caps the Crawl-delay of a robots.txt, so a hostile or
	// mistaken one cannot stall page fetches (default DefaultMaxCrawlDelay;
	// negative: Crawl-delay is ignored).
	MaxCrawlDelay time.Duration
	// LookupIP resolves host names (default net.DefaultResolver.LookupNetIP
	// for "ip"); tests use it to make a name resolve to 127.0.0.1.
	LookupIP LookupFunc
	// Dial connects to an address the SSRF guard has approved, an IP and
	// port (default a net.Dialer with ConnectTimeout); tests use an
	// in-memory network.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives refusals by the SSRF guard (nil: none).
	Logger *zap.Logger
}

// DefaultMaxCrawlDelay is the largest robots.txt Crawl-delay honoured: a
// host asking for more gets one page a minute.
const DefaultMaxCrawlDelay = 60 * time.Second

// DefaultUserAgent identifies newsevents to publishers.
const DefaultUserAgent = "newsevents/0.1 (+https://github.com/newsevents/newsevents)"

// UserAgentFor returns the default User-Agent naming contactURL.
func UserAgentFor(contactURL string) string {
	if contactURL == "" {
		return DefaultUserAgent
	}
	return "newsevents/0.1 (+" + contactURL + ")"
}

// Client fetches URLs. It is safe for concurrent use.
type Client struct {
	http    *http.Client
	ua      string
	timeout time.Duration
	hosts   *hostLimits
	robots  *robotsCache // nil: robots.txt not consulted
	log     *zap.Logger
}

// New returns a client. An AllowCIDRs entry that does not parse is logged
// and ignored (config.Validate has refused it already); use NewClient to get
// the error instead.
func New(opts Options) *Client {
	c, err := NewClient(opts)
	if err != nil {
		if opts.Logger != nil {
			opts.Logger.Error("fetch: ignoring allow_cidrs", zap.Error(err))
		}
		opts.AllowCIDRs = nil
		c, _ = NewClient(opts)
	}
	return c
}

// NewClient returns a client. It fails on a bad AllowCIDRs entry.
func NewClient(opts Options) (*Client, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = UserAgentFor(opts.ContactURL)
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = 5
	}
	if opts.PerHostConcurrency <= 0 {
		opts.PerHostConcurrency = 2
	}
	if opts.PerHostRate <= 0 {
		opts.PerHostRate = 1
	}
	if opts.RobotsTTL <= 0 {
		opts.RobotsTTL = 24 * time.Hour
	}
	if opts.MaxCrawlDelay == 0 {
		opts.MaxCrawlDelay = DefaultMaxCrawlDelay
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	g, err := newGuard(opts.AllowCIDRs, opts.LookupIP, opts.Dial, opts.ConnectTimeout)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		// No proxy: a proxy would dial on our behalf and bypass the guard.
		Proxy:                 nil,
		DialContext:           g.DialContext,
		DisableCompression:    true, // we decode ourselves, within the limit
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   opts.PerHostConcurrency,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.Timeout,
	}
	c := &Client{
		ua:      opts.UserAgent,
		timeout: opts.Timeout,
		hosts:   newHostLimits(opts.PerHostConcurrency, opts.PerHostRate),
		log:     opts.Logger,
	}
	c.http = &http.Client{
		Transport:     &limitedTransport{next: tr, hosts: c.hosts},
		CheckRedirect: checkRedirect(opts.MaxRedirects),
	}
	if opts.Robots {
		var hostInterval time.Duration // 0: no rate limit
		if opts.PerHostRate != rate.Inf {
			hostInterval = time.Duration(float64(time.Second) / float64(opts.PerHostRate))
		}
		c.robots = newRobotsCache(c, opts.RobotsTTL, max(opts.MaxCrawlDelay, 0), hostInterval)
	}
	return c, nil
}

// UserAgent is the User-Agent the client sends.
func (c *Client) UserAgent() string { return c.ua }

// Response is a fetched body.
type Response struct {
	URL string // after redirects
	// MovedTo is the URL reached from the requested one through permanent
	// redirects (301, 308) only, "" when the first hop was not permanent or
	// there was no redirect: the resource's new address. Of A -301-> B
	// -302-> C, it is B (C is only where B points for now).
	MovedTo    string
	StatusCode int
	Header     http.Header
	Body       []byte // decoded
}

// StatusError is a response whose status is not 2xx or 304.
type StatusError struct {
	URL        string
	StatusCode int
	// RetryAfter is the server's Retry-After (429, 503), 0 if absent.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

var (
	// ErrTooLarge is returned when a decoded body exceeds its limit.
	ErrTooLarge = errors.New("body exceeds the size limit")
	// ErrTooManyRedirects is returned after more than MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRedirectLoop is returned when a redirect leads back to a URL of the chain.
	ErrRedirectLoop = errors.New("redirect loop")
	// ErrTimeout is returned when a request exceeds the client's Timeout.
	ErrTimeout = errors.New("request timed out")
	// ErrDisallowed is returned by Get when robots.txt disallows the URL.
	ErrDisallowed = errors.New("disallowed by robots.txt")
	// ErrUnsupportedEncoding is returned for a Content-Encoding other than gzip or identity.
	ErrUnsupportedEncoding = errors.New("unsupported Content-Encoding")
)

// Get fetches a page: url with the extra request headers hdr, reading at
// most maxBytes of decoded body; a larger body is an error wrapping
// ErrTooLarge, never a silent truncation. With Options.Robots, a URL
// robots.txt disallows is refused with ErrDisallowed, and a request waits
// for the host's Crawl-delay (see Options.MaxCrawlDelay). A 304 is returned with
// no error and no body; other non-2xx statuses return the response and a
// *StatusError.
func (c *Client) Get(ctx context.Context, url string, hdr http.Header, maxBytes int64) (*Response, error) {
	if c.robots != nil {
		crawl, err := c.robots.allowed(ctx, url)
		if err != nil {
			return nil, err
		}
		// Wait for the Crawl-delay before queueing for the host, so no host
		// slot (which feeds share) is held while waiting.
		if crawl != nil {
			started, err := crawl.wait(ctx)
			if err != nil {
				return nil, fmt.Errorf("GET %s: waiting for the robots.txt crawl-delay: %w", url, err)
			}
			defer started()
			return c.do(ctx, url, hdr, maxBytes, started)
		}
	}
	return c.do(ctx, url, hdr, maxBytes, nil)
}

// GetFeed is Get without the robots.txt check, for feeds (which publishers
// list for machines to read) and robots.txt itself.
func (c *Client) GetFeed(ctx context.Context, url string, hdr http.Header, maxBytes int64) (*Response, error) {
	return c.do(ctx, url, hdr, maxBytes, nil)
}

// do fetches rawURL; started (may be nil) is called once the request has
// its host slot, just before it is sent.
func (c *Client) do(ctx context.Context, rawURL string, hdr http.Header, maxBytes int64, started func()) (*Response, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("GET %s: maxBytes must be positive", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("GET %s: scheme must be http or https", rawURL)
	}
	// Queue for the host before the timeout starts: waiting behind other
	// requests to a busy host is politeness, not a slow server.
	host := hostOf(req.URL)
	e, err := c.hosts.acquire(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("GET %s: waiting for host %s: %w", rawURL, host, err)
	}
	if started != nil {
		started()
	}
	ps := &preSlot{host: host, e: e}
	defer func() {
		if ps.used.CompareAndSwap(false, true) { // the request never got to use it
			c.hosts.release(e)
		}
	}()
	ctx = context.WithValue(ctx, preSlotKey{}, ps)
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, fmt.Errorf("%w after %s", ErrTimeout, c.timeout))
	defer cancel()
	req = req.WithContext(ctx)
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.wrapErr(ctx, rawURL, err)
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), MovedTo: movedTo(resp.Request), StatusCode: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode == http.StatusNotModified {
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		se := &StatusError{URL: rawURL, StatusCode: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = RetryAfter(resp.Header, time.Now())
		}
		return out, se
	}
	body, err := readBody(resp, maxBytes)
	if err != nil {
		return out, fmt.Errorf("GET %s: %w", rawURL, c.wrapErr(ctx, "", err))
	}
	out.Body = body
	return out, nil
}

// wrapErr turns the errors of http.Client into ours: the timeout cause,
// the redirect errors and BlockedError unwrapped from *url.Error.
func (c *Client) wrapErr(ctx context.Context, rawURL string, err error) error {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) {
			err = cause
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var be *BlockedError
	if errors.As(err, &be) {
		c.log.Warn("request refused by the SSRF guard", zap.String("url", rawURL), zap.String("host", be.Host), zap.String("ip", be.IP.String()))
	}
	if rawURL == "" {
		return err
	}
	return fmt.Errorf("GET %s: %w", rawURL, err)
}

// readBody reads the decoded body, failing once it exceeds maxBytes.
func readBody(resp *http.Response, maxBytes int64) ([]byte, error) {
	if resp.ContentLength > 0 && resp.Header.Get("Content-Encoding") == "" && resp.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w of %d bytes (Content-Length %d)", ErrTooLarge, maxBytes, resp.ContentLength)
	}
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("%w %q", ErrUnsupportedEncoding, enc)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if n > maxBytes {
		return nil, fmt.Errorf("%w of %d bytes (decoded)", ErrTooLarge, maxBytes)
	}
	return buf.Bytes(), nil
}

// checkRedirect allows at most max redirects and refuses loops.
func checkRedirect(max int) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		next := req.URL.String()
		for _, v := range via {
			if v.URL.String() == next {
				return fmt.Errorf("%w: %s", ErrRedirectLoop, next)
			}
		}
		if len(via) > max || max < 0 {
			return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, max)
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: scheme must be http or https", next)
		}
		return nil
	}
}

// movedTo walks the redirect chain back from the last request (each
// redirect's Request.Response is the answer that caused it) and returns the
// URL at the end of its leading run of permanent redirects, "" if none.
func movedTo(last *http.Request) string {
	var chain []*http.Request // last first
	for r := last; r != nil; {
		chain = append(chain, r)
		if r.Response == nil {
			break
		}
		r = r.Response.Request
	}
	moved := ""
	for i := len(chain) - 2; i >= 0; i-- { // from the first redirect on
		r := chain[i]
		if s := r.Response.StatusCode; s != http.StatusMovedPermanently && s != http.StatusPermanentRedirect {
			break
		}
		moved = r.URL.String()
	}
	return moved
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date) relative
// to now; 0 if absent or in the past.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// hostOf is the key of per-host limits: the host name without port.
func hostOf(u *url.URL) string { return strings.ToLower(u.Hostname()) }
