package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// LookupFunc resolves a host name to IP addresses.
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// ErrBlockedAddress is wrapped by every refusal of the SSRF guard.
var ErrBlockedAddress = errors.New("address refused by the SSRF guard")

// BlockedError is a connection the SSRF guard refused: Host resolved to IP,
// which is in a refused range (Reason) and not allow-listed.
type BlockedError struct {
	Host   string
	IP     netip.Addr
	Reason string // "loopback", "private", "link-local", ...
}

func (e *BlockedError) Error() string {
	if e.Host == e.IP.String() {
		return fmt.Sprintf("%s is a %s address: refused by the SSRF guard (allow it with poll.allow_cidrs)", e.IP, e.Reason)
	}
	return fmt.Sprintf("%s resolves to %s, a %s address: refused by the SSRF guard (allow it with poll.allow_cidrs)", e.Host, e.IP, e.Reason)
}

func (e *BlockedError) Unwrap() error { return ErrBlockedAddress }

// refused are the ranges no request may reach unless allow-listed, beyond
// those netip classifies itself (loopback, private, link-local, multicast,
// unspecified).
var refused = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "CGNAT"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF-reserved"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// Classify returns why ip is refused by default ("" if it is public).
func Classify(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range refused {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	if ip.IsPrivate() {
		return "private"
	}
	return ""
}

type guard struct {
	allow  []netip.Prefix
	lookup LookupFunc
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newGuard(allowCIDRs []string, lookup LookupFunc, dial func(ctx context.Context, network, addr string) (net.Conn, error), connectTimeout time.Duration) (*guard, error) {
	g := &guard{lookup: lookup, dial: dial}
	for _, s := range allowCIDRs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("allow_cidrs: %q is not a CIDR such as 127.0.0.0/8", s)
		}
		g.allow = append(g.allow, p.Masked())
	}
	if g.lookup == nil {
		g.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if g.dial != nil {
		return g, nil
	}
	d := &net.Dialer{
		Timeout:   connectTimeout,
		KeepAlive: 30 * time.Second,
		// A second check on the address actually connected to, in case a
		// caller ever reaches this dialer with a name we did not resolve.
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot parse %q", ErrBlockedAddress, address)
			}
			return g.check(ap.Addr().String(), ap.Addr())
		},
	}
	g.dial = d.DialContext
	return g, nil
}

// check returns a *BlockedError if ip may not be reached.
func (g *guard) check(host string, ip netip.Addr) error {
	reason := Classify(ip)
	if reason == "" {
		return nil
	}
	u := ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(u) || p.Contains(ip) {
			return nil
		}
	}
	return &BlockedError{Host: host, IP: u, Reason: reason}
}

// DialContext resolves addr's host, refuses every address the guard blocks
// and dials the others in turn. Checking here, after resolution, defeats DNS
// rebinding and names that point at internal addresses.
func (g *guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = g.lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("lookup %s: no addresses", host)
		}
	}
	var firstErr error
	for _, ip := range ips {
		if err := g.check(host, ip); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		conn, err := g.dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil || errors.Is(firstErr, ErrBlockedAddress) {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}
