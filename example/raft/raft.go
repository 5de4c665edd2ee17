// Package raft is a replicated key-value store built on the Raft consensus
// algorithm (Ongaro and Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014), written as an ordinary Go server: TCP connections with gob
// framing, goroutines, a mutex around the consensus state, timers, and state
// files written with os and fsync.
//
// A cluster is a fixed set of servers named by "host:port" addresses. Servers
// elect a leader with randomized election timeouts, the leader replicates
// client commands into every server's log, and a command is applied to the
// key-value map once a majority stores it. Get, Put and Append all go through
// the log, so every operation is linearizable; client IDs and sequence numbers
// make retried writes take effect at most once.
//
// The implementation follows Figure 2 of the paper, with the log compaction
// of its section 7: a server that has applied Config.SnapshotThreshold
// entries since its last snapshot saves the map and drops those entries, and
// a leader sends its snapshot (InstallSnapshot) to a follower that needs
// entries it no longer has. A restarted server rebuilds its map from its
// snapshot and the log after it. There are no membership changes.
package raft

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"sync"
	"time"
)

// State is a server's role in its current term.
type State int

// The three Raft roles.
const (
	Follower State = iota
	Candidate
	Leader
)

func (st State) String() string {
	switch st {
	case Follower:
		return "follower"
	case Candidate:
		return "candidate"
	case Leader:
		return "leader"
	}
	return fmt.Sprintf("State(%d)", int(st))
}

// Config describes one server of a cluster.
type Config struct {
	ID      int      // this server's index in Peers
	Peers   []string // "host:port" of every server, including this one; same order on every server
	Listen  string   // address to listen on; default Peers[ID]
	DataDir string   // where the Raft state files live; created if missing

	// ElectionTimeout is the base election timeout: a follower that hears
	// from no leader for a random duration in [ElectionTimeout,
	// 2*ElectionTimeout) starts an election. Default 300ms. It also bounds
	// how long a single RPC to a peer may take.
	ElectionTimeout time.Duration
	// HeartbeatInterval is how often a leader contacts each idle follower.
	// It must be well below ElectionTimeout. Default 50ms.
	HeartbeatInterval time.Duration

	// SnapshotThreshold is how many applied entries the log may hold past
	// the last snapshot before the server takes a new one and drops them.
	// Zero means never: the log grows for the life of the data directory.
	SnapshotThreshold int

	Logger *log.Logger // diagnostic messages; default discards them

	// Observer hooks, for tests and monitoring. Both are optional and are
	// called without any lock of the server held; they must not block for
	// long, and must not call Close.

	// OnLeader is called once each time this server wins an election, with
	// the term it won.
	OnLeader func(term int)
	// OnApply is called for every committed entry, in log order, exactly
	// once per entry per server lifetime, before any client waiting on it is
	// answered. A restarted server applies its log again from the entry after
	// its snapshot. A snapshot from the leader replaces entries without
	// applying them one by one: OnApply skips the ones not yet applied (but
	// still reports the one being applied when the snapshot arrives).
	OnApply func(index, term int, cmd Command)
}

// Status is a point-in-time view of a server's volatile state.
type Status struct {
	ID          int
	Term        int
	State       State
	Leader      int // ID of the leader of Term as far as this server knows, or -1
	CommitIndex int
	LastApplied int
	LastIndex   int // index of the last log entry
}

// Entry is one slot of the replicated log.
type Entry struct {
	Index   int
	Term    int
	Command Command
}

// ErrClosed is returned by operations on a closed Server or Client.
var ErrClosed = errors.New("raft: closed")

// maxBatch caps the entries in one AppendEntries, so a follower that is far
// behind catches up in bounded messages instead of one huge one.
const maxBatch = 64

// Server is one member of a Raft cluster. It serves peers and clients on one
// TCP listener.
type Server struct {
	cfg        Config
	me         int
	peers      []*peer // outgoing connections; peers[me] is nil
	logger     *log.Logger
	rpcTimeout time.Duration
	ln         net.Listener
	done       chan struct{} // closed when the server stops
	stopOnce   sync.Once
	wg         sync.WaitGroup // every goroutine the server starts

	connMu sync.Mutex
	conns  map[net.Conn]struct{} // accepted connections, so Close can end them
	// connsClosed is set by Close; connections accepted afterwards are dropped.
	connsClosed bool

	// applyCh (capacity 1) tells the applier that commitIndex moved.
	applyCh chan struct{}
	kv      *kvStore // touched only by the applier goroutine, and by newServer

	mu sync.Mutex // guards everything below

	// Persistent state: written to disk (persistMeta, persistLog) before the
	// server answers an RPC or acts on it, so a crash can never make it
	// forget a vote or an entry it acknowledged.
	currentTerm int
	votedFor    int // candidate voted for in currentTerm, or -1
	// log[0] is a sentinel {Index: snap.Index, Term: snap.Term} standing for
	// the entries the snapshot replaced; entry i is log[i-log[0].Index].
	log  []Entry
	snap snapshot // the latest snapshot, as on disk; Index 0 before the first
	// restore tells the applier to load snap into the key-value store: a
	// snapshot from the leader replaced entries it has not applied.
	restore bool

	state            State
	leader           int // leader of currentTerm, or -1 if unknown
	commitIndex      int
	lastApplied      int
	electionDeadline time.Time // when a follower or candidate next starts an election
	fatal            error     // first persistence error; the server stops on it

	// Leader state, reinitialized by becomeLeader.
	nextIndex  []int
	matchIndex []int
	wake       []chan struct{} // wake[i] (capacity 1) prompts replicator i; nil when not leader
	waiting    []*waiter       // client requests not yet applied, by increasing index

	wal  *logWriter   // the log file, appended by persistLog
	pbuf bytes.Buffer // reused by persistMeta
}

// StartServer recovers the server's state from cfg.DataDir, starts listening
// and returns the running server. It starts as a follower.
func StartServer(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	addr := s.cfg.Listen
	if addr == "" {
		addr = s.cfg.Peers[s.me]
	}
	s.ln, err = net.Listen("tcp", addr)
	if err != nil {
		s.wal.close()
		return nil, fmt.Errorf("raft: listen: %w", err)
	}
	s.logf("started in term %d with %d log entries", s.currentTerm, s.lastIndex())
	s.wg.Add(3)
	go s.acceptLoop()
	go s.electionLoop()
	go s.applier()
	return s, nil
}

// newServer validates cfg and loads the persistent state; it starts nothing.
func newServer(cfg Config) (*Server, error) {
	if len(cfg.Peers) == 0 || cfg.ID < 0 || cfg.ID >= len(cfg.Peers) {
		return nil, fmt.Errorf("raft: ID %d out of range for %d peers", cfg.ID, len(cfg.Peers))
	}
	if cfg.DataDir == "" {
		return nil, errors.New("raft: DataDir is required")
	}
	if cfg.ElectionTimeout <= 0 {
		cfg.ElectionTimeout = 300 * time.Millisecond
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = 50 * time.Millisecond
	}
	if cfg.HeartbeatInterval >= cfg.ElectionTimeout {
		return nil, errors.New("raft: HeartbeatInterval must be below ElectionTimeout")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = log.New(io.Discard, "", 0)
	}
	if err := makeDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	st, wal, err := loadState(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	kv := newKVStore()
	if st.Snapshot.Index > 0 {
		if kv, err = decodeKV(st.Snapshot.State); err != nil {
			wal.close()
			return nil, err
		}
	}
	base := Entry{Index: st.Snapshot.Index, Term: st.Snapshot.Term}
	s := &Server{
		cfg:         cfg,
		me:          cfg.ID,
		peers:       make([]*peer, len(cfg.Peers)),
		logger:      logger,
		rpcTimeout:  cfg.ElectionTimeout,
		done:        make(chan struct{}),
		conns:       make(map[net.Conn]struct{}),
		applyCh:     make(chan struct{}, 1),
		kv:          kv,
		currentTerm: st.CurrentTerm,
		votedFor:    st.VotedFor,
		log:         append([]Entry{base}, st.Log...),
		snap:        st.Snapshot,
		commitIndex: base.Index,
		lastApplied: base.Index,
		state:       Follower,
		leader:      -1,
		wal:         wal,
	}
	for i, addr := range cfg.Peers {
		if i != s.me {
			s.peers[i] = &peer{addr: addr}
		}
	}
	s.resetElectionTimer()
	return s, nil
}

// Close stops the server: it closes the listener and every connection, and
// waits for all of its goroutines, so no hook runs after Close returns. The
// data directory keeps the state a new StartServer recovers. Close returns the
// persistence error that stopped the server, if one did.
func (s *Server) Close() error {
	s.stop(nil)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wal != nil {
		if err := s.wal.close(); err != nil && s.fatal == nil {
			s.fatal = err
		}
		s.wal = nil
	}
	return s.fatal
}

// stop begins shutting the server down without waiting for its goroutines,
// so goroutines of the server may call it. It must not be called with connMu
// or a peer's lock held.
func (s *Server) stop(cause error) {
	s.stopOnce.Do(func() {
		if cause != nil {
			s.logf("stopping: %v", cause)
		}
		close(s.done)
		if s.ln != nil {
			s.ln.Close()
		}
		s.connMu.Lock()
		s.connsClosed = true
		for c := range s.conns {
			c.Close()
		}
		s.connMu.Unlock()
		for _, p := range s.peers {
			if p != nil {
				p.close()
			}
		}
	})
}

// Status returns the server's current role, term and indexes.
func (s *Server) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Status{
		ID:          s.me,
		Term:        s.currentTerm,
		State:       s.state,
		Leader:      s.leader,
		CommitIndex: s.commitIndex,
		LastApplied: s.lastApplied,
		LastIndex:   s.lastIndex(),
	}
}

// Log returns a copy of the log. Position 0 holds a placeholder for the
// entries the latest snapshot replaced, {Index: the last of them, Term: its
// term} ({0, 0} before the first snapshot), so Log()[i].Index ==
// Log()[0].Index + i.
func (s *Server) Log() []Entry { return s.AppendLog(nil) }

// AppendLog appends the log, as Log returns it, to dst and returns the
// extended slice, so an observer that reads the log often can reuse one
// buffer.
func (s *Server) AppendLog(dst []Entry) []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(dst, s.log...)
}

func (s *Server) logf(format string, args ...any) {
	s.logger.Printf(format, args...)
}

// base is the index of the last entry the snapshot replaced (0 if none):
// log[0] stands for it.
func (s *Server) base() int { return s.log[0].Index }

func (s *Server) lastIndex() int { return s.log[0].Index + len(s.log) - 1 }

// term returns the term of entry i, for base() <= i <= lastIndex().
func (s *Server) term(i int) int { return s.log[i-s.log[0].Index].Term }

// resetElectionTimer pushes the next election a fresh random timeout into the
// future. Randomizing every reset is what breaks split votes: the server whose
// timer fires first usually collects all votes before anyone else wakes up.
func (s *Server) resetElectionTimer() {
	et := s.cfg.ElectionTimeout
	s.electionDeadline = time.Now().Add(et + time.Duration(rand.Int63n(int64(et))))
}

// persistMeta writes currentTerm and votedFor to disk. A server that cannot
// persist cannot keep its promises, so the first failure stops it
// (fail-stop); the caller must then not answer the RPC it is handling.
func (s *Server) persistMeta() error {
	if s.fatal != nil {
		return s.fatal
	}
	return s.failIf(saveMeta(s.cfg.DataDir, metadata{CurrentTerm: s.currentTerm, VotedFor: s.votedFor}, &s.pbuf))
}

// persistLog writes the entries from index from to the end of the log, which
// are new or replace a deleted suffix, to disk. It fails like persistMeta.
func (s *Server) persistLog(from int) error {
	if s.fatal != nil {
		return s.fatal
	}
	return s.failIf(s.wal.append(s.log[from-s.base():]))
}

// failIf stops the server if err is a persistence error, and returns err.
func (s *Server) failIf(err error) error {
	if err != nil {
		s.fatal = err
		// Fine under s.mu: stop takes only connMu and peer locks.
		s.stop(err)
	}
	return err
}

// stepDown makes the server a follower and adopts term if it is newer,
// persisting the new term (with no vote) before anything acts on it.
func (s *Server) stepDown(term int) error {
	if s.state == Leader {
		s.logf("term %d: stepping down", s.currentTerm)
		s.wake = nil // replicators notice the role change and exit
		s.failWaiters(errNotLeader)
	}
	s.state = Follower
	if term > s.currentTerm {
		s.currentTerm = term
		s.votedFor = -1
		s.leader = -1
		return s.persistMeta()
	}
	return nil
}

// electionLoop starts an election whenever the election deadline passes
// without the server being leader. One timer serves the whole lifetime: it is
// re-armed for the current deadline instead of being reset on every heartbeat,
// which keeps heartbeat handling down to one clock read.
func (s *Server) electionLoop() {
	defer s.wg.Done()
	timer := time.NewTimer(s.cfg.ElectionTimeout)
	defer timer.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-timer.C:
		}
		s.mu.Lock()
		won := false
		if s.state != Leader && !time.Now().Before(s.electionDeadline) {
			won = s.startElection()
		}
		term := s.currentTerm
		wait := time.Until(s.electionDeadline)
		if s.state == Leader || wait <= 0 {
			// Leaders never time out; look again later in case we step down.
			wait = s.cfg.ElectionTimeout
		}
		s.mu.Unlock()
		if won && s.cfg.OnLeader != nil {
			s.cfg.OnLeader(term) // a single-server cluster wins at once
		}
		timer.Reset(wait)
	}
}

// startElection begins a new term as candidate and asks every peer for its
// vote. It reports whether the server won outright, which only a single-server
// cluster can. Called with s.mu held.
func (s *Server) startElection() bool {
	if s.fatal != nil {
		return false
	}
	s.state = Candidate
	s.currentTerm++
	s.votedFor = s.me
	s.leader = -1
	// The vote for ourselves must be on disk before anyone can see our
	// candidacy, or after a crash we could vote for someone else in this term.
	if err := s.persistMeta(); err != nil {
		return false
	}
	s.resetElectionTimer()
	term := s.currentTerm
	s.logf("term %d: starting election", term)
	args := RequestVoteArgs{
		Term:         term,
		CandidateID:  s.me,
		LastLogIndex: s.lastIndex(),
		LastLogTerm:  s.term(s.lastIndex()),
	}
	votes := 1 // guarded by s.mu, shared by the vote goroutines below
	if s.hasMajority(votes) {
		s.becomeLeader()
		return true
	}
	for i := range s.peers {
		if i == s.me {
			continue
		}
		s.wg.Add(1)
		go func(i int) {
			defer s.wg.Done()
			var resp message
			err := s.peers[i].call(&message{Vote: &args}, &resp, time.Now().Add(s.rpcTimeout))
			if err != nil || resp.VoteReply == nil {
				return // the election timer will try again
			}
			if s.countVote(term, resp.VoteReply, &votes) && s.cfg.OnLeader != nil {
				s.cfg.OnLeader(term)
			}
		}(i)
	}
	return false
}

// countVote processes one RequestVote reply of the election for term and
// reports whether it made this server leader.
func (s *Server) countVote(term int, reply *RequestVoteReply, votes *int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reply.Term > s.currentTerm {
		s.stepDown(reply.Term)
		return false
	}
	if s.state != Candidate || s.currentTerm != term || !reply.VoteGranted {
		return false // a stale reply, or a refusal
	}
	*votes++
	if !s.hasMajority(*votes) {
		return false
	}
	s.becomeLeader()
	return true
}

func (s *Server) hasMajority(n int) bool { return 2*n > len(s.cfg.Peers) }

// becomeLeader takes over as leader of currentTerm and starts one replicator
// per peer. Called with s.mu held.
func (s *Server) becomeLeader() {
	s.logf("term %d: became leader", s.currentTerm)
	s.state = Leader
	s.leader = s.me
	n := len(s.cfg.Peers)
	s.nextIndex = make([]int, n)
	s.matchIndex = make([]int, n)
	s.wake = make([]chan struct{}, n)
	for i := range n {
		s.nextIndex[i] = s.lastIndex() + 1
	}
	s.matchIndex[s.me] = s.lastIndex()
	for i := range n {
		if i == s.me {
			continue
		}
		s.wake[i] = make(chan struct{}, 1)
		s.wg.Add(1)
		go s.replicator(i, s.currentTerm, s.wake[i])
	}
}

// wakeReplicators tells every replicator there are new entries to send.
func (s *Server) wakeReplicators() {
	for _, ch := range s.wake {
		if ch != nil {
			select {
			case ch <- struct{}{}:
			default: // already pending
			}
		}
	}
}

// replicator sends AppendEntries to one peer for as long as this server leads
// term: at once when woken for new entries, again right away while the
// follower is behind, and at least every heartbeat interval, so followers do
// not start elections. Each replicator has its own reused buffers; RPCs to one
// peer never wait for another.
func (s *Server) replicator(peer, term int, wake <-chan struct{}) {
	defer s.wg.Done()
	ticker := time.NewTicker(s.cfg.HeartbeatInterval)
	defer ticker.Stop()
	var (
		args     AppendEntriesArgs
		snapArgs InstallSnapshotArgs
		req      message
		resp     message
	)
	for {
		s.mu.Lock()
		if s.state != Leader || s.currentTerm != term {
			s.mu.Unlock()
			return
		}
		if next := s.nextIndex[peer]; next > s.base() {
			end := min(s.lastIndex(), next+maxBatch-1)
			args = AppendEntriesArgs{
				Term:         term,
				LeaderID:     s.me,
				PrevLogIndex: next - 1,
				PrevLogTerm:  s.term(next - 1),
				// Copied: the log's backing array may be rewritten once we
				// step down, while this goroutine is still encoding.
				Entries:      append(args.Entries[:0], s.log[next-s.base():end+1-s.base()]...),
				LeaderCommit: s.commitIndex,
			}
			req = message{Append: &args}
		} else {
			// The follower needs entries only our snapshot holds now.
			snapArgs = InstallSnapshotArgs{
				Term:              term,
				LeaderID:          s.me,
				LastIncludedIndex: s.snap.Index,
				LastIncludedTerm:  s.snap.Term,
				Data:              s.snap.State, // never modified: a new snapshot gets a new slice
			}
			req = message{Snapshot: &snapArgs}
		}
		s.mu.Unlock()

		err := s.peers[peer].call(&req, &resp, time.Now().Add(s.rpcTimeout))
		again := false
		switch {
		case err != nil:
		case req.Append != nil && resp.AppendReply != nil:
			again = s.handleAppendReply(peer, &args, resp.AppendReply)
		case req.Snapshot != nil && resp.SnapshotReply != nil:
			again = s.handleSnapshotReply(peer, &snapArgs, resp.SnapshotReply)
		}
		if again {
			continue // more to send, or a better nextIndex to try
		}
		select {
		case <-s.done:
			return
		case <-ticker.C:
		case <-wake:
		}
	}
}

// stillLeading reports whether a reply, carrying the follower's replyTerm,
// to an RPC this server sent as leader of term still concerns it. A higher
// term makes it step down; a reply to an earlier leadership's RPC is
// ignored. Called with s.mu held.
func (s *Server) stillLeading(replyTerm, term int) bool {
	if replyTerm > s.currentTerm {
		s.stepDown(replyTerm)
		return false
	}
	return s.state == Leader && s.currentTerm == term
}

// handleAppendReply processes a follower's answer to args and reports whether
// the replicator should send again immediately: only when that makes progress,
// so a follower that keeps refusing cannot turn this into a busy loop.
func (s *Server) handleAppendReply(peer int, args *AppendEntriesArgs, reply *AppendEntriesReply) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stillLeading(reply.Term, args.Term) {
		return false
	}
	if reply.Success {
		match := args.PrevLogIndex + len(args.Entries)
		if match > s.matchIndex[peer] {
			s.matchIndex[peer] = match
			s.advanceCommit()
		}
		s.nextIndex[peer] = max(s.nextIndex[peer], match+1)
		return s.nextIndex[peer] <= s.lastIndex()
	}
	// The follower's log does not contain PrevLogIndex/PrevLogTerm. Skip a
	// whole term per round trip rather than one entry: if we have entries of
	// ConflictTerm, resume after our last one; otherwise skip the follower's
	// entire ConflictTerm.
	next := reply.ConflictIndex
	if reply.ConflictTerm > 0 {
		if i := s.lastIndexOfTerm(reply.ConflictTerm); i > 0 {
			next = i + 1
		}
	}
	next = max(next, s.matchIndex[peer]+1, 1)
	if next < s.nextIndex[peer] {
		s.nextIndex[peer] = next
		return true
	}
	return false
}

// lastIndexOfTerm returns the index of our last entry of term, or 0.
func (s *Server) lastIndexOfTerm(term int) int {
	for i := s.lastIndex(); i > s.base(); i-- {
		if t := s.term(i); t == term {
			return i
		} else if t < term {
			break // terms never decrease along the log
		}
	}
	return 0
}

// advanceCommit moves commitIndex to the highest index stored on a majority,
// but only if that entry is from the current term. Counting replicas of an
// older term's entry proves nothing: it can still be overwritten by a leader
// that never saw it (§5.4.2, Figure 8). Such entries commit indirectly, when
// a later entry of the current term does. Called with s.mu held.
func (s *Server) advanceCommit() {
	for n := s.lastIndex(); n > s.commitIndex; n-- {
		if s.term(n) != s.currentTerm {
			break
		}
		count := 0
		for _, m := range s.matchIndex {
			if m >= n {
				count++
			}
		}
		if s.hasMajority(count) {
			s.commitIndex = n
			s.signalApply()
			return
		}
	}
}

// signalApply wakes the applier without blocking.
func (s *Server) signalApply() {
	select {
	case s.applyCh <- struct{}{}:
	default: // a wake-up is already pending; it will see the new commitIndex
	}
}

// handleRequestVote answers a candidate (§5.2, §5.4.1).
func (s *Server) handleRequestVote(args *RequestVoteArgs, reply *RequestVoteReply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if args.Term > s.currentTerm {
		if err := s.stepDown(args.Term); err != nil {
			return err
		}
	}
	reply.Term = s.currentTerm
	if args.Term < s.currentTerm {
		return nil
	}
	if (s.votedFor == -1 || s.votedFor == args.CandidateID) && s.logUpToDate(args.LastLogIndex, args.LastLogTerm) {
		s.votedFor = args.CandidateID
		if err := s.persistMeta(); err != nil {
			return err
		}
		// Having voted, give the candidate time to win before we stand
		// ourselves; otherwise we would depose it with a higher term.
		s.resetElectionTimer()
		reply.VoteGranted = true
	}
	return nil
}

// logUpToDate reports whether a log ending at (lastIndex, lastTerm) is at
// least as up to date as ours: a later last term wins, and with equal last
// terms the longer log wins (§5.4.1). Voting only for such candidates is what
// guarantees every leader holds all committed entries.
func (s *Server) logUpToDate(lastIndex, lastTerm int) bool {
	myLastTerm := s.term(s.lastIndex())
	if lastTerm != myLastTerm {
		return lastTerm > myLastTerm
	}
	return lastIndex >= s.lastIndex()
}

// follow handles the term of an RPC from leader, sent in term: a leader of
// our term or a later one makes us its follower, and puts off our next
// election. It reports whether that leader is current; if not, the caller
// replies with our term, which tells it that it was deposed, or returns the
// error that stopped us. Called with s.mu held.
func (s *Server) follow(term, leader int) (bool, error) {
	if term > s.currentTerm || (term == s.currentTerm && s.state == Candidate) {
		if err := s.stepDown(term); err != nil {
			return false, err
		}
	}
	if term < s.currentTerm {
		return false, nil
	}
	s.leader = leader
	s.resetElectionTimer()
	return true, nil
}

// handleAppendEntries answers the leader: heartbeats, replication and the
// commit index (§5.3).
func (s *Server) handleAppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, err := s.follow(args.Term, args.LeaderID)
	reply.Term = s.currentTerm
	if !current {
		return err
	}

	// Consistency check: we must hold the entry just before the new ones.
	if args.PrevLogIndex > s.lastIndex() {
		reply.ConflictIndex = s.lastIndex() + 1
		return nil
	}
	prev, entries := args.PrevLogIndex, args.Entries
	if skip := s.base() - prev; skip > 0 {
		// Our snapshot holds the entries up to base, all committed, so
		// they match the leader's: only the ones after it are new.
		skip = min(skip, len(entries))
		prev, entries = prev+skip, entries[skip:]
	} else if t := s.term(prev); t != args.PrevLogTerm {
		reply.ConflictTerm = t
		reply.ConflictIndex = s.firstIndexOfTerm(prev)
		return nil
	}
	if first := s.mergeEntries(prev, entries); first > 0 {
		if err := s.persistLog(first); err != nil {
			return err
		}
	}
	// Only entries known to match the leader's log may be marked committed:
	// beyond the last new entry our log can still hold a stale suffix.
	if commit := min(args.LeaderCommit, args.PrevLogIndex+len(args.Entries)); commit > s.commitIndex {
		s.commitIndex = commit
		s.signalApply()
	}
	reply.Success = true
	return nil
}

// firstIndexOfTerm returns the first index of the run of entries with the
// same term as log[i].
func (s *Server) firstIndexOfTerm(i int) int {
	term := s.term(i)
	for i > s.base()+1 && s.term(i-1) == term {
		i--
	}
	return i
}

// mergeEntries stores entries, which follow index prev in the leader's log,
// and returns the index of the first entry it wrote, or 0 if it already held
// them all. An existing entry that conflicts with a new one (same index,
// different term) is deleted together with everything after it: those
// entries were never committed. Entries we already hold are kept, so a
// delayed, shorter AppendEntries cannot cut off entries a newer one
// delivered. Called with s.mu held.
func (s *Server) mergeEntries(prev int, entries []Entry) (first int) {
	for i, e := range entries {
		idx := prev + 1 + i
		switch {
		case idx > s.lastIndex():
			s.log = append(s.log, e)
		case s.term(idx) != e.Term:
			// Conflict: drop this entry and everything after it.
			s.log = append(s.log[:idx-s.base()], e)
		default:
			continue // already held
		}
		if first == 0 {
			first = idx
		}
	}
	return first
}

// applier applies committed entries to the key-value store in log order and
// answers the clients waiting for them. It is the only goroutine that touches
// s.kv, and it calls OnApply without holding s.mu. It also takes the
// snapshots that keep the log short, and loads the ones the leader sends.
func (s *Server) applier() {
	defer s.wg.Done()
	var batch []Entry
	for {
		select {
		case <-s.done:
			return
		case <-s.applyCh:
		}
		s.mu.Lock()
		if !s.restoreSnapshot() {
			s.mu.Unlock()
			return
		}
		hi := s.commitIndex
		batch = batch[:0]
		if hi > s.lastApplied {
			batch = append(batch, s.log[s.lastApplied+1-s.base():hi+1-s.base()]...)
		}
		s.mu.Unlock()

		for _, e := range batch {
			result := s.kv.apply(e.Command)
			if s.cfg.OnApply != nil {
				s.cfg.OnApply(e.Index, e.Term, e.Command)
			}
			s.mu.Lock()
			if s.restore {
				// A snapshot from the leader replaced the rest of the
				// batch; the next round loads it.
				s.mu.Unlock()
				break
			}
			s.lastApplied = e.Index
			s.finishWaiters(e, result)
			closed := s.isClosed()
			due := s.cfg.SnapshotThreshold > 0 && e.Index-s.base() >= s.cfg.SnapshotThreshold
			s.mu.Unlock()
			if closed {
				return
			}
			if due {
				s.takeSnapshot(e.Index)
			}
		}
	}
}

// restoreSnapshot loads the snapshot the leader sent, if one is waiting,
// into the key-value store. It reports false if that failed, which stops the
// server. Called by the applier with s.mu held; it releases the lock while
// decoding.
func (s *Server) restoreSnapshot() bool {
	for s.restore {
		s.restore = false
		snap := s.snap
		s.mu.Unlock()
		kv, err := decodeKV(snap.State)
		s.mu.Lock()
		if err != nil {
			s.failIf(err)
			return false
		}
		s.kv, s.lastApplied = kv, snap.Index
	}
	return true
}

// takeSnapshot replaces the log up to index, just applied, with the
// key-value store's state. Called by the applier without s.mu held.
func (s *Server) takeSnapshot(index int) {
	state, err := s.kv.encode()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failIf(err)
		return
	}
	if s.restore || index <= s.base() || s.fatal != nil {
		return // a snapshot from the leader got there first, or the server has stopped
	}
	snap := snapshot{Index: index, Term: s.term(index), State: state}
	if s.installSnapshot(snap, s.log[index-s.base()+1:]) == nil {
		s.logf("snapshot up to entry %d", index)
	}
}

// installSnapshot makes snap the server's snapshot and rest the log entries
// after it: on disk first (the snapshot, then the rewritten log file), then
// in memory. It fails like persistMeta. Called with s.mu held.
func (s *Server) installSnapshot(snap snapshot, rest []Entry) error {
	if s.fatal != nil {
		return s.fatal
	}
	if err := s.failIf(saveSnapshot(s.cfg.DataDir, snap)); err != nil {
		return err
	}
	if err := s.failIf(s.wal.rewrite(rest)); err != nil {
		return err
	}
	log := make([]Entry, 1, len(rest)+1)
	log[0] = Entry{Index: snap.Index, Term: snap.Term}
	s.log = append(log, rest...)
	s.snap = snap
	return nil
}

// handleInstallSnapshot answers a leader that sent its snapshot because we
// need entries it no longer has (§7).
func (s *Server) handleInstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, err := s.follow(args.Term, args.LeaderID)
	reply.Term = s.currentTerm
	if !current {
		return err
	}
	if args.LastIncludedIndex <= s.commitIndex {
		return nil // we hold those entries, committed, already
	}
	snap := snapshot{Index: args.LastIncludedIndex, Term: args.LastIncludedTerm, State: args.Data}
	// Entries after the snapshot's last one are kept if we hold that one:
	// then they match the leader's log. Otherwise our log is stale.
	var rest []Entry
	if i := snap.Index; i <= s.lastIndex() && s.term(i) == snap.Term {
		rest = s.log[i-s.base()+1:]
	}
	if err := s.installSnapshot(snap, rest); err != nil {
		return err
	}
	s.commitIndex = snap.Index
	s.restore = true
	s.signalApply()
	return nil
}

// handleSnapshotReply processes a follower's answer to args, like
// handleAppendReply: the follower now holds everything up to the snapshot.
func (s *Server) handleSnapshotReply(peer int, args *InstallSnapshotArgs, reply *InstallSnapshotReply) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stillLeading(reply.Term, args.Term) {
		return false
	}
	if args.LastIncludedIndex > s.matchIndex[peer] {
		s.matchIndex[peer] = args.LastIncludedIndex
		s.advanceCommit()
	}
	s.nextIndex[peer] = max(s.nextIndex[peer], args.LastIncludedIndex+1)
	return s.nextIndex[peer] <= s.lastIndex()
}

// isClosed reports whether Close or a fatal error has stopped the server.
func (s *Server) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}
