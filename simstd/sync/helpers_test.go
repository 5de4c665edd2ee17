package sync_test

import (
	"github.com/simgen/simgen/internal/simtest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
)

// simSeeds is the number of seeds each dual-mode test explores in a
// simulation when the environment does not choose them.
const simSeeds = 30

// dual runs the behaviour test f natively and in simulations (seeds 1 to
// simSeeds unless SIMGEN_SEED or SIMGEN_SEEDS say otherwise).
func dual(t *testing.T, f func(t *testing.T)) { simtest.DualSeeds(t, simSeeds, f) }

// sleep waits d: in virtual time inside a simulation, in real time outside.
// (The time shim is not used here, to keep this package's tests self-contained.)
func sleep(d time.Duration) {
	g := kernel.Current()
	if g == nil {
		time.Sleep(d)
		return
	}
	s := g.Sim()
	s.NewTimer(func() { s.Ready(g) }).ScheduleAfter(d)
	g.Park("sleep")
}

// spawn starts f as a goroutine (simulated inside a simulation) and returns a
// channel closed when f returns.
func spawn(f func()) *simstd.Chan[struct{}] {
	done := simstd.NewChan[struct{}](0)
	simstd.Go(func() {
		defer done.Close()
		f()
	})
	return done
}

// waitUntil polls cond with scheduling points (and short real sleeps
// natively) until it holds.
func waitUntil(cond func() bool) {
	for !cond() {
		if simstd.InSimulation() {
			simstd.Gosched()
			sleep(time.Millisecond)
		} else {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// run runs fn in a simulation with seed and the limits of simstd.Test.
func run(seed uint64, fn func()) simstd.Result {
	return simstd.Run(simstd.Config{Seed: seed, MaxTime: time.Hour, GoexitEndsRun: true}, fn)
}

// exclusion tracks how many goroutines are inside a critical section.
type exclusion struct {
	inside atomic.Int32
	max    atomic.Int32
}

func (e *exclusion) enter() {
	n := e.inside.Add(1)
	for {
		m := e.max.Load()
		if n <= m || e.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (e *exclusion) leave() { e.inside.Add(-1) }
