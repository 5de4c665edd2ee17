package sync_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

func TestWaitGroupWaitsForAll(t *testing.T) {
	dual(t, func(t *testing.T) {
		var wg sync.WaitGroup
		var done atomic.Int32
		for i := range 5 {
			wg.Add(1)
			simstd.Go(func() {
				defer wg.Done()
				sleep(time.Duration(i) * time.Millisecond)
				done.Add(1)
			})
		}
		for range 3 {
			wg.Go(func() { done.Add(1) })
		}
		var waiters sync.WaitGroup
		for range 3 { // several goroutines may wait
			waiters.Go(func() { wg.Wait(); assert.EqualValues(t, 8, done.Load()) })
		}
		wg.Wait()
		require.EqualValues(t, 8, done.Load())
		waiters.Wait()
		wg.Wait() // the counter is zero: returns at once
	})
}

func TestWaitGroupReuse(t *testing.T) {
	dual(t, func(t *testing.T) {
		var wg sync.WaitGroup
		for round := range 3 {
			var n atomic.Int32
			for range round + 1 {
				wg.Go(func() { n.Add(1) })
			}
			wg.Wait()
			require.EqualValues(t, round+1, n.Load())
		}
	})
}

func TestWaitGroupNegativeCounterPanics(t *testing.T) {
	dual(t, func(t *testing.T) {
		var wg sync.WaitGroup
		wg.Add(1)
		require.PanicsWithValue(t, "sync: negative WaitGroup counter", func() { wg.Add(-2) })
	})
}

// TestWaitGroupReusedBeforeWaitReturned looks, over seeds, for the schedule
// in which Add follows the Done that released a waiter before that waiter
// ran: Go panics then, and so does a simulation. (Other schedules return
// normally, or deadlock when Done and Add both precede Wait.)
func TestWaitGroupReusedBeforeWaitReturned(t *testing.T) {
	panicked, clean := 0, 0
	for seed := uint64(1); seed <= 40; seed++ {
		r := run(seed, func() {
			var wg sync.WaitGroup
			wg.Add(1)
			simstd.Go(func() {
				wg.Done()
				wg.Add(1)
			})
			wg.Wait()
		})
		if r.Err == nil {
			clean++
			continue
		}
		var de *simstd.DeadlockError
		if errors.As(r.Err, &de) {
			continue
		}
		var pe *simstd.PanicError
		require.ErrorAs(t, r.Err, &pe)
		require.Equal(t, "sync: WaitGroup is reused before previous Wait has returned", pe.Value)
		panicked++
	}
	assert.Positive(t, panicked)
	assert.Positive(t, clean)
}

func TestWaitGroupGoRepanics(t *testing.T) {
	r := run(1, func() {
		var wg sync.WaitGroup
		wg.Go(func() { panic("boom") })
		wg.Wait()
	})
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Equal(t, "boom", pe.Value)
}

func TestWaitGroupDeadlockReason(t *testing.T) {
	r := run(1, func() {
		var wg sync.WaitGroup
		wg.Add(1)
		wg.Wait()
	})
	var de *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &de)
	require.Len(t, de.Goroutines, 1)
	assert.Equal(t, "sync.WaitGroup.Wait", de.Goroutines[0].Wait)
}
