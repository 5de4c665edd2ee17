package simstd

import (
	"testing"

	"github.com/simgen/simgen/internal/kernel"
	simos "github.com/simgen/simgen/simstd/os"
)

// Subtest stands for t.Run(name, f) in generated tests. Outside a simulation
// it is t.Run. Inside one, the testing package still creates and reports the
// subtest, but f runs as a simulated goroutine of the caller's run (on the
// caller's node), so that f's scheduling points, virtual time and failures
// belong to the simulation. As in Go, Subtest returns when f and its
// cleanups are done, or as soon as f calls Parallel; t.FailNow in f ends f.
func Subtest(t *testing.T, name string, f func(t *testing.T)) bool {
	g := kernel.Current()
	if g == nil {
		return t.Run(name, f)
	}
	// t.Run blocks its caller on the testing package's channels, which a
	// simulated goroutine must not do for long: a native goroutine calls it,
	// and the subtest's own goroutine hands its *testing.T over and waits
	// until the simulation is done with the subtest (finishNative). The
	// simulated goroutines wait natively only for these hand-offs, which
	// involve no simulated goroutine.
	started := make(chan *testing.T)
	finished := make(chan struct{})
	result := make(chan bool, 1)
	go func() {
		result <- t.Run(name, func(st *testing.T) {
			started <- st
			<-finished
		})
	}()
	var st *testing.T
	select {
	case st = <-started:
	case ok := <-result: // the subtest did not run (-run filters it out)
		return ok
	}
	s := g.Sim()
	// parent is nil when t is not a test of this run (handed in from
	// outside): its subtests still run in the simulation, but Parallel does
	// nothing in them, since nothing says when t's function returns.
	ts := newTestState(s, st, testsOf(s)[t])
	ts.finished, ts.result = finished, result
	ts.released = kernel.NewChan[struct{}](0)
	// If the run ends while the caller waits (a deadlock, a panic, a
	// limit), unwinding ends the caller in released.Recv before the
	// subtest, which may never have started: the subtest is still handed
	// back, as failed.
	defer func() {
		if runOver() {
			ts.finishNative(true)
		}
	}()
	g.Go(func() {
		defer func() {
			over := runOver()
			ts.finishNative(over)
			if over {
				return
			}
			if ts.parallel {
				ts.done.Close()
			} else {
				ts.released.Close()
			}
		}()
		defer ts.end() // also on t.FailNow's runtime.Goexit
		f(st)
	})
	ts.released.Recv()
	return !st.Failed()
}

// Parallel stands for t.Parallel() in generated tests. Outside a simulation it
// is t.Parallel. Inside one, for a subtest, it does what Go's does: the
// subtest's caller (Subtest) returns, and the subtest waits until its
// parent's test function has returned, then runs concurrently with its
// parallel siblings as a simulated goroutine; the parent's cleanups wait
// for them all. A top-level test runs alone in its simulation, so there
// Parallel does nothing.
func Parallel(t *testing.T) {
	if kernel.Current() == nil {
		t.Parallel()
		return
	}
	ts := lookupTest(t)
	if ts == nil || ts.parent == nil {
		return
	}
	if ts.parallel {
		panic("testing: t.Parallel called multiple times")
	}
	if ts.denyParallel {
		panic(parallelConflict)
	}
	ts.parallel = true
	ts.done = kernel.NewChan[struct{}](0)
	p := ts.parent
	p.parallelSubs = append(p.parallelSubs, ts)
	if p.bodyDone == nil {
		p.bodyDone = kernel.NewChan[struct{}](0)
	}
	ts.released.Close()
	p.bodyDone.Recv()
}

// Setenv stands for t.Setenv(key, value) in generated tests, and Chdir for
// t.Chdir(dir). As in Go they panic in a test that called Parallel, or whose
// ancestor did, and a later Parallel panics; the testing package then sets the
// variable (changes the directory) and restores it after the test.
func Setenv(t *testing.T, key, value string) {
	denyParallel(t)
	t.Setenv(key, value)
}

// Chdir stands for t.Chdir(dir) in generated tests (see Setenv).
func Chdir(t *testing.T, dir string) {
	denyParallel(t)
	t.Chdir(dir)
}

// parallelConflict is the testing package's panic value for Parallel with
// Setenv or Chdir, in both orders (Go 1.26).
const parallelConflict = "testing: test using t.Setenv, t.Chdir, or cryptotest.SetGlobalRandom can not use t.Parallel"

func denyParallel(t *testing.T) {
	if kernel.Current() == nil {
		return // the testing package checks
	}
	ts := lookupTest(t)
	for p := ts; p != nil; p = p.parent {
		if p.parallel {
			panic(parallelConflict)
		}
	}
	if ts != nil {
		ts.denyParallel = true
	}
}

// TempDir stands for t.TempDir() in generated tests. The testing package
// creates the directory (and removes it after the test); inside a simulation
// it is also created on the calling goroutine's node's simulated disk, where
// the test's file operations go.
func TempDir(t *testing.T) string {
	dir := t.TempDir()
	if kernel.Current() != nil {
		if err := simos.MkdirAll(dir, 0o700); err != nil {
			t.Fatalf("simgen: creating the test's temporary directory on the simulated disk: %v", err)
		}
		// The testing package removes its real directory; the simulated one goes
		// with the test's cleanups too, as t.TempDir's does.
		Cleanup(t, func() { simos.RemoveAll(dir) })
	}
	return dir
}
