package raftsuite

import (
	"testing"
	"time"

	raft "github.com/simgen/simgen/example/raft/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rlog builds a log as raft.Server.Log returns it: the sentinel, then one
// entry per term given, each told apart by its key.
func rlog(terms []int, keys ...string) []raft.Entry {
	out := []raft.Entry{{}}
	for i, t := range terms {
		out = append(out, raft.Entry{Index: i + 1, Term: t, Command: cmd(keys[i])})
	}
	return out
}

func properties(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Property)
	}
	return out
}

// TestMonitorLogs: logs that grow, and a suffix overwritten by a later
// leader, pass; a stale suffix behind a newer entry, and one entry seen
// with two predecessors, do not.
func TestMonitorLogs(t *testing.T) {
	m := NewMonitor()
	m.Log(0, 1, rlog([]int{1, 1}, "a", "b"))
	m.Log(1, 1, rlog([]int{1}, "a"))
	m.Log(0, 2, rlog([]int{1, 1, 2}, "a", "b", "c"))
	m.Log(1, 2, rlog([]int{1, 3}, "a", "x")) // a new leader's entry; b was never committed
	m.Log(0, 3, rlog([]int{1, 3, 3}, "a", "x", "y"))
	assert.Empty(t, m.Violations)

	// Server 0 took term 4's entry at index 2 but kept its stale entry 3,
	// which now follows another entry than it did.
	m.Log(0, 4, rlog([]int{1, 4, 3}, "a", "z", "y"))
	require.Equal(t, []string{"log terms", "log matching"}, properties(m.Violations))
	assert.Contains(t, m.Violations[0].Detail, "entry 3 has term 3 after term 4")

	// An entry of term 3 at index 2 seen after an entry of term 2, when
	// it once followed one of term 1.
	m = NewMonitor()
	m.Log(0, 1, rlog([]int{1, 3}, "a", "x"))
	m.Log(1, 2, rlog([]int{2, 3}, "b", "x"))
	require.Equal(t, []string{"log matching"}, properties(m.Violations))
	// The same pair holding another command.
	m = NewMonitor()
	m.Log(0, 1, rlog([]int{1, 3}, "a", "x"))
	m.Log(0, 2, rlog([]int{1, 3}, "a", "y"))
	require.Equal(t, []string{"log matching"}, properties(m.Violations))

	m = NewMonitor()
	m.Log(0, 1, []raft.Entry{{}, {Index: 2, Term: 1}})
	require.Equal(t, []string{"log shape"}, properties(m.Violations))
}

// TestMonitorStaleLeader: a leader may lead a lower term than a peer it
// cannot reach, or for less than StaleAfter; not longer.
func TestMonitorStaleLeader(t *testing.T) {
	ms := int64(time.Millisecond)
	state := func(st raft.State, term int) ServerState {
		return ServerState{Up: true, Status: raft.Status{State: st, Term: term}}
	}
	cluster := []ServerState{state(raft.Leader, 2), state(raft.Follower, 2), state(raft.Follower, 3)}
	cut := func(from, to int) bool { return from != 2 && to != 2 }
	all := func(from, to int) bool { return true }

	m := NewMonitor()
	m.StaleAfter = time.Second
	for at := int64(0); at < 3000*ms; at += 50 * ms {
		m.Roles(at, cluster, cut) // server 2 is cut off: no one can tell the leader
	}
	for at := 3000 * ms; at < 3900*ms; at += 50 * ms {
		m.Roles(at, cluster, all) // reachable, within the bound
	}
	cluster[0] = state(raft.Follower, 3) // it stepped down
	m.Roles(4500*ms, cluster, all)
	assert.Empty(t, m.Violations)

	cluster[0] = state(raft.Leader, 2)
	for at := 5000 * ms; at < 6100*ms; at += 50 * ms {
		m.Roles(at, cluster, all)
	}
	require.Equal(t, []string{"stale leader"}, properties(m.Violations))

	off := NewMonitor() // StaleAfter 0: no check
	off.Roles(0, cluster, all)
	off.Roles(10*time.Second.Nanoseconds(), cluster, all)
	assert.Empty(t, off.Violations)
}

// TestMonitorLeaderCommit: a leader that counts replicas of an entry of
// an earlier term and commits it breaks the commit rule; one that commits
// it together with an entry of its own term does not, and neither does one
// that knew it committed when it won.
func TestMonitorLeaderCommit(t *testing.T) {
	m := NewMonitor()
	m.Elected(0, 4, 10)
	leader := raft.Status{State: raft.Leader, Term: 4, CommitIndex: 12}
	assert.False(t, m.OldEntry(0, 9, 2), "entry 9 was committed when it won")
	assert.False(t, m.OldEntry(0, 12, 4), "an entry of its own term")
	assert.False(t, m.OldEntry(1, 12, 2), "server 1 never won")
	require.True(t, m.OldEntry(0, 11, 2))
	m.LeaderCommit(0, 1, leader, 4) // committed up to 12, of term 4: fine
	m.LeaderCommit(0, 1, raft.Status{State: raft.Follower, Term: 5, CommitIndex: 12}, 2)
	assert.Empty(t, m.Violations)

	m.LeaderCommit(0, 1, leader, 2) // committed up to 12, of term 2
	require.Equal(t, []string{"leader commit rule"}, properties(m.Violations))

	m.Forget(0) // restarted: it leads nothing
	assert.False(t, m.OldEntry(0, 11, 2))
}

// TestMonitorSpareBuffers: reading each sample into the buffer Spare hands
// out never overwrites the log the monitor compares it with, across a
// restart too.
func TestMonitorSpareBuffers(t *testing.T) {
	m := NewMonitor()
	read := func(log []raft.Entry) []raft.Entry { return append(m.Spare(0, 2), log...) }
	m.Log(0, 1, read(rlog([]int{1, 1}, "a", "b")))
	m.Log(0, 2, read(rlog([]int{1, 1}, "a", "b")))
	m.Forget(0)
	m.Log(0, 3, read(rlog([]int{1, 1}, "a", "b")))
	assert.Empty(t, m.Violations)
	m.Log(0, 4, read(rlog([]int{1, 1}, "a", "c"))) // entry 2 of term 1 now holds another command
	require.Equal(t, []string{"log matching"}, properties(m.Violations))
}

// TestMonitorSnapshots: samples of a log that a snapshot shortened are
// checked from the snapshot on, against what earlier samples held.
func TestMonitorSnapshots(t *testing.T) {
	// compacted returns log with its entries up to index replaced by the
	// snapshot's slot.
	compacted := func(log []raft.Entry, index int) []raft.Entry {
		out := []raft.Entry{{Index: index, Term: log[index].Term}}
		return append(out, log[index+1:]...)
	}
	m := NewMonitor()
	full := rlog([]int{1, 1, 2, 2}, "a", "b", "c", "d")
	m.Log(0, 1, full)
	m.Log(0, 2, compacted(rlog([]int{1, 1, 2, 2, 2}, "a", "b", "c", "d", "e"), 2))
	m.Log(1, 2, compacted(full, 4))
	assert.Empty(t, m.Violations)
	assert.Equal(t, 2, m.Base(0))
	assert.Equal(t, 4, m.Base(1))
	assert.Equal(t, 0, m.Base(2), "no sample yet")

	m.Log(0, 3, compacted(rlog([]int{1, 1, 2, 2, 2}, "a", "b", "c", "x", "e"), 3))
	require.Equal(t, []string{"log matching"}, properties(m.Violations))
	assert.Contains(t, m.Violations[0].Detail, `entry 4 of term 2: server 0 held put "d"`)

	m = NewMonitor()
	m.Log(0, 1, []raft.Entry{{Index: 2, Term: 1}, {Index: 4, Term: 1}})
	require.Equal(t, []string{"log shape"}, properties(m.Violations))
	assert.Contains(t, m.Violations[0].Detail, "the place of entry 3 holds entry 4")
}
