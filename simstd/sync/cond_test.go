package sync_test

import (
	"reflect"
	stdsync "sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

// countingLocker is a foreign Locker: it never blocks and counts its calls.
type countingLocker struct{ locks, unlocks atomic.Int32 }

func (l *countingLocker) Lock()   { l.locks.Add(1) }
func (l *countingLocker) Unlock() { l.unlocks.Add(1) }

func lockers() map[string]func() sync.Locker {
	return map[string]func() sync.Locker{
		"Mutex":   func() sync.Locker { return new(sync.Mutex) },
		"RWMutex": func() sync.Locker { return new(sync.RWMutex) },
		"RLocker": func() sync.Locker { return new(sync.RWMutex).RLocker() },
		"foreign": func() sync.Locker { return new(countingLocker) },
	}
}

func TestCondProducerConsumer(t *testing.T) {
	for name, mk := range lockers() {
		t.Run(name, func(t *testing.T) {
			dual(t, func(t *testing.T) {
				c := sync.NewCond(mk())
				var queue atomic.Int32 // atomic so that the foreign and read lockers are race-free too
				var consumed atomic.Int32
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() {
						for range 10 {
							c.L.Lock()
							for queue.Load() == 0 {
								c.Wait()
							}
							queue.Add(-1)
							c.L.Unlock()
							consumed.Add(1)
						}
					})
				}
				for range 30 {
					c.L.Lock()
					queue.Add(1)
					c.L.Unlock()
					c.Signal()
					simstd.Gosched()
				}
				// Signals sent before a consumer waited may leave items:
				// wake everyone until all are consumed.
				for consumed.Load() < 30 {
					c.Broadcast()
					simstd.Gosched()
				}
				wg.Wait()
				require.Zero(t, queue.Load())
			})
		})
	}
}

func TestCondBroadcastWakesAll(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := sync.NewCond(new(sync.Mutex))
		ready := false
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				c.L.Lock()
				for !ready {
					c.Wait()
				}
				c.L.Unlock()
			})
		}
		waitUntil(func() bool { return c.Waiters() == 5 })
		c.L.Lock()
		ready = true
		c.L.Unlock()
		c.Broadcast()
		wg.Wait()
	})
}

func TestCondSignalWakesOne(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := sync.NewCond(new(sync.Mutex))
		var woken atomic.Int32
		for range 3 {
			simstd.Go(func() {
				c.L.Lock()
				c.Wait()
				woken.Add(1)
				c.L.Unlock()
			})
		}
		waitUntil(func() bool { return c.Waiters() == 3 })
		c.Signal()
		waitUntil(func() bool { return woken.Load() == 1 })
		require.Equal(t, 2, c.Waiters())
		c.Broadcast()
		waitUntil(func() bool { return woken.Load() == 3 })
	})
}

func TestCondForeignLockerCalls(t *testing.T) {
	dual(t, func(t *testing.T) {
		l := new(countingLocker)
		c := sync.NewCond(l)
		done := spawn(func() { c.L.Lock(); c.Wait(); c.L.Unlock() })
		waitUntil(func() bool { return c.Waiters() == 1 })
		c.Signal()
		done.Recv()
		assert.EqualValues(t, 2, l.locks.Load())
		assert.EqualValues(t, 2, l.unlocks.Load())
	})
}

func TestCondDeadlockReason(t *testing.T) {
	r := run(1, func() {
		c := sync.NewCond(new(sync.Mutex))
		c.L.Lock()
		c.Wait()
	})
	var de *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &de)
	require.Len(t, de.Goroutines, 1)
	assert.Equal(t, "sync.Cond.Wait", de.Goroutines[0].Wait)
}

func TestCondCopyPanics(t *testing.T) {
	c := sync.NewCond(new(stdsync.Mutex))
	c.Signal()
	c2 := new(sync.Cond)
	reflect.ValueOf(c2).Elem().Set(reflect.ValueOf(c).Elem()) // a copy vet cannot see
	require.PanicsWithValue(t, "sync.Cond is copied", c2.Signal)
}
