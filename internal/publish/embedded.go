package publish

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is the in-process Kafka-protocol broker (kfake) used when no
// brokers are configured. Its data lives in memory and is gone when it is
// closed.
//
// Clients reach it through a small TCP front on Addr that kfake advertises
// as its own address. Stop closes the front and every connection through
// it — to a client the broker is gone, exactly as when a real broker stops
// — while the data stays; Start opens the front again on the same address.
// That is how the outage tests stop the broker for a minute and get every
// event back, as from a real broker with its log on disk.
type Embedded struct {
	c     *kfake.Cluster
	addr  string // the front, advertised
	inner string // kfake's own listener

	mu      sync.Mutex
	front   net.Listener
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
	stopped bool
}

// StartEmbedded starts a one-node broker listening on addr (host:port;
// port 0 picks a free one). opts are passed to kfake after ours (e.g.
// kfake.EnableSASL(), kfake.Superuser(...), kfake.SeedTopics(...)).
// After Close the same address can be used again at once.
func StartEmbedded(addr string, partitions int, opts ...kfake.Opt) (*Embedded, error) {
	front, err := listenRetry(addr)
	if err != nil {
		return nil, fmt.Errorf("embedded broker on %s: %w", addr, err)
	}
	e := &Embedded{addr: front.Addr().String(), front: front, conns: map[net.Conn]struct{}{}}
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		e.inner = ln.Addr().String()
		return advertised{Listener: ln, addr: front.Addr()}, nil
	}
	all := append([]kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(listen),
		kfake.DefaultNumPartitions(partitions),
		kfake.ClusterID("newsevents-embedded"),
	}, opts...)
	c, err := kfake.NewCluster(all...)
	if err != nil {
		front.Close()
		return nil, fmt.Errorf("embedded broker on %s: %w", addr, err)
	}
	e.c = c
	e.wg.Add(1)
	go e.accept(front)
	return e, nil
}

// listenRetry listens on addr, retrying for a few seconds while the port
// is still held (a broker closed a moment ago).
func listenRetry(addr string) (net.Listener, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return ln, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// advertised makes kfake advertise the front's address in metadata.
type advertised struct {
	net.Listener
	addr net.Addr
}

func (a advertised) Addr() net.Addr { return a.addr }

func (e *Embedded) accept(ln net.Listener) {
	defer e.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		e.mu.Lock()
		if e.stopped || e.front != ln {
			e.mu.Unlock()
			c.Close()
			return
		}
		e.wg.Add(1)
		e.mu.Unlock()
		go e.proxy(c)
	}
}

func (e *Embedded) proxy(client net.Conn) {
	defer e.wg.Done()
	server, err := net.Dial("tcp", e.inner)
	if err != nil {
		client.Close()
		return
	}
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	e.conns[client] = struct{}{}
	e.conns[server] = struct{}{}
	e.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(server, client); done <- struct{}{} }()
	go func() { io.Copy(client, server); done <- struct{}{} }()
	<-done
	client.Close()
	server.Close()
	<-done
	e.mu.Lock()
	delete(e.conns, client)
	delete(e.conns, server)
	e.mu.Unlock()
}

// Addr is the host:port the broker listens on.
func (e *Embedded) Addr() string { return e.addr }

// Stop makes the broker unreachable: the listener and every client
// connection are closed; the data is kept. Start undoes it.
func (e *Embedded) Stop() {
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return
	}
	e.stopped = true
	if e.front != nil {
		e.front.Close()
		e.front = nil
	}
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

// Start makes a stopped broker reachable again on the same address.
func (e *Embedded) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.stopped {
		return nil
	}
	ln, err := listenRetry(e.addr)
	if err != nil {
		return fmt.Errorf("embedded broker on %s: %w", e.addr, err)
	}
	e.front = ln
	e.stopped = false
	e.wg.Add(1)
	go e.accept(ln)
	return nil
}

// Close stops the broker; its data is lost.
func (e *Embedded) Close() {
	e.Stop()
	e.c.Close()
}
