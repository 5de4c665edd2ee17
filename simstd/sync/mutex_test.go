package sync_test

import (
	"errors"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

func TestMutexExclusion(t *testing.T) {
	dual(t, func(t *testing.T) {
		var mu sync.Mutex
		var ex exclusion
		var wg sync.WaitGroup
		counter := 0
		for range 8 {
			wg.Go(func() {
				for range 50 {
					mu.Lock()
					ex.enter()
					c := counter
					simstd.Gosched()
					counter = c + 1
					ex.leave()
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Equal(t, 400, counter)
		require.EqualValues(t, 1, ex.max.Load())
	})
}

func TestMutexTryLock(t *testing.T) {
	dual(t, func(t *testing.T) {
		var mu sync.Mutex
		require.True(t, mu.TryLock())
		require.False(t, mu.TryLock())
		require.False(t, spawnResult(func() bool { return mu.TryLock() }))
		mu.Unlock()
		require.True(t, mu.TryLock())
		mu.Unlock()
	})
}

// spawnResult runs f in another goroutine and returns its result.
func spawnResult(f func() bool) bool {
	var r bool
	spawn(func() { r = f() }).Recv()
	return r
}

func TestMutexUnlockByOtherGoroutine(t *testing.T) {
	dual(t, func(t *testing.T) {
		var mu sync.Mutex
		mu.Lock()
		spawn(func() { mu.Unlock() }).Recv()
		mu.Lock() // does not block: the other goroutine unlocked it
		//lint:ignore SA2001 lock and unlock only
		mu.Unlock()
	})
}

func TestMutexBlocksUntilUnlock(t *testing.T) {
	dual(t, func(t *testing.T) {
		var mu sync.Mutex
		var got atomic.Bool
		mu.Lock()
		done := spawn(func() {
			mu.Lock()
			got.Store(true)
			mu.Unlock()
		})
		sleep(10 * time.Millisecond)
		require.False(t, got.Load(), "Lock returned while the mutex was held")
		mu.Unlock()
		done.Recv()
		require.True(t, got.Load())
	})
}

// Unlocking an unlocked mutex is a fatal error in Go, which no recover stops:
// in a simulation it ends the run, with a report.
func TestMutexUnlockOfUnlockedIsFatalInSimulation(t *testing.T) {
	recovered := any("not run")
	r := run(1, func() {
		var mu sync.Mutex
		defer func() { recovered = recover() }()
		mu.Unlock()
	})
	var fe *simstd.FatalError
	require.ErrorAs(t, r.Err, &fe)
	assert.Equal(t, "sync: unlock of unlocked mutex", fe.Msg)
	assert.Equal(t, simstd.KindFatal, simstd.FailureKind(r.Err))
	assert.Contains(t, fe.Error(), "fatal error: sync: unlock of unlocked mutex\n\ngoroutine 1 [running]:\n")
	assert.Contains(t, fe.Stack, "mutex_test.go:")
	assert.Equal(t, "not run", recovered, "a fatal error runs no deferred call (no recover), as in Go")
}

func TestMutexDeadlockReport(t *testing.T) {
	r := run(1, func() {
		var mu sync.Mutex
		mu.Lock()
		simstd.Go(func() { mu.Lock() })
		mu.Lock()
	})
	var de *simstd.DeadlockError
	require.True(t, errors.As(r.Err, &de), "got %v", r.Err)
	require.Len(t, de.Goroutines, 2)
	for _, g := range de.Goroutines {
		assert.Equal(t, "sync.Mutex.Lock", g.Wait)
	}
	assert.Contains(t, r.Err.Error(), "[sync.Mutex.Lock]")
}

// pkgMutex is shared by runs, as a package-level lock of simulated code is.
var pkgMutex sync.Mutex

func TestMutexSharedByRunsAndNativeCode(t *testing.T) {
	pkgMutex.Lock() // at "package initialization"
	//lint:ignore SA2001 lock and unlock only
	pkgMutex.Unlock()
	for seed := uint64(1); seed <= 10; seed++ {
		// Runs end with goroutines parked in Lock or woken but not yet
		// running; the next run must find the mutex free and no stale waiter.
		r := run(seed, func() {
			pkgMutex.Lock()
			for range 3 {
				//lint:ignore SA2001 lock and unlock only
				simstd.Go(func() { pkgMutex.Lock(); pkgMutex.Unlock() })
			}
			simstd.Gosched()
			pkgMutex.Unlock()
		})
		require.NoError(t, r.Err)
		require.True(t, pkgMutex.TryLock(), "seed %d left the mutex locked", seed)
		pkgMutex.Unlock()
	}
	r := run(1, func() {
		pkgMutex.Lock()
		simstd.Go(func() { pkgMutex.Lock() })
		simstd.Gosched()
	})
	require.NoError(t, r.Err)
	// The run ended with the mutex held, as Go leaves it; native code sees that.
	require.False(t, pkgMutex.TryLock())
	pkgMutex.Unlock()
	require.True(t, pkgMutex.TryLock())
	pkgMutex.Unlock()
}

// TestFatalErrorsNatively checks, in a child process, that misuse outside a
// simulation is Go's own fatal error.
func TestFatalErrorsNatively(t *testing.T) {
	if which := os.Getenv("SIMGEN_SYNC_FATAL"); which != "" {
		switch which {
		case "mutex":
			var mu sync.Mutex
			mu.Unlock()
		case "runlock":
			var rw sync.RWMutex
			rw.RUnlock()
		case "unlock":
			var rw sync.RWMutex
			rw.RLock()
			rw.Unlock()
		}
		return
	}
	for which, msg := range map[string]string{
		"mutex":   "fatal error: sync: unlock of unlocked mutex",
		"runlock": "fatal error: sync: RUnlock of unlocked RWMutex",
		"unlock":  "fatal error: sync: Unlock of unlocked RWMutex",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFatalErrorsNatively$")
		cmd.Env = append(os.Environ(), "SIMGEN_SYNC_FATAL="+which)
		out, err := cmd.CombinedOutput()
		require.Error(t, err, which)
		assert.Contains(t, string(out), msg, which)
	}
}
