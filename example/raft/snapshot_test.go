package raft

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKVSnapshotEncoding(t *testing.T) {
	a, b := newKVStore(), newKVStore()
	for i := range 20 {
		a.apply(Command{Op: OpPut, Key: "k" + strconv.Itoa(i), Value: "v", ClientID: int64(i), Seq: 1})
	}
	for i := 19; i >= 0; i-- { // the same state, built in another order
		b.apply(Command{Op: OpPut, Key: "k" + strconv.Itoa(i), Value: "v", ClientID: int64(i), Seq: 1})
	}
	ea, err := a.encode()
	require.NoError(t, err)
	eb, err := b.encode()
	require.NoError(t, err)
	require.Equal(t, ea, eb, "equal stores encode to equal bytes")

	c, err := decodeKV(ea)
	require.NoError(t, err)
	require.Equal(t, a, c)
	require.Equal(t, "", c.apply(Command{Op: OpPut, Key: "k3", Value: "again", ClientID: 3, Seq: 1}), "the dedup table survives")
	require.Equal(t, "v", c.apply(Command{Op: OpGet, Key: "k3"}))

	empty, err := newKVStore().encode()
	require.NoError(t, err)
	d, err := decodeKV(empty)
	require.NoError(t, err)
	d.apply(Command{Op: OpPut, Key: "x", Value: "1", ClientID: 1, Seq: 1}) // maps were made
	_, err = decodeKV([]byte("garbage"))
	require.Error(t, err)
}

// logFileOf writes entries as the log file of dir.
func logFileOf(t *testing.T, dir string, es ...Entry) {
	t.Helper()
	w := &logWriter{dir: dir}
	w.enc = json.NewEncoder(&w.buf)
	require.NoError(t, w.encode(es))
	require.NoError(t, os.WriteFile(dataPath(dir, logFile), w.buf.Bytes(), 0o644))
}

func TestSnapshotLoad(t *testing.T) {
	e := func(i, term int) Entry {
		return Entry{Index: i, Term: term, Command: Command{Op: OpPut, Key: strconv.Itoa(i)}}
	}
	kv := newKVStore()
	kv.apply(Command{Op: OpPut, Key: "a", Value: "1", ClientID: 7, Seq: 2})
	state, err := kv.encode()
	require.NoError(t, err)
	snap := snapshot{Index: 3, Term: 2, State: state}
	for name, c := range map[string]struct {
		log  []Entry
		want []Entry
	}{
		"rewritten after the snapshot":          {[]Entry{e(4, 2), e(5, 3)}, []Entry{e(4, 2), e(5, 3)}},
		"a crash before the rewrite":            {[]Entry{e(1, 1), e(2, 1), e(3, 2), e(4, 2)}, []Entry{e(4, 2)}},
		"a stale log under a leader's snapshot": {[]Entry{e(1, 1), e(2, 1), e(3, 1), e(4, 1)}, nil},
		"a log the snapshot covers":             {[]Entry{e(1, 1), e(2, 1)}, nil},
		"no log":                                {nil, nil},
	} {
		dir := t.TempDir()
		require.NoError(t, saveMeta(dir, metadata{CurrentTerm: 3, VotedFor: -1}, new(bytes.Buffer)))
		require.NoError(t, saveSnapshot(dir, snap))
		logFileOf(t, dir, c.log...)
		st := readState(t, dir)
		require.Equal(t, snap, st.Snapshot, name)
		require.Equal(t, c.want, st.Log, name)
	}

	// A gap between the snapshot and the log, a log that starts past
	// entry 1 without a snapshot, and a damaged snapshot are errors.
	dir := t.TempDir()
	require.NoError(t, saveSnapshot(dir, snap))
	logFileOf(t, dir, e(5, 2))
	_, _, err = loadState(dir)
	require.ErrorContains(t, err, "the log starts at entry 5, after a snapshot up to 3")
	dir = t.TempDir()
	logFileOf(t, dir, e(2, 1))
	_, _, err = loadState(dir)
	require.ErrorContains(t, err, "the log starts at entry 2, after a snapshot up to 0")
	require.NoError(t, os.WriteFile(dataPath(dir, snapshotFile), []byte("{}"), 0o644))
	_, _, err = loadState(dir)
	require.ErrorContains(t, err, "not a snapshot")
}

// TestTakeSnapshot: the applier's snapshot replaces the applied prefix on
// disk and in memory, and a restart rebuilds the store from it.
func TestTakeSnapshot(t *testing.T) {
	s := testServer(t, 3, 2, 1, 1, 2, 2)
	for i := 1; i <= 3; i++ {
		s.kv.apply(Command{Op: OpAppend, Key: "k", Value: strconv.Itoa(i), ClientID: 1, Seq: int64(i)})
	}
	s.commitIndex, s.lastApplied = 3, 3
	s.takeSnapshot(3)
	require.Equal(t, []Entry{{Index: 3, Term: 2}, {Index: 4, Term: 2, Command: Command{Op: OpPut, Key: "k"}}}, s.Log())
	require.Equal(t, 4, s.lastIndex())

	st := readState(t, s.cfg.DataDir)
	require.Equal(t, 3, st.Snapshot.Index)
	require.Equal(t, s.log[1:], st.Log)
	files, err := os.ReadDir(s.cfg.DataDir)
	require.NoError(t, err)
	require.Len(t, files, 3, "meta, snapshot and log; no temporary file is left behind")

	// Appends go to the rewritten file.
	s.log = append(s.log, Entry{Index: 5, Term: 2})
	require.NoError(t, s.persistLog(5))
	require.Equal(t, s.log[1:], readState(t, s.cfg.DataDir).Log)

	s.wal.close()
	r, err := newServer(s.cfg)
	require.NoError(t, err)
	defer r.wal.close()
	require.Equal(t, "123", r.kv.data["k"])
	require.Equal(t, s.Log(), r.Log())
	require.Equal(t, 3, r.Status().CommitIndex)
}

func TestInstallSnapshot(t *testing.T) {
	state, err := newKVStore().encode()
	require.NoError(t, err)
	args := func(index, term int) *InstallSnapshotArgs {
		return &InstallSnapshotArgs{Term: 2, LeaderID: 1, LastIncludedIndex: index, LastIncludedTerm: term, Data: state}
	}

	// We hold the snapshot's last entry: the entries after it stay.
	s := testServer(t, 3, 2, 1, 1, 2, 2)
	var r InstallSnapshotReply
	require.NoError(t, s.handleInstallSnapshot(args(3, 2), &r))
	require.Equal(t, 2, r.Term)
	require.Equal(t, []int{2}, logTerms(s))
	require.Equal(t, 3, s.base())
	require.Equal(t, 3, s.commitIndex)
	require.True(t, s.restore, "the applier must load the snapshot")
	st := readState(t, s.cfg.DataDir)
	require.Equal(t, 3, st.Snapshot.Index)
	require.Equal(t, s.log[1:], st.Log)
	s.mu.Lock()
	require.True(t, s.restoreSnapshot())
	s.mu.Unlock()
	require.Equal(t, 3, s.lastApplied)

	// An older snapshot changes nothing.
	require.NoError(t, s.handleInstallSnapshot(args(2, 1), &r))
	require.Equal(t, 3, s.base())
	require.False(t, s.restore)

	// Our entry there has another term: the whole log is stale.
	s = testServer(t, 3, 2, 1, 1, 1, 1)
	require.NoError(t, s.handleInstallSnapshot(args(3, 2), &r))
	require.Empty(t, logTerms(s))
	require.Equal(t, 3, s.lastIndex())
	require.Empty(t, readState(t, s.cfg.DataDir).Log)

	// A stale leader is told the term.
	require.NoError(t, s.handleInstallSnapshot(&InstallSnapshotArgs{Term: 1, LastIncludedIndex: 9, LastIncludedTerm: 1, Data: state}, &r))
	require.Equal(t, 2, r.Term)
	require.Equal(t, 3, s.base())
}

// TestAppendEntriesAfterSnapshot: entries a snapshot already holds are
// skipped, and the consistency check works from the snapshot's last entry.
func TestAppendEntriesAfterSnapshot(t *testing.T) {
	s := testServer(t, 3, 2, 1, 1, 2, 2)
	s.commitIndex, s.lastApplied = 3, 3
	s.takeSnapshot(3)

	var r AppendEntriesReply
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 1, PrevLogIndex: 1, PrevLogTerm: 1, Entries: entries(1, 1, 2, 2, 2, 2)}, &r))
	require.True(t, r.Success)
	require.Equal(t, []int{2, 2, 2}, logTerms(s))
	require.Equal(t, 6, s.lastIndex())

	r = AppendEntriesReply{}
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 1, PrevLogIndex: 2, PrevLogTerm: 1}, &r))
	require.True(t, r.Success, "a heartbeat from before the snapshot")

	r = AppendEntriesReply{}
	require.NoError(t, s.handleAppendEntries(&AppendEntriesArgs{Term: 3, LeaderID: 1, PrevLogIndex: 6, PrevLogTerm: 3}, &r))
	require.False(t, r.Success)
	require.Equal(t, 2, r.ConflictTerm)
	require.Equal(t, 4, r.ConflictIndex, "the first entry after the snapshot, not one inside it")
}

// TestClusterSnapshots: a server that was down while the others compacted
// their logs catches up through the leader's snapshot.
func TestClusterSnapshots(t *testing.T) {
	c := newCluster(t, 3, 5)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := NewClient(c.addrs, 1)
	defer cl.Close()
	require.NoError(t, cl.Put(ctx, "x", "-"))

	lagging := (c.leader() + 1) % 3
	c.stop(lagging)
	for i := range 30 {
		require.NoError(t, cl.Append(ctx, "x", strconv.Itoa(i%10)))
	}
	leader := c.leader()
	require.Greater(t, c.servers[leader].Log()[0].Index, 1, "the leader compacted its log")

	c.start(lagging)
	c.waitApplied(lagging, c.servers[leader].Status().CommitIndex, 5*time.Second)
	s := c.servers[lagging]
	c.stop(lagging) // its applier has stopped: its store can be read
	require.Equal(t, "-012345678901234567890123456789", s.kv.data["x"])
	require.Greater(t, s.Log()[0].Index, 1, "it installed a snapshot")
}

// restartServer loads a server from cfg's data directory, as a restart
// does, without starting it.
func restartServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	r, err := newServer(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { r.wal.close() })
	return r
}

// failRewrite makes the next log rewrite fail after the snapshot was saved
// (the temporary file's name is taken by a directory), as a crash or an I/O
// error between the two would.
func failRewrite(t *testing.T, s *Server) {
	require.NoError(t, os.Mkdir(dataPath(s.cfg.DataDir, logTmp), 0o755))
	t.Cleanup(func() { os.Remove(dataPath(s.cfg.DataDir, logTmp)) })
}

// TestSnapshotCrashBeforeLogRewrite: a server stopped between saving a
// snapshot and rewriting its log file finishes the rewrite when it starts,
// so the entries it acknowledges next survive later restarts.
func TestSnapshotCrashBeforeLogRewrite(t *testing.T) {
	state, err := newKVStore().encode()
	require.NoError(t, err)
	for name, terms := range map[string][]int{
		"a stale entry where the snapshot ends": {1, 1, 1},
		"a stale log shorter than the snapshot": {1},
		"its own snapshot":                      {1, 1, 2},
	} {
		s := testServer(t, 3, 2, terms...)
		failRewrite(t, s)
		if name == "its own snapshot" {
			s.commitIndex, s.lastApplied = 3, 3
			s.takeSnapshot(3)
			require.Error(t, s.fatal, name)
		} else {
			var r InstallSnapshotReply
			err := s.handleInstallSnapshot(&InstallSnapshotArgs{Term: 2, LeaderID: 1, LastIncludedIndex: 3, LastIncludedTerm: 2, Data: state}, &r)
			require.Error(t, err, "%s: the rewrite fails, and the server stops", name)
		}
		s.wal.close()
		require.NoError(t, os.Remove(dataPath(s.cfg.DataDir, logTmp)))

		r := restartServer(t, s.cfg)
		require.Equal(t, 3, r.base(), name)
		var ar AppendEntriesReply
		require.NoError(t, r.handleAppendEntries(&AppendEntriesArgs{Term: 2, LeaderID: 1, PrevLogIndex: 3, PrevLogTerm: 2, Entries: entries(3, 2, 2), LeaderCommit: 5}, &ar))
		require.True(t, ar.Success, name)
		r.wal.close()
		require.Equal(t, r.Log(), restartServer(t, s.cfg).Log(), "%s: the acknowledged entries survive a restart", name)
	}
}

// TestBytesSurviveDisk: keys and values that are not UTF-8 come back from
// the log file and from a snapshot exactly.
func TestBytesSurviveDisk(t *testing.T) {
	odd := Command{Op: OpPut, Key: "k\xff", Value: "\xfe\x00v", ClientID: 1, Seq: 1}
	kv := newKVStore()
	kv.apply(odd)
	data, err := kv.encode()
	require.NoError(t, err)
	back, err := decodeKV(data)
	require.NoError(t, err)
	require.Equal(t, kv, back)

	s := testServer(t, 3, 1)
	s.log = append(s.log, Entry{Index: 1, Term: 1, Command: odd})
	require.NoError(t, s.persistLog(1))
	require.Equal(t, s.log[1:], readState(t, s.cfg.DataDir).Log)
}
