package kernel

import (
	"fmt"
	"net/netip"
	"slices"
)

// NodeState is the life cycle of a simulated node.
type NodeState uint8

const (
	NodeUp     NodeState = iota // its goroutines run
	NodePaused                  // its runnable goroutines are held until Resume
	NodeDown                    // killed; Restart boots it again
)

func (st NodeState) String() string {
	switch st {
	case NodeUp:
		return "up"
	case NodePaused:
		return "paused"
	}
	return "down"
}

// NodeEvent is what happened to a node, for the hooks shims register with
// OnNode.
type NodeEvent uint8

const (
	NodeKilled    NodeEvent = iota // after its goroutines stopped and its timers were cancelled
	NodeRestarted                  // before its main runs again
	NodePausedEv                   // after its goroutines were held
	NodeResumed                    // after its held goroutines became runnable again
)

func (ev NodeEvent) String() string {
	return [...]string{"killed", "restarted", "paused", "resumed"}[ev]
}

// Node is a simulated machine: every goroutine and timer belongs to one, and
// shims keep its network endpoints and disk under Node.Ext. Node 0 is the
// run's default node, where the main goroutine and everything not placed on
// another node runs. Fields are touched only from inside the simulation.
type Node struct {
	sim  *Sim
	id   int    // index in sim.nodes; 0 is the default node
	name string // unique in the run; also the node's hostname
	addr netip.Addr

	// main is run by Restart; nil for nodes that only host goroutines
	// started with Go (and for the default node, which cannot be killed).
	main func()

	state NodeState

	// boot counts the node's lives: Kill ends one, so state stamped with
	// an older boot (a connection, a file handle) belongs to a dead process.
	boot uint64

	// held are the node's runnable goroutines while it is paused, in the
	// order they became runnable, so Resume requeues them deterministically.
	held []*G

	exts map[any]any // shim state that survives restarts (the disk), by shim key
}

// ID returns the node's index in its run (0 for the default node).
func (n *Node) ID() int { return n.id }

// Name returns the node's name, which is also its hostname.
func (n *Node) Name() string { return n.name }

// Addr returns the node's IP address.
func (n *Node) Addr() netip.Addr { return n.addr }

// State returns whether the node is up, paused or down.
func (n *Node) State() NodeState { return n.state }

// Boot returns the number of times the node was killed: state created in an
// earlier life of the node compares unequal.
func (n *Node) Boot() uint64 { return n.boot }

// HasMain reports whether the node has a main function, so Restart works.
func (n *Node) HasMain() bool { return n.main != nil }

// Sim returns the simulation the node belongs to.
func (n *Node) Sim() *Sim { return n.sim }

// Ext returns the node's shim state stored under key, creating it with mk on
// first use. It survives Kill and Restart, as a disk does.
func (n *Node) Ext(key any, mk func() any) any {
	if v, ok := n.exts[key]; ok {
		return v
	}
	if n.exts == nil {
		n.exts = make(map[any]any)
	}
	v := mk()
	n.exts[key] = v
	return v
}

func (n *Node) String() string { return n.name }

// nodeAddr is the IP address of node id: 10.0.0.1 for the default node, then
// counting up.
func nodeAddr(id int) netip.Addr {
	v := uint32(10)<<24 | uint32(id+1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// DefaultNodeName is the name of the node that runs the main goroutine.
const DefaultNodeName = "main"

func (s *Sim) addNode(name string, main func()) *Node {
	n := &Node{sim: s, id: len(s.nodes), name: name, addr: nodeAddr(len(s.nodes)), main: main}
	s.nodes = append(s.nodes, n)
	return n
}

// NewNode creates a node named name that runs main as its first goroutine,
// and again on every Restart; main may be nil for a node that only hosts
// goroutines started with Node.Go. It must be called from inside s.
func (s *Sim) NewNode(name string, main func()) (*Node, error) {
	if name == "" {
		return nil, fmt.Errorf("simgen: a node needs a name")
	}
	if s.NodeByName(name) != nil {
		return nil, fmt.Errorf("simgen: a node named %q already exists", name)
	}
	n := s.addNode(name, main)
	s.h.mix(tagNode, uint64(n.id)<<8|uint64(NodeRestarted))
	if s.tr != nil {
		s.trace(TraceEvent{Kind: EvNode, Node: n.name, Detail: "created " + n.addr.String()})
	}
	if main != nil {
		s.spawn(main, n)
	}
	return n, nil
}

// Nodes returns the run's nodes in creation order, the default node first.
func (s *Sim) Nodes() []*Node { return slices.Clone(s.nodes) }

// NodeByName returns the node named name, or nil.
func (s *Sim) NodeByName(name string) *Node {
	for _, n := range s.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}

// NodeByAddr returns the node with IP address a, or nil.
func (s *Sim) NodeByAddr(a netip.Addr) *Node {
	for _, n := range s.nodes {
		if n.addr == a {
			return n
		}
	}
	return nil
}

// DefaultNode returns the node of the run's main goroutine.
func (s *Sim) DefaultNode() *Node { return s.nodes[0] }

// OnNode registers f to run after each node event, in registration order.
// Shims register once per run (from the mk function of Sim.Ext).
func (s *Sim) OnNode(f func(n *Node, ev NodeEvent)) { s.nodeHooks = append(s.nodeHooks, f) }

func (s *Sim) nodeEvent(n *Node, ev NodeEvent) {
	s.h.mix(tagNode, uint64(n.id)<<8|uint64(ev))
	if s.tr != nil {
		s.trace(TraceEvent{Kind: EvNode, Node: n.name, Detail: ev.String()})
	}
	for _, f := range s.nodeHooks {
		f(n, ev)
	}
}

// Go starts fn as a goroutine on n. Like the go statement, it is a
// scheduling point when called from a simulated goroutine. A goroutine
// started on a down node never runs.
func (n *Node) Go(cur *G, fn func()) {
	g := n.sim.spawn(fn, n)
	if n.state == NodeDown {
		n.sim.crash(g)
	}
	if cur != nil {
		cur.Sync()
	}
}

// Kill crashes n: its goroutines run no further user code (a goroutine of n
// that calls Kill stops at its next scheduling point), its pending timers are
// cancelled, and then the shims' hooks tear down its network endpoints and
// volatile disk state. Deferred calls of the killed goroutines do not run
// while the run goes on; they run when the run ends, with the other leftover
// goroutines, when they can no longer change its outcome.
func (n *Node) Kill() error {
	s := n.sim
	if n.id == 0 {
		return fmt.Errorf("simgen: the default node %q runs the simulation's main goroutine and cannot be killed", n.name)
	}
	if n.state == NodeDown {
		return nil
	}
	for _, g := range slices.Clone(s.all) {
		if g.node == n {
			s.crash(g)
		}
	}
	n.held = nil
	for _, t := range slices.Clone(s.timers) {
		if t.node == n {
			t.Cancel()
		}
	}
	n.state = NodeDown
	n.boot++
	s.nodeEvent(n, NodeKilled)
	return nil
}

// crash takes g out of the run for good: no user code of it runs again. It
// stays a coroutine until the run ends, when unwind ends it like the others.
func (s *Sim) crash(g *G) {
	if g.crashed {
		return
	}
	g.crashed = true
	g.dead.Store(true) // channels and locks drop it from their wait queues
	if i := slices.Index(s.runq, g); i >= 0 {
		s.runq = slices.Delete(s.runq, i, i+1)
	}
	last := s.all[len(s.all)-1]
	s.all[g.allIdx] = last
	last.allIdx = g.allIdx
	s.all = s.all[:len(s.all)-1]
	g.allIdx = -1
	s.zombies = append(s.zombies, g)
	s.h.mix(tagExit, g.id)
}

// Restart boots n again: if it is up it is killed first, then its main runs
// again as a new goroutine, on the disk that survived.
func (n *Node) Restart() error {
	if n.main == nil {
		return fmt.Errorf("simgen: node %q has no main function to restart", n.name)
	}
	if err := n.Kill(); err != nil {
		return err
	}
	n.state = NodeUp
	n.sim.nodeEvent(n, NodeRestarted)
	n.sim.spawn(n.main, n)
	return nil
}

// Pause stops scheduling n's goroutines, as SIGSTOP would: those that become
// runnable wait until Resume, while its timers keep firing and its network
// keeps receiving.
func (n *Node) Pause() error {
	s := n.sim
	if n.id == 0 {
		return fmt.Errorf("simgen: the default node %q runs the simulation's main goroutine and cannot be paused", n.name)
	}
	if n.state != NodeUp {
		return nil
	}
	n.state = NodePaused
	kept := s.runq[:0]
	for _, g := range s.runq {
		if g.node == n {
			g.wait = "node paused"
			n.held = append(n.held, g)
		} else {
			kept = append(kept, g)
		}
	}
	clear(s.runq[len(kept):])
	s.runq = kept
	s.nodeEvent(n, NodePausedEv)
	return nil
}

// Resume lets a paused node's goroutines run again.
func (n *Node) Resume() error {
	if n.state != NodePaused {
		return nil
	}
	n.state = NodeUp
	for _, g := range n.held {
		g.wait = ""
	}
	n.sim.runq = append(n.sim.runq, n.held...)
	n.held = nil
	n.sim.nodeEvent(n, NodeResumed)
	return nil
}
