package publish

import (
	"fmt"
	"net"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is the in-process Kafka-protocol broker (kfake) used when no
// brokers are configured. Its data lives in memory and is gone when the
// process exits.
type Embedded struct {
	c    *kfake.Cluster
	addr string
}

// StartEmbedded starts a one-node broker listening on addr (host:port;
// port 0 picks a free one). opts are passed to kfake after ours.
func StartEmbedded(addr string, partitions int, opts ...kfake.Opt) (*Embedded, error) {
	var bound string
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil {
			return nil, err
		}
		bound = ln.Addr().String()
		return ln, nil
	}
	all := append([]kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(listen),
		kfake.DefaultNumPartitions(partitions),
		kfake.ClusterID("newsevents-embedded"),
	}, opts...)
	c, err := kfake.NewCluster(all...)
	if err != nil {
		return nil, fmt.Errorf("embedded broker on %s: %w", addr, err)
	}
	return &Embedded{c: c, addr: bound}, nil
}

// Addr is the host:port the broker listens on.
func (e *Embedded) Addr() string { return e.addr }

// Close stops the broker; its data is lost.
func (e *Embedded) Close() { e.c.Close() }
