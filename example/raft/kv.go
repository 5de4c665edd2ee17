package raft

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Op is a key-value operation.
type Op uint8

// The operations of the key-value store.
const (
	OpGet    Op = iota + 1 // read Key
	OpPut                  // set Key to Value
	OpAppend               // append Value to Key's value
)

func (op Op) String() string {
	switch op {
	case OpGet:
		return "get"
	case OpPut:
		return "put"
	case OpAppend:
		return "append"
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// Command is a client operation as stored in the log. ClientID and Seq
// identify it: a client numbers its operations 1, 2, 3, ... and reuses the
// number when it retries, so the state machine can drop duplicates.
type Command struct {
	Op       Op
	Key      string
	Value    string
	ClientID int64
	Seq      int64
}

// ClientReply answers a Command. Err is empty on success; otherwise Leader
// may name the server the client should try instead.
type ClientReply struct {
	Err    string
	Value  string // the value read, for OpGet
	Leader string // address of the leader, if known, when Err is errNotLeader
}

// Errors a server reports to clients. They travel as strings.
const (
	errNotLeader = "not leader"
	errTimeout   = "timed out waiting for commit"
)

// clientWait bounds how long a server holds a client request waiting for its
// entry to be applied. It is shorter than the client's attempt timeout so
// that, normally, the client gets an answer and its connection stays usable.
const clientWait = 750 * time.Millisecond

// kvStore is the replicated state machine: a map from keys to values plus,
// per client, the highest sequence number applied, for at-most-once writes.
// It lives in memory; after a restart the latest snapshot and the log
// rebuild it.
type kvStore struct {
	data    map[string]string
	lastSeq map[int64]int64
}

func newKVStore() *kvStore {
	return &kvStore{data: make(map[string]string), lastSeq: make(map[int64]int64)}
}

// kvState is a kvStore as a snapshot holds it. Keys and values are bytes
// (base64 in JSON), since a JSON string cannot carry bytes that are not
// UTF-8, and the pairs are sorted by key, so that equal stores encode to
// equal bytes (JSON sorts LastSeq's keys itself).
type kvState struct {
	Data    []kvPair
	LastSeq map[int64]int64
}

type kvPair struct{ Key, Value []byte }

// encode returns the store's state for a snapshot.
func (kv *kvStore) encode() ([]byte, error) {
	st := kvState{Data: make([]kvPair, 0, len(kv.data)), LastSeq: kv.lastSeq}
	for k, v := range kv.data {
		st.Data = append(st.Data, kvPair{[]byte(k), []byte(v)})
	}
	slices.SortFunc(st.Data, func(a, b kvPair) int { return bytes.Compare(a.Key, b.Key) })
	data, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("raft: encode snapshot: %w", err)
	}
	return data, nil
}

// decodeKV rebuilds a store from what encode returned.
func decodeKV(data []byte) (*kvStore, error) {
	var st kvState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("raft: decode snapshot: %w", err)
	}
	kv := newKVStore()
	for _, p := range st.Data {
		kv.data[string(p.Key)] = string(p.Value)
	}
	if st.LastSeq != nil {
		kv.lastSeq = st.LastSeq
	}
	return kv, nil
}

// apply executes one committed command and returns its result. A write whose
// Seq is not above the client's last applied one is a retry of a write that
// already took effect (or an older one overtaken by it) and is skipped. Reads
// always execute: repeating one is harmless, and the value is current as of
// the entry's place in the log.
func (kv *kvStore) apply(cmd Command) string {
	switch cmd.Op {
	case OpGet:
		return kv.data[cmd.Key]
	case OpPut, OpAppend:
		if cmd.Seq <= kv.lastSeq[cmd.ClientID] {
			return ""
		}
		kv.lastSeq[cmd.ClientID] = cmd.Seq
		if cmd.Op == OpPut {
			kv.data[cmd.Key] = cmd.Value
		} else {
			kv.data[cmd.Key] += cmd.Value
		}
	}
	return ""
}

// waiter is a client request whose entry is in the leader's log but not yet
// applied.
type waiter struct {
	index, term int
	done        chan waitResult // capacity 1, so the applier never blocks
}

type waitResult struct {
	value string
	err   string
}

// handleClient appends the client's command to the log, if this server is
// the leader, and waits until it is applied.
func (s *Server) handleClient(cmd *Command, reply *ClientReply) error {
	s.mu.Lock()
	if s.state != Leader {
		reply.Err = errNotLeader
		if s.leader >= 0 {
			reply.Leader = s.cfg.Peers[s.leader]
		}
		s.mu.Unlock()
		return nil
	}
	index, term := s.lastIndex()+1, s.currentTerm
	s.log = append(s.log, Entry{Index: index, Term: term, Command: *cmd})
	if err := s.persistLog(index); err != nil {
		s.mu.Unlock()
		return err
	}
	s.matchIndex[s.me] = index
	s.advanceCommit() // a single-server cluster commits here
	w := &waiter{index: index, term: term, done: make(chan waitResult, 1)}
	s.waiting = append(s.waiting, w)
	s.wakeReplicators()
	s.mu.Unlock()

	timer := time.NewTimer(clientWait)
	defer timer.Stop()
	select {
	case r := <-w.done:
		reply.Value, reply.Err = r.value, r.err
		if r.err == errNotLeader {
			s.mu.Lock()
			if s.leader >= 0 && s.leader != s.me {
				reply.Leader = s.cfg.Peers[s.leader]
			}
			s.mu.Unlock()
		}
	case <-timer.C:
		// The entry may still commit; the client's retry carries the
		// same Seq, so it cannot be applied twice.
		reply.Err = errTimeout
	case <-s.done:
		return ErrClosed
	}
	return nil
}

// finishWaiters answers the requests waiting for entries up to e.Index, which
// was just applied with the given result. A request whose index now holds an
// entry of another term lost its place when this server stopped leading.
// Called with s.mu held.
func (s *Server) finishWaiters(e Entry, result string) {
	for len(s.waiting) > 0 && s.waiting[0].index <= e.Index {
		w := s.waiting[0]
		s.waiting[0] = nil
		s.waiting = s.waiting[1:]
		if w.index == e.Index && w.term == e.Term {
			w.done <- waitResult{value: result}
		} else {
			w.done <- waitResult{err: errNotLeader}
		}
	}
}

// failWaiters answers every waiting request with err. A deposed leader calls
// it: its uncommitted entries may be overwritten, and clients should retry at
// the new leader rather than wait. Called with s.mu held.
func (s *Server) failWaiters(err string) {
	for _, w := range s.waiting {
		w.done <- waitResult{err: err}
	}
	s.waiting = nil
}
