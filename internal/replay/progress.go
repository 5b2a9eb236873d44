package replay

import (
	"fmt"
	"io"
	"time"
)

// Progress draws a one-line progress bar on a terminal (stderr): messages
// read of the total, rate and ETA, redrawn at most 5 times a second.
// Hand-written: it is 50 lines, where a library would bring a terminal
// dependency for one line of text.
type Progress struct {
	w      io.Writer
	label  string
	total  int64
	n      int64
	start  time.Time
	drawn  time.Time
	now    func() time.Time
	closed bool
}

// NewProgress returns a bar of total steps writing to w (nil: none).
func NewProgress(w io.Writer, label string, total int64) *Progress {
	p := &Progress{w: w, label: label, total: total, now: time.Now}
	p.start = p.now()
	return p
}

// Tick counts one step.
func (p *Progress) Tick() {
	if p == nil {
		return
	}
	p.n++
	if p.w == nil {
		return
	}
	if now := p.now(); now.Sub(p.drawn) >= 200*time.Millisecond {
		p.drawn = now
		p.draw(now)
	}
}

// Done draws the final state and ends the line.
func (p *Progress) Done() {
	if p == nil || p.w == nil || p.closed {
		return
	}
	p.closed = true
	p.draw(p.now())
	fmt.Fprintln(p.w)
}

func (p *Progress) draw(now time.Time) {
	const width = 30
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.n) / elapsed.Seconds()
	}
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(p.n)/float64(p.total))
	}
	filled := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < filled {
			bar[i] = '='
		}
	}
	eta := "--"
	if rate > 0 && p.total >= p.n {
		eta = time.Duration(float64(p.total-p.n) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d messages %.0f/s ETA %s ", p.label, bar, p.n, p.total, rate, eta)
}
