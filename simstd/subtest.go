package simstd

import (
	"testing"

	"github.com/simgen/simgen/internal/kernel"
	simos "github.com/simgen/simgen/simstd/os"
)

// Subtest stands for t.Run(name, f) in generated tests. Outside a simulation
// it is t.Run. Inside one, the testing package still creates and reports the
// subtest, but f runs as a simulated goroutine of the caller's run (on the
// caller's node) while the caller waits for it, so that f's scheduling points,
// virtual time and failures belong to the simulation. t.FailNow in f ends f,
// as it does natively; the subtest's t.Cleanup functions run when f returns,
// outside the simulation.
func Subtest(t *testing.T, name string, f func(t *testing.T)) bool {
	g := kernel.Current()
	if g == nil {
		return t.Run(name, f)
	}
	// t.Run blocks its caller on the testing package's channels, which a
	// simulated goroutine must not do for long: a native goroutine calls it,
	// and the subtest's own goroutine hands its *testing.T over and waits
	// until the simulation has run f. The simulated caller waits natively only
	// for these hand-offs, which involve no simulated goroutine.
	started := make(chan *testing.T)
	finished := make(chan struct{})
	result := make(chan bool)
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
	// If the run ends inside f (a deadlock, a panic, a limit), unwinding ends
	// this goroutine in done.Recv: the subtest is still ended, as failed.
	completed := false
	defer func() {
		if !completed {
			st.Fail()
		}
		close(finished)
		<-result
	}()
	done := kernel.NewChan[struct{}](0)
	g.Go(func() {
		defer done.Close() // also on t.FailNow's runtime.Goexit
		f(st)
	})
	done.Recv()
	completed = true
	return !st.Failed()
}

// Parallel stands for t.Parallel() in generated tests. Outside a simulation it
// is t.Parallel. Inside one it does nothing: the subtest keeps running at once,
// as the schedule where the parallel subtests run one after another.
func Parallel(t *testing.T) {
	if kernel.Current() == nil {
		t.Parallel()
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
	}
	return dir
}
