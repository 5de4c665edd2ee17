// Package stdnet is plain Go built on the standard library's network packages (net/rpc): a
// Raft-style vote exchange between nodes. Its tests run natively and, through simgen test,
// simulated, where partitions reach the calls as a real network's would.
package stdnet

import (
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"sync"
	"time"
)

// VoteArgs is a RequestVote call's argument.
type VoteArgs struct {
	Term      int
	Candidate int
}

// VoteReply is a RequestVote call's reply.
type VoteReply struct {
	Term    int
	Granted bool
}

// Voter is the RPC service each node registers: it grants one vote per term.
type Voter struct {
	mu       sync.Mutex
	term     int
	votedFor int // -1: none in term
}

// RequestVote grants the vote when the candidate's term is newer, or equal and no other
// candidate got the vote in it.
func (v *Voter) RequestVote(args VoteArgs, reply *VoteReply) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if args.Term > v.term {
		v.term, v.votedFor = args.Term, -1
	}
	reply.Term = v.term
	if args.Term == v.term && (v.votedFor == -1 || v.votedFor == args.Candidate) {
		v.votedFor = args.Candidate
		reply.Granted = true
	}
	return nil
}

// Node serves Voter over net/rpc and calls its peers.
type Node struct {
	ID    int
	Addr  string // where it listens
	Voter *Voter

	lis   net.Listener
	mu    sync.Mutex
	peers map[string]*rpc.Client // one connection per peer address, redialed once shut down
}

// Start listens on addr and serves RPCs until Close.
func Start(id int, addr string) (*Node, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := rpc.NewServer()
	v := &Voter{votedFor: -1}
	if err := srv.RegisterName("Voter", v); err != nil {
		lis.Close()
		return nil, err
	}
	go srv.Accept(lis)
	return &Node{ID: id, Addr: lis.Addr().String(), Voter: v, lis: lis, peers: map[string]*rpc.Client{}}, nil
}

// Close stops listening and closes the node's connections to its peers.
func (n *Node) Close() {
	n.lis.Close()
	n.mu.Lock()
	defer n.mu.Unlock()
	for addr, c := range n.peers {
		c.Close()
		delete(n.peers, addr)
	}
}

// ErrCallTimeout is returned by RequestVote when no reply came within its timeout.
var ErrCallTimeout = errors.New("stdnet: call timed out")

// RequestVote asks the node at addr for its vote, dialing it first if there is no open
// connection, and gives up after timeout. A connection whose calls fail is dropped, so the
// next call redials.
func (n *Node) RequestVote(addr string, args VoteArgs, timeout time.Duration) (VoteReply, error) {
	c, err := n.client(addr, timeout)
	if err != nil {
		return VoteReply{}, err
	}
	var reply VoteReply
	call := c.Go("Voter.RequestVote", args, &reply, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
		if call.Error != nil {
			n.drop(addr, c)
			return VoteReply{}, fmt.Errorf("RequestVote to %s: %w", addr, call.Error)
		}
		return reply, nil
	case <-time.After(timeout):
		return VoteReply{}, fmt.Errorf("RequestVote to %s: %w", addr, ErrCallTimeout)
	}
}

func (n *Node) client(addr string, timeout time.Duration) (*rpc.Client, error) {
	n.mu.Lock()
	c := n.peers[addr]
	n.mu.Unlock()
	if c != nil {
		return c, nil
	}
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c = rpc.NewClient(conn)
	n.mu.Lock()
	defer n.mu.Unlock()
	if old := n.peers[addr]; old != nil {
		c.Close()
		return old, nil
	}
	n.peers[addr] = c
	return c, nil
}

func (n *Node) drop(addr string, c *rpc.Client) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.peers[addr] == c {
		delete(n.peers, addr)
		c.Close()
	}
}

// Election has node cand, at term, vote for itself and then ask every peer for its vote
// concurrently, and reports how many granted it (its own included) and the errors of the
// calls that failed. A node that already voted for another in term does not run.
func Election(cand *Node, peers []string, term int, timeout time.Duration) (votes int, errs []error) {
	var self VoteReply
	if cand.Voter.RequestVote(VoteArgs{Term: term, Candidate: cand.ID}, &self); !self.Granted {
		return 0, nil
	}
	type result struct {
		granted bool
		err     error
	}
	results := make(chan result, len(peers))
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := cand.RequestVote(p, VoteArgs{Term: term, Candidate: cand.ID}, timeout)
			results <- result{r.Granted, err}
		}()
	}
	wg.Wait()
	close(results)
	votes = 1
	for r := range results {
		switch {
		case r.err != nil:
			errs = append(errs, r.err)
		case r.granted:
			votes++
		}
	}
	return votes, errs
}
