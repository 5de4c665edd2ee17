package simstd

import (
	"runtime"
	"strings"
	"testing"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/testhook"
)

// testState is the simulation's side of one test or subtest: what Go's
// testing package keeps for a test between its function returning and its
// end (cleanups, the context, parallel subtests), kept here so that all of
// it happens inside the simulation, on the virtual clock, while every
// goroutine of the test is still alive. Its fields are touched only by the
// run's simulated goroutines, one at a time.
type testState struct {
	t      *testing.T
	parent *testState // nil for the run's top-level test

	// cleanups are the functions registered with Cleanup, run last first
	// once the test function and its parallel subtests are done.
	cleanups []func()

	// ctx is what t.Context() returns (simstd/context.TestContext), made on
	// first use; cancel cancels it just before the cleanups run, as Go does.
	ctx    any
	cancel func()

	// released is closed when Subtest's caller may go on: the subtest
	// called Parallel, or it ended. nil for a top-level test.
	released *kernel.Chan[struct{}]

	// parallel is set by Parallel; done is then closed when the subtest
	// ended (its cleanups ran), for its parent to wait on.
	parallel bool
	// denyParallel is set by Setenv and Chdir, after which Parallel panics.
	denyParallel bool
	done         *kernel.Chan[struct{}]

	// bodyDone is closed when the test function returned (its defers ran),
	// releasing the parallel subtests, which wait on it; made by the first
	// of them.
	bodyDone *kernel.Chan[struct{}]

	// parallelSubs are the subtests that called Parallel, in that order:
	// the test waits for them before its cleanups.
	parallelSubs []*testState

	// subs are the subtests started and not yet handed back to the testing
	// package (see finishNative).
	subs []*testState

	// finished and result are the hand-over with the native goroutine
	// running the subtest's t.Run: closing finished lets the subtest's
	// function return there, and result then says t.Run returned. nil for
	// a top-level test.
	finished chan struct{}
	result   chan bool
	// nativeDone is set once finished was closed and t.Run returned.
	nativeDone bool
}

// testsKey keys the run's map from each *testing.T to its state (Sim.Ext).
type testsKey struct{}

func testsOf(s *kernel.Sim) map[*testing.T]*testState {
	return s.Ext(testsKey{}, func() any { return map[*testing.T]*testState{} }).(map[*testing.T]*testState)
}

// lookupTest returns the state of t in the caller's run, nil when the caller
// is not simulated or t is not a test of its run.
func lookupTest(t *testing.T) *testState {
	g := kernel.Current()
	if g == nil {
		return nil
	}
	return testsOf(g.Sim())[t]
}

func newTestState(s *kernel.Sim, t *testing.T, parent *testState) *testState {
	ts := &testState{t: t, parent: parent}
	testsOf(s)[t] = ts
	if parent != nil {
		parent.subs = append(parent.subs, ts)
	}
	return ts
}

// uncountedGoroutines is the number of goroutines Go would count in
// runtime.NumGoroutine besides the run's simulated ones: in a test's run, the
// test binary's main goroutine, which waits for the test (the test's own
// goroutine is the run's main goroutine, and subtests' are simulated).
func uncountedGoroutines(s *kernel.Sim) int {
	if len(testsOf(s)) > 0 {
		return 1
	}
	return 0
}

// runTest is the main goroutine of a test's run: body, then what Go's
// testing package does once a test function returns.
func runTest(t *testing.T, body func(t *testing.T)) {
	ts := newTestState(kernel.Current().Sim(), t, nil)
	defer ts.end()
	body(t)
}

// end runs when the test function returned, normally or by
// runtime.Goexit (t.FailNow, t.SkipNow), or panicked. Like Go's tRunner it
// releases the parallel subtests, waits for them, cancels the context and
// runs the cleanups. On a panic Go runs the cleanups without waiting for
// the parallel subtests, and the panic then fails the run. Once the run's
// outcome is fixed (it failed elsewhere and this goroutine is being
// unwound) nothing more runs in it: the cleanups are dropped.
func (ts *testState) end() {
	if runOver() {
		return
	}
	if !panicking() {
		if ts.bodyDone != nil {
			ts.bodyDone.Close()
		}
		for _, sub := range ts.parallelSubs {
			sub.done.Recv()
		}
	}
	ts.runCleanups()
}

// runCleanups cancels the context and runs the cleanups, last registered
// first, including those that cleanups register. A cleanup that calls
// t.FailNow (runtime.Goexit) does not keep the others from running, as in Go.
func (ts *testState) runCleanups() {
	if ts.cancel != nil {
		ts.cancel()
	}
	defer func() {
		if len(ts.cleanups) > 0 && !runOver() {
			ts.runCleanups()
		}
	}()
	for len(ts.cleanups) > 0 {
		last := len(ts.cleanups) - 1
		f := ts.cleanups[last]
		ts.cleanups = ts.cleanups[:last]
		f()
	}
}

// finishNative hands the subtest back to the testing package: its function
// returns in the native goroutine running t.Run, which reports it. The
// subtest's own subtests are handed back first, since Go requires a test's
// t.Run calls to return before its function does. A subtest the run left
// unfinished (the run failed meanwhile) is reported as failed.
func (ts *testState) finishNative(failed bool) {
	if ts.nativeDone {
		return
	}
	for _, sub := range ts.subs {
		sub.finishNative(failed)
	}
	ts.subs = nil
	ts.nativeDone = true
	if failed {
		ts.t.Fail()
	}
	close(ts.finished)
	<-ts.result
	if p := ts.parent; p != nil {
		if i := indexOf(p.subs, ts); i >= 0 {
			p.subs = append(p.subs[:i], p.subs[i+1:]...)
		}
	}
}

func indexOf(list []*testState, ts *testState) int {
	for i, x := range list {
		if x == ts {
			return i
		}
	}
	return -1
}

// runOver reports whether the caller runs in a simulation whose outcome is
// already fixed (its goroutines are being unwound).
func runOver() bool {
	g := kernel.Current()
	return g == nil || g.Sim().Over()
}

// panicking reports whether the deferred call that calls it runs because of
// a panic (rather than a return or runtime.Goexit): Go gives no other way to
// tell without recovering, which would lose the panic's stack for the report.
func panicking() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.gopanic":
			return true
		case "runtime.Goexit", "runtime.deferreturn":
			return false
		}
		if !more || strings.HasPrefix(f.Function, "github.com/simgen/simgen/internal/kernel.") {
			return false
		}
	}
}

// Cleanup stands for t.Cleanup(f) in generated code. Outside a simulation it
// is t.Cleanup (after cancelling the context of simstd/context.TestContext,
// as Go does before any cleanup). Inside one, for a test of the run, f runs in the simulation
// after the test function returned and its parallel subtests ended, last
// registered first, while the test's other goroutines are still alive, as
// Go runs it before the test ends.
func Cleanup(t testing.TB, f func()) {
	if tt, ok := t.(*testing.T); ok {
		if ts := lookupTest(tt); ts != nil {
			ts.cleanups = append(ts.cleanups, f)
			return
		}
	}
	t.Cleanup(func() {
		testhook.CancelNative(t)
		f()
	})
}

func init() {
	testhook.Context = testContext
	testhook.Bubble = bubble
}

// testContext implements testhook.Context, for simstd/context.TestContext,
// which stands for t.Context() in generated tests.
func testContext(t any, mk func() (ctx any, cancel func())) (any, bool) {
	tt, ok := t.(*testing.T)
	if !ok {
		return nil, false
	}
	ts := lookupTest(tt)
	if ts == nil {
		return nil, false
	}
	if ts.ctx == nil {
		ts.ctx, ts.cancel = mk()
	}
	return ts.ctx, true
}

// bubble implements testhook.Bubble, for simstd/testing/synctest.Test in a
// simulation: the run is the bubble (its clock is the virtual clock, and
// WaitIdle waits for all of its goroutines), and what Go's Test adds is done
// here: f runs in a goroutine of its own; cleanups that f registers run in
// the simulation just before Test returns, after the context that f gets
// from t.Context is cancelled; Test then lets the goroutines started
// meanwhile run until they exit or block, and panics as Go's does if some
// are blocked (the clock does not move for them). A t.FailNow in f ends f; Test then
// fails t as Go's does (t.FailNow).
func bubble(t *testing.T, f func(*testing.T)) {
	g := kernel.Current()
	s := g.Sim()
	before := s.NumGoroutine()
	failedBefore := t.Failed()
	ts := testsOf(s)[t]
	var (
		savedCleanups []func()
		savedCtx      any
		savedCancel   func()
	)
	if ts != nil {
		savedCleanups, savedCtx, savedCancel = ts.cleanups, ts.ctx, ts.cancel
		ts.cleanups, ts.ctx, ts.cancel = nil, nil, nil
	}
	done := kernel.NewChan[struct{}](0)
	g.Go(func() {
		defer done.Close()
		if ts != nil {
			defer func() {
				if !runOver() {
					ts.runCleanups()
				}
			}()
		}
		f(t)
	})
	done.Recv()
	if ts != nil {
		ts.cleanups, ts.ctx, ts.cancel = savedCleanups, savedCtx, savedCancel
	}
	if s.NumGoroutine() > before {
		g.WaitIdle()
		if s.NumGoroutine() > before {
			panic("deadlock: main bubble goroutine has exited but blocked goroutines remain")
		}
	}
	if !failedBefore && t.Failed() {
		t.FailNow()
	}
}
