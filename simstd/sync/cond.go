package sync

import (
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/simgen/simgen/internal/kernel"
)

// Cond implements a condition variable, a rendezvous point for goroutines
// waiting for or announcing the occurrence of an event. Each Cond has an
// associated Locker L (often a *Mutex or *RWMutex, or any other Locker), which
// must be held when changing the condition and when calling Wait. A Cond must
// not be copied after first use.
//
// Signal wakes the oldest waiter natively (as Go's runtime does) and one drawn
// from the seed in a simulation. Signal and Broadcast are scheduling points
// in a simulation.
type Cond struct {
	noCopy noCopy // makes go vet report copies

	// L is held while observing or changing the condition.
	L Locker

	mu      sync.Mutex    // guards waiters and their flags; never held while waiting
	waiters []*condWaiter // goroutines between registering in Wait and being signalled
	checker copyChecker   // the Cond's own address once used: a copy fails the check
}

// condWaiter is one call of Wait. A waiter registers before unlocking L and
// parks after, so a Signal may come first; woken and parked (both under
// Cond.mu) tell the two orders apart.
type condWaiter struct {
	g      *kernel.G     // the simulated goroutine, nil for a native one
	sem    chan struct{} // a native goroutine's wake-up (capacity 1)
	woken  bool          // signalled; set once, by the waker
	parked bool          // the simulated g is parked (or about to, with no scheduling point left)
}

// NewCond returns a new Cond with Locker l.
func NewCond(l Locker) *Cond { return &Cond{L: l} }

// Wait atomically unlocks c.L and suspends execution of the calling
// goroutine. After later resuming execution, Wait locks c.L before returning.
// Wait cannot return unless awoken by Broadcast or Signal, so callers Wait in
// a loop that rechecks the condition.
func (c *Cond) Wait() {
	c.checker.check()
	g := kernel.Current()
	w := &condWaiter{g: g}
	if g == nil {
		w.sem = make(chan struct{}, 1)
	}
	c.mu.Lock()
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	woken := false
	defer func() {
		if !woken { // L.Unlock panicked, or the run is over and g unwinds
			c.forget(w)
		}
	}()
	c.L.Unlock()
	c.block(w)
	woken = true
	c.L.Lock()
}

// block waits until w is signalled.
func (c *Cond) block(w *condWaiter) {
	if w.g == nil {
		<-w.sem
		return
	}
	c.mu.Lock()
	if w.woken {
		c.mu.Unlock()
		return
	}
	w.parked = true
	c.mu.Unlock()
	w.g.Park(reasonCondWait)
}

// forget removes w if no Signal or Broadcast took it yet.
func (c *Cond) forget(w *condWaiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.Index(c.waiters, w); i >= 0 {
		c.waiters = slices.Delete(c.waiters, i, i+1)
	}
}

// Signal wakes one goroutine waiting on c, if there is any. It is allowed but
// not required for the caller to hold c.L during the call.
func (c *Cond) Signal() {
	c.checker.check()
	g := kernel.Current()
	actor := actorOf(g)
	c.mu.Lock()
	if len(c.waiters) == 0 {
		c.mu.Unlock()
		syncAfter(g)
		return
	}
	i := pickIndex(actor, len(c.waiters))
	w := c.waiters[i]
	if !w.canWake(actor) {
		c.mu.Unlock()
		panic(kernel.ErrCrossWake)
	}
	c.waiters = slices.Delete(c.waiters, i, i+1)
	wake := w.signal()
	c.mu.Unlock()
	if wake {
		w.wake()
	}
	syncAfter(g)
}

// Broadcast wakes all goroutines waiting on c. It is allowed but not required
// for the caller to hold c.L during the call.
func (c *Cond) Broadcast() {
	c.checker.check()
	g := kernel.Current()
	actor := actorOf(g)
	c.mu.Lock()
	for _, w := range c.waiters {
		if !w.canWake(actor) {
			c.mu.Unlock()
			panic(kernel.ErrCrossWake)
		}
	}
	ws := c.waiters
	c.waiters = nil
	wake := make([]bool, len(ws))
	for i, w := range ws {
		wake[i] = w.signal()
	}
	c.mu.Unlock()
	for i, w := range ws {
		if wake[i] {
			w.wake()
		}
	}
	syncAfter(g)
}

func (w *condWaiter) canWake(actor *kernel.Sim) bool { return w.g == nil || w.g.Sim() == actor }

// signal marks w woken (under Cond.mu) and reports whether it must be woken:
// a simulated waiter that has not parked yet will see woken instead.
func (w *condWaiter) signal() bool {
	w.woken = true
	return w.g == nil || w.parked
}

func (w *condWaiter) wake() {
	if w.g != nil {
		w.g.Sim().Ready(w.g)
		return
	}
	w.sem <- struct{}{}
}

// copyChecker holds a back pointer to itself to detect copying, as Go's
// does; it reads atomically because Wait and Signal may run concurrently
// when L is a read lock or a foreign Locker.
type copyChecker uintptr

func (c *copyChecker) check() {
	p := (*uintptr)(c)
	self := uintptr(unsafe.Pointer(c))
	if atomic.LoadUintptr(p) != self &&
		!atomic.CompareAndSwapUintptr(p, 0, self) &&
		atomic.LoadUintptr(p) != self {
		panic(msgCondCopied)
	}
}

// noCopy makes go vet's copylocks check report copies of the structs that
// contain it. It must not be embedded, due to the Lock and Unlock methods.
type noCopy struct{}

// Lock is a no-op used by the copylocks checker.
func (*noCopy) Lock() {}

// Unlock is a no-op used by the copylocks checker.
func (*noCopy) Unlock() {}
