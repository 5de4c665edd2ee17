package sync_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

func TestRWMutexReadersShare(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		var holding, all sync.WaitGroup
		release := simstd.NewChan[struct{}](0)
		holding.Add(4)
		for range 4 {
			all.Go(func() {
				rw.RLock()
				holding.Done()
				release.Recv() // every reader holds the lock at once
				rw.RUnlock()
			})
		}
		holding.Wait()
		require.False(t, rw.TryLock())
		release.Close()
		all.Wait()
		require.True(t, rw.TryLock())
		rw.Unlock()
	})
}

func TestRWMutexWriterExcludes(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		var writers, readers exclusion
		var wg sync.WaitGroup
		value := 0
		for i := range 6 {
			wg.Go(func() {
				for range 20 {
					if i%2 == 0 {
						rw.Lock()
						writers.enter()
						assert.Zero(t, readers.inside.Load())
						v := value
						simstd.Gosched()
						value = v + 1
						writers.leave()
						rw.Unlock()
					} else {
						rw.RLock()
						readers.enter()
						assert.Zero(t, writers.inside.Load())
						simstd.Gosched()
						readers.leave()
						rw.RUnlock()
					}
				}
			})
		}
		wg.Wait()
		require.Equal(t, 60, value)
		require.EqualValues(t, 1, writers.max.Load())
	})
}

// TestRWMutexWriterPreference checks Go's rule: once a writer waits, new
// readers wait until it has acquired and released the lock.
func TestRWMutexWriterPreference(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		var events []string
		var evMu sync.Mutex
		record := func(e string) { evMu.Lock(); events = append(events, e); evMu.Unlock() }

		rw.RLock()
		writer := spawn(func() { rw.Lock(); record("writer"); rw.Unlock() })
		waitUntil(func() bool { _, w := rw.Queued(); return w == 1 })
		require.False(t, rw.TryRLock(), "TryRLock succeeded while a writer waited")
		reader := spawn(func() { rw.RLock(); record("reader"); rw.RUnlock() })
		sleep(10 * time.Millisecond)
		evMu.Lock()
		require.Empty(t, events, "a reader or the writer got in while a read lock was held")
		evMu.Unlock()
		rw.RUnlock()
		writer.Recv()
		reader.Recv()
		require.Equal(t, []string{"writer", "reader"}, events)
	})
}

func TestRWMutexTryLocks(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		require.True(t, rw.TryRLock())
		require.True(t, rw.TryRLock())
		require.False(t, rw.TryLock())
		rw.RUnlock()
		rw.RUnlock()
		require.True(t, rw.TryLock())
		require.False(t, rw.TryRLock())
		require.False(t, rw.TryLock())
		rw.Unlock()
	})
}

func TestRWMutexReadersBlockedByWriterGoFirst(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		var released atomic.Int32
		rw.Lock()
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(rw.RLock)
		}
		waitUntil(func() bool { r, _ := rw.Queued(); return r == 3 })
		w2 := spawn(func() {
			rw.Lock()
			assert.EqualValues(t, 3, released.Load(), "the second writer got in before the readers left")
			rw.Unlock()
		})
		waitUntil(func() bool { _, w := rw.Queued(); return w == 1 })
		rw.Unlock()
		wg.Wait() // every reader got the lock although a writer waited
		for range 3 {
			released.Add(1)
			rw.RUnlock()
		}
		w2.Recv()
	})
}

func TestRWMutexRLocker(t *testing.T) {
	dual(t, func(t *testing.T) {
		var rw sync.RWMutex
		l := rw.RLocker()
		l.Lock()
		l.Lock()
		require.False(t, rw.TryLock())
		require.True(t, rw.TryRLock())
		rw.RUnlock()
		l.Unlock()
		l.Unlock()
		require.True(t, rw.TryLock())
		rw.Unlock()
	})
}

func TestRWMutexMisuseIsFatalInSimulation(t *testing.T) {
	for name, tc := range map[string]struct {
		f   func(rw *sync.RWMutex)
		msg string
	}{
		"RUnlock of unlocked":     {func(rw *sync.RWMutex) { rw.RUnlock() }, "sync: RUnlock of unlocked RWMutex"},
		"RUnlock of write-locked": {func(rw *sync.RWMutex) { rw.Lock(); rw.RUnlock() }, "sync: RUnlock of unlocked RWMutex"},
		"Unlock of unlocked":      {func(rw *sync.RWMutex) { rw.Unlock() }, "sync: Unlock of unlocked RWMutex"},
		"Unlock of read-locked":   {func(rw *sync.RWMutex) { rw.RLock(); rw.Unlock() }, "sync: Unlock of unlocked RWMutex"},
	} {
		t.Run(name, func(t *testing.T) {
			r := run(1, func() { tc.f(new(sync.RWMutex)) })
			var fe *simstd.FatalError
			require.ErrorAs(t, r.Err, &fe)
			assert.Equal(t, tc.msg, fe.Msg)
		})
	}
}

func TestRWMutexDeadlockReasons(t *testing.T) {
	r := run(1, func() {
		var rw sync.RWMutex
		rw.RLock()
		simstd.Go(func() { rw.Lock() })
		waitUntil(func() bool { _, w := rw.Queued(); return w == 1 })
		rw.RLock() // blocked behind the waiting writer: a deadlock
	})
	var de *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &de)
	var reasons []string
	for _, g := range de.Goroutines {
		reasons = append(reasons, g.Wait)
	}
	assert.ElementsMatch(t, []string{"sync.RWMutex.RLock", "sync.RWMutex.Lock"}, reasons)
}
