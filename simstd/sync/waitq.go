package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// waiter is a goroutine blocked on a RWMutex or WaitGroup. It is kept by value
// in a waitq under the owner's lock and removed from it by whoever wakes it.
type waiter struct {
	g   *kernel.G     // the simulated goroutine, nil for a native one
	sem chan struct{} // a native goroutine's wake-up (capacity 1); nil for a simulated one
}

// newWaiter returns the waiter for the calling goroutine g (nil if native).
// Only a native waiter allocates.
func newWaiter(g *kernel.G) waiter {
	if g != nil {
		return waiter{g: g}
	}
	return waiter{sem: make(chan struct{}, 1)}
}

// canWake reports whether actor (nil for native code) may wake w: a native
// goroutine may be woken by anyone, a simulated one only from its simulation.
func (w waiter) canWake(actor *kernel.Sim) bool { return w.g == nil || w.g.Sim() == actor }

// wake makes w's goroutine continue. Call it without the owner's lock held.
// The owner's lock was released after w was queued and before w parked with no
// scheduling point in between, so a simulated w is parked by the time a
// goroutine of its simulation gets here.
func (w waiter) wake() {
	if w.g != nil {
		w.g.Sim().Ready(w.g)
		return
	}
	w.sem <- struct{}{}
}

// same reports whether w and o are the same blocked goroutine.
func (w waiter) same(o waiter) bool { return w.g == o.g && w.sem == o.sem }

// waitq is a list of waiters in arrival order.
type waitq []waiter

// pick returns the index of the waiter to wake next: drawn from the seed
// when actor is a simulation, the oldest otherwise (as Go's semaphores do).
func (q waitq) pick(actor *kernel.Sim) int { return pickIndex(actor, len(q)) }

func pickIndex(actor *kernel.Sim, n int) int {
	if actor == nil || n < 2 {
		return 0
	}
	return actor.Intn(n)
}

// remove deletes the i-th waiter, keeping the others in arrival order.
func (q *waitq) remove(i int) waiter {
	w := (*q)[i]
	copy((*q)[i:], (*q)[i+1:])
	(*q)[len(*q)-1] = waiter{}
	*q = (*q)[:len(*q)-1]
	return w
}

// removeWaiter deletes w if it is still queued and reports whether it was.
func (q *waitq) removeWaiter(w waiter) bool {
	for i, o := range *q {
		if o.same(w) {
			q.remove(i)
			return true
		}
	}
	return false
}

// canWakeAll reports whether actor may wake every waiter of q.
func (q waitq) canWakeAll(actor *kernel.Sim) bool {
	for _, w := range q {
		if !w.canWake(actor) {
			return false
		}
	}
	return true
}

// block waits until w is woken. When the run ends while a simulated w is
// parked, the goroutine unwinds from here and abandoned runs first (with the
// caller's state still to be repaired: w queued, or already granted what it
// waited for).
func (w waiter) block(reason string, abandoned func()) {
	if w.g == nil {
		<-w.sem
		return
	}
	woken := false
	defer func() {
		if !woken {
			abandoned()
		}
	}()
	w.g.Park(reason)
	woken = true
}

// actorOf returns the simulation of g, nil for native code.
func actorOf(g *kernel.G) *kernel.Sim { return kernel.Actor(g) }

// syncAfter is the scheduling point that follows a release operation.
func syncAfter(g *kernel.G) {
	if g != nil {
		g.Sync()
	}
}

// fatal reports misuse that the Go runtime treats as a fatal error: natively
// it is Go's own unrecoverable fatal error (produced by the same misuse of a
// standard lock); inside a simulation the run ends with a *kernel.FatalError
// with the same message (simstd.KindFatal), which no recover can stop either,
// instead of the whole process.
func fatal(g *kernel.G, msg string) {
	if g != nil {
		g.Fatal(msg)
	}
	switch msg {
	case msgUnlockMutex:
		var m sync.Mutex
		m.Unlock()
	case msgRUnlockRW:
		var rw sync.RWMutex
		rw.RUnlock()
	case msgUnlockRW:
		var rw sync.RWMutex
		rw.Unlock()
	}
	panic(msg)
}
