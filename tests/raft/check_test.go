package raftsuite

import (
	"fmt"
	"os"
	"testing"

	raft "github.com/simgen/simgen/example/raft/sim"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinearizable(t *testing.T) {
	ok, _, err := CheckLinearizable([]Op{
		{Client: 0, Kind: "put", Key: "x", Value: "1", Call: 0, Return: 10},
		{Client: 1, Kind: "append", Key: "x", Value: "2", Call: 5, Return: Unknown},
		{Client: 2, Kind: "get", Key: "x", Value: "12", Call: 20, Return: 30},
		{Client: 2, Kind: "get", Key: "y", Value: "", Call: 31, Return: 32},
	}, t.TempDir(), "ok")
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestStaleReadIsNotLinearizable(t *testing.T) {
	dir := t.TempDir()
	ok, vis, err := CheckLinearizable([]Op{
		{Client: 0, Kind: "put", Key: "x", Value: "1", Call: 0, Return: 10},
		{Client: 1, Kind: "get", Key: "x", Value: "", Call: 20, Return: 30},
	}, dir, "stale")
	require.NoError(t, err)
	assert.False(t, ok)
	html, err := os.ReadFile(vis)
	require.NoError(t, err)
	assert.Contains(t, string(html), "<html")
}

// cmd is a command told apart from others by its key.
func cmd(key string) raft.Command { return raft.Command{Op: raft.OpPut, Key: key} }

func TestSafetyViolations(t *testing.T) {
	e := func(i, term int, c raft.Command) Entry { return Entry{i, term, c} }
	// snap returns a final log whose snapshot replaced the entries up to
	// index, the last of term; lg one without a snapshot.
	snap := func(index, term int, es ...Entry) []Entry { return append([]Entry{{Index: index, Term: term}}, es...) }
	lg := func(es ...Entry) []Entry { return snap(0, 0, es...) }
	type app struct {
		server, index, term int
		key                 string // of the command
		at                  int64
	}
	// applied returns o after recording the applications as.
	applied := func(o *Observations, as ...app) *Observations {
		for _, a := range as {
			o.Apply(a.server, a.index, a.term, cmd(a.key), a.at)
		}
		return o
	}
	good := applied(&Observations{
		Leaders: map[int][]int{1: {0}, 2: {1, 1}},
		// Server 2 led term 3 before entry 2 was applied: it need not hold it.
		Elections: []Election{{1, 0, 5}, {2, 1, 20}, {3, 2, 25}},
		// Server 1 compacted its log up to entry 2.
		Logs: map[int][]Entry{0: lg(e(1, 1, cmd("a")), e(2, 2, cmd("b"))), 1: snap(2, 2, e(3, 2, cmd("c"))), 2: lg(e(1, 1, cmd("a")), e(2, 1, cmd("z")))},
	}, app{0, 1, 1, "a", 10}, app{1, 1, 1, "a", 11}, app{1, 2, 2, "b", 30})
	assert.Empty(t, CheckSafety(good))

	cases := map[string]*Observations{
		"election safety": {Leaders: map[int][]int{3: {0, 2}}},
		// The third application agrees with the second: one violation.
		"state machine safety": applied(&Observations{}, app{0, 1, 1, "a", 1}, app{1, 1, 1, "b", 2}, app{2, 1, 1, "b", 3}),
		"log matching": {Logs: map[int][]Entry{
			0: lg(e(1, 1, cmd("a")), e(2, 2, cmd("b"))),
			1: lg(e(1, 1, cmd("x")), e(2, 2, cmd("b"))),
		}},
		"leader completeness": applied(&Observations{
			Elections: []Election{{Term: 1, Server: 0, At: 5}, {Term: 2, Server: 1, At: 20}},
			Logs:      map[int][]Entry{0: lg(e(1, 1, cmd("a"))), 1: lg(e(1, 2, cmd("other")))},
		}, app{0, 1, 1, "a", 10}),
	}
	// The same two, against a log that starts after a snapshot: its slot
	// has the term of the entry it replaced, but no command.
	snapshotted := map[string]*Observations{
		"log matching": {Logs: map[int][]Entry{
			0: lg(e(1, 1, cmd("a")), e(2, 1, cmd("b")), e(3, 3, cmd("c"))),
			1: snap(2, 2, e(3, 3, cmd("c"))),
		}},
		"leader completeness": applied(&Observations{
			Elections: []Election{{Term: 3, Server: 1, At: 20}},
			Logs:      map[int][]Entry{1: snap(3, 1)},
		}, app{0, 1, 1, "a", 10}, app{0, 3, 2, "c", 11}),
	}
	for prop, o := range snapshotted {
		vs := CheckSafety(o)
		require.Len(t, vs, 1, prop)
		assert.Equal(t, prop, vs[0].Property)
	}
	assert.Contains(t, CheckSafety(snapshotted["log matching"])[0].Detail, "agree at index 3 (term 3) but differ at index 2")
	// Five elections in two episodes, at most two per episode expected.
	cases["leader stability"] = &Observations{Stable: 2, Episodes: []int64{100},
		Elections: []Election{{1, 0, 5}, {2, 1, 110}, {3, 2, 150}, {4, 0, 170}, {5, 1, 190}}}
	stable := &Observations{Stable: 2, Episodes: []int64{100},
		Elections: []Election{{1, 0, 5}, {2, 1, 110}, {3, 2, 150}, {4, 0, 170}}}
	assert.Empty(t, CheckSafety(stable))

	for prop, o := range cases {
		vs := CheckSafety(o)
		require.Len(t, vs, 1, prop)
		assert.Equal(t, prop, vs[0].Property)
	}
	// Reports name the commands involved.
	assert.Equal(t, `index 1: server 0 applied term 1 put "a" "" client 0 seq 0, server 1 applied term 1 put "b" "" client 0 seq 0`,
		CheckSafety(cases["state machine safety"])[0].Detail)
	assert.Contains(t, CheckSafety(cases["leader completeness"])[0].Detail, `entry 1 (term 1, put "a"`)
}

// TestAppliedOddIndexes: indexes only a broken Raft reports are judged
// like any other, without a table as long as the index.
func TestAppliedOddIndexes(t *testing.T) {
	for _, index := range []int{-1, 1 << 40} {
		o := &Observations{}
		o.Apply(0, index, 1, cmd("a"), 1)
		o.Apply(1, index, 1, cmd("a"), 2)
		o.Apply(2, index, 1, cmd("b"), 3)
		o.Apply(3, index, 1, cmd("b"), 4)
		vs := CheckSafety(o)
		require.Len(t, vs, 1, index)
		assert.Equal(t, fmt.Sprintf(`index %d: server 0 applied term 1 put "a" "" client 0 seq 0, server 2 applied term 1 put "b" "" client 0 seq 0`, index), vs[0].Detail)
	}
}
