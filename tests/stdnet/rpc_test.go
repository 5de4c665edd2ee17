package stdnet

import (
	"net"
	"net/http"
	"net/rpc"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cluster starts n nodes on loopback ports and returns them with their addresses.
func cluster(t *testing.T, n int) ([]*Node, []string) {
	var nodes []*Node
	var addrs []string
	for i := 0; i < n; i++ {
		nd, err := Start(i, "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(nd.Close)
		nodes, addrs = append(nodes, nd), append(addrs, nd.Addr)
	}
	return nodes, addrs
}

func others(addrs []string, i int) []string {
	var out []string
	for j, a := range addrs {
		if j != i {
			out = append(out, a)
		}
	}
	return out
}

// TestElections has every node of a 3-node cluster run for election in turn, all calling
// each other at once: each wins its own term with every vote, and a second candidate in the
// same term gets none.
func TestElections(t *testing.T) {
	nodes, addrs := cluster(t, 3)
	for term := 1; term <= 6; term++ {
		cand := nodes[term%3]
		votes, errs := Election(cand, others(addrs, cand.ID), term, 10*time.Second)
		require.Empty(t, errs)
		assert.Equal(t, 3, votes, "term %d", term)
		rival := nodes[(term+1)%3]
		votes, errs = Election(rival, others(addrs, rival.ID), term, 10*time.Second)
		require.Empty(t, errs)
		assert.Zero(t, votes, "term %d, second candidate: it voted already", term)
	}
}

// TestConcurrentCandidates has all three nodes run for the same term at once: at most one
// gets a majority, whatever the interleaving.
func TestConcurrentCandidates(t *testing.T) {
	nodes, addrs := cluster(t, 3)
	for term := 1; term <= 5; term++ {
		won := make(chan int, 3)
		for _, nd := range nodes {
			go func() {
				votes, _ := Election(nd, others(addrs, nd.ID), term, 10*time.Second)
				won <- votes
			}()
		}
		winners := 0
		for range nodes {
			if <-won >= 2 {
				winners++
			}
		}
		assert.LessOrEqual(t, winners, 1, "term %d", term)
	}
}

// TestRPCOverHTTP serves the voter through net/http (rpc.Server is an http.Handler that
// hijacks CONNECT requests) and calls it with rpc.DialHTTPPath.
func TestRPCOverHTTP(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer lis.Close()
	srv := rpc.NewServer()
	require.NoError(t, srv.RegisterName("Voter", &Voter{votedFor: -1}))
	go http.Serve(lis, srv)
	c, err := rpc.DialHTTPPath("tcp", lis.Addr().String(), "/rpc")
	require.NoError(t, err)
	defer c.Close()
	var reply VoteReply
	require.NoError(t, c.Call("Voter.RequestVote", VoteArgs{Term: 1, Candidate: 2}, &reply))
	assert.True(t, reply.Granted)
	var second VoteReply // gob leaves zero fields of a reused reply as they were
	require.NoError(t, c.Call("Voter.RequestVote", VoteArgs{Term: 1, Candidate: 3}, &second))
	assert.False(t, second.Granted, "one vote per term")
}
