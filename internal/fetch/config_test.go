package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/newsevents/newsevents/internal/config"
)

func TestConfigOptions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /\n"))
			return
		}
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "/end", http.StatusFound)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	base := "feeds: [{url: https://a.example/rss}]\npoll: {allow_cidrs: [127.0.0.0/8], per_host_rate: 1000"
	tests := []struct {
		name    string
		give    string
		path    string
		wantErr error
	}{
		{name: "robots honoured by default", give: base + "}", path: "/page", wantErr: ErrDisallowed},
		{name: "ignore_robots", give: base + ", ignore_robots: true}", path: "/page"},
		{name: "redirects followed by default", give: base + ", ignore_robots: true}", path: "/hop"},
		{name: "max_redirects 0 follows none", give: base + ", ignore_robots: true, max_redirects: 0}", path: "/hop", wantErr: ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("t.yaml", []byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewClient(ConfigOptions(cfg.Poll, nil))
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			_, err = c.Get(context.Background(), srv.URL+tt.path, nil, 100)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestConfigOptionsCrawlDelayCap(t *testing.T) {
	tests := []struct {
		give string
		want time.Duration // negative: Crawl-delay ignored
	}{
		{"", time.Minute},
		{", max_crawl_delay: 10s", 10 * time.Second},
		{", max_crawl_delay: 0s", -1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			cfg, err := config.Parse("t.yaml", []byte("feeds: [{url: https://a.example/rss}]\npoll: {per_host_rate: 2"+tt.give+"}\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := ConfigOptions(cfg.Poll, nil).MaxCrawlDelay
			if (tt.want < 0) != (got < 0) || (tt.want >= 0 && got != tt.want) {
				t.Errorf("MaxCrawlDelay = %s, want %s", got, tt.want)
			}
		})
	}
}
