//go:build simgen

package stdnet

import (
	"errors"
	"net"
	"net/rpc"
	"syscall"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPartitionedCalls runs the cluster on three simulated machines, n0 to n2, cuts n0 off
// and checks that its net/rpc calls fail as they would on a real network (simstd/fault's
// TCP model): a call on an established connection is not answered (TCP retransmits), until
// TCP gives up and the connection fails with ETIMEDOUT; a new connection's dial times out;
// after the partition heals, the next call redials and the election succeeds. Simulation
// only: a partition needs machines.
func TestPartitionedCalls(t *testing.T) {
	names := []string{"n0", "n1", "n2"}
	nodes := make([]*Node, len(names))
	var machines []*simstd.Node
	ready := make(chan error, len(names))
	for i, name := range names {
		machines = append(machines, simstd.NewNode(name, func() {
			nd, err := Start(i, ":7000")
			nodes[i] = nd
			ready <- err
		}))
	}
	for range names {
		require.NoError(t, <-ready)
	}
	peers := []string{"n1:7000", "n2:7000"}
	// onN0 runs fn on n0, whose traffic the partition cuts.
	onN0 := func(fn func()) {
		done := make(chan struct{})
		machines[0].Go(func() {
			defer close(done)
			fn()
		})
		<-done
	}

	onN0(func() {
		votes, errs := Election(nodes[0], peers, 1, 5*time.Second)
		assert.Empty(t, errs)
		assert.Equal(t, 3, votes, "connected: every vote")
	})

	fault.Partition(machines[:1], machines[1:])
	onN0(func() {
		_, err := nodes[0].RequestVote(peers[0], VoteArgs{Term: 2}, 5*time.Second)
		assert.ErrorIs(t, err, ErrCallTimeout, "an established connection waits: TCP retransmits")

		// Waited for long enough, the call fails when TCP gives up, as net/rpc's reader does.
		start := time.Now()
		_, err = nodes[0].RequestVote(peers[0], VoteArgs{Term: 2}, 10*time.Minute)
		assert.ErrorIs(t, err, syscall.ETIMEDOUT, "TCP gave up on the connection")
		assert.Less(t, time.Since(start), 10*time.Minute)

		_, err = nodes[0].RequestVote(peers[0], VoteArgs{Term: 2}, 5*time.Second)
		var ne net.Error
		if assert.ErrorAs(t, err, &ne, "a new connection cannot be made") {
			assert.True(t, ne.Timeout(), "the dial times out: its SYNs are lost: %v", err)
		}
		votes, errs := Election(nodes[0], peers, 2, 5*time.Second)
		assert.Equal(t, 1, votes, "cut off: its own vote only")
		assert.Len(t, errs, 2)
	})

	fault.Heal()
	onN0(func() {
		votes, errs := Election(nodes[0], peers, 3, 5*time.Second)
		assert.Empty(t, errs)
		assert.Equal(t, 3, votes, "healed: every vote again")
	})
}

// TestKilledServer kills the machine serving votes while a client is connected: the client's
// connection is reset, as when a server process dies (the call fails with ECONNRESET, or with
// rpc.ErrShutdown once the client has seen the reset), new connections are refused while it
// is down, and calls succeed again after it restarts.
func TestKilledServer(t *testing.T) {
	up := make(chan error, 1)
	srv := simstd.NewNode("srv", func() {
		_, err := Start(1, ":7000")
		up <- err
	})
	require.NoError(t, <-up)
	cli, err := Start(0, ":7001")
	require.NoError(t, err)
	defer cli.Close()
	const timeout = 5 * time.Second
	_, err = cli.RequestVote("srv:7000", VoteArgs{Term: 1}, timeout)
	require.NoError(t, err)

	srv.Kill()
	_, err = cli.RequestVote("srv:7000", VoteArgs{Term: 2}, timeout)
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, rpc.ErrShutdown) {
		t.Errorf("call to a killed server: want ECONNRESET or rpc.ErrShutdown, got %v", err)
	}
	_, err = cli.RequestVote("srv:7000", VoteArgs{Term: 2}, timeout)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED, "dialing a machine whose server is down")

	srv.Restart()
	require.NoError(t, <-up)
	reply, err := cli.RequestVote("srv:7000", VoteArgs{Term: 3, Candidate: 0}, timeout)
	require.NoError(t, err, "after the restart")
	assert.True(t, reply.Granted)
}
