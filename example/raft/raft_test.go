package raft

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// testServer builds a server with the given log (terms of entries 1, 2, ...)
// and term, without starting it: no listener, no goroutines.
func testServer(t *testing.T, n, term int, terms ...int) *Server {
	t.Helper()
	peers := make([]string, n)
	for i := range peers {
		peers[i] = "n" + string(rune('1'+i)) + ":7000"
	}
	s, err := newServer(Config{ID: 0, Peers: peers, DataDir: t.TempDir()})
	require.NoError(t, err)
	s.currentTerm = term
	for _, tm := range terms {
		s.log = append(s.log, Entry{Index: len(s.log), Term: tm, Command: Command{Op: OpPut, Key: "k"}})
	}
	require.NoError(t, s.persistMeta())
	require.NoError(t, s.persistLog(1))
	t.Cleanup(func() { s.wal.close() })
	return s
}

func logTerms(s *Server) []int {
	var terms []int
	for _, e := range s.log[1:] {
		terms = append(terms, e.Term)
	}
	return terms
}

func entries(prev int, terms ...int) []Entry {
	var es []Entry
	for i, tm := range terms {
		es = append(es, Entry{Index: prev + 1 + i, Term: tm})
	}
	return es
}

func TestLogUpToDate(t *testing.T) {
	s := testServer(t, 3, 3, 1, 1, 3) // last entry: index 3, term 3
	for _, c := range []struct {
		index, term int
		want        bool
	}{
		{3, 3, true},  // identical
		{4, 3, true},  // same term, longer
		{2, 3, false}, // same term, shorter
		{1, 4, true},  // later term wins even if shorter
		{9, 2, false}, // earlier term loses even if longer
		{0, 0, false}, // empty log
	} {
		require.Equal(t, c.want, s.logUpToDate(c.index, c.term), "candidate last (%d, %d)", c.index, c.term)
	}
	require.True(t, testServer(t, 3, 0).logUpToDate(0, 0), "an empty log is as up to date as an empty log")
}

func TestRequestVote(t *testing.T) {
	s := testServer(t, 3, 2, 1, 2)
	var r RequestVoteReply
	require.NoError(t, s.handleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 1, LastLogIndex: 1, LastLogTerm: 1}, &r))
	require.False(t, r.VoteGranted, "candidate's log is behind")
	require.Equal(t, 3, r.Term, "the higher term is adopted anyway")

	r = RequestVoteReply{}
	require.NoError(t, s.handleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 2, LastLogIndex: 2, LastLogTerm: 2}, &r))
	require.True(t, r.VoteGranted)
	r = RequestVoteReply{}
	require.NoError(t, s.handleRequestVote(&RequestVoteArgs{Term: 3, CandidateID: 1, LastLogIndex: 5, LastLogTerm: 3}, &r))
	require.False(t, r.VoteGranted, "one vote per term")

	st := readState(t, s.cfg.DataDir)
	require.Equal(t, 3, st.CurrentTerm)
	require.Equal(t, 2, st.VotedFor, "the vote is on disk before the reply")
}

func TestAppendEntriesConsistencyCheck(t *testing.T) {
	s := testServer(t, 3, 2, 1, 1, 2)
	var r AppendEntriesReply
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 1, PrevLogIndex: 3, PrevLogTerm: 2}, &r))
	require.False(t, r.Success, "stale leader")
	require.Equal(t, 2, r.Term)

	r = AppendEntriesReply{}
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 1, PrevLogIndex: 5, PrevLogTerm: 2}, &r))
	require.False(t, r.Success, "missing PrevLogIndex")
	require.Equal(t, 4, r.ConflictIndex)
	require.Equal(t, 0, r.ConflictTerm)

	r = AppendEntriesReply{}
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 1, PrevLogIndex: 2, PrevLogTerm: 2}, &r))
	require.False(t, r.Success, "term mismatch at PrevLogIndex")
	require.Equal(t, 1, r.ConflictTerm)
	require.Equal(t, 1, r.ConflictIndex, "first index of the conflicting term")
	require.Equal(t, 1, s.Status().Leader)
}

func TestAppendEntriesTruncatesConflicts(t *testing.T) {
	s := testServer(t, 3, 2, 1, 1, 2, 2)
	var r AppendEntriesReply
	// The new leader of term 3 has [1 1 3]: our entries 3 and 4 conflict.
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 1, PrevLogIndex: 2, PrevLogTerm: 1, Entries: entries(2, 3), LeaderCommit: 5}, &r))
	require.True(t, r.Success)
	require.Equal(t, []int{1, 1, 3}, logTerms(s))
	require.Equal(t, 3, s.commitIndex, "commit stops at the last new entry")

	// A delayed copy of an earlier, shorter AppendEntries must not cut the log.
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 1, PrevLogIndex: 1, PrevLogTerm: 1, Entries: entries(1, 1)}, &r))
	require.True(t, r.Success)
	require.Equal(t, []int{1, 1, 3}, logTerms(s))

	// Appending past the end, partly overlapping.
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 1, PrevLogIndex: 2, PrevLogTerm: 1, Entries: entries(2, 3, 3, 3)}, &r))
	require.Equal(t, []int{1, 1, 3, 3, 3}, logTerms(s))
	for i, e := range s.log {
		require.Equal(t, i, e.Index)
	}

	require.Equal(t, s.log[1:], readState(t, s.cfg.DataDir).Log, "the log is on disk before the reply")
}

func TestCommitOnlyCountsCurrentTerm(t *testing.T) {
	// Figure 8: a leader of term 4 whose log ends with entries of term 2.
	s := testServer(t, 5, 4, 1, 2)
	s.state = Leader // no becomeLeader: it would start replicators
	s.matchIndex = []int{2, 2, 2, 0, 0}
	s.advanceCommit()
	require.Equal(t, 0, s.commitIndex, "a previous term's entry is not committed by counting replicas")

	s.log = append(s.log, Entry{Index: 3, Term: 4})
	s.matchIndex = []int{3, 3, 2, 2, 0}
	s.advanceCommit()
	require.Equal(t, 0, s.commitIndex, "index 3 is on 2 of 5 servers only")
	s.matchIndex[2] = 3
	s.advanceCommit()
	require.Equal(t, 3, s.commitIndex, "a current-term entry commits, and everything before it")
}

func TestKVStoreDedup(t *testing.T) {
	kv := newKVStore()
	kv.apply(Command{Op: OpPut, Key: "k", Value: "a", ClientID: 1, Seq: 1})
	kv.apply(Command{Op: OpAppend, Key: "k", Value: "b", ClientID: 1, Seq: 2})
	kv.apply(Command{Op: OpAppend, Key: "k", Value: "b", ClientID: 1, Seq: 2}) // retry
	require.Equal(t, "ab", kv.apply(Command{Op: OpGet, Key: "k", ClientID: 1, Seq: 3}))
	kv.apply(Command{Op: OpPut, Key: "k", Value: "old", ClientID: 1, Seq: 1}) // overtaken
	require.Equal(t, "ab", kv.apply(Command{Op: OpGet, Key: "k", ClientID: 2, Seq: 1}))
	kv.apply(Command{Op: OpAppend, Key: "k", Value: "c", ClientID: 2, Seq: 2}) // another client
	require.Equal(t, "abc", kv.apply(Command{Op: OpGet, Key: "k", ClientID: 2, Seq: 3}))
	require.Equal(t, "", kv.apply(Command{Op: OpGet, Key: "missing", ClientID: 2, Seq: 4}))
}

// readState loads the state persisted in dir, as a restart would.
func readState(t *testing.T, dir string) persistentState {
	t.Helper()
	st, w, err := loadState(dir)
	require.NoError(t, err)
	require.NoError(t, w.close())
	return st
}

func TestPersistRoundTrip(t *testing.T) {
	dir := t.TempDir()
	require.Equal(t, persistentState{VotedFor: -1}, readState(t, dir), "no files: fresh state")

	var buf bytes.Buffer
	require.NoError(t, saveMeta(dir, metadata{CurrentTerm: 7, VotedFor: 2}, &buf))
	require.NoError(t, saveMeta(dir, metadata{CurrentTerm: 7, VotedFor: 0}, &buf))
	_, w, err := loadState(dir)
	require.NoError(t, err)
	e1 := Entry{Index: 1, Term: 1, Command: Command{Op: OpPut, Key: "x", Value: "1", ClientID: 5, Seq: 1}}
	e2 := Entry{Index: 2, Term: 1, Command: Command{Op: OpAppend, Key: "x", Value: "<&>\n\"", ClientID: 5, Seq: 2}}
	e3 := Entry{Index: 3, Term: 1, Command: Command{Op: OpGet, Key: "x", ClientID: 5, Seq: 3}}
	e2b := Entry{Index: 2, Term: 7, Command: Command{Op: OpGet, Key: "y", ClientID: 6, Seq: 1}}
	require.NoError(t, w.append([]Entry{e1, e2}))
	require.NoError(t, w.append([]Entry{e3}))
	require.NoError(t, w.append([]Entry{e2b})) // a follower truncated the log at 2
	require.NoError(t, w.close())
	want := persistentState{CurrentTerm: 7, VotedFor: 0, Log: []Entry{e1, e2b}}
	require.Equal(t, want, readState(t, dir))

	// A crash in the middle of an append leaves a torn last line: it is
	// dropped, and cut off so that later appends start on a fresh line.
	f, err := os.OpenFile(dataPath(dir, logFile), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"Index":3,"Te`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, w, err = loadState(dir)
	require.NoError(t, err)
	e3.Term = 7
	require.NoError(t, w.append([]Entry{e3}))
	require.NoError(t, w.close())
	want.Log = append(want.Log, e3)
	require.Equal(t, want, readState(t, dir))

	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, files, 2, "no temporary file is left behind")

	// A restarted server starts from it.
	s, err := newServer(Config{ID: 0, Peers: []string{"a:1"}, DataDir: dir})
	require.NoError(t, err)
	defer s.wal.close()
	require.Equal(t, Status{ID: 0, Term: 7, State: Follower, Leader: -1, LastIndex: 3}, s.Status())
	require.Equal(t, append([]Entry{{}}, want.Log...), s.Log())

	// Damage in the middle of the log is an error, not silently skipped.
	require.NoError(t, os.WriteFile(dataPath(dir, logFile), []byte("garbage\n{}\n"), 0o644))
	_, _, err = loadState(dir)
	require.Error(t, err)
	require.NoError(t, os.WriteFile(dataPath(dir, logFile), nil, 0o644))
	require.NoError(t, os.WriteFile(dataPath(dir, metaFile), []byte("garbage"), 0o644))
	_, _, err = loadState(dir)
	require.Error(t, err)
}

func TestMakeDataDir(t *testing.T) {
	for in, want := range map[string]string{
		"/data": "/", "/a/b/": "/a", "a": ".", "a//b": "a", "/": "/", "./x": ".",
	} {
		require.Equal(t, want, parentDir(in), in)
	}
	dir := t.TempDir() + "/new/data"
	require.NoError(t, makeDataDir(dir))
	require.NoError(t, makeDataDir(dir))
	st, err := os.Stat(dir)
	require.NoError(t, err)
	require.True(t, st.IsDir())
}
