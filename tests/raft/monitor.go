package raftsuite

import (
	"fmt"
	"time"

	raft "github.com/simgen/simgen/example/raft/sim"
)

// Monitor checks Raft's invariants on samples of the servers' state taken
// while the run goes on, not only on what is left at its end: a log that
// breaks an invariant is often repaired later (a stale suffix overwritten,
// a stale leader deposed), so final logs alone miss it. It works on
// ordinary values, so it is tested natively (monitor_test.go); the cluster
// feeds it from inside the simulation.
type Monitor struct {
	// entries records, for every (index, term) pair any log ever held, the
	// entry and the term of its predecessor, as first seen. Log matching
	// across servers and time is then one lookup per new entry: if each
	// pair always comes with the same command and the same predecessor
	// term, then by induction any two logs holding the same pair agree on
	// every entry up to it; a pair seen with another is a violation.
	entries map[[2]int]seenEntry
	// last is each server's log at its previous sample: entries that did
	// not change since were checked then.
	last map[int][]raft.Entry
	// spare is, per server, an empty buffer for its next sample, which
	// last does not share: the log before last.
	spare map[int][]raft.Entry
	// stale maps a (leader, peer) pair to when the leader was first seen
	// leading a term lower than the peer's while the two could talk.
	stale map[[2]int]staleSince
	// StaleAfter is how long a leader may go on leading a term lower than
	// a peer it can talk to both ways: long enough for a heartbeat, its
	// reply and a redial after a partition (several round trips). Zero
	// turns the check off: under latency spikes a reply can take longer
	// than any bound.
	StaleAfter time.Duration

	// elected is, per server, the term it last won and its commit index
	// at that moment.
	elected map[int]election

	// Violations are what the monitor found, the first of each property.
	Violations []Violation
	reported   map[string]bool
}

type election struct{ term, commit int }

// staleSince is when a leader was first seen leading term below a peer.
type staleSince struct {
	at   int64
	term int
}

type seenEntry struct {
	cmd      raft.Command
	prevTerm int
	server   int
	at       int64
}

// NewMonitor returns a monitor with no samples yet.
func NewMonitor() *Monitor {
	return &Monitor{
		entries:  map[[2]int]seenEntry{},
		last:     map[int][]raft.Entry{},
		spare:    map[int][]raft.Entry{},
		stale:    map[[2]int]staleSince{},
		elected:  map[int]election{},
		reported: map[string]bool{},
	}
}

// violate records a violation, once per property (the first is the
// evidence; a broken run tends to repeat it at every sample).
func (m *Monitor) violate(property, format string, args ...any) {
	if m.reported[property] {
		return
	}
	m.reported[property] = true
	m.Violations = append(m.Violations, Violation{property, fmt.Sprintf(format, args...)})
}

// Forget drops what the monitor knows of server's current life, as when
// the server restarts: its next sample is checked whole, and it leads
// nothing.
func (m *Monitor) Forget(server int) {
	if l, ok := m.last[server]; ok {
		m.spare[server] = l[:0]
	}
	delete(m.last, server)
	delete(m.elected, server)
}

// Elected records that server won term when its commit index was commit.
func (m *Monitor) Elected(server, term, commit int) { m.elected[server] = election{term, commit} }

// OldEntry reports whether server, having won a term, applies an entry of
// an earlier term that it did not know committed when it won: then
// LeaderCommit must check how it learned that the entry is committed.
func (m *Monitor) OldEntry(server, index, term int) bool {
	e, ok := m.elected[server]
	return ok && term < e.term && index > e.commit
}

// LeaderCommit checks the commit rule of Raft's §5.4.2 on a leader seen at
// virtual time at, with st its status and commitTerm the term of the entry
// at st.CommitIndex: a leader commits only entries of its own term by
// counting replicas (earlier entries are committed with them), so once it
// has moved its commit index past where it stood when it won, the entry
// there is of its own term. Counting replicas of an older entry is unsafe:
// a leader that never saw it can still be elected and overwrite it (the
// paper's Figure 8).
func (m *Monitor) LeaderCommit(server int, at int64, st raft.Status, commitTerm int) {
	e, ok := m.elected[server]
	if !ok || st.State != raft.Leader || st.Term != e.term || st.CommitIndex <= e.commit || commitTerm == st.Term {
		return
	}
	m.violate("leader commit rule", "server %d, leader of term %d since its commit index was %d, has committed up to entry %d, of term %d, at %v",
		server, st.Term, e.commit, st.CommitIndex, commitTerm, time.Duration(at))
}

// Spare returns an empty buffer with room for n entries, to read server's
// next sample into: the monitor no longer needs its contents, and Log may
// keep it. A new one has room to spare, as logs grow between samples.
func (m *Monitor) Spare(server, n int) []raft.Entry {
	if b := m.spare[server]; cap(b) >= n {
		return b
	}
	return make([]raft.Entry, 0, n+n/2)
}

// Base returns the index that position 0 of server's last sample stood
// for: the last entry its snapshot had replaced (0 if none, or no sample).
func (m *Monitor) Base(server int) int {
	if l := m.last[server]; len(l) > 0 {
		return l[0].Index
	}
	return 0
}

// Log checks server's log as raft.Server.Log returns it (position 0 stands
// for the entries its snapshot replaced), sampled at virtual time at: each
// entry sits at its own index, terms never decrease along the log, and
// every (index, term) pair holds the same command after the same
// predecessor term as everywhere and always before.
func (m *Monitor) Log(server int, at int64, log []raft.Entry) {
	prev := m.last[server]
	base := log[0].Index
	// Positions from k on are new since the previous sample; the entries
	// before them were checked then.
	k := 1
	if len(prev) > 0 {
		shift := base - prev[0].Index // entries compacted since
		for k < len(log) && k+shift >= 1 && k+shift < len(prev) && log[k] == prev[k+shift] {
			k++
		}
	}
	m.last[server] = log
	m.spare[server] = prev[:0] // nil after Forget: last must not be handed out
	for ; k < len(log); k++ {
		e, i := log[k], base+k
		if e.Index != i {
			m.violate("log shape", "server %d at %v: the place of entry %d holds entry %d", server, time.Duration(at), i, e.Index)
			return
		}
		prevTerm := log[k-1].Term
		if e.Term < prevTerm {
			m.violate("log terms", "server %d at %v: entry %d has term %d after term %d (terms never decrease along a log: a stale suffix was left behind)",
				server, time.Duration(at), i, e.Term, prevTerm)
		}
		key := [2]int{e.Index, e.Term}
		s, ok := m.entries[key]
		if !ok {
			m.entries[key] = seenEntry{cmd: e.Command, prevTerm: prevTerm, server: server, at: at}
			continue
		}
		if s.cmd != e.Command || s.prevTerm != prevTerm {
			m.violate("log matching", "entry %d of term %d: server %d held %s after an entry of term %d at %v; server %d holds %s after an entry of term %d at %v",
				e.Index, e.Term, s.server, cmdString(s.cmd), s.prevTerm, time.Duration(s.at), server, cmdString(e.Command), prevTerm, time.Duration(at))
		}
	}
}

// ServerState is one server as a sample of the cluster sees it.
type ServerState struct {
	Up     bool // booted, and neither down nor paused
	Status raft.Status
}

// Roles checks the servers' roles sampled at virtual time at: a leader
// that can talk both ways (connected(a, b) for a link a -> b) with a peer
// in a higher term must stop leading its old term within StaleAfter, since
// its heartbeats draw replies carrying the higher term. A leader cut off
// from that peer may rightly lead on: it cannot know.
func (m *Monitor) Roles(at int64, st []ServerState, connected func(from, to int) bool) {
	if m.StaleAfter <= 0 {
		return
	}
	for l, ls := range st {
		for p, ps := range st {
			key := [2]int{l, p}
			if l == p || !ls.Up || !ps.Up || ls.Status.State != raft.Leader || ps.Status.Term <= ls.Status.Term ||
				!connected(l, p) || !connected(p, l) {
				delete(m.stale, key)
				continue
			}
			since, ok := m.stale[key]
			if !ok || since.term != ls.Status.Term {
				m.stale[key] = staleSince{at, ls.Status.Term}
				continue
			}
			if time.Duration(at-since.at) > m.StaleAfter {
				m.violate("stale leader", "server %d has led term %d since at least %v although server %d, in a higher term (%d at %v), has been reachable both ways since then",
					l, ls.Status.Term, time.Duration(since.at), p, ps.Status.Term, time.Duration(at))
			}
		}
	}
}
