// Package raftsuite is the simulation suite of example/raft: scenarios that run
// a cluster of the generated variant on simulated nodes with faults and
// concurrent clients, and the checkers that judge a run — Raft's safety
// properties on what the servers reported, and linearizability of the clients'
// history with porcupine, run natively after the simulation.
package raftsuite

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	raft "github.com/simgen/simgen/example/raft/sim"
)

// Op is one client operation as the history records it. Times are virtual
// nanoseconds; an operation whose outcome is unknown (the client gave up)
// has Return == Unknown.
type Op struct {
	Client int
	Kind   string // "get", "put", "append"
	Key    string
	Value  string // argument of put/append; result of get
	Call   int64
	Return int64
}

// Unknown is the return time of an operation whose outcome the client never
// learned: porcupine may place it anywhere after its call.
const Unknown = int64(1<<62 - 1)

// Applied is one entry a server reported applying. It holds no pointers, so
// the garbage collector need not scan the longest record of a run: every
// server applies every command, and Cmd names one copy in Observations.Cmds
// for all of them.
type Applied struct {
	Server, Index, Term int
	Cmd                 int   // the command, as an index into Observations.Cmds: equal at one Index for equal commands
	At                  int64 // virtual time of the report
}

// Election is a server's report that it won a term.
type Election struct {
	Term, Server int
	At           int64 // virtual time of the report
}

// Entry is one slot of a server's log, as reported at the end of a run. The
// first slot of a log stands for the entries its snapshot replaced: it has
// the index and term of the last of them and no command.
type Entry struct {
	Index, Term int
	Cmd         raft.Command
}

// Observations is everything a run recorded for the checkers.
type Observations struct {
	Leaders   map[int][]int   // term -> servers that reported winning it
	Elections []Election      // every win, in the order reported
	Applied   []Applied       // in the order reported; use Apply to add one
	Cmds      []raft.Command  // the commands Applied refers to
	Logs      map[int][]Entry // server -> its final log, from the slot for its snapshot (Entry)
	History   []Op

	// Episodes are the virtual times at which the faults that make a
	// cluster elect a new leader began, for scenarios that bound the
	// elections they cause (Stable: at most that many leaders elected per
	// episode on average, the run's start counting as one; 0 means no
	// bound).
	Episodes []int64
	Stable   int

	// Liveness is non-empty when no request completed in the liveness phase.
	Liveness string
	// Online are the violations the monitor found in samples taken during
	// the run.
	Online []Violation

	// cmdAt is, per log index, the id (in Cmds) of the first command
	// applied there, -1 if none was; more lists the others applied at an
	// index, which only a broken Raft does. So an application is compared
	// with one command and needs no hashing.
	cmdAt []int
	more  map[int][]int
}

// Apply records server's report that it applied cmd, the entry at index of
// term, at virtual time at.
func (o *Observations) Apply(server, index, term int, cmd raft.Command, at int64) {
	o.Applied = append(o.Applied, Applied{Server: server, Index: index, Term: term, Cmd: o.cmdID(index, cmd), At: at})
}

// cmdID returns the id of cmd applied at index: the same id for the same
// command at one index (equal commands at two indexes may have two ids).
func (o *Observations) cmdID(index int, cmd raft.Command) int {
	// A working Raft applies index i after at least i-1 other applications,
	// so a table by index stays no longer than Applied; an index a broken
	// Raft made up goes to the map.
	dense := index >= 0 && index <= len(o.Applied)+1
	first := -1
	if dense {
		for len(o.cmdAt) <= index {
			o.cmdAt = append(o.cmdAt, -1)
		}
		first = o.cmdAt[index]
		if first >= 0 && o.Cmds[first] == cmd {
			return first
		}
	}
	for _, id := range o.more[index] {
		if o.Cmds[id] == cmd {
			return id
		}
	}
	id := len(o.Cmds)
	o.Cmds = append(o.Cmds, cmd)
	if dense && first < 0 {
		o.cmdAt[index] = id
	} else {
		if o.more == nil {
			o.more = map[int][]int{}
		}
		o.more[index] = append(o.more[index], id)
	}
	return id
}

// Violation is a broken property: which, and the evidence.
type Violation struct {
	Property string
	Detail   string
}

func (v Violation) Error() string { return v.Property + ": " + v.Detail }

// CheckSafety checks election safety, state machine safety, log matching and
// leader completeness (every entry some server applied is in the final log of
// every server that became leader in a later term and is at that index).
// Where the scenario bounds them (Observations.Stable), it also checks the
// elections a run needed.
func CheckSafety(o *Observations) []Violation {
	var out []Violation
	out = append(out, electionSafety(o)...)
	out = append(out, stateMachineSafety(o)...)
	out = append(out, logMatching(o)...)
	out = append(out, leaderCompleteness(o)...)
	out = append(out, leaderStability(o)...)
	return out
}

// leaderStability checks that the run elected at most o.Stable leaders
// per episode, on average: over a network that delivers well within the
// election timeout, one fault needs one election, sometimes two or three
// (a split vote elects nobody; a deposed leader, or a server rejoining
// with a higher term, can force one more). A server that stands while a
// fresh leader's heartbeats are on their way deposes it, and such servers
// keep deposing each other: elections pile up. The average over many
// episodes (about ten in a run) tells the two apart where a bound on each
// episode would not.
func leaderStability(o *Observations) []Violation {
	if o.Stable <= 0 {
		return nil
	}
	episodes := len(o.Episodes) + 1 // the run's start is one
	if n := len(o.Elections); n > o.Stable*episodes {
		return []Violation{{"leader stability", fmt.Sprintf("%d leaders elected in %d episodes (the run's start and a fault at each of %v), at most %d per episode expected",
			n, episodes, durations(o.Episodes), o.Stable)}}
	}
	return nil
}

func durations(ts []int64) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = time.Duration(t).Round(time.Millisecond)
	}
	return out
}

// leaderCompleteness checks that every entry some server applied (so
// committed) by time t is in the final log of every server elected leader
// after t: a correct server votes only for candidates holding every committed
// entry, and never truncates one. (An entry's own term says nothing about
// when it was committed: a later leader can commit an old entry.)
func leaderCompleteness(o *Observations) []Violation {
	first := map[int]int{} // index -> the position in o.Applied of its earliest application
	var order []int
	for i, a := range o.Applied {
		f, ok := first[a.Index]
		if !ok {
			order = append(order, a.Index)
		}
		if !ok || a.At < o.Applied[f].At {
			first[a.Index] = i
		}
	}
	for _, idx := range order {
		a := o.Applied[first[idx]]
		cmd := o.Cmds[a.Cmd]
		for _, e := range o.Elections {
			if e.At <= a.At {
				continue
			}
			log := o.Logs[e.Server]
			k := 0 // a.Index's place in log
			if len(log) > 0 {
				k = a.Index - log[0].Index
			}
			if len(log) == 0 || k < 0 {
				continue // not reported, or in the leader's snapshot, which holds no entries to compare
			}
			if k >= len(log) || log[k].Term != a.Term || k > 0 && log[k].Cmd != cmd {
				return []Violation{{"leader completeness", fmt.Sprintf(
					"entry %d (term %d, %s), applied by server %d at %v, is missing from the log of server %d, elected leader of term %d at %v",
					a.Index, a.Term, cmdString(cmd), a.Server, time.Duration(a.At), e.Server, e.Term, time.Duration(e.At))}}
			}
		}
	}
	return nil
}

func electionSafety(o *Observations) []Violation {
	var out []Violation
	for _, term := range sortedKeys(o.Leaders) {
		if ls := dedup(o.Leaders[term]); len(ls) > 1 {
			out = append(out, Violation{"election safety", fmt.Sprintf("term %d has leaders %v", term, ls)})
		}
	}
	return out
}

func stateMachineSafety(o *Observations) []Violation {
	var out []Violation
	at := map[int]int{} // index -> the position in o.Applied of the application to compare with
	for i, a := range o.Applied {
		p, ok := at[a.Index]
		if !ok {
			at[a.Index] = i
			continue
		}
		if prev := o.Applied[p]; prev.Term != a.Term || prev.Cmd != a.Cmd {
			out = append(out, Violation{"state machine safety", fmt.Sprintf(
				"index %d: server %d applied term %d %s, server %d applied term %d %s",
				a.Index, prev.Server, prev.Term, cmdString(o.Cmds[prev.Cmd]), a.Server, a.Term, cmdString(o.Cmds[a.Cmd]))})
			at[a.Index] = i // report each index once per disagreeing pair
		}
	}
	return out
}

// logMatching checks that whenever two final logs hold an entry with the same
// index and term, they agree on every entry up to that index. Only the logs
// at the end of the run are compared: a divergence later repaired by
// truncation is not seen here (state machine safety sees it if it was
// applied).
func logMatching(o *Observations) []Violation {
	var out []Violation
	servers := sortedKeys(o.Logs)
	for i, a := range servers {
		for _, b := range servers[i+1:] {
			la, lb := o.Logs[a], o.Logs[b]
			if len(la) == 0 || len(lb) == 0 {
				continue
			}
			// Compare the indexes both hold, from the later snapshot on:
			// la[i-sa] and lb[i-sb] are the slots of index i.
			sa, sb := la[0].Index, lb[0].Index
			lo, hi := max(sa, sb), min(sa+len(la), sb+len(lb))-1
			last := -1 // the highest index where both logs hold the same index and term
			for i := lo; i <= hi; i++ {
				if ea, eb := la[i-sa], lb[i-sb]; ea.Index == eb.Index && ea.Term == eb.Term {
					last = i
				}
			}
			for i := lo; i <= last; i++ {
				ea, eb := la[i-sa], lb[i-sb]
				if i == sa || i == sb {
					ea.Cmd, eb.Cmd = raft.Command{}, raft.Command{} // a snapshot's slot has no command
				}
				if ea != eb {
					out = append(out, Violation{"log matching", fmt.Sprintf(
						"servers %d and %d agree at index %d (term %d) but differ at index %d: %v vs %v",
						a, b, la[last-sa].Index, la[last-sa].Term, la[i-sa].Index, la[i-sa], lb[i-sb])})
					break
				}
			}
		}
	}
	return out
}

// CheckLinearizable checks the clients' history against a key-value store
// with porcupine, partitioned per key. On a violation it writes porcupine's
// interactive visualization to dir and returns its path.
func CheckLinearizable(history []Op, dir, name string) (ok bool, vis string, err error) {
	ops := make([]porcupine.Operation, len(history))
	for i, h := range history {
		var out kvOutput
		if h.Kind == "get" {
			out.value = h.Value
		}
		ops[i] = porcupine.Operation{
			ClientId: h.Client,
			Input:    kvInput{op: h.Kind, key: h.Key, value: inputValue(h)},
			Call:     h.Call,
			Output:   out,
			Return:   h.Return,
		}
	}
	res, info := porcupine.CheckOperationsVerbose(kvModel, ops, time.Minute)
	switch res {
	case porcupine.Ok:
		return true, "", nil
	case porcupine.Unknown:
		// The check ran out of (real) time: no verdict, which is not a
		// violation; say so and let the run pass on its other checks.
		fmt.Fprintf(os.Stderr, "raftsuite: porcupine gave no verdict on %d operations within its time budget\n", len(ops))
		return true, "", nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return false, "", err
	}
	vis = filepath.Join(dir, name+".html")
	if err := porcupine.VisualizePath(kvModel, info, vis); err != nil {
		return false, "", err
	}
	return false, vis, nil
}

func inputValue(h Op) string {
	if h.Kind == "get" {
		return ""
	}
	return h.Value
}

type kvInput struct{ op, key, value string }
type kvOutput struct{ value string }

// kvModel is a map of strings, checked one key at a time.
var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(kvInput).key
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, k := range sortedKeys(byKey) {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in, st := input.(kvInput), state.(string)
		switch in.op {
		case "get":
			return output.(kvOutput).value == st, st
		case "put":
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	DescribeOperation: func(input, output any) string {
		in := input.(kvInput)
		if in.op == "get" {
			return fmt.Sprintf("get(%q) -> %q", in.key, output.(kvOutput).value)
		}
		return fmt.Sprintf("%s(%q, %q)", in.op, in.key, in.value)
	},
	DescribeState: func(state any) string { return fmt.Sprintf("%q", state) },
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func dedup(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}

// String renders an entry for violation reports.
func (e Entry) String() string {
	return fmt.Sprintf("{%d term %d: %s}", e.Index, e.Term, cmdString(e.Cmd))
}

// cmdString renders a command for violation reports. (Commands are kept as
// values and compared as such; rendering every applied entry cost about 6%
// of a run.)
func cmdString(c raft.Command) string {
	return fmt.Sprintf("%v %q %q client %d seq %d", c.Op, c.Key, c.Value, c.ClientID, c.Seq)
}

// Report renders violations, one per line.
func Report(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s\n", v.Error())
	}
	return b.String()
}
