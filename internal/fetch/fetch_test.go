package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/time/rate"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// loopback lets the tests reach their own httptest servers.
var loopback = []string{"127.0.0.1/32"}

func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.AllowCIDRs == nil {
		opts.AllowCIDRs = loopback
	}
	if opts.PerHostRate == 0 {
		opts.PerHostRate = rate.Inf
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.http.CloseIdleConnections)
	return c
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetStatuses(t *testing.T) {
	small := gzipBytes(t, []byte("<rss>hello</rss>"))
	bomb := gzipBytes(t, make([]byte, 64<<20)) // 64 MiB of zeros, ~64 KiB on the wire
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(small)
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2<<20)) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 64 {
			w.Write(make([]byte, 32<<10))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/br", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		w.Write([]byte("xx"))
	})
	mux.HandleFunc("/304", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	mux.HandleFunc("/404", http.NotFound)
	mux.HandleFunc("/410", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/503", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newClient(t, Options{})

	tests := []struct {
		give       string
		max        int64
		wantBody   string
		wantStatus int
		wantErr    error
		wantRetry  time.Duration // at least
	}{
		{give: "/ok", max: 100, wantBody: "hello", wantStatus: 200},
		{give: "/gzip", max: 100, wantBody: "<rss>hello</rss>", wantStatus: 200},
		{give: "/bomb", max: 1 << 20, wantStatus: 200, wantErr: ErrTooLarge},
		{give: "/big", max: 1 << 20, wantStatus: 200, wantErr: ErrTooLarge},
		{give: "/big-chunked", max: 1 << 20, wantStatus: 200, wantErr: ErrTooLarge},
		{give: "/br", max: 100, wantStatus: 200, wantErr: ErrUnsupportedEncoding},
		{give: "/304", max: 100, wantStatus: 304},
		{give: "/404", max: 100, wantStatus: 404, wantErr: &StatusError{}},
		{give: "/410", max: 100, wantStatus: 410, wantErr: &StatusError{}},
		{give: "/500", max: 100, wantStatus: 500, wantErr: &StatusError{}},
		{give: "/429", max: 100, wantStatus: 429, wantErr: &StatusError{}, wantRetry: 120 * time.Second},
		{give: "/503", max: 100, wantStatus: 503, wantErr: &StatusError{}, wantRetry: 59 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			resp, err := c.Get(context.Background(), srv.URL+tt.give, nil, tt.max)
			if resp == nil {
				t.Fatalf("no response, err %v", err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			var se *StatusError
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("err %v", err)
				}
			case *StatusError:
				if !errors.As(err, &se) || se.StatusCode != tt.wantStatus {
					t.Fatalf("err %v, want a StatusError %d", err, tt.wantStatus)
				}
				if se.RetryAfter < tt.wantRetry {
					t.Errorf("RetryAfter %s, want at least %s", se.RetryAfter, tt.wantRetry)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("err %v, want %v", err, want)
				}
			}
			if string(resp.Body) != tt.wantBody {
				t.Errorf("body %q, want %q", resp.Body, tt.wantBody)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	// /chain/N redirects to /chain/N-1; /chain/0 answers.
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, "end")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/b", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newClient(t, Options{})

	tests := []struct {
		give    string
		wantErr error
		wantURL string
	}{
		{give: "/chain/5", wantURL: "/chain/0"},
		{give: "/chain/6", wantErr: ErrTooManyRedirects},
		{give: "/loop/a", wantErr: ErrRedirectLoop},
		{give: "/to-file"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			resp, err := c.Get(context.Background(), srv.URL+tt.give, nil, 100)
			if tt.wantURL == "" && tt.wantErr == nil {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if tt.wantURL != "" && resp.URL != srv.URL+tt.wantURL {
				t.Errorf("URL %s, want %s", resp.URL, srv.URL+tt.wantURL)
			}
		})
	}
}

// TestMovedTo: a response names the URL reached through permanent
// redirects only, the address a caller may use from now on.
func TestMovedTo(t *testing.T) {
	hops := map[string]struct {
		to     string
		status int
	}{
		"/perm/a":  {"/perm/b", http.StatusMovedPermanently},
		"/perm/b":  {"/perm/c", http.StatusPermanentRedirect},
		"/mixed/a": {"/mixed/b", http.StatusMovedPermanently},
		"/mixed/b": {"/mixed/c", http.StatusFound},
		"/temp/a":  {"/temp/b", http.StatusFound},
		"/temp/b":  {"/temp/c", http.StatusMovedPermanently},
		"/303":     {"/end", http.StatusSeeOther},
		"/307":     {"/end", http.StatusTemporaryRedirect},
		"/gone/a":  {"/gone/b", http.StatusMovedPermanently},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := hops[r.URL.Path]; ok {
			http.Redirect(w, r, h.to, h.status)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/gone/") {
			w.WriteHeader(http.StatusGone)
			return
		}
		fmt.Fprint(w, "feed")
	}))
	defer srv.Close()
	c := newClient(t, Options{})

	tests := []struct {
		give        string
		wantMovedTo string // path, "" for none
		wantURL     string
		wantStatus  int
	}{
		{give: "/perm/a", wantMovedTo: "/perm/c", wantURL: "/perm/c", wantStatus: 200},
		{give: "/mixed/a", wantMovedTo: "/mixed/b", wantURL: "/mixed/c", wantStatus: 200},
		{give: "/temp/a", wantURL: "/temp/c", wantStatus: 200},
		{give: "/303", wantURL: "/end", wantStatus: 200},
		{give: "/307", wantURL: "/end", wantStatus: 200},
		{give: "/end", wantURL: "/end", wantStatus: 200},
		{give: "/gone/a", wantMovedTo: "/gone/b", wantURL: "/gone/b", wantStatus: 410},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			resp, err := c.GetFeed(context.Background(), srv.URL+tt.give, nil, 100)
			if resp == nil {
				t.Fatal(err)
			}
			want := ""
			if tt.wantMovedTo != "" {
				want = srv.URL + tt.wantMovedTo
			}
			if resp.MovedTo != want || resp.URL != srv.URL+tt.wantURL || resp.StatusCode != tt.wantStatus {
				t.Errorf("moved to %q, URL %s, status %d; want %q, %s, %d", resp.MovedTo, resp.URL, resp.StatusCode,
					want, srv.URL+tt.wantURL, tt.wantStatus)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss>"))
		w.(http.Flusher).Flush()
		select { // a body that never ends
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, Options{Timeout: 200 * time.Millisecond})
	_, err := c.Get(context.Background(), srv.URL, nil, 100)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
}

func TestUserAgent(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("User-Agent"))
	}))
	defer srv.Close()
	c := newClient(t, Options{ContactURL: "https://ops.example.org/crawler"})
	if _, err := c.Get(context.Background(), srv.URL, nil, 100); err != nil {
		t.Fatal(err)
	}
	if ua, _ := got.Load().(string); !strings.Contains(ua, "https://ops.example.org/crawler") || !strings.Contains(ua, "newsevents") {
		t.Errorf("User-Agent %q does not name newsevents and the contact URL", ua)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"93.184.216.34", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"100.64.0.1", "CGNAT"},
		{"100.127.255.254", "CGNAT"},
		{"224.0.0.1", "link-local"},
		{"239.1.2.3", "multicast"},
		{"ff02::1", "link-local"},
		{"ff05::1", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"64:ff9b::a00:1", "NAT64"},
		{"fd00::1", "unique-local"},
		{"fc00::1", "unique-local"},
		{"255.255.255.255", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := Classify(netip.MustParseAddr(tt.give)); got != tt.want {
				t.Errorf("Classify(%s) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestSSRFGuard(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "internal secret")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	port := srv.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	// A public-looking name that resolves to 127.0.0.1 (DNS rebinding, or
	// a hostile feed).
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "news.example.com", "localhost":
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, fmt.Errorf("no such host %s", host)
	}
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer redir.Close()

	tests := []struct {
		name     string
		allow    []string
		url      string
		wantHost string // "" means allowed
		wantIP   string
	}{
		{name: "loopback literal refused", allow: []string{}, url: srv.URL, wantHost: "127.0.0.1", wantIP: "127.0.0.1"},
		{name: "name resolving to loopback refused", allow: []string{}, url: fmt.Sprintf("http://news.example.com:%d/", port), wantHost: "news.example.com", wantIP: "127.0.0.1"},
		{name: "localhost refused", allow: []string{}, url: fmt.Sprintf("http://localhost:%d/", port), wantHost: "localhost", wantIP: "127.0.0.1"},
		{name: "name resolving to loopback allow-listed", allow: []string{"127.0.0.0/8"}, url: fmt.Sprintf("http://news.example.com:%d/", port)},
		{name: "redirect to another loopback address refused", allow: []string{"127.0.0.1/32"}, url: redir.URL + "/?to=" + fmt.Sprintf("http://127.0.0.2:%d/", port), wantHost: "127.0.0.2", wantIP: "127.0.0.2"},
		{name: "redirect to metadata address refused", allow: []string{"127.0.0.1/32"}, url: redir.URL + "/?to=http://169.254.169.254/latest/meta-data/", wantHost: "169.254.169.254", wantIP: "169.254.169.254"},
		{name: "redirect to private address refused", allow: []string{"127.0.0.1/32"}, url: redir.URL + "/?to=http://10.0.0.7/", wantHost: "10.0.0.7", wantIP: "10.0.0.7"},
		{name: "redirect to IPv6 loopback refused", allow: []string{"127.0.0.1/32"}, url: redir.URL + "/?to=http://[::1]:1/", wantHost: "::1", wantIP: "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{AllowCIDRs: tt.allow, LookupIP: lookup})
			before := hits.Load()
			resp, err := c.Get(context.Background(), tt.url, nil, 100)
			if tt.wantHost == "" {
				if err != nil {
					t.Fatalf("err %v, want the request allowed", err)
				}
				if string(resp.Body) != "internal secret" {
					t.Fatalf("body %q", resp.Body)
				}
				return
			}
			var be *BlockedError
			if !errors.As(err, &be) || !errors.Is(err, ErrBlockedAddress) {
				t.Fatalf("err %v, want a BlockedError", err)
			}
			if be.Host != tt.wantHost || be.IP.String() != tt.wantIP {
				t.Errorf("blocked %s/%s, want %s/%s", be.Host, be.IP, tt.wantHost, tt.wantIP)
			}
			if !strings.Contains(err.Error(), tt.wantIP) {
				t.Errorf("error %q does not name the IP", err)
			}
			if hits.Load() != before {
				t.Error("the refused address was reached")
			}
		})
	}
}

func TestRobots(t *testing.T) {
	var robotsHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robotsHits.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n\nUser-agent: newsevents\nDisallow: /no-bots/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "page") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name    string
		robots  bool
		feed    bool
		path    string
		wantErr bool
	}{
		{name: "allowed page", robots: true, path: "/news/1"},
		{name: "disallowed page", robots: true, path: "/no-bots/1", wantErr: true},
		{name: "page allowed when robots switched off", robots: false, path: "/no-bots/1"},
		{name: "feeds do not consult robots.txt", robots: true, feed: true, path: "/no-bots/feed.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{Robots: tt.robots})
			get := c.Get
			if tt.feed {
				get = c.GetFeed
			}
			_, err := get(context.Background(), srv.URL+tt.path, nil, 100)
			if got := errors.Is(err, ErrDisallowed); got != tt.wantErr {
				t.Fatalf("err %v, want disallowed %v", err, tt.wantErr)
			}
		})
	}

	robotsHits.Store(0)
	c := newClient(t, Options{Robots: true})
	for i := range 3 {
		if _, err := c.Get(context.Background(), fmt.Sprintf("%s/news/%d", srv.URL, i), nil, 100); err != nil {
			t.Fatal(err)
		}
	}
	if n := robotsHits.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times for 3 pages, want 1 (cached)", n)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
	}))
	defer srv.Close()
	c := newClient(t, Options{PerHostConcurrency: 2})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), srv.URL, nil, 100); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 2 {
		t.Errorf("%d requests in flight to one host, want at most 2", p)
	}
}

type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func TestPerHostRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &limitedTransport{next: okTransport{}, hosts: newHostLimits(2, 1)}
		start := time.Now()
		var last time.Time
		for _, u := range []string{"http://a.example/1", "http://b.example/1", "http://a.example/2", "http://a.example/3"} {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			last = time.Now()
		}
		// a.example: three requests at 1/s take 2s; b.example does not wait.
		if got := last.Sub(start); got != 2*time.Second {
			t.Errorf("three requests to one host at 1 req/s took %s, want 2s", got)
		}
	})
}

// TestSSRFGuardSystemResolver: "localhost", resolved by the system
// resolver, is refused unless loopback is allow-listed.
func TestSSRFGuardSystemResolver(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secret") }))
	defer srv.Close()
	port := srv.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	u := fmt.Sprintf("http://localhost:%d/", port)
	tests := []struct {
		name      string
		allow     []string
		wantBlock bool
	}{
		{name: "refused", allow: []string{}, wantBlock: true},
		{name: "allow-listed", allow: []string{"127.0.0.0/8", "::1/128"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{AllowCIDRs: tt.allow})
			_, err := c.Get(context.Background(), u, nil, 100)
			if got := errors.Is(err, ErrBlockedAddress); got != tt.wantBlock {
				t.Fatalf("err %v, want blocked %v", err, tt.wantBlock)
			}
		})
	}
}
