// Package fetchtest helps test code that fetches through fetch.Client: an
// in-memory network, so HTTP servers and clients run inside a
// testing/synctest bubble, where fake time advances while pipes block.
package fetchtest

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// MemNet is an in-memory network: a net.Listener whose connections are
// the server ends of net.Pipe, and a Dial (for fetch.Options.Dial) that
// returns their client ends, whatever address is dialled.
type MemNet struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

// NewMemNet returns an open network.
func NewMemNet() *MemNet { return &MemNet{conns: make(chan net.Conn), closed: make(chan struct{})} }

// Accept waits for the next Dial.
func (m *MemNet) Accept() (net.Conn, error) {
	select {
	case c := <-m.conns:
		return c, nil
	case <-m.closed:
		return nil, net.ErrClosed
	}
}

// Close makes Accept and Dial fail.
func (m *MemNet) Close() error { m.once.Do(func() { close(m.closed) }); return nil }

// Addr is a public test address (TEST-NET-3).
func (m *MemNet) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(203, 0, 113, 7), Port: 80} }

// Dial connects to the listener, whatever addr.
func (m *MemNet) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case m.conns <- server:
		return client, nil
	case <-m.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Serve serves h on a new MemNet until the end of the test (or bubble) and
// returns the network: give its Dial and LookupIP to fetch.Options.
func Serve(t testing.TB, h http.Handler) *MemNet {
	t.Helper()
	mn := NewMemNet()
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(mn) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return mn
}

// LookupIP resolves every host name to a public test address (203.0.113.7),
// except names under .internal, which resolve to 127.0.0.1 (for the SSRF
// guard's tests).
func (m *MemNet) LookupIP(_ context.Context, host string) ([]netip.Addr, error) {
	if strings.HasSuffix(host, ".internal") {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
}
