package kernel

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A goroutine that spins on scheduling points (runtime.Gosched, a select
// with a default) lets another goroutine's timer fire, as natively: the
// clock does not freeze while someone is runnable.
func TestComputeLetsTimersFireInBusyRuns(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := Run(Config{Seed: seed}, func() {
			stop := false
			Current().Go(func() {
				for !stop {
					Current().Sync()
				}
			})
			sleep(50 * time.Millisecond)
			stop = true
		})
		require.NoError(t, r.Err, "seed %d", seed)
		assert.Equal(t, 50*time.Millisecond, r.Elapsed, "seed %d: the timer fires at its instant", seed)
	}
}

// Goroutines that are always runnable, exchanging messages over channels
// (a replication loop over an in-process transport), do not stop the test's
// own timers either.
func TestComputeLetsTimersFireWhileMessagesFlow(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		r := Run(Config{Seed: seed}, func() {
			req, resp := NewChan[int](1), NewChan[int](1)
			stop := false
			Current().Go(func() {
				for v := range req.Range() {
					resp.Send(v + 1)
				}
			})
			Current().Go(func() {
				for v := 0; !stop; {
					req.Send(v)
					v = resp.Recv()
				}
				req.Close()
			})
			sleep(200 * time.Millisecond)
			stop = true
		})
		require.NoError(t, r.Err, "seed %d", seed)
		assert.Equal(t, 200*time.Millisecond, r.Elapsed, "seed %d", seed)
	}
}

// A loop that polls the clock for a deadline ends, even with no timer
// pending: the visible clock catches up with the compute clock.
func TestComputeMovesTheClockWithoutTimers(t *testing.T) {
	r := Run(Config{Seed: 3}, func() {
		s := Current().sim
		for s.Now() < 10*time.Millisecond {
			Current().Sync()
		}
	})
	require.NoError(t, r.Err)
	assert.GreaterOrEqual(t, r.Elapsed, 10*time.Millisecond)
	assert.Less(t, r.Elapsed, 10*time.Millisecond+2*time.Duration(computeQuantum))
}

// A little computation leaves the round times of timers alone: compute time
// that overlaps a wait is absorbed when the clock jumps.
func TestComputeKeepsTimerInstantsExact(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		var woke []time.Duration
		r := Run(Config{Seed: seed}, func() {
			s := Current().sim
			for range 3 {
				for range 50 {
					Current().Sync()
				}
				sleep(time.Second)
				woke = append(woke, s.Now())
			}
		})
		require.NoError(t, r.Err)
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, woke, "seed %d", seed)
	}
}

// The step cost is DefaultStepCost, or Config.StepCost when given, or drawn
// from the seed within [StepCost, StepCostMax]; the model is off with a
// negative StepCost.
func TestStepCost(t *testing.T) {
	var c time.Duration
	Run(Config{Seed: 1}, func() { c = Current().sim.StepCost() })
	assert.Equal(t, DefaultStepCost, c)
	costs := map[time.Duration]bool{}
	for seed := uint64(1); seed <= 50; seed++ {
		Run(Config{Seed: seed, StepCost: time.Microsecond, StepCostMax: 16 * time.Microsecond}, func() { c = Current().sim.StepCost() })
		assert.GreaterOrEqual(t, c, time.Microsecond)
		assert.LessOrEqual(t, c, 16*time.Microsecond)
		costs[c] = true
	}
	assert.Greater(t, len(costs), 40, "the cost varies with the seed")
	Run(Config{Seed: 1, StepCost: time.Microsecond}, func() { c = Current().sim.StepCost() })
	assert.Equal(t, time.Microsecond, c)
	r := Run(Config{Seed: 1, StepCost: -1, LivelockSteps: 100_000}, func() {
		stop := false
		Current().Go(func() {
			for !stop {
				Current().Sync()
			}
		})
		sleep(time.Millisecond)
		stop = true
	})
	var le *LivelockError
	require.True(t, errors.As(r.Err, &le), "without the model, the clock freezes while the spinner runs: %v", r.Err)
}

// A goroutine spinning on a condition nothing can make true is reported as a
// livelock, with where it spins.
func TestLivelockIsReported(t *testing.T) {
	r := Run(Config{Seed: 1, LivelockSteps: 200_000}, func() {
		ready := false
		Current().Go(func() {
			for !ready {
				Current().Sync()
			}
		})
		Current().Park("forever")
	})
	var le *LivelockError
	require.True(t, errors.As(r.Err, &le), "%v", r.Err)
	assert.GreaterOrEqual(t, le.Steps, uint64(200_000))
	require.Len(t, le.Running, 1)
	assert.Equal(t, uint64(2), le.Running[0].ID)
	assert.Equal(t, livelockSample, le.Running[0].Decisions)
	// (the kernel's own frames are not user code: the position of a user's
	// spinning goroutine is tested end to end, in cmd/simgen)
	assert.Len(t, le.Running[0].Positions, 1)
	assert.Contains(t, r.Err.Error(), "goroutine 2 (")
}

// Blocking is progress: goroutines that keep exchanging messages are not a
// livelock, however long they go on without timers.
func TestBlockingIsNotLivelock(t *testing.T) {
	r := Run(Config{Seed: 1, LivelockSteps: 1000}, func() {
		c := NewChan[int](0)
		Current().Go(func() {
			for i := range 100_000 {
				c.Send(i)
			}
			c.Close()
		})
		for range c.Range() {
		}
	})
	require.NoError(t, r.Err)
}

// Livelock detection is on by default, and off with a negative bound.
func TestLivelockDefault(t *testing.T) {
	s := newSim(Config{})
	assert.Equal(t, uint64(DefaultLivelockSteps), s.livelockSteps)
	s = newSim(Config{LivelockSteps: -1})
	assert.Zero(t, s.livelockSteps)
	assert.Equal(t, uint64(1<<64-1), s.checkAt)
}
