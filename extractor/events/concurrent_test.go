package events

import (
	"sync"
	"testing"

	"github.com/newsevents/newsevents/schema"
)

// TestConcurrentExtract runs one engine from several goroutines (run with
// -race): the engine is read-only once built.
func TestConcurrentExtract(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	doc := Document{Text: "Japan and the United States reached a trade deal in July. Tariffs on Japanese goods fall to 15% from 25% under the deal.", Published: pub}
	want := len(e.Extract(doc))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := e.Extract(doc); len(got) != want || got[0].Type == schema.Type("") {
					t.Errorf("got %d events, want %d", len(got), want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
