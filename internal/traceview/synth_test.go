package traceview

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// synth builds a synthetic trace with every kind of event the viewer draws: nodes created,
// killed, restarted, paused and resumed, messages delivered, dropped and in flight, a
// partition and its heal, a clog, a timed latency fault, log lines and disk syncs.
type synth struct {
	step uint64
	t    int64
	evs  []Event
}

func (s *synth) add(ev kernel.TraceEvent) {
	ev.Step, ev.T = s.step, s.t
	s.evs = append(s.evs, Event{TraceEvent: ev})
}

func (s *synth) at(d time.Duration) { s.t += int64(d) }

// synthTrace returns the events and the number of messages they hold (one arrow each).
func synthTrace() ([]Event, int) {
	s := &synth{}
	s.evs = append(s.evs, Event{TraceEvent: kernel.TraceEvent{Kind: EvMeta}, Seed: 42, Test: "TestCluster"})
	s.add(kernel.TraceEvent{Kind: "spawn", Node: "main", G: 1, Pos: "cluster_test.go:10"})
	s.step++
	s.add(kernel.TraceEvent{Kind: "run", Node: "main", G: 1})
	g := uint64(2)
	for _, n := range []string{"n1", "n2", "n3"} {
		s.add(kernel.TraceEvent{Kind: "node", Node: n, G: 1, Detail: "created 10.0.0." + n[1:]})
		s.add(kernel.TraceEvent{Kind: "spawn", Node: n, G: g, Pos: "cluster_test.go:14"})
		g++
	}
	msg := uint64(0)
	send := func(from, to string, gid uint64) uint64 {
		msg++
		s.step++
		s.add(kernel.TraceEvent{Kind: "run", Node: from, G: gid})
		s.add(kernel.TraceEvent{Kind: "net.send", Node: from, G: gid, Peer: to, Msg: msg, Size: 64, Pos: "raft.go:120",
			Detail: fmt.Sprintf("tcp 10.0.0.%s:41000->10.0.0.%s:7000", from[1:], to[1:])})
		s.add(kernel.TraceEvent{Kind: "block", Node: from, G: gid, Reason: "chan receive", Pos: "raft.go:130"})
		return msg
	}
	deliver := func(from, to string, id, gid uint64) {
		s.at(time.Millisecond)
		s.add(kernel.TraceEvent{Kind: "time"})
		s.add(kernel.TraceEvent{Kind: "net.deliver", Node: to, G: gid, Peer: from, Msg: id})
		s.add(kernel.TraceEvent{Kind: "unblock", Node: to, G: gid})
	}
	// Two delivered messages.
	m1 := send("n1", "n2", 2)
	deliver("n1", "n2", m1, 3)
	m2 := send("n2", "n1", 3)
	deliver("n2", "n1", m2, 2)
	s.add(kernel.TraceEvent{Kind: "log", Node: "n1", G: 2, Pos: "raft.go:200", Detail: "n1: became leader in term 1"})
	s.add(kernel.TraceEvent{Kind: "disk.sync", Node: "n1", G: 2, Pos: "storage.go:40", Detail: "/data/raft.state"})
	// A partition; a message across it is dropped; heal.
	s.step++
	s.add(kernel.TraceEvent{Kind: "fault", G: 1, Detail: "partition n1,n2 | n3"})
	m3 := send("n1", "n3", 2)
	s.add(kernel.TraceEvent{Kind: "net.drop", Node: "n1", Peer: "n3", Msg: m3, Reason: "partition"})
	s.at(time.Second)
	s.add(kernel.TraceEvent{Kind: "time"})
	s.add(kernel.TraceEvent{Kind: "fault", G: 1, Detail: "heal"})
	// Node n3 killed and restarted; n2 paused and resumed; n2 clogged and unclogged.
	s.add(kernel.TraceEvent{Kind: "node", Node: "n3", G: 1, Detail: "killed"})
	s.add(kernel.TraceEvent{Kind: "fault", Node: "n2", G: 1, Detail: "clog n2"})
	s.add(kernel.TraceEvent{Kind: "node", Node: "n2", G: 1, Detail: "paused"})
	s.at(500 * time.Millisecond)
	s.add(kernel.TraceEvent{Kind: "time"})
	s.add(kernel.TraceEvent{Kind: "node", Node: "n2", G: 1, Detail: "resumed"})
	s.add(kernel.TraceEvent{Kind: "fault", Node: "n2", G: 1, Detail: "unclog n2"})
	s.add(kernel.TraceEvent{Kind: "fault", G: 1, Detail: "latency x10 for 2s"})
	s.at(time.Second)
	s.add(kernel.TraceEvent{Kind: "time"})
	s.add(kernel.TraceEvent{Kind: "node", Node: "n3", G: 1, Detail: "restarted"})
	s.add(kernel.TraceEvent{Kind: "spawn", Node: "n3", G: g, Pos: "cluster_test.go:14"})
	m4 := send("n3", "n1", g)
	deliver("n3", "n1", m4, 2)
	s.at(2 * time.Second) // the latency fault is over
	s.add(kernel.TraceEvent{Kind: "time"})
	// A message still in flight at the end.
	send("n1", "n2", 2)
	s.step++
	s.add(kernel.TraceEvent{Kind: "run", Node: "main", G: 1})
	s.add(kernel.TraceEvent{Kind: "exit", Node: "main", G: 1})
	s.add(kernel.TraceEvent{Kind: "end", Detail: "ok"})
	s.evs = append(s.evs, Event{TraceEvent: kernel.TraceEvent{Kind: EvResult, Step: s.step, T: s.t}, Seed: 42, Strategy: "random", Hash: "0123456789abcdef"})
	return s.evs, 5
}

// jsonl encodes events as a trace file.
func jsonl(t testing.TB, evs []Event) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, ev := range evs {
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// bigTrace returns a trace of about n events on nodes nodes: scheduling events with
// messages between the nodes every few events.
func bigTrace(n, nodes int) []Event {
	s := &synth{}
	name := func(i int) string { return fmt.Sprintf("node%d", i) }
	for i := range nodes {
		s.add(kernel.TraceEvent{Kind: "node", Node: name(i), Detail: "created"})
	}
	msg := uint64(0)
	for len(s.evs) < n {
		s.step++
		i := int(s.step/5) % nodes
		g := uint64(i + 1)
		s.add(kernel.TraceEvent{Kind: "run", Node: name(i), G: g})
		s.add(kernel.TraceEvent{Kind: "block", Node: name(i), G: g, Reason: "chan receive", Pos: "x.go:10"})
		if s.step%5 == 0 {
			msg++
			j := (i + 1 + int(s.step/7)%(nodes-1)) % nodes
			s.add(kernel.TraceEvent{Kind: "net.send", Node: name(i), G: g, Peer: name(j), Msg: msg})
			s.at(time.Microsecond * 50)
			s.add(kernel.TraceEvent{Kind: "time"})
			s.add(kernel.TraceEvent{Kind: "net.deliver", Node: name(j), Peer: name(i), Msg: msg})
		}
		s.add(kernel.TraceEvent{Kind: "unblock", Node: name(i), G: g})
	}
	s.add(kernel.TraceEvent{Kind: "end", Detail: "ok"})
	return s.evs
}
