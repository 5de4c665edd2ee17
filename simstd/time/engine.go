package time

import (
	"sync"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// engine is the state behind a Timer or Ticker. It is armed on the clock of
// whoever arms it: a kernel timer of the caller's simulation for a simulated
// goroutine, a real time.Timer for native code. The same Timer can thus be
// made at package initialization and reset inside a simulation, or outlive
// the simulation that made it.
//
// Stop and Reset cancel the kernel timer when they run in its simulation,
// and otherwise abandon it: it may still fire there (a simulation's timers
// are its own goroutines' to touch), but its callback finds it is no longer
// the engine's and does nothing. A real timer racing with Stop is made stale
// the same way, by an arming sequence number its callback captures. The whole
// delivery happens under mu, which is why a value can never arrive after
// Stop or Reset has returned.
//
// mu is a real mutex held only for non-blocking work (no scheduling point
// ever happens under it), so simulated and native goroutines can share it.
type engine struct {
	// Set by init, then immutable:
	c     *kernel.Chan[Time] // the channel values are delivered on; nil for AfterFunc
	f     func()             // AfterFunc's function; nil for channel timers
	async bool               // pre-Go 1.23 channel semantics (asynctimerchan=1)

	mu sync.Mutex
	// The fields below are guarded by mu.

	period Duration // a Ticker's interval; 0 for a one-shot Timer
	active bool     // armed: a one-shot that has not fired, or a running Ticker

	// sim is the simulation whose clock drives the armed engine; nil: the
	// real clock, or disarmed.
	sim *kernel.Sim
	// kt is the kernel timer the engine arms in a simulation, kept from one
	// arming to the next to save its allocation. It is pending only while the
	// engine is armed in sim; while sim is nil no simulation refers to it, so
	// that the next arming may take it to another simulation. nil before the
	// first arming in a simulation, and once a disarm could not cancel it.
	kt *kernel.Timer
	// fire is kt's callback, made with kt: it delivers if kt is still the
	// engine's.
	fire func()
	// ktv holds the first kt, saving another allocation; once abandoned it
	// is never used again.
	ktv  kernel.Timer
	node *kernel.Node // node of the goroutine that armed it, inherited by AfterFunc's goroutine

	seq  uint64      // real timer generation; rt callbacks armed under another seq are stale
	rt   *time.Timer // the armed real timer when sim == nil
	next time.Time   // when rt fires (the tick's nominal time, sent on c)
}

// init makes e an engine for a channel timer (f nil) or an AfterFunc timer,
// with the channel mode of the process. e is part of the allocation of its
// Timer or Ticker.
func (e *engine) init(f func()) {
	e.f, e.async = f, asyncTimerChan()
	if f == nil {
		// A buffer of one, as in the runtime; in the synchronous mode the
		// channel hides it (len and cap 0) and Stop/Reset empty it.
		e.c = kernel.NewChan[Time](1)
		if !e.async {
			kernel.MarkTimer(e.c)
		}
	}
}

// start arms a new engine.
func (e *engine) start(d, period Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.period = period
	e.arm(d)
}

// stop disarms e and reports whether it was pending: armed, or (synchronous
// channels) fired with its value not yet received.
func (e *engine) stop() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.disarm()
}

// reset disarms e, then arms it to fire after d (and every period after
// that for a Ticker). It reports what stop would have.
func (e *engine) reset(d, period Duration) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	pending := e.disarm()
	e.period = period
	e.arm(d)
	return pending
}

// arm schedules the engine on the caller's clock. e.mu is held.
func (e *engine) arm(d Duration) {
	e.active = true
	if g := kernel.Current(); g != nil {
		s := g.Sim()
		e.sim, e.node = s, g.Node()
		kt := e.simTimer()
		s.InitTimer(kt, e.fire) // kt is idle: bind it to s and the caller's node
		kt.Describe(e.kind())
		kt.ScheduleAfter(d)
		return
	}
	e.seq++
	seq := e.seq
	e.next = time.Now().Add(max(d, 0))
	e.rt = time.AfterFunc(d, func() { e.fireReal(seq) })
}

// simTimer returns kt, making it if need be. e.mu is held.
func (e *engine) simTimer() *kernel.Timer {
	if e.kt == nil {
		kt := &e.ktv
		if e.fire != nil {
			kt = new(kernel.Timer) // ktv was abandoned
		}
		e.kt, e.fire = kt, func() { e.fireSim(kt) }
	}
	return e.kt
}

// kind names e for traces.
func (e *engine) kind() string {
	switch {
	case e.f != nil:
		return "time.AfterFunc"
	case e.period > 0:
		return "time.Ticker"
	}
	return "time.Timer"
}

// disarm unschedules e, empties a synchronous channel, and reports whether a
// firing was pending. e.mu is held.
func (e *engine) disarm() bool {
	pending := e.active
	e.active = false
	if e.rt != nil {
		e.seq++
		e.rt.Stop()
		e.rt = nil
	}
	if e.sim != nil {
		// Only the simulation's own goroutines may touch its timer heap;
		// from anywhere else kt is left to fire as a no-op.
		if g := kernel.Current(); g != nil && g.Sim() == e.sim {
			e.kt.Cancel()
		} else {
			e.kt = nil
		}
		e.sim = nil
	}
	if !e.async && e.c != nil && kernel.Drain(e.c) {
		pending = true // fired, but the value was never received
	}
	return pending
}

// fireSim is the callback of the kernel timer kt: it runs on the
// simulation's driver, between goroutines.
func (e *engine) fireSim(kt *kernel.Timer) {
	e.mu.Lock()
	if kt != e.kt || !e.active {
		e.mu.Unlock()
		return
	}
	s := kt.Sim()
	when := kt.When()
	if e.period > 0 {
		kt.Schedule(addClamped(int64(when), int64(e.period)))
	} else {
		e.active = false
	}
	if e.f != nil {
		f, node := e.f, e.node
		e.mu.Unlock()
		s.Spawn(f, node)
		return
	}
	defer e.mu.Unlock()
	kernel.TrySend(e.c, s, virtualTime(when)) // a full buffer drops the tick, as in the runtime
}

// fireReal is the real timer callback, on a native goroutine of its own.
func (e *engine) fireReal(seq uint64) {
	e.mu.Lock()
	if seq != e.seq || !e.active {
		e.mu.Unlock()
		return
	}
	fired := e.next
	if e.period > 0 {
		e.scheduleNextTick(seq)
	} else {
		e.active = false
	}
	if e.f != nil {
		e.mu.Unlock()
		e.f() // the real timer already gave f its own goroutine
		return
	}
	defer e.mu.Unlock()
	// A simulated goroutine waiting on a channel driven by the real clock
	// makes TrySend panic with kernel.ErrCrossWake: the run would otherwise
	// depend on wall-clock timing.
	kernel.TrySend(e.c, nil, fired)
}

// scheduleNextTick arms the real timer for a Ticker's next tick, skipping
// the ticks a slow receiver missed as the runtime does. e.mu is held.
func (e *engine) scheduleNextTick(seq uint64) {
	now := time.Now()
	late := max(now.Sub(e.next), 0)
	e.next = e.next.Add(e.period * (1 + late/e.period))
	e.rt = time.AfterFunc(e.next.Sub(now), func() { e.fireReal(seq) })
}

// addClamped returns a+b for b > 0, saturating at the largest instant.
func addClamped(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return 1<<63 - 1
}
