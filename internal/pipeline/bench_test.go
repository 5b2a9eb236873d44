package pipeline_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/feeds"
	"github.com/newsevents/newsevents/internal/fetch"
	"github.com/newsevents/newsevents/internal/pipeline"
	"github.com/newsevents/newsevents/internal/publish"
	"github.com/newsevents/newsevents/schema"
)

// farm is a loopback news site with many feeds and article pages about the
// size of real ones (~150 KB: the article, navigation, scripts, related
// links).
type farm struct {
	srv      *httptest.Server
	feeds    []string
	articles int
}

var countries = []string{"Japan", "Canada", "Mexico", "Brazil", "India", "Australia", "Norway", "Chile", "Vietnam", "Kenya"}

func articleHTML(i int) string {
	a, c := countries[i%len(countries)], countries[(i/len(countries)+1+i)%len(countries)]
	if a == c {
		c = "Peru"
	}
	var b strings.Builder
	b.Grow(160 << 10)
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story %d</title>
<meta property="og:title" content="%s and %s sign trade agreement">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"%s and %s sign trade agreement","datePublished":"2026-03-%02dT08:00:00Z","author":{"@type":"Person","name":"Staff Writer"}}</script>
<script>`, i, a, c, a, c, i%28+1)
	for b.Len() < 60<<10 {
		b.WriteString(`window.__cfg=window.__cfg||{};window.__cfg.ads=[{"slot":"top","size":[728,90]},{"slot":"side","size":[300,250]}];`)
	}
	b.WriteString("</script></head><body><header><nav><ul>")
	for j := 0; j < 150; j++ {
		fmt.Fprintf(&b, `<li><a href="/section/%d">Section %d</a></li>`, j, j)
	}
	fmt.Fprintf(&b, `</ul></nav></header><main><article><h1>%s and %s sign trade agreement</h1><p class="byline">By Staff Writer</p>`, a, c)
	fmt.Fprintf(&b, `<p>%s and %s signed a trade agreement on Monday after two years of talks, the two governments said in a joint statement.</p>`, a, c)
	fmt.Fprintf(&b, `<p>Under the deal, %s will cut its tariff on farm goods from %s to %d%%, officials said.</p>`, c, a, i%20+5)
	for j := 0; j < 8; j++ {
		b.WriteString(`<p>Exporters welcomed the news, saying that lower costs at the border would help smaller firms reach new buyers, while economists cautioned that the gains would take years to show up in the figures.</p>`)
	}
	b.WriteString(`</article><aside><h2>Related stories</h2><ul>`)
	for j := 0; j < 40; j++ {
		fmt.Fprintf(&b, `<li><a href="/story/%d">Markets close higher as investors weigh central bank signals %d</a></li>`, j, j)
	}
	b.WriteString(`</ul></aside></main><footer>`)
	for b.Len() < 150<<10 {
		b.WriteString(`<p><a href="/about">About us</a> <a href="/privacy">Privacy</a> <a href="/terms">Terms</a> &copy; 2026 Example News</p>`)
	}
	b.WriteString(`</footer></body></html>`)
	return b.String()
}

func newFarm(nFeeds, perFeed int) *farm {
	f := &farm{articles: nFeeds * perFeed}
	pagesByPath := map[string]string{}
	feedsByPath := map[string]string{}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	for fi := 0; fi < nFeeds; fi++ {
		var rss strings.Builder
		rss.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Farm</title><link>` + f.srv.URL + `/</link>`)
		for k := 0; k < perFeed; k++ {
			i := fi*perFeed + k
			path := fmt.Sprintf("/story/%d.html", i)
			pagesByPath[path] = articleHTML(i)
			fmt.Fprintf(&rss, `<item><title>Story %d</title><link>%s%s</link><guid>%s%s</guid><pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate></item>`, i, f.srv.URL, path, f.srv.URL, path)
		}
		rss.WriteString(`</channel></rss>`)
		path := fmt.Sprintf("/feed/%d.xml", fi)
		feedsByPath[path] = rss.String()
		f.feeds = append(f.feeds, f.srv.URL+path)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if body, ok := pagesByPath[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(body))
			return
		}
		if body, ok := feedsByPath[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(body))
			return
		}
		http.NotFound(w, r)
	})
	return f
}

// BenchmarkEndToEnd runs the whole pipeline over a loopback farm of feeds and
// ~150 KB pages into the embedded broker, and, as the baseline in the same
// run, only the fetching of the same pages. Reports articles/s.
//
//	go test -run '^$' -bench EndToEnd -benchtime 3x -count 5 ./internal/pipeline/
func BenchmarkEndToEnd(b *testing.B) {
	const nFeeds, perFeed = 20, 50
	f := newFarm(nFeeds, perFeed)
	defer f.srv.Close()
	client, err := fetch.NewClient(fetch.Options{AllowCIDRs: []string{"127.0.0.0/8"}, PerHostRate: rate.Inf, PerHostConcurrency: 16})
	if err != nil {
		b.Fatal(err)
	}
	defer client.CloseIdleConnections()

	b.Run("fetch-only", func(b *testing.B) {
		ctx := context.Background()
		poller := &feeds.Poller{Client: client}
		for b.Loop() {
			jobs := make(chan string)
			done := make(chan struct{})
			for w := 0; w < 8; w++ {
				go func() {
					for u := range jobs {
						if _, err := client.Get(ctx, u, nil, 5<<20); err != nil {
							b.Error(err)
						}
					}
					done <- struct{}{}
				}()
			}
			for _, fu := range f.feeds {
				items, err := poller.Poll(ctx, fu)
				if err != nil {
					b.Fatal(err)
				}
				for _, it := range items {
					jobs <- it.Link
				}
			}
			close(jobs)
			for w := 0; w < 8; w++ {
				<-done
			}
		}
		b.ReportMetric(float64(f.articles*b.N)/b.Elapsed().Seconds(), "articles/s")
	})

	b.Run("pipeline", func(b *testing.B) {
		broker, err := publish.StartEmbedded("127.0.0.1:0", 3)
		if err != nil {
			b.Fatal(err)
		}
		defer broker.Close()
		brokers := []string{broker.Addr()}
		var specs []publish.TopicSpec
		for _, typ := range schema.CoreTypes() {
			specs = append(specs, publish.TopicSpec{Name: schema.Topic(schema.DefaultTopicPrefix, typ), Partitions: 3, ReplicationFactor: 1})
		}
		specs = append(specs, publish.TopicSpec{Name: publish.ArticlesTopic, Partitions: 3, ReplicationFactor: 1},
			publish.TopicSpec{Name: publish.DeadLetterTopic, Partitions: 1, ReplicationFactor: 1})
		if err := publish.EnsureTopics(context.Background(), brokers, specs); err != nil {
			b.Fatal(err)
		}
		x, err := extractor.New()
		if err != nil {
			b.Fatal(err)
		}
		var events int
		for b.Loop() {
			pub, err := publish.New(publish.Options{Brokers: brokers})
			if err != nil {
				b.Fatal(err)
			}
			p, err := pipeline.New(pipeline.Options{
				Source:    &pipeline.FeedList{Poller: &feeds.Poller{Client: client}, URLs: f.feeds},
				Fetcher:   client,
				Extractor: x,
				Publisher: pub,
				Workers:   16,
				Logger:    zap.NewNop(),
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			if err := p.Run(ctx, true); err != nil {
				b.Fatal(err)
			}
			cancel()
			pub.Close()
			s := p.Stats()
			if s.Articles != f.articles {
				b.Fatalf("processed %d articles (failed %d), want %d", s.Articles, s.Failed, f.articles)
			}
			events += s.Events
		}
		b.ReportMetric(float64(f.articles*b.N)/b.Elapsed().Seconds(), "articles/s")
		b.ReportMetric(float64(events)/float64(b.N), "events/run")
	})
}
