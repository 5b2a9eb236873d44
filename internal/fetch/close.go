package fetch

// CloseIdleConnections closes the client's kept-alive connections, so that
// servers it talked to can shut down at once.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }
