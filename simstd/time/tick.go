package time

import "github.com/simgen/simgen/internal/kernel"

// Ticker is time.Ticker: it delivers ticks of a clock at intervals on C.
type Ticker struct {
	// C delivers the ticks; it is the variant's <-chan Time.
	C *kernel.Chan[Time]

	e *engine // nil for a Ticker not made by NewTicker
}

// NewTicker returns a Ticker that sends the time on its channel every d. A
// slow receiver misses ticks rather than queueing them. d must be positive.
func NewTicker(d Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	a := new(tickerAlloc)
	a.e.init(nil)
	a.e.start(d, d)
	a.t = Ticker{C: a.e.c, e: &a.e}
	return &a.t
}

// tickerAlloc is a Ticker with its engine, allocated together.
type tickerAlloc struct {
	t Ticker
	e engine
}

// Tick is NewTicker(d).C, except that it returns nil for d <= 0.
func Tick(d Duration) *kernel.Chan[Time] {
	if d <= 0 {
		return nil
	}
	return NewTicker(d).C
}

// Stop turns off the ticker; no tick is sent after it returns (with
// synchronous channels, an unreceived tick is discarded). It does not close
// C. Like the standard library's, Stop of a Ticker not made by NewTicker
// does nothing.
func (t *Ticker) Stop() {
	if t.e == nil {
		return
	}
	t.e.stop()
}

// Reset stops the ticker and restarts it with period d, on the clock of the
// goroutine calling it; the next tick arrives after d. d must be positive.
func (t *Ticker) Reset(d Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	if t.e == nil {
		panic("time: Reset called on uninitialized Ticker")
	}
	t.e.reset(d, d)
}
