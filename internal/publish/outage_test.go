package publish

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newsevents/newsevents/schema"
)

// TestPublisherSurvivesBrokerStop publishes a stream of events from a few
// workers, stops the broker in the middle, starts it again on the same
// address, and checks that every event arrived, that the publisher said
// the broker was away and back, and that it reported the backlog.
func TestPublisherSurvivesBrokerStop(t *testing.T) {
	if testing.Short() {
		t.Skip("outage test takes a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := startBroker(t)
	core, logs := observer.New(zap.InfoLevel)
	p, err := New(Options{Brokers: []string{b.Addr()}, MaxAttempts: 3, ProbeInterval: 200 * time.Millisecond,
		BacklogLogInterval: time.Second, Logger: zap.New(core), MaxPending: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := ProvisionTopics(ctx, p.Conn(), eventSpecs(p, 3), ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}

	const workers, perWorker = 4, 60
	var published sync.WaitGroup
	progress := make(chan struct{}, workers*perWorker)
	for w := 0; w < workers; w++ {
		published.Add(1)
		go func(w int) {
			defer published.Done()
			for i := 0; i < perWorker; i++ {
				n := w*perWorker + i
				e := testEvent(schema.CoreTypes()[n%5], n)
				if _, err := publishRetry(ctx, p, []schema.Event{e}); err != nil {
					t.Errorf("event %d: %v", n, err)
					return
				}
				progress <- struct{}{}
				time.Sleep(5 * time.Millisecond)
			}
		}(w)
	}
	for i := 0; i < workers*perWorker/3; i++ {
		<-progress
	}
	b.Stop()
	time.Sleep(3 * time.Second)
	st := p.Status()
	if st.Reachable {
		t.Errorf("Status().Reachable = true with the broker stopped")
	}
	if err := p.Ready(ctx); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Ready with the broker stopped = %v, want ErrUnreachable", err)
	}
	if st.PendingMessages > 50 {
		t.Errorf("%d messages pending, above MaxPending 50", st.PendingMessages)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	published.Wait()

	got := readAll(ctx, t, p.Conn(), p.Topics()...)
	ids := map[string]int{}
	for _, m := range got {
		var id string
		for _, h := range m.Headers {
			if h.Key == "ce_id" {
				id = string(h.Value)
			}
		}
		ids[id]++
	}
	if len(ids) != workers*perWorker {
		t.Errorf("%d distinct events arrived, want %d (%d messages)", len(ids), workers*perWorker, len(got))
	}
	if err := p.Ready(ctx); err != nil {
		t.Errorf("Ready after the broker came back = %v", err)
	}
	for _, msg := range []string{"kafka broker unreachable", "kafka backlog while the broker is unreachable", "kafka broker reachable again"} {
		if logs.FilterMessage(msg).Len() == 0 {
			t.Errorf("no log line %q", msg)
		}
	}
}

// TestPublisherAfterBrokerReplaced closes the broker and starts a new one
// on the same address (as after a crash of a broker without its disk):
// the same publisher writes to it without being recreated.
func TestPublisherAfterBrokerReplaced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := startBroker(t)
	addr := b.Addr()
	p, err := New(Options{Brokers: []string{addr}, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	specs := eventSpecs(p, 2)
	if err := ProvisionTopics(ctx, p.Conn(), specs, ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, []schema.Event{testEvent(schema.TariffImposed, 1)}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b2, err := StartEmbedded(addr, 2)
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	defer b2.Close()
	if err := ProvisionTopics(ctx, p.Conn(), specs, ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := publishRetry(ctx, p, []schema.Event{testEvent(schema.TariffImposed, 2)}); err != nil {
		t.Fatal(err)
	}
	got := readAll(ctx, t, p.Conn(), p.Topic(schema.TariffImposed))
	if len(got) != 1 {
		t.Errorf("new broker has %d messages, want 1", len(got))
	}
}

// TestCloseContextGivesUpAtDeadline: with the broker away, closing waits
// no longer than the grace period and says what was not flushed.
func TestCloseContextGivesUpAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, MaxAttempts: 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := ProvisionTopics(ctx, p.Conn(), eventSpecs(p, 1), ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	// A first event fills the writer's metadata: without it, Publish
	// fails at once while the broker is away.
	if _, err := p.Publish(ctx, []schema.Event{testEvent(schema.TripCancelled, 0)}); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	pubCtx, pubCancel := context.WithCancel(ctx)
	go p.Publish(pubCtx, []schema.Event{testEvent(schema.TripCancelled, 1)})
	waitFor(t, func() bool { return p.Status().PendingMessages > 0 })
	graceCtx, graceCancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer graceCancel()
	err = p.CloseContext(graceCtx)
	if err == nil {
		t.Fatal("CloseContext with an unflushable message returned nil")
	}
	pubCancel()
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	// The writer finishes closing in the background once the broker is back.
	if err := p.Close(); err != nil {
		t.Logf("second Close: %v", err)
	}
}

// TestPublishBlocksAtMaxPending: with the broker away, a publisher holding
// MaxPending unacknowledged messages makes the next Publish wait: memory
// does not grow with the outage.
func TestPublishBlocksAtMaxPending(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, MaxAttempts: 1000, MaxPending: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := ProvisionTopics(ctx, p.Conn(), eventSpecs(p, 1), ProvisionOptions{Create: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, []schema.Event{testEvent(schema.TripCancelled, 0)}); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	first, firstCancel := context.WithCancel(ctx)
	go p.Publish(first, []schema.Event{testEvent(schema.TripCancelled, 1), testEvent(schema.TripCancelled, 2)})
	waitFor(t, func() bool { return p.Status().PendingMessages == 2 })
	second, secondCancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer secondCancel()
	_, err = p.Publish(second, []schema.Event{testEvent(schema.TripCancelled, 3)})
	if err == nil {
		t.Fatal("Publish above MaxPending did not wait")
	}
	if got := p.Status().PendingMessages; got != 2 {
		t.Errorf("%d messages pending, want 2", got)
	}
	firstCancel()
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := publishRetry(ctx, p, []schema.Event{testEvent(schema.TripCancelled, 4)}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits up to 5 s for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5 s")
		}
	}
}

// TestStatusNoticesIdleOutage: a broker that goes away while nothing is
// published is reported by Ready too, and its return as well.
func TestStatusNoticesIdleOutage(t *testing.T) {
	ctx := context.Background()
	b := startBroker(t)
	p, err := New(Options{Brokers: []string{b.Addr()}, ProbeInterval: 50 * time.Millisecond, IdleProbeInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Ready(ctx); err != nil {
		t.Fatalf("Ready at start = %v", err)
	}
	b.Stop()
	waitFor(t, func() bool { return errors.Is(p.Ready(ctx), ErrUnreachable) })
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.Ready(ctx) == nil })
}
