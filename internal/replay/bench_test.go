package replay

import (
	"context"
	"io"
	"testing"
)

// BenchmarkReplay replays 10000 events from the embedded broker to
// io.Discard: go test ./internal/replay/ -run XXX -bench Replay -benchtime 3x
func BenchmarkReplay(b *testing.B) {
	e := newEnv(b)
	for i := 0; i < 10000; i += 1000 {
		e.batch(b, i, 1000)
	}
	b.ResetTimer()
	for range b.N {
		res, err := Replay(context.Background(), Options{Conn: e.p.Conn(), Out: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		if res.Messages != 10000 {
			b.Fatalf("replayed %d, want 10000", res.Messages)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "events/s")
}
