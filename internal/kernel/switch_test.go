package kernel

import (
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
