package fault

import (
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	"github.com/simgen/simgen/simstd"
)

// Dist is a distribution of durations, sampled from the run's seed.
type Dist = netsim.Dist

// Fixed returns the distribution that is always d.
func Fixed(d time.Duration) Dist { return netsim.Fixed(d) }

// Uniform returns the uniform distribution on [lo, hi].
func Uniform(lo, hi time.Duration) Dist { return netsim.Uniform(lo, hi) }

// Exponential returns floor plus an exponential delay of the given mean
// (capped at 20 means).
func Exponential(floor, mean time.Duration) Dist { return netsim.Exponential(floor, mean) }

// Network configures the simulated network of a run (SetNetwork). Zero
// fields mean the defaults.
type Network struct {
	// Latency is the one-way latency between two nodes, drawn for every
	// packet (default Uniform(100µs, 1ms)). Links deliver in order.
	Latency Dist
	// Loss, Duplicate and Reorder are the probabilities that a UDP datagram
	// between two nodes is lost, delivered twice, or overtaken by later
	// ones (default 0). TCP stays reliable and ordered.
	Loss, Duplicate, Reorder float64
	// TCPTimeout is how long a TCP segment may wait behind a partition
	// before its sender gives up with ETIMEDOUT (default 30s; negative:
	// never).
	TCPTimeout time.Duration
}

// NetStats counts what the network did in a run.
type NetStats = netsim.Stats

func current(what string) (*kernel.G, *netsim.Net) {
	g := kernel.Current()
	if g == nil {
		panic("fault." + what + " called outside a simulation")
	}
	return g, netsim.Of(g.Sim())
}

// SetNetwork configures the run's network; packets in flight keep their
// delivery times.
func SetNetwork(cfg Network) {
	g, n := current("SetNetwork")
	c := n.Config()
	c.Latency, c.Loss, c.Duplicate, c.Reorder, c.TCPTimeout = cfg.Latency, cfg.Loss, cfg.Duplicate, cfg.Reorder, cfg.TCPTimeout
	n.SetConfig(c)
	g.Sync()
}

// Stats returns what the run's network did so far.
func Stats() NetStats {
	_, n := current("Stats")
	return n.Stats()
}

func kernels(ns []*simstd.Node) []*kernel.Node {
	out := make([]*kernel.Node, len(ns))
	for i, x := range ns {
		out[i] = x.Kernel()
	}
	return out
}

// Partition cuts every link between a node of a and a node of b, both
// ways, until Heal.
func Partition(a, b []*simstd.Node) {
	g, n := current("Partition")
	for _, x := range kernels(a) {
		for _, y := range kernels(b) {
			n.Cut(x, y, true)
			n.Cut(y, x, true)
		}
	}
	g.Sync()
}

// PartitionOneWay cuts every link from a node of from to a node of to
// (traffic the other way still flows), until Heal.
func PartitionOneWay(from, to []*simstd.Node) {
	g, n := current("PartitionOneWay")
	for _, x := range kernels(from) {
		for _, y := range kernels(to) {
			n.Cut(x, y, true)
		}
	}
	g.Sync()
}

// Isolate cuts x off from every other node, including nodes created later,
// until Heal.
func Isolate(x *simstd.Node) {
	g, n := current("Isolate")
	n.CutNode(x.Kernel(), true)
	g.Sync()
}

// Heal lifts every partition and clog: what waited behind them is
// delivered, and later traffic flows again.
func Heal() {
	g, n := current("Heal")
	n.Heal()
	g.Sync()
}

// Clog stalls all traffic to and from x until Unclog (or Heal).
func Clog(x *simstd.Node) {
	g, n := current("Clog")
	n.ClogNode(x.Kernel(), true)
	g.Sync()
}

// Unclog lifts Clog(x); links clogged on their own stay clogged.
func Unclog(x *simstd.Node) {
	g, n := current("Unclog")
	n.ClogNode(x.Kernel(), false)
	g.Sync()
}

// ClogLink stalls the traffic from one node to another until UnclogLink
// (or Heal).
func ClogLink(from, to *simstd.Node) {
	g, n := current("ClogLink")
	n.Clog(from.Kernel(), to.Kernel(), true)
	g.Sync()
}

// UnclogLink lifts ClogLink(from, to).
func UnclogLink(from, to *simstd.Node) {
	g, n := current("UnclogLink")
	n.Clog(from.Kernel(), to.Kernel(), false)
	g.Sync()
}

// Hold stalls the messages between a and b, both ways, in flight and to
// come, until Release (turmoil's hold): ClogLink in both directions.
func Hold(a, b *simstd.Node) {
	g, n := current("Hold")
	n.Clog(a.Kernel(), b.Kernel(), true)
	n.Clog(b.Kernel(), a.Kernel(), true)
	g.Sync()
}

// Release delivers what Hold(a, b) held and lets traffic flow again.
func Release(a, b *simstd.Node) {
	g, n := current("Release")
	n.Clog(a.Kernel(), b.Kernel(), false)
	n.Clog(b.Kernel(), a.Kernel(), false)
	g.Sync()
}

// ResetConns resets every TCP connection between a and b (within a if they
// are the same node): each end receives an RST after the link's latency and
// fails its next read or write with ECONNRESET, as if a middlebox reset
// them.
func ResetConns(a, b *simstd.Node) {
	g, n := current("ResetConns")
	n.ResetConns(a.Kernel(), b.Kernel())
	g.Sync()
}

// LatencySpike multiplies the latency between nodes by factor for d (a new
// spike replaces the current one).
func LatencySpike(factor float64, d time.Duration) {
	g, n := current("LatencySpike")
	n.Spike(factor, d)
	g.Sync()
}

// Connected reports whether traffic flows from one node to another right
// now: the one-way link is neither cut (Partition, PartitionOneWay,
// Isolate, the nemesis's partitions) nor clogged (Clog, ClogLink, Hold).
// Checkers use it to tell a program's fault from the network's.
func Connected(from, to *simstd.Node) bool {
	_, n := current("Connected")
	cut, clog := n.Partitioned(from.Kernel(), to.Kernel())
	return !cut && !clog
}
