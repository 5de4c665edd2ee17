package fault

import (
	"fmt"
	"math"

	"github.com/simgen/simgen/internal/fssim"
	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
)

// Disk describes the faults of simulated disks (see simstd/os). Every draw
// comes from the run's seed, so a failing seed replays with the same
// faults, and every injected fault is mixed into the trace hash.
type Disk struct {
	// WriteErr is the probability that a write (Write, WriteAt, Truncate,
	// opening with O_TRUNC) or a Sync fails with EIO. A failed write writes
	// nothing; a failed Sync makes nothing durable.
	WriteErr float64
	// ReadErr is the probability that a read (Read, ReadAt) fails with EIO.
	ReadErr float64
	// TornWrites makes a crash (Node.Kill) keep, of each file's writes since
	// its last Sync, a random prefix (the last write kept possibly cut at a
	// random byte) instead of none.
	TornWrites bool
}

// SetDisk sets the disk faults of every node of the calling simulation,
// including nodes created later, except those given their own with
// SetNodeDisk. The zero Disk, the default, injects no fault. Like the other
// faults, it is mixed into the trace hash and is a scheduling point.
func SetDisk(d Disk) {
	g := diskGoroutine("SetDisk")
	f := d.faults()
	fssim.SetRunFaults(g.Sim(), f)
	d.mix(g, 0)
}

// SetNodeDisk sets the disk faults of node n alone, overriding SetDisk.
func SetNodeDisk(n *simstd.Node, d Disk) {
	g := diskGoroutine("SetNodeDisk")
	fssim.SetNodeFaults(n.Kernel(), d.faults())
	d.mix(g, uint64(n.Kernel().ID())+1)
}

// mix records the setting in the trace hash (node 0: every node) and lets
// the scheduler switch.
func (d Disk) mix(g *kernel.G, node uint64) {
	torn := uint64(0)
	if d.TornWrites {
		torn = 1
	}
	s := g.Sim()
	s.Event(node<<1 | torn)
	s.Event(math.Float64bits(d.WriteErr))
	s.Event(math.Float64bits(d.ReadErr))
	g.Sync()
}

// DiskOf returns the disk faults in effect on node n.
func DiskOf(n *simstd.Node) Disk {
	diskGoroutine("DiskOf")
	f := fssim.NodeFaults(n.Kernel())
	return Disk{WriteErr: f.WriteErr, ReadErr: f.ReadErr, TornWrites: f.TornWrites}
}

func (d Disk) faults() fssim.Faults {
	for _, p := range []float64{d.WriteErr, d.ReadErr} {
		if p < 0 || p > 1 || p != p {
			panic(fmt.Sprintf("fault.Disk: probability %v is not in [0, 1]", p))
		}
	}
	return fssim.Faults{WriteErr: d.WriteErr, ReadErr: d.ReadErr, TornWrites: d.TornWrites}
}

func diskGoroutine(what string) *kernel.G {
	g := kernel.Current()
	if g == nil {
		panic("fault." + what + " called outside a simulation")
	}
	return g
}
