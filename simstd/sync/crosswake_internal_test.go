package sync

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
)

// TestCrossWake checks that native code which would release a simulated
// goroutine panics with kernel.ErrCrossWake (a clear message, not a hang),
// leaving the simulated goroutine blocked: the run then reports it.
func TestCrossWake(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func() (block func(), queued func() bool, release func())
		reason  string
	}{
		{"Mutex", func() (func(), func() bool, func()) {
			var mu Mutex
			mu.Lock()
			return mu.Lock, func() bool { return mu.waiting.Load() > 0 }, mu.Unlock
		}, reasonMutexLock},
		{"RWMutex", func() (func(), func() bool, func()) {
			var rw RWMutex
			rw.Lock()
			return rw.RLock, func() bool { return queued(&rw.mu, &rw.rq) }, rw.Unlock
		}, reasonRWRLock},
		{"WaitGroup", func() (func(), func() bool, func()) {
			var wg WaitGroup
			wg.Add(1)
			return wg.Wait, func() bool { return queued(&wg.mu, &wg.wq) }, wg.Done
		}, reasonWaitGroup},
		{"Cond", func() (func(), func() bool, func()) {
			c := NewCond(new(Mutex))
			wait := func() { c.L.Lock(); c.Wait() }
			isQueued := func() bool {
				c.mu.Lock()
				defer c.mu.Unlock()
				return len(c.waiters) > 0 && c.waiters[0].parked
			}
			return wait, isQueued, c.Signal
		}, reasonCondWait},
	} {
		t.Run(tc.name, func(t *testing.T) {
			block, isQueued, release := tc.prepare()
			var stop atomic.Bool
			res := make(chan simstd.Result, 1)
			go func() {
				res <- simstd.Run(simstd.Config{Seed: 1}, func() {
					// Keep the run alive while native code acts.
					simstd.Go(func() {
						for !stop.Load() {
							simstd.Gosched()
						}
					})
					block()
				})
			}()
			for !isQueued() {
				time.Sleep(time.Millisecond)
			}
			assert.Equal(t, kernel.ErrCrossWake, catch(release))
			stop.Store(true)
			r := <-res
			var de *simstd.DeadlockError
			require.True(t, errors.As(r.Err, &de), "got %v", r.Err)
			require.Len(t, de.Goroutines, 1)
			assert.Equal(t, tc.reason, de.Goroutines[0].Wait)
		})
	}
}

func queued(mu interface {
	Lock()
	Unlock()
}, q *waitq) bool {
	mu.Lock()
	defer mu.Unlock()
	return len(*q) > 0
}

func catch(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// TestUnwindLeavesCleanState checks that goroutines unwound at the end of a
// run, while blocked or just granted a lock, leave no trace in package-level
// primitives.
func TestUnwindLeavesCleanState(t *testing.T) {
	var (
		mu Mutex
		rw RWMutex
		wg WaitGroup
		c  = NewCond(new(Mutex))
	)
	for seed := uint64(1); seed <= 40; seed++ {
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			wg.Add(1)
			rw.Lock()
			mu.Lock()
			for range 3 {
				simstd.Go(func() { rw.RLock(); defer rw.RUnlock(); simstd.Gosched() })
				simstd.Go(func() { rw.Lock(); defer rw.Unlock(); simstd.Gosched() })
				simstd.Go(func() { mu.Lock(); defer mu.Unlock(); simstd.Gosched() })
				simstd.Go(wg.Wait)
				simstd.Go(func() { c.L.Lock(); c.Wait(); c.L.Unlock() })
			}
			simstd.Gosched()
			mu.Unlock()
			rw.Unlock()
			simstd.Gosched()
			c.Broadcast()
			wg.Done()
		})
		require.NoError(t, r.Err)
		require.Zero(t, mu.waiting.Load(), "seed %d", seed)
		require.Empty(t, mu.q)
		require.True(t, mu.TryLock(), "seed %d", seed)
		mu.Unlock()
		require.Zero(t, rw.readers, "seed %d", seed)
		require.False(t, rw.writer, "seed %d", seed)
		require.Empty(t, rw.rq)
		require.Empty(t, rw.wq)
		require.Zero(t, wg.count)
		require.Empty(t, wg.wq)
		require.Empty(t, c.waiters)
	}
}
