package simstd

import (
	"os"
	"runtime"

	"github.com/simgen/simgen/internal/kernel"
)

// EnvBuggify turns fault points off for every run ("off"); by default they are on.
const EnvBuggify = "SIMGEN_BUGGIFY"

// Fault points follow FoundationDB's BUGGIFY: a site is enabled for a whole
// run with probability buggifySite, drawn from the seed the first time the run
// reaches it, and an enabled site fires with probability buggifyFire each time.
// Two levels make rare combinations of faults reachable: most runs see a few
// sites misbehave often rather than every site misbehave rarely.
const (
	buggifySite = 0.25
	buggifyFire = 0.25
)

// buggifyKey keys the per-run fault-point state in Sim.Ext.
type buggifyKey struct{}

// buggifyState is one run's fault-point decisions.
type buggifyState struct {
	off   bool             // SIMGEN_BUGGIFY=off
	sites map[uintptr]bool // call site PC: enabled in this run
}

// Buggify reports whether the fault point at its call site fires: use it to
// make code under test take its rare paths (a short write, an early timeout,
// a dropped cache) in some runs:
//
//	if simstd.Buggify() {
//		return errTransient
//	}
//
// It is always false outside a simulation, so it can stay in production code.
// Inside one, whether the site is enabled in this run and whether it fires
// each time both come from the seed. SIMGEN_BUGGIFY=off disables every site.
func Buggify() bool { return buggify(buggifyFire) }

// BuggifyWithProb is Buggify with its own probability p of firing when the
// site is enabled.
func BuggifyWithProb(p float64) bool { return buggify(p) }

func buggify(p float64) bool {
	g := kernel.Current()
	if g == nil {
		return false
	}
	s := g.Sim()
	st := s.Ext(buggifyKey{}, func() any {
		return &buggifyState{off: os.Getenv(EnvBuggify) == "off", sites: map[uintptr]bool{}}
	}).(*buggifyState)
	if st.off {
		return false
	}
	var pc [1]uintptr
	runtime.Callers(3, pc[:])
	on, seen := st.sites[pc[0]]
	if !seen {
		on = chance(s, buggifySite)
		st.sites[pc[0]] = on
	}
	return on && chance(s, p)
}

// chance draws true with probability p from the run's generator.
func chance(s *kernel.Sim, p float64) bool {
	return float64(s.Rand()>>11)/(1<<53) < p
}
