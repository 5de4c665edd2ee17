package raft

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freeAddrs returns n loopback addresses whose ports were free a moment ago.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addrs = append(addrs, ln.Addr().String())
		defer ln.Close()
	}
	return addrs
}

// cluster runs servers on loopback and checks, through the hooks, that no
// term has two leaders and no index is applied with two different entries.
type cluster struct {
	t             *testing.T
	snapshotEvery int // Config.SnapshotThreshold
	addrs         []string
	dirs          []string
	servers       []*Server

	mu      sync.Mutex
	leaders map[int]int   // term -> ID of its leader
	applied map[int]Entry // index -> entry applied there, by anyone
}

func newCluster(t *testing.T, n, snapshotEvery int) *cluster {
	c := &cluster{t: t, snapshotEvery: snapshotEvery, addrs: freeAddrs(t, n), servers: make([]*Server, n),
		leaders: map[int]int{}, applied: map[int]Entry{}}
	for range n {
		c.dirs = append(c.dirs, t.TempDir())
	}
	for i := range n {
		c.start(i)
	}
	t.Cleanup(func() {
		for i := range c.servers {
			c.stop(i)
		}
	})
	return c
}

func (c *cluster) start(i int) {
	s, err := StartServer(Config{
		ID: i, Peers: c.addrs, DataDir: c.dirs[i],
		ElectionTimeout: 100 * time.Millisecond, HeartbeatInterval: 20 * time.Millisecond,
		SnapshotThreshold: c.snapshotEvery,
		OnLeader: func(term int) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if other, ok := c.leaders[term]; ok {
				c.t.Errorf("term %d has two leaders: %d and %d", term, other, i)
			}
			c.leaders[term] = i
		},
		OnApply: func(index, term int, cmd Command) {
			c.mu.Lock()
			defer c.mu.Unlock()
			e := Entry{Index: index, Term: term, Command: cmd}
			if prev, ok := c.applied[index]; ok && prev != e {
				c.t.Errorf("server %d applied %+v at %d, another applied %+v", i, e, index, prev)
			}
			c.applied[index] = e
		},
	})
	require.NoError(c.t, err)
	c.servers[i] = s
}

func (c *cluster) stop(i int) {
	if c.servers[i] != nil {
		require.NoError(c.t, c.servers[i].Close())
		c.servers[i] = nil
	}
}

// waitApplied waits until server i has applied entry index, failing the
// test if that takes longer than within.
func (c *cluster) waitApplied(i, index int, within time.Duration) {
	c.t.Helper()
	for deadline := time.Now().Add(within); c.servers[i].Status().LastApplied < index; {
		require.True(c.t, time.Now().Before(deadline), "server %d did not apply entry %d within %v", i, index, within)
		time.Sleep(10 * time.Millisecond)
	}
}

// leader returns the ID of the live leader with the highest term.
func (c *cluster) leader() int {
	best, term := -1, -1
	for i, s := range c.servers {
		if s == nil {
			continue
		}
		if st := s.Status(); st.State == Leader && st.Term > term {
			best, term = i, st.Term
		}
	}
	return best
}

func TestClusterSurvivesLeaderFailure(t *testing.T) {
	c := newCluster(t, 3, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl := NewClient(c.addrs, 1)
	defer cl.Close()

	require.NoError(t, cl.Put(ctx, "x", "1"))
	require.NoError(t, cl.Append(ctx, "x", "2"))
	v, err := cl.Get(ctx, "x")
	require.NoError(t, err)
	require.Equal(t, "12", v)

	old := c.leader()
	require.GreaterOrEqual(t, old, 0, "a write just committed, so there is a leader")
	c.stop(old)

	require.NoError(t, cl.Append(ctx, "x", "3"))
	cl2 := NewClient(c.addrs, 2) // a second client sees the first one's writes
	defer cl2.Close()
	require.NoError(t, cl2.Put(ctx, "y", "a"))
	v, err = cl2.Get(ctx, "x")
	require.NoError(t, err)
	require.Equal(t, "123", v)
	now := c.leader()
	require.NotEqual(t, old, now)
	require.GreaterOrEqual(t, now, 0)

	// The old leader comes back from its data directory and catches up.
	c.start(old)
	want := c.servers[now].Log()
	c.waitApplied(old, want[len(want)-1].Index, 3*time.Second)
	require.Equal(t, want, c.servers[old].Log()[:len(want)])
	v, err = cl.Get(ctx, "x")
	require.NoError(t, err)
	require.Equal(t, "123", v)
}
