package raft

import (
	"bufio"
	"encoding/gob"
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// RequestVoteArgs is a candidate's request for a vote.
type RequestVoteArgs struct {
	Term         int
	CandidateID  int
	LastLogIndex int
	LastLogTerm  int
}

// RequestVoteReply answers RequestVoteArgs.
type RequestVoteReply struct {
	Term        int // the voter's current term, for the candidate to update itself
	VoteGranted bool
}

// AppendEntriesArgs carries log entries (none for a heartbeat) from the leader.
type AppendEntriesArgs struct {
	Term         int
	LeaderID     int
	PrevLogIndex int // index of the entry just before Entries
	PrevLogTerm  int // its term
	Entries      []Entry
	LeaderCommit int
}

// AppendEntriesReply answers AppendEntriesArgs. On a failed consistency check,
// ConflictTerm and ConflictIndex let the leader skip a whole term per round
// trip: ConflictTerm is the term of our entry at PrevLogIndex (0 if we have
// none) and ConflictIndex the first index of that term in our log (or our
// log length + 1).
type AppendEntriesReply struct {
	Term          int
	Success       bool
	ConflictTerm  int
	ConflictIndex int
}

// InstallSnapshotArgs carries the leader's snapshot to a follower that needs
// entries the leader has compacted away.
type InstallSnapshotArgs struct {
	Term              int
	LeaderID          int
	LastIncludedIndex int // the snapshot replaces the entries up to this one
	LastIncludedTerm  int // its term
	Data              []byte
}

// InstallSnapshotReply answers InstallSnapshotArgs.
type InstallSnapshotReply struct {
	Term int
}

// message is the one frame type on the wire, in both directions: exactly one
// field is set. A single type keeps each connection's gob stream to one type
// definition, sent once per connection.
type message struct {
	Vote          *RequestVoteArgs
	VoteReply     *RequestVoteReply
	Append        *AppendEntriesArgs
	AppendReply   *AppendEntriesReply
	Client        *Command
	ClientReply   *ClientReply
	Snapshot      *InstallSnapshotArgs
	SnapshotReply *InstallSnapshotReply
}

// Redial backoff: the first retry after a failure waits redialBackoff, each
// further consecutive failure one more, up to maxRedialBackoff. Without it a
// refused connection would be retried as fast as the loop can spin.
const (
	redialBackoff    = 10 * time.Millisecond
	maxRedialBackoff = 100 * time.Millisecond
)

var errDeadline = errors.New("raft: rpc deadline passed before dialing")

// peer is the calling end of one reused TCP connection to addr. Calls are
// serialized, one request in flight at a time, so each response is the answer
// to the request just sent. After an error the connection is discarded (its
// stream may hold a late answer) and the next call redials.
type peer struct {
	addr string

	mu       sync.Mutex // serializes calls; guards the fields below and writes of conn
	w        *bufio.Writer
	enc      *gob.Encoder
	dec      *gob.Decoder
	failures int // consecutive failed calls, for the redial backoff

	cmu    sync.Mutex // guards conn and closed, so close can interrupt a call in flight
	conn   net.Conn
	closed bool
}

// call sends req and reads the answer into resp, giving up at deadline.
func (p *peer) call(req, resp *message, deadline time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	reused := p.conn != nil
	err := p.roundTrip(req, resp, deadline)
	if err != nil && reused && !errors.Is(err, os.ErrDeadlineExceeded) && !p.isClosed() {
		// An idle connection fails like this when the peer restarted
		// since we last used it, which says nothing about whether it is
		// up now: try once more on a fresh connection. Raft RPCs are
		// idempotent, and client commands carry their Seq.
		err = p.roundTrip(req, resp, deadline)
	}
	if err != nil {
		p.failures++
		return err
	}
	p.failures = 0
	return nil
}

// roundTrip makes one attempt at a call, dialing first if there is no
// connection. Called with p.mu held.
func (p *peer) roundTrip(req, resp *message, deadline time.Time) error {
	if p.conn == nil {
		if err := p.dial(deadline); err != nil {
			return err
		}
	}
	err := p.conn.SetDeadline(deadline)
	if err == nil {
		err = p.enc.Encode(req)
	}
	if err == nil {
		err = p.w.Flush()
	}
	if err == nil {
		*resp = message{} // gob leaves absent fields untouched
		err = p.dec.Decode(resp)
	}
	if err != nil {
		p.drop()
	}
	return err
}

// dial connects to the peer, first backing off if the last calls failed.
// Called with p.mu held.
func (p *peer) dial(deadline time.Time) error {
	if p.isClosed() {
		return ErrClosed
	}
	if p.failures > 0 {
		time.Sleep(min(time.Duration(p.failures)*redialBackoff, maxRedialBackoff))
	}
	timeout := time.Until(deadline)
	if timeout <= 0 {
		return errDeadline
	}
	conn, err := net.DialTimeout("tcp", p.addr, timeout)
	if err != nil {
		return err
	}
	p.cmu.Lock()
	if p.closed {
		p.cmu.Unlock()
		conn.Close()
		return ErrClosed
	}
	p.conn = conn
	p.cmu.Unlock()
	p.w = bufio.NewWriter(conn)
	p.enc = gob.NewEncoder(p.w)
	p.dec = gob.NewDecoder(bufio.NewReader(conn))
	return nil
}

// drop discards the connection after an error. Called with p.mu held.
func (p *peer) drop() {
	p.cmu.Lock()
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
	p.cmu.Unlock()
	p.w, p.enc, p.dec = nil, nil, nil
}

func (p *peer) isClosed() bool {
	p.cmu.Lock()
	defer p.cmu.Unlock()
	return p.closed
}

// close ends the connection for good; a call in flight fails at once.
func (p *peer) close() {
	p.cmu.Lock()
	defer p.cmu.Unlock()
	p.closed = true
	if p.conn != nil {
		p.conn.Close()
	}
}

// acceptLoop accepts connections from peers and clients, one goroutine each.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.isClosed() {
				return
			}
			// Probably out of file descriptors; pause rather than spin.
			s.logf("accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.connMu.Lock()
		if s.connsClosed {
			s.connMu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.connMu.Unlock()
		s.wg.Add(1)
		go s.serveConn(conn)
	}
}

// serveConn answers the requests arriving on one connection, in order. A
// handler error (a failed write to disk) closes the connection without an answer:
// the caller must not take silence for a promise.
func (s *Server) serveConn(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.connMu.Lock()
		delete(s.conns, conn)
		s.connMu.Unlock()
		conn.Close()
	}()
	w := bufio.NewWriter(conn)
	dec := gob.NewDecoder(bufio.NewReader(conn))
	enc := gob.NewEncoder(w)
	var (
		req, resp message
		vr        RequestVoteReply
		ar        AppendEntriesReply
		cr        ClientReply
		sr        InstallSnapshotReply
	)
	for {
		req = message{}
		if err := dec.Decode(&req); err != nil {
			return // closed by the peer, or by Close
		}
		resp = message{}
		var err error
		switch {
		case req.Append != nil:
			ar = AppendEntriesReply{}
			err = s.handleAppendEntries(req.Append, &ar)
			resp.AppendReply = &ar
		case req.Vote != nil:
			vr = RequestVoteReply{}
			err = s.handleRequestVote(req.Vote, &vr)
			resp.VoteReply = &vr
		case req.Client != nil:
			cr = ClientReply{}
			err = s.handleClient(req.Client, &cr)
			resp.ClientReply = &cr
		case req.Snapshot != nil:
			sr = InstallSnapshotReply{}
			err = s.handleInstallSnapshot(req.Snapshot, &sr)
			resp.SnapshotReply = &sr
		default:
			return // not a request
		}
		if err != nil {
			return
		}
		if err := enc.Encode(&resp); err != nil {
			return
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}
