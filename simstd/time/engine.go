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
// Every arming gets a new sequence number, captured by the callback it
// schedules; Stop and Reset bump the number, so a callback that was already
// on its way (a real timer racing with Stop, a kernel timer of another
// simulation that could not be cancelled) finds itself stale and does
// nothing. The whole delivery happens under mu, which is why a value can
// never arrive after Stop or Reset has returned.
//
// mu is a real mutex held only for non-blocking work (no scheduling point
// ever happens under it), so simulated and native goroutines can share it.
type engine struct {
	// Set at creation, then immutable:
	c     *kernel.Chan[Time] // the channel values are delivered on; nil for AfterFunc
	f     func()             // AfterFunc's function; nil for channel timers
	async bool               // pre-Go 1.23 channel semantics (asynctimerchan=1)

	mu sync.Mutex
	// The fields below are guarded by mu.

	period Duration // a Ticker's interval; 0 for a one-shot Timer
	active bool     // armed: a one-shot that has not fired, or a running Ticker
	seq    uint64   // arming generation; callbacks armed under another seq are stale

	sim  *kernel.Sim   // the simulation whose clock drives the armed engine; nil: the real clock
	kt   *kernel.Timer // the armed kernel timer when sim != nil
	node *kernel.Node  // node of the goroutine that armed it, inherited by AfterFunc's goroutine

	rt   *time.Timer // the armed real timer when sim == nil
	next time.Time   // when rt fires (the tick's nominal time, sent on c)
}

// newEngine returns an engine for a channel timer (f nil) or an AfterFunc
// timer, with the channel mode of the process.
func newEngine(f func()) *engine {
	e := &engine{f: f, async: asyncTimerChan()}
	if f == nil {
		// A buffer of one, as in the runtime; in the synchronous mode the
		// channel hides it (len and cap 0) and Stop/Reset empty it.
		e.c = kernel.NewChan[Time](1)
		if !e.async {
			kernel.MarkTimer(e.c)
		}
	}
	return e
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
	e.seq++
	e.active = true
	seq := e.seq
	if g := kernel.Current(); g != nil {
		s := g.Sim()
		e.sim, e.node = s, g.Node()
		e.kt = s.NewTimer(func() { e.fireSim(s, seq) })
		e.kt.Describe(e.kind())
		e.kt.ScheduleAfter(d)
		return
	}
	e.next = time.Now().Add(max(d, 0))
	e.rt = time.AfterFunc(d, func() { e.fireReal(seq) })
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
	e.seq++
	if e.rt != nil {
		e.rt.Stop()
		e.rt = nil
	}
	if e.kt != nil {
		// Only the simulation's own goroutines may touch its timer heap;
		// from anywhere else the bumped seq makes the kernel timer a no-op.
		if g := kernel.Current(); g != nil && g.Sim() == e.sim {
			e.kt.Cancel()
		}
		e.kt, e.sim = nil, nil
	}
	if !e.async && e.c != nil && kernel.Drain(e.c) {
		pending = true // fired, but the value was never received
	}
	return pending
}

// fireSim is the kernel timer callback: it runs on the simulation's driver,
// between goroutines.
func (e *engine) fireSim(s *kernel.Sim, seq uint64) {
	e.mu.Lock()
	if seq != e.seq || !e.active {
		e.mu.Unlock()
		return
	}
	when := e.kt.When()
	if e.period > 0 {
		e.kt.Schedule(addClamped(int64(when), int64(e.period)))
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
