package fssim

import (
	"os"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// fsKey keys a node's file system in Node.Ext.
type fsKey struct{}

// runKey keys the run-wide disk state in Sim.Ext.
type runKey struct{}

// run is the disk state of one simulation: the default faults, and the file
// systems created so far, for the node hooks.
type run struct {
	faults Faults
	byNode map[*kernel.Node]*nodeFS
}

type nodeFS struct {
	fs     *FS
	faults *Faults // the node's own faults; nil: the run's
}

// simEnv adapts a kernel.Sim to Env.
type simEnv struct{ s *kernel.Sim }

func (e simEnv) Now() time.Time { return kernel.Epoch.Add(e.s.Now()) }
func (e simEnv) Rand() uint64   { return e.s.Rand() }
func (e simEnv) Event(v uint64) { e.s.Event(v) }

func runOf(s *kernel.Sim) *run {
	return s.Ext(runKey{}, func() any {
		r := &run{byNode: make(map[*kernel.Node]*nodeFS)}
		s.OnNode(func(n *kernel.Node, ev kernel.NodeEvent) {
			if ev != kernel.NodeKilled {
				return
			}
			if nf := r.byNode[n]; nf != nil {
				nf.fs.Crash()
			}
		})
		return r
	}).(*run)
}

func nodeOf(n *kernel.Node) *nodeFS {
	return n.Ext(fsKey{}, func() any {
		r := runOf(n.Sim())
		nf := &nodeFS{}
		nf.fs = New(simEnv{n.Sim()}, func() Faults {
			if nf.faults != nil {
				return *nf.faults
			}
			return r.faults
		})
		nf.fs.dev = uint64(n.ID()) + 1
		if wd, err := os.Getwd(); err == nil {
			// The process's working directory (a test's package directory) is every
			// node's home, so relative paths find what they find natively.
			nf.fs.Home(wd)
		}
		r.byNode[n] = nf
		return nf
	}).(*nodeFS)
}

// Of returns the file system of node n, creating it on first use. It rolls
// back to its durable state whenever n is killed.
func Of(n *kernel.Node) *FS { return nodeOf(n).fs }

// SetRunFaults sets the faults of every node of s that has no faults of its
// own, including nodes created later.
func SetRunFaults(s *kernel.Sim, f Faults) { runOf(s).faults = f }

// SetNodeFaults sets the faults of node n, overriding the run's.
func SetNodeFaults(n *kernel.Node, f Faults) { nodeOf(n).faults = &f }

// NodeFaults returns the faults in effect on node n.
func NodeFaults(n *kernel.Node) Faults { return nodeOf(n).fs.curFaults() }
