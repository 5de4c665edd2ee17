package simstd

import (
	"fmt"
	"net/netip"

	"github.com/simgen/simgen/internal/kernel"
)

// Node is a simulated machine in a run: it has a name (also its hostname),
// an IP address, and owns every goroutine, timer, connection, listener and
// file created by its goroutines (a goroutine's node is inherited by the
// goroutines it starts). The run's main goroutine runs on the default node,
// named "main", at 10.0.0.1; NewNode creates the others.
//
// Node methods must be called from inside the simulation. Misuse (a duplicate
// name, killing the default node) panics, as closing a closed channel does.
type Node struct{ k *kernel.Node }

// NewNode creates a node named name and starts main on it; Restart runs main
// again on the node's surviving disk. main may be nil for a node that only
// hosts goroutines started with Node.Go (a client machine).
func NewNode(name string, main func()) *Node {
	g := mustCurrent("NewNode")
	n, err := g.Sim().NewNode(name, main)
	if err != nil {
		panic(err)
	}
	g.Sync() // like a go statement
	return &Node{n}
}

// CurrentNode returns the node of the calling goroutine.
func CurrentNode() *Node { return &Node{mustCurrent("CurrentNode").Node()} }

// NodeNamed returns the node named name, or nil.
func NodeNamed(name string) *Node {
	if n := mustCurrent("NodeNamed").Sim().NodeByName(name); n != nil {
		return &Node{n}
	}
	return nil
}

// Nodes returns the run's nodes in creation order, the default node first.
func Nodes() []*Node {
	var out []*Node
	for _, n := range mustCurrent("Nodes").Sim().Nodes() {
		out = append(out, &Node{n})
	}
	return out
}

func mustCurrent(what string) *kernel.G {
	g := kernel.Current()
	if g == nil {
		panic(fmt.Sprintf("simstd.%s called outside a simulation", what))
	}
	return g
}

// Name returns the node's name, which is also its hostname.
func (n *Node) Name() string { return n.k.Name() }

// Addr returns the node's IP address.
func (n *Node) Addr() netip.Addr { return n.k.Addr() }

// String returns the node's name.
func (n *Node) String() string { return n.k.Name() }

// Up reports whether the node is running (not killed, not paused).
func (n *Node) Up() bool { return n.k.State() == kernel.NodeUp }

// State returns "up", "paused" or "down".
func (n *Node) State() string { return n.k.State().String() }

// HasMain reports whether the node was created with a main function, which
// Restart runs again.
func (n *Node) HasMain() bool { return n.k.HasMain() }

// Go starts fn as a goroutine on the node. It is a scheduling point, as a go
// statement is.
func (n *Node) Go(fn func()) { n.k.Go(mustCurrent("Node.Go"), fn) }

// Kill crashes the node, as pulling its power cord would: its goroutines run
// no further user code (one that kills its own node stops at its next
// scheduling point), its timers are cancelled, its listeners close, peers see
// its connections reset, and its disk keeps only what was synced. Deferred
// calls of its goroutines do not run while the run goes on (they run when the
// run ends, when they can no longer change its outcome). Killing a node that
// is down does nothing.
func (n *Node) Kill() { n.must(n.k.Kill()) }

// Restart kills the node if it is up and boots it again: its main function
// runs as a new goroutine on the disk that survived. Package-level variables
// are shared by all nodes and are not reset.
func (n *Node) Restart() { n.must(n.k.Restart()) }

// Pause stops running the node's goroutines, as SIGSTOP would: its timers
// still fire and its connections still receive, but nothing it runs makes
// progress until Resume.
func (n *Node) Pause() { n.must(n.k.Pause()) }

// Resume lets a paused node run again.
func (n *Node) Resume() { n.must(n.k.Resume()) }

func (n *Node) must(err error) {
	if err != nil {
		panic(err)
	}
	if g := kernel.Current(); g != nil {
		g.Sync()
	}
}

// Kernel returns the runtime's node, for simgen's own shims.
func (n *Node) Kernel() *kernel.Node { return n.k }
