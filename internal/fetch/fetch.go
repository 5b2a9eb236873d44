// Package fetch is the one HTTP client of newsevents: every feed, page and
// robots.txt request goes through it, with timeouts, a decoded size limit
// and an identifiable User-Agent.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Options configure a Client.
type Options struct {
	Timeout   time.Duration // whole request, connect to last byte (default 30s)
	UserAgent string        // default DefaultUserAgent
}

// DefaultUserAgent identifies newsevents to publishers.
const DefaultUserAgent = "newsevents/0.1 (+https://github.com/newsevents/newsevents)"

// Client fetches URLs. It is safe for concurrent use.
type Client struct {
	http *http.Client
	ua   string
}

// New returns a client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	return &Client{
		http: &http.Client{Timeout: opts.Timeout},
		ua:   opts.UserAgent,
	}
}

// Response is a fetched body.
type Response struct {
	URL        string // after redirects
	StatusCode int
	Header     http.Header
	Body       []byte
}

// StatusError is a response whose status is not 2xx or 304.
type StatusError struct {
	URL        string
	StatusCode int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// ErrTooLarge is returned when a body exceeds its limit.
var ErrTooLarge = errors.New("body exceeds the size limit")

// Get fetches url with the extra request headers hdr, reading at most
// maxBytes of (decoded) body; a larger body is an error wrapping ErrTooLarge,
// never a silent truncation. A 304 is returned with no error and no body.
func (c *Client) Get(ctx context.Context, url string, hdr http.Header, maxBytes int64) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode == http.StatusNotModified {
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, &StatusError{URL: url, StatusCode: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return out, fmt.Errorf("GET %s: reading body: %w", url, err)
	}
	if int64(len(body)) > maxBytes {
		return out, fmt.Errorf("GET %s: %w (%d bytes)", url, ErrTooLarge, maxBytes)
	}
	out.Body = body
	return out, nil
}
