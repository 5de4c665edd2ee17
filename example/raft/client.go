package raft

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Client timing. An attempt that gets no answer within clientAttemptTimeout
// is abandoned and retried, possibly at another server; between failed
// attempts the client pauses clientRetryBackoff so that a cluster without a
// leader is not hammered.
const (
	clientAttemptTimeout = time.Second
	clientRetryBackoff   = 20 * time.Millisecond
)

// Client issues key-value operations to a cluster. It finds the leader by
// following the servers' hints, or by trying each server in turn, and retries
// until the operation succeeds or its context ends. Operations from one
// Client are executed one at a time, in call order; a Client is safe for
// concurrent use, but callers wanting parallelism should use several, each
// with its own ID.
type Client struct {
	id int64

	mu      sync.Mutex // held for a whole operation: Seq order is call order
	seq     int64      // Seq of the last operation issued
	leader  int        // index of the server to try first
	servers []string   // grows when a hint names a server not yet known
	conns   []*peer    // one reused connection per server; appended under connsMu too

	connsMu sync.Mutex // lets Close reach conns while an operation holds mu
	closed  bool
}

// NewClient returns a client of the cluster whose servers have the given
// addresses. clientID must be unique among all clients that ever use the
// cluster: the servers remember the last write of each ID to drop retries.
func NewClient(servers []string, clientID int64) *Client {
	c := &Client{servers: append([]string(nil), servers...), id: clientID}
	c.conns = make([]*peer, len(servers))
	for i, addr := range servers {
		c.conns[i] = &peer{addr: addr}
	}
	return c
}

// Get returns the value of key, or "" if it has none.
func (c *Client) Get(ctx context.Context, key string) (string, error) {
	return c.do(ctx, Command{Op: OpGet, Key: key})
}

// Put sets key to value.
func (c *Client) Put(ctx context.Context, key, value string) error {
	_, err := c.do(ctx, Command{Op: OpPut, Key: key, Value: value})
	return err
}

// Append appends value to key's value.
func (c *Client) Append(ctx context.Context, key, value string) error {
	_, err := c.do(ctx, Command{Op: OpAppend, Key: key, Value: value})
	return err
}

// Close closes the client's connections. Operations in progress fail.
func (c *Client) Close() error {
	c.connsMu.Lock()
	defer c.connsMu.Unlock()
	c.closed = true
	for _, p := range c.conns {
		p.close()
	}
	return nil
}

// do runs cmd to completion. If ctx ends first it returns ctx's error, and the
// operation may or may not have taken effect. Without a deadline on ctx, a
// cancellation is noticed between attempts.
func (c *Client) do(ctx context.Context, cmd Command) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.servers) == 0 {
		return "", errors.New("raft: client has no servers")
	}
	c.seq++
	cmd.ClientID, cmd.Seq = c.id, c.seq
	req := message{Client: &cmd}
	var resp message
	redirects := 0
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		i := c.leader
		deadline := time.Now().Add(clientAttemptTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		err := c.conns[i].call(&req, &resp, deadline)
		if errors.Is(err, ErrClosed) {
			return "", ErrClosed
		}
		if err == nil && resp.ClientReply != nil {
			r := resp.ClientReply
			switch r.Err {
			case "":
				return r.Value, nil
			case errNotLeader:
				// Follow a hint at once, but not around a cycle of
				// stale hints.
				if j := c.indexOf(r.Leader); j >= 0 && j != i && redirects < len(c.servers) {
					c.leader = j
					redirects++
					continue
				}
				c.leader = (i + 1) % len(c.servers)
			default:
				// errTimeout: a leader cut off from the majority
				// looks exactly like this and may stay leader until
				// the partition heals, so move on; a real leader is
				// reached again through the others' hints.
				c.leader = (i + 1) % len(c.servers)
			}
		} else {
			c.leader = (i + 1) % len(c.servers)
		}
		redirects = 0
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(clientRetryBackoff):
		}
	}
}

// indexOf returns the index of the server with address addr, adding it if
// it is new: a client may have been given only some of the servers. It
// returns -1 for "".
func (c *Client) indexOf(addr string) int {
	if addr == "" {
		return -1
	}
	for i, a := range c.servers {
		if a == addr {
			return i
		}
	}
	p := &peer{addr: addr}
	c.connsMu.Lock()
	if c.closed {
		p.close()
	}
	c.servers = append(c.servers, addr)
	c.conns = append(c.conns, p)
	c.connsMu.Unlock()
	return len(c.servers) - 1
}
