package time

import "github.com/simgen/simgen/internal/kernel"

// Timer is time.Timer: a single event. When it expires the current time is
// sent on C, unless it was made by AfterFunc. A Timer must be made with
// NewTimer or AfterFunc.
type Timer struct {
	// C delivers the expiry time; nil for an AfterFunc timer. It is the
	// variant's <-chan Time.
	C *kernel.Chan[Time]

	e *engine // nil for a Timer not made by NewTimer or AfterFunc
}

// NewTimer returns a Timer that sends the current time on its channel after
// at least d: on the virtual clock inside a simulation, on the real clock
// outside.
func NewTimer(d Duration) *Timer {
	return newTimer(d, nil)
}

// After waits for d to elapse and then sends the current time on the
// returned channel. It is NewTimer(d).C.
func After(d Duration) *kernel.Chan[Time] { return NewTimer(d).C }

// AfterFunc waits for d to elapse and then calls f in its own goroutine (a
// simulated goroutine of the caller's simulation, on the caller's node).
// The returned Timer's C is nil; its Stop cancels the call.
func AfterFunc(d Duration, f func()) *Timer {
	return newTimer(d, f)
}

// timerAlloc is a Timer with its engine, allocated together.
type timerAlloc struct {
	t Timer
	e engine
}

// newTimer returns a started Timer: a channel timer if f is nil, else an
// AfterFunc timer.
func newTimer(d Duration, f func()) *Timer {
	a := new(timerAlloc)
	a.e.init(f)
	a.e.start(d, 0)
	a.t = Timer{C: a.e.c, e: &a.e}
	return &a.t
}

// Stop prevents the Timer from firing. It returns true if the call stops the
// timer, false if the timer had already expired or been stopped. With
// synchronous timer channels (Go 1.23+), no value can be received from C
// after Stop returns, and Stop returns true if the timer had fired but its
// value had not been received. For an AfterFunc timer, false means f has been
// started in its own goroutine; Stop does not wait for it.
func (t *Timer) Stop() bool {
	if t.e == nil {
		panic("time: Stop called on uninitialized Timer")
	}
	return t.e.stop()
}

// Reset changes the timer to expire after d, on the clock of the goroutine
// calling it. It returns true if the timer had been active (for synchronous
// channels: including fired with the value not yet received), false if it
// had expired or been stopped. With synchronous channels, no value from the
// previous settings can be received after Reset returns. For an AfterFunc
// timer, Reset either reschedules f (true) or schedules it to run again
// (false).
func (t *Timer) Reset(d Duration) bool {
	if t.e == nil {
		panic("time: Reset called on uninitialized Timer")
	}
	return t.e.reset(d, 0)
}
