package time

import (
	"github.com/simgen/simgen/internal/simtest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
)

// dual runs the behaviour test f natively and in a simulation.
func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

// dualModes runs f with synchronous and with asynchronous timer channels,
// each natively and in a simulation.
func dualModes(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("sync", func(t *testing.T) { setMode(t, modeSync); dual(t, f) })
	t.Run("async", func(t *testing.T) { setMode(t, modeAsync); dual(t, f) })
}

// setMode forces the timer channel mode for the rest of the test.
func setMode(t *testing.T, m int32) {
	old := modeOverride.Swap(m)
	t.Cleanup(func() { modeOverride.Store(old) })
}

func simulated() bool { return kernel.Current() != nil }

// requireNoValue fails unless c has nothing to receive right now.
func requireNoValue(t *testing.T, c *kernel.Chan[Time]) {
	t.Helper()
	require.Equal(t, -1, kernel.Select(true, c.RecvCase()), "unexpected value on the timer channel")
}

// requireValue fails unless c has a value to receive right now, and returns it.
func requireValue(t *testing.T, c *kernel.Chan[Time]) Time {
	t.Helper()
	rc := c.RecvCase()
	require.Equal(t, 0, kernel.Select(true, rc), "no value on the timer channel")
	return rc.Value
}

const tick = 20 * Millisecond // long enough for the real clock, free on the virtual one

// Now has a monotonic reading, natively and simulated, and Sub between two
// readings is the time elapsed between them on the clock Now uses.
func TestNowMonotonic(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := Now()
		assert.Contains(t, start.String(), " m=+", "a monotonic reading")
		assert.NotContains(t, start.Round(0).String(), " m=", "Round(0) strips it")
		Sleep(tick)
		now := Now()
		assert.GreaterOrEqual(t, now.Sub(start), tick)
		assert.True(t, now.After(start))
		assert.GreaterOrEqual(t, Since(start), now.Sub(start))
		if simulated() {
			assert.Contains(t, now.String(), " m=+0.020", "the reading is the virtual time elapsed")
		}
	})
}

func TestNowSinceUntil(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := Now()
		Sleep(tick)
		elapsed := Since(start)
		assert.GreaterOrEqual(t, elapsed, tick)
		assert.Greater(t, Until(start.Add(Hour)), 59*Minute)
		if simulated() {
			assert.Equal(t, kernel.Epoch, start.Round(0), "a simulation starts at Epoch")
			assert.Equal(t, tick, elapsed, "virtual sleeps are exact")
			assert.Equal(t, UTC, start.Location())
		}
	})
}

func TestSleepNonPositive(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := Now()
		Sleep(0)
		Sleep(-Hour)
		assert.Less(t, Since(start), Second)
	})
}

func TestVirtualHourSleep(t *testing.T) {
	var woke Time
	wall := time.Now()
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		Sleep(Hour)
		woke = Now()
	})
	require.NoError(t, r.Err)
	assert.Less(t, time.Since(wall), time.Minute, "a virtual hour costs no wall time (bounded generously: the machine may be busy)")
	assert.Equal(t, Hour, r.Elapsed)
	assert.Equal(t, kernel.Epoch.Add(Hour), woke.Round(0))
}

func TestTimerFires(t *testing.T) {
	dualModes(t, func(t *testing.T) {
		start := Now()
		tm := NewTimer(tick)
		v := tm.C.Recv()
		assert.False(t, v.Before(start.Add(tick)), "fired early: %v", v.Sub(start))
		if simulated() {
			assert.Equal(t, start.Add(tick), v)
		}
		assert.False(t, tm.Stop(), "Stop after the value was received")
		assert.False(t, tm.Reset(tick), "Reset after the value was received")
		v2 := tm.C.Recv()
		assert.False(t, v2.Before(v.Add(tick)))
	})
}

func TestAfter(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := Now()
		v := After(tick).Recv()
		assert.False(t, v.Before(start.Add(tick)))
	})
}

func TestTimerStopBeforeFiring(t *testing.T) {
	dualModes(t, func(t *testing.T) {
		tm := NewTimer(tick)
		assert.True(t, tm.Stop())
		assert.False(t, tm.Stop(), "second Stop")
		Sleep(2 * tick)
		requireNoValue(t, tm.C)
		assert.False(t, tm.Reset(tick), "Reset of a stopped timer")
		tm.C.Recv()
	})
}

func TestSyncTimerChannel(t *testing.T) {
	setMode(t, modeSync)
	dual(t, func(t *testing.T) {
		tm := NewTimer(tick)
		assert.Equal(t, 0, tm.C.Cap())
		Sleep(3 * tick) // fired, value not received
		assert.Equal(t, 0, tm.C.Len())
		assert.True(t, tm.Stop(), "Stop returns true while the value is unreceived")
		requireNoValue(t, tm.C)

		assert.False(t, tm.Reset(tick))
		Sleep(3 * tick)
		start := Now()
		assert.True(t, tm.Reset(tick), "Reset returns true while the value is unreceived")
		requireNoValue(t, tm.C) // no stale value from the first firing
		v := tm.C.Recv()
		assert.False(t, v.Before(start.Add(tick)), "received a stale value")
	})
}

func TestAsyncTimerChannel(t *testing.T) {
	setMode(t, modeAsync)
	dual(t, func(t *testing.T) {
		start := Now()
		tm := NewTimer(tick)
		assert.Equal(t, 1, tm.C.Cap())
		Sleep(3 * tick)
		assert.Equal(t, 1, tm.C.Len())
		assert.False(t, tm.Stop(), "Stop after firing returns false")
		v := requireValue(t, tm.C) // the stale value survives Stop
		assert.False(t, v.Before(start.Add(tick)))

		assert.False(t, tm.Reset(tick))
		Sleep(3 * tick)
		assert.False(t, tm.Reset(Hour), "Reset after firing returns false")
		requireValue(t, tm.C) // stale value from before Reset
		assert.True(t, tm.Stop())
	})
}

func TestAfterFunc(t *testing.T) {
	dual(t, func(t *testing.T) {
		fired := kernel.NewChan[*kernel.G](1)
		caller := kernel.Current()
		tm := AfterFunc(tick, func() { fired.Send(kernel.Current()) })
		assert.Nil(t, tm.C)
		g := fired.Recv()
		if simulated() {
			require.NotNil(t, g)
			assert.NotEqual(t, caller, g, "f runs in its own goroutine")
		}
		assert.False(t, tm.Stop(), "Stop after f started")
		assert.False(t, tm.Reset(tick), "Reset after f ran schedules it again")
		fired.Recv()

		assert.False(t, tm.Reset(Hour))
		assert.True(t, tm.Reset(tick), "Reset of a pending AfterFunc reschedules it")
		fired.Recv()

		stopped := AfterFunc(tick, func() { fired.Send(nil) })
		assert.True(t, stopped.Stop())
		Sleep(3 * tick)
		assert.Equal(t, 0, fired.Len(), "a stopped AfterFunc must not run")
	})
}

func TestAfterFuncNode(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 3}, func() {
		done := kernel.NewChan[*kernel.Node](1)
		var a *kernel.Node
		a, err := kernel.Current().Sim().NewNode("a", func() {
			AfterFunc(Second, func() { done.Send(kernel.Current().Node()) })
		})
		if err != nil {
			panic(err)
		}
		if got := done.Recv(); got != a {
			panic(got)
		}
	})
	require.NoError(t, r.Err)
}

func TestTicker(t *testing.T) {
	dualModes(t, func(t *testing.T) {
		start := Now()
		tk := NewTicker(tick)
		prev := start
		for i := 1; i <= 3; i++ {
			v := tk.C.Recv()
			assert.True(t, v.After(prev))
			if simulated() {
				assert.Equal(t, start.Add(Duration(i)*tick), v)
			}
			prev = v
		}
		tk.Reset(2 * tick)
		reset := Now()
		v := tk.C.Recv()
		if simulated() {
			assert.Equal(t, reset.Add(2*tick), v)
		}
		tk.Stop()
		if !tk.e.async {
			requireNoValue(t, tk.C) // Stop discards an unreceived tick
		}
		kernel.Drain(tk.C)
		Sleep(3 * tick)
		requireNoValue(t, tk.C)
		assert.Equal(t, 0, tk.C.Len())
	})
}

func TestTickerDropsMissedTicks(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := Now()
		tk := NewTicker(tick)
		defer tk.Stop()
		Sleep(3*tick + tick/2)
		first := tk.C.Recv()
		second := tk.C.Recv()
		if simulated() {
			assert.Equal(t, start.Add(tick), first, "the first tick waits in the buffer")
			assert.Equal(t, start.Add(4*tick), second, "the ticks at 2 and 3 periods were dropped")
			return
		}
		// On the real clock a tick's delivery can be late by any amount on a loaded machine:
		// the tick due at 2 periods may arrive after the sleep, so only the order is certain.
		assert.True(t, second.After(first), "ticks arrive in order")
		assert.False(t, second.After(Now()), "a tick's time is not in the future")
	})
}

func TestMisuse(t *testing.T) {
	dual(t, func(t *testing.T) {
		assert.PanicsWithValue(t, "non-positive interval for NewTicker", func() { NewTicker(0) })
		tk := NewTicker(Hour)
		assert.PanicsWithValue(t, "non-positive interval for Ticker.Reset", func() { tk.Reset(-1) })
		tk.Stop()
		var zt Ticker
		assert.NotPanics(t, zt.Stop)
		assert.PanicsWithValue(t, "time: Reset called on uninitialized Ticker", func() { zt.Reset(1) })
		var tm Timer
		assert.PanicsWithValue(t, "time: Stop called on uninitialized Timer", func() { tm.Stop() })
		assert.PanicsWithValue(t, "time: Reset called on uninitialized Timer", func() { tm.Reset(1) })
		assert.Nil(t, Tick(0))
		assert.Nil(t, Tick(-Second))
	})
}

func TestTimerMovesBetweenClocks(t *testing.T) {
	setMode(t, modeSync)
	native := NewTimer(Hour)
	var simTimer *Timer
	var got Time
	var reset bool
	r := simstd.Run(simstd.Config{Seed: 5}, func() {
		reset = native.Reset(Second) // now on the virtual clock
		got = native.C.Recv()
		simTimer = NewTimer(Hour)
	})
	require.NoError(t, r.Err)
	assert.True(t, reset, "the native timer was pending")
	assert.Equal(t, kernel.Epoch.Add(Second), got.Round(0))

	// After its simulation, a timer made there runs on the real clock.
	assert.True(t, simTimer.Reset(time.Millisecond))
	v := simTimer.C.Recv()
	assert.WithinDuration(t, time.Now(), v, 5*time.Second)
	assert.False(t, simTimer.Stop())
}

func TestPureAPI(t *testing.T) {
	var d Duration = time.Second
	assert.Equal(t, Second, d)
	assert.Equal(t, "1h30m0s", (Hour + 30*Minute).String())
	p, err := Parse(RFC3339, "2025-01-02T03:04:05Z")
	require.NoError(t, err)
	assert.Equal(t, Date(2025, January, 2, 3, 4, 5, 0, UTC), p)
	assert.Equal(t, Thursday, p.Weekday())
	_, err = Parse(DateOnly, "nope")
	var perr *ParseError
	assert.ErrorAs(t, err, &perr)
	loc := FixedZone("X", 3600)
	q, err := ParseInLocation(DateTime, "2025-01-02 03:04:05", loc)
	require.NoError(t, err)
	assert.Equal(t, p.Add(-Hour).Unix(), q.Unix())
	pd, err := ParseDuration("1.5s")
	require.NoError(t, err)
	assert.Equal(t, 1500*Millisecond, pd)
	assert.True(t, Unix(1, 0).Equal(UnixMilli(1000)))
	assert.True(t, UnixMicro(1e6).Equal(Unix(1, 0)))
	assert.Same(t, time.UTC, UTC)
	assert.Same(t, time.Local, Local)
	l, err := LoadLocation("UTC")
	require.NoError(t, err)
	assert.Same(t, time.UTC, l)
	_, err = LoadLocationFromTZData("bad", []byte("nope"))
	assert.Error(t, err)
	assert.Equal(t, time.Month(12), December)
	assert.Equal(t, "Jan _2 15:04:05", Stamp)
}

// workload exercises timers, tickers, AfterFunc and sleeps from several
// goroutines racing on the same instants.
func workload() {
	out := kernel.NewChan[int](0)
	for i := range 4 {
		simstd.Go(func() {
			tk := NewTicker(Duration(i+1) * Millisecond)
			defer tk.Stop()
			tm := NewTimer(3 * Millisecond)
			for n := 0; ; n++ {
				switch kernel.Select(false, tk.C.RecvCase(), tm.C.RecvCase()) {
				case 0:
					Sleep(Duration(n%3) * Millisecond)
				case 1:
					out.Send(i*100 + n)
					return
				}
			}
		})
	}
	AfterFunc(2*Millisecond, func() { out.Send(-1) })
	for range 5 {
		out.Recv()
	}
}

func TestDeterminism(t *testing.T) {
	a := simstd.Run(simstd.Config{Seed: 42}, workload)
	b := simstd.Run(simstd.Config{Seed: 42}, workload)
	require.NoError(t, a.Err)
	require.NoError(t, b.Err)
	assert.Equal(t, a.Hash, b.Hash)
	assert.Equal(t, a.Steps, b.Steps)
	assert.Equal(t, a.Elapsed, b.Elapsed)
}

// TestSleepersReused runs rounds of goroutines sleeping at once for
// different durations: the sleepers of one round are reused by the next, and
// each goroutine must wake exactly when its own sleep ends. A sleeper put
// back while still armed, or waking the goroutine it served before, breaks
// the wake-up times or panics in Ready.
func TestSleepersReused(t *testing.T) {
	var late []Duration
	var idle int
	r := simstd.Run(simstd.Config{Seed: 9}, func() {
		woke := kernel.NewChan[Duration](0)
		for range 3 {
			start := Now()
			for i := range 6 {
				d := Duration((i*5)%6+1) * Millisecond
				simstd.Go(func() {
					Sleep(d)
					woke.Send(Since(start) - d)
				})
			}
			for range 6 {
				late = append(late, woke.Recv())
			}
		}
		idle = len(kernel.Current().Sim().Ext(sleepersKey{}, newSleepers).(*sleepers).idle)
	})
	require.NoError(t, r.Err)
	assert.Equal(t, make([]Duration, 18), late, "every goroutine wakes when its sleep ends")
	assert.Equal(t, 6, idle, "the sleepers of one round serve the next")
}

// TestSleepOnKilledNode checks that a sleeper lost with its goroutine (its
// node killed mid-sleep) leaves the others working.
func TestSleepOnKilledNode(t *testing.T) {
	var woke []Duration
	r := simstd.Run(simstd.Config{Seed: 2}, func() {
		s := kernel.Current().Sim()
		n, err := s.NewNode("n", func() {
			Sleep(Hour)
			panic("woke on a killed node")
		})
		if err != nil {
			panic(err)
		}
		Sleep(Millisecond)
		if err := n.Kill(); err != nil {
			panic(err)
		}
		for range 3 {
			Sleep(Second)
			woke = append(woke, s.Now())
		}
		Sleep(Hour)
	})
	require.NoError(t, r.Err)
	assert.Equal(t, []Duration{Second + Millisecond, 2*Second + Millisecond, 3*Second + Millisecond}, woke)
}

// TestTimerReusesKernelTimer checks that Reset in the simulation that armed
// a Timer reuses its kernel timer, and that a Timer stopped from outside
// its simulation abandons the kernel timer, which then fires as a no-op
// while the Timer goes on with a new one.
func TestTimerReusesKernelTimer(t *testing.T) {
	setMode(t, modeSync)
	var got []Duration
	var reused, abandoned bool
	r := simstd.Run(simstd.Config{Seed: 4}, func() {
		tm := NewTimer(Second)
		first := tm.e.kt
		tm.Reset(2 * Second) // pending: cancelled and rescheduled
		got = append(got, tm.C.Recv().Sub(kernel.Epoch))
		tm.Reset(Second)
		reused = tm.e.kt == first

		// A native Stop cannot touch the simulation's heap.
		done := make(chan bool)
		go func() { done <- tm.Stop() }()
		if !<-done {
			panic("native Stop of a pending timer returned false")
		}
		abandoned = tm.e.kt == nil
		tm.Reset(2 * Second) // the abandoned timer still fires, at 3s
		got = append(got, tm.C.Recv().Sub(kernel.Epoch))
		Sleep(Hour)
		requireNoValue(t, tm.C)
	})
	require.NoError(t, r.Err)
	assert.True(t, reused, "Reset in the same simulation reuses the kernel timer")
	assert.True(t, abandoned, "a Stop from outside the simulation abandons it")
	assert.Equal(t, []Duration{2 * Second, 4 * Second}, got)
}

// TestTimerAcrossSimulations takes one Timer through two simulations in
// turn: stopped in the first, its idle kernel timer moves to the second;
// left fired in the first, it is abandoned there.
func TestTimerAcrossSimulations(t *testing.T) {
	setMode(t, modeSync)
	var tm *Timer
	var got []Time
	var kts []*kernel.Timer
	run := func(f func()) {
		t.Helper()
		require.NoError(t, simstd.Run(simstd.Config{Seed: 6}, f).Err)
		kts = append(kts, tm.e.kt)
	}
	run(func() {
		tm = NewTimer(Second)
		tm.Stop()
	})
	run(func() {
		assert.False(t, tm.Reset(Second))
		got = append(got, tm.C.Recv())
		tm.Reset(Second) // fires at 2s, unreceived
		Sleep(3 * Second)
	})
	run(func() {
		assert.True(t, tm.Reset(Second), "the unreceived value is pending")
		got = append(got, tm.C.Recv())
		Sleep(Hour)
		requireNoValue(t, tm.C)
	})
	assert.Equal(t, []Time{kernel.Epoch.Add(Second), kernel.Epoch.Add(Second)}, []Time{got[0].Round(0), got[1].Round(0)})
	assert.Same(t, &tm.e.ktv, kts[0])
	assert.Same(t, kts[0], kts[1], "an idle kernel timer moves to the next simulation")
	assert.NotSame(t, kts[1], kts[2], "one last armed in another simulation is abandoned")
}

// benchSim runs f in a simulation, for benchmarks of the simulated clock.
func benchSim(b *testing.B, f func()) {
	b.ReportAllocs()
	r := simstd.Run(simstd.Config{Seed: 1, Watchdog: -1}, f)
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}

func BenchmarkSleep(b *testing.B) {
	benchSim(b, func() {
		for range b.N {
			Sleep(Millisecond)
		}
	})
}

// BenchmarkTimerStop is a Timer per op, stopped before it fires: a
// request's timeout.
func BenchmarkTimerStop(b *testing.B) {
	benchSim(b, func() {
		for range b.N {
			NewTimer(Second).Stop()
		}
	})
}

// BenchmarkTimerReset is a Timer reset and fired per op: an election timer.
func BenchmarkTimerReset(b *testing.B) {
	benchSim(b, func() {
		tm := NewTimer(Millisecond)
		for range b.N {
			tm.C.Recv()
			tm.Reset(Millisecond)
		}
	})
}
