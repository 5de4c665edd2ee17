// Package synctest stands for the standard library's testing/synctest in
// simulated variants: simgen rewrites an import of "testing/synctest" to this
// package.
//
// Its semantics are a subset of the simulation's, which it maps onto: inside
// a simulation the whole run is the bubble. Time is the run's virtual clock
// (it starts at simstd.Epoch, not at midnight UTC 2000-01-01) and moves only
// when no goroutine can run; Wait returns once every other goroutine of the
// run is blocked; Test runs f in a goroutine of its own, runs the cleanups f
// registers and cancels the context of t.Context just before it returns, and
// waits for the goroutines started meanwhile to exit or block (blocked ones
// make it panic, as Go's). The clock is also moved by the simulation's model
// of compute time, so sleeps are not exact to the nanosecond. Unlike Go's, goroutines
// started before Test are part of the bubble too, and a goroutine blocked on
// a sync.Mutex counts as blocked. Outside a simulation, Test and Wait are the
// standard library's.
package synctest

import (
	"testing"
	"testing/synctest"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/testhook"
)

// Test executes f in a bubble (see the package documentation) and waits for
// the goroutines started in it to exit. It panics if some remain blocked, as
// the standard library's does.
func Test(t *testing.T, f func(*testing.T)) {
	if kernel.Current() == nil || testhook.Bubble == nil {
		synctest.Test(t, f)
		return
	}
	testhook.Bubble(t, f)
}

// Wait blocks until every goroutine within the current bubble, other than the
// current goroutine, is blocked: in a simulation, until no other goroutine of
// the run can run, before the virtual clock moves on.
func Wait() {
	if g := kernel.Current(); g != nil {
		g.WaitIdle()
		return
	}
	synctest.Wait()
}
