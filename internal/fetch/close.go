package fetch

// CloseIdleConnections closes the client's kept-alive connections, so that
// servers it talked to can shut down at once.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// CloseIdleConnections passes the call to the wrapped transport: without
// it, http.Client.CloseIdleConnections would not reach the pool.
func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
