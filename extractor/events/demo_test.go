package events_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsevents/newsevents/extractor"
	"github.com/newsevents/newsevents/extractor/page"
	"github.com/newsevents/newsevents/internal/demo"
	"github.com/newsevents/newsevents/schema"
)

// TestDemoSite extracts the events of every page of the bundled demo site
// (written for the project) through the pipeline's extractor and compares
// them with the site's expected events, by identity.
func TestDemoSite(t *testing.T) {
	expected := demo.Expected()
	if len(expected) == 0 {
		t.Skip("the demo site has no expected events")
	}
	srv := httptest.NewServer(demo.Handler("http://demo.test"))
	defer srv.Close()
	x, err := extractor.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Paths() {
		want, ok := expected[p]
		if !ok {
			continue
		}
		t.Run(p, func(t *testing.T) {
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			_, evs, err := x.Page(raw, page.Meta{URL: "http://demo.test" + p, Header: resp.Header}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got, wantKeys []string
			for _, ev := range evs {
				got = append(got, schema.Key(ev.Type, ev.Fields))
			}
			for _, w := range want {
				wantKeys = append(wantKeys, w.Key)
			}
			sort.Strings(got)
			sort.Strings(wantKeys)
			if strings.Join(got, "\n") != strings.Join(wantKeys, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantKeys, "\n"))
			}
		})
	}
}
