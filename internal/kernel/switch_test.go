package kernel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A goroutine resumed directly by another (see G.switchOut) that calls
// runtime.Goexit must end alone: its parent, whose user frames are below the
// resume, goes on, and no goroutine is left behind once Run returns.
func TestGoexitOfDirectlyResumedGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for seed := uint64(1); seed <= 50; seed++ {
		var order []string
		r := Run(Config{Seed: seed}, func() {
			g := Current()
			c := NewChan[int](0)
			for i := range 3 {
				g.Go(func() {
					defer func() { order = append(order, "deferred"); c.Send(i) }()
					runtime.Goexit()
				})
			}
			for range 3 {
				c.Recv() // main blocks here and resumes the others itself
				// A Goexit is completed before anyone else runs: none pile up.
				require.Empty(t, g.sim.exits)
			}
			order = append(order, "main goes on")
		})
		require.NoError(t, r.Err, "seed %d", seed)
		require.Equal(t, []string{"deferred", "deferred", "deferred", "main goes on"}, order, "seed %d", seed)
	}
	// Exiting goroutines take a moment to be counted out.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left behind")
}

// The trace ends with exactly one end event, even when goroutines are left to
// unwind (each unwinding one restarts the driver).
func TestTraceEndsOnce(t *testing.T) {
	evs, _ := traceOf(t, 1, func() {
		g := Current()
		for range 3 {
			g.Go(func() { Current().Park("forever") })
		}
		g.Sync()
	})
	ends := 0
	for _, ev := range evs {
		if ev.Kind == EvEnd {
			ends++
		}
	}
	assert.Equal(t, 1, ends)
	assert.Equal(t, EvEnd, evs[len(evs)-1].Kind)
}

// A hand-off from the goroutine the driver resumed to another and back does
// not pass through the driver.
func TestDirectHandOff(t *testing.T) {
	var s *Sim
	var atStart, atEnd uint64
	r := Run(Config{Seed: 1}, func() {
		s = Current().sim
		ping, pong := NewChan[int](0), NewChan[int](0)
		Current().Go(func() {
			for {
				v, ok := ping.Recv2()
				if !ok {
					return
				}
				pong.Send(v)
			}
		})
		ping.Send(-1)
		pong.Recv()
		atStart = s.driverResumes
		for i := range 100 {
			ping.Send(i)
			require.Equal(t, i, pong.Recv())
		}
		atEnd = s.driverResumes
		ping.Close()
	})
	require.NoError(t, r.Err)
	assert.Equal(t, atStart, atEnd, "the driver resumed goroutines during the ping-pong")
	assert.Greater(t, s.steps, uint64(400))
}

// Once the watchdog gave up on a run, nothing of the run executes again,
// even when the stuck goroutine comes back: Run has returned, and a run going
// on in the background would burn CPU and touch state its caller now owns.
func TestAbandonedRunStops(t *testing.T) {
	var release atomic.Bool
	var steps atomic.Int64
	r := Run(Config{Seed: 1, Watchdog: 100 * time.Millisecond}, func() {
		g := Current()
		g.Go(func() {
			for !release.Load() { // stuck: no scheduling point
			}
			for {
				steps.Add(1)
				Current().Sync()
			}
		})
		g.Go(func() {
			for {
				steps.Add(1)
				Current().Sync()
			}
		})
		Current().Park("forever")
	})
	var we *WatchdogError
	require.ErrorAs(t, r.Err, &we)
	release.Store(true)
	time.Sleep(50 * time.Millisecond)
	n := steps.Load()
	time.Sleep(100 * time.Millisecond)
	assert.Equal(t, n, steps.Load(), "the abandoned run went on")
}

// A panic in a deferred call during runtime.Goexit, recovered by the
// goroutine's own frame, must not take its parent down: the run fails with
// the panic, and the parent's deferred calls run only when it is unwound, as
// a simulated goroutine still (its channel operation ends it again).
func TestPanicDuringGoexitOfDirectlyResumedGoroutine(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := Run(Config{Seed: seed, Watchdog: DefaultWatchdog}, func() { // a stall of a busy machine is no verdict
			g := Current()
			c, c2 := NewChan[int](0), NewChan[int](0)
			defer c2.Recv() // natively, this would block for good
			g.Go(func() {
				defer func() { panic("boom") }()
				runtime.Goexit()
			})
			c.Recv()
		})
		var pe *PanicError
		require.ErrorAs(t, r.Err, &pe, "seed %d", seed)
		assert.Equal(t, "boom", pe.Value)
	}
}

// Once a goroutine resumed directly ends the run, no further decision is
// made: the end event comes at the step of the last event before it.
func TestNoDecisionAfterTheOutcome(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		var buf bytes.Buffer
		sleep := func(d time.Duration) {
			g := Current()
			g.sim.NewTimer(func() { g.sim.Ready(g) }).ScheduleAfter(d)
			g.Park("sleep")
		}
		r := Run(Config{Seed: seed, Trace: &buf, MaxSteps: 10_000}, func() {
			g := Current()
			for range 3 {
				// Woken with main every millisecond: one of them resumes
				// main directly at times, and the others are runnable
				// when main returns.
				g.Go(func() {
					for {
						sleep(time.Millisecond)
					}
				})
			}
			for range 20 {
				sleep(time.Millisecond)
			}
		})
		require.NoError(t, r.Err)
		var evs []TraceEvent
		for sc := bufio.NewScanner(&buf); sc.Scan(); {
			var ev TraceEvent
			require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
			evs = append(evs, ev)
		}
		require.GreaterOrEqual(t, len(evs), 2)
		end, before := evs[len(evs)-1], evs[len(evs)-2]
		require.Equal(t, EvEnd, end.Kind)
		assert.Equal(t, before.Step, end.Step, "seed %d: a decision after the run's outcome was fixed", seed)
		assert.Equal(t, r.Steps, end.Step)
	}
}

// The goroutines of a killed node are unwound when the run ends: their
// deferred calls run then, every one of them.
func TestZombiesAreUnwound(t *testing.T) {
	before := runtime.NumGoroutine()
	deferred := 0
	r := Run(Config{Seed: 1}, func() {
		g := Current()
		n, err := g.sim.NewNode("a", func() {
			for range 3 {
				Current().Go(func() {
					defer func() { deferred++ }()
					Current().Park("forever")
				})
			}
			Current().Park("forever")
		})
		require.NoError(t, err)
		for range 100 { // enough decisions for the node to start its goroutines on any seed
			g.Sync()
		}
		require.NoError(t, n.Kill())
		g.Sync()
		assert.Zero(t, deferred, "deferred calls of a killed node ran during the run")
	})
	require.NoError(t, r.Err)
	assert.Equal(t, 3, deferred)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left behind")
}

// The steps a watchdog report gives are exact: the same program reports the
// same count every time, however the watchdog's ticks fall.
func TestWatchdogStepsAreExact(t *testing.T) {
	var stop atomic.Bool
	defer stop.Store(true)
	steps := func() uint64 {
		// The bound is long enough that a busy machine's stall during the 200,000 syncs
		// does not fire it early, which would change the count.
		r := Run(Config{Seed: 7, Watchdog: time.Second}, func() {
			g := Current()
			g.Go(func() {
				for {
					Current().Sync()
				}
			})
			for range 200_000 {
				g.Sync()
			}
			for !stop.Load() { // stuck
			}
		})
		var we *WatchdogError
		require.ErrorAs(t, r.Err, &we)
		return we.Steps
	}
	a, b := steps(), steps()
	assert.Equal(t, a, b)
	assert.Greater(t, a, uint64(200_000))
}

// A deferred call that loops over scheduling points while its goroutine is
// unwound (the run is over) ends at its next one, like any simulation
// operation then: the run returns.
func TestUnwindEndsSchedulingLoops(t *testing.T) {
	r := Run(Config{Seed: 1, Watchdog: DefaultWatchdog}, func() { // a stall of a busy machine is no verdict
		Current().Go(func() {
			defer func() {
				for {
					Current().Sync()
				}
			}()
			Current().Park("forever")
		})
		Current().Sync()
	})
	require.NoError(t, r.Err)
}
