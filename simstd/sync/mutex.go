package sync

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/simgen/simgen/internal/kernel"
)

// A Mutex is a mutual exclusion lock. The zero value is an unlocked mutex.
// A Mutex must not be copied after first use.
//
// The lock itself is a standard sync.Mutex, so native goroutines lock it at
// the standard library's speed and with its semantics. Simulated goroutines
// never block on it: they take it with TryLock, or queue in q and park. Unlock
// releases it and wakes one parked goroutine, drawn from the seed, which then
// competes for the mutex again: as in Go's normal mode, a goroutine that was
// running may take it first (the woken one then parks again).
type Mutex struct {
	// m is locked exactly while some goroutine owns the Mutex.
	m sync.Mutex

	// waiting counts the goroutines in q plus a simulated locker between
	// announcing itself (before its last TryLock) and queueing. Announcing
	// before trying, while Unlock releases before looking, guarantees that a
	// release by another simulation or native code never misses a waiter.
	waiting atomic.Int32

	mu sync.Mutex  // guards q; held only briefly, never while parked
	q  []*kernel.G // simulated goroutines parked in Lock, in arrival order
}

// Lock locks m, blocking until it is available. In a simulation it is a
// light scheduling point (kernel.G.Preempt), and locking a held mutex parks
// the caller.
func (m *Mutex) Lock() {
	g := kernel.Current()
	if g == nil {
		m.m.Lock()
		return
	}
	g.Preempt()
	if !m.m.TryLock() {
		m.lockSlow(g)
	}
}

// lockSlow parks g until an Unlock wakes it, then competes for the mutex
// again (a woken goroutine may lose it to one that was running, as in Go).
func (m *Mutex) lockSlow(g *kernel.G) {
	for {
		m.mu.Lock()
		m.waiting.Add(1)
		if m.m.TryLock() { // released meanwhile (by native code or another simulation)
			m.waiting.Add(-1)
			m.mu.Unlock()
			return
		}
		m.q = append(m.q, g)
		m.mu.Unlock()
		m.park(g)
		if m.m.TryLock() {
			return
		}
	}
}

// park blocks g, queued in m.q, until Unlock wakes it. If the run ends
// meanwhile, g unwinds from here and leaves the queue.
func (m *Mutex) park(g *kernel.G) {
	woken := false
	defer func() {
		if !woken {
			m.mu.Lock()
			if i := slices.Index(m.q, g); i >= 0 {
				m.q = slices.Delete(m.q, i, i+1)
				m.waiting.Add(-1)
			}
			m.mu.Unlock()
		}
	}()
	g.Park(reasonMutexLock)
	woken = true
}

// TryLock tries to lock m and reports whether it succeeded. In a simulation
// it is a scheduling point (so that a TryLock loop lets others run).
func (m *Mutex) TryLock() bool {
	if g := kernel.Current(); g != nil {
		g.Sync()
	}
	return m.m.TryLock()
}

// Unlock unlocks m. It is a run-time error if m is not locked on entry to
// Unlock: Go's fatal error, which no recover stops (in a simulation the run
// ends with a *kernel.FatalError with its message).
// As in Go, a locked Mutex is not associated with a goroutine: one goroutine
// may lock it and another unlock it. In a simulation Unlock is a scheduling
// point after a release that woke a waiting goroutine.
func (m *Mutex) Unlock() {
	g := kernel.Current()
	if g == nil {
		m.release(nil)
		return
	}
	if m.m.TryLock() {
		m.m.Unlock()
		fatal(g, msgUnlockMutex)
	}
	if m.release(g.Sim()) {
		g.Sync()
	}
}

// release unlocks m on behalf of actor (nil for native code) and wakes one
// parked waiter, if any, to compete for it. It reports whether it woke one.
func (m *Mutex) release(actor *kernel.Sim) bool {
	if m.waiting.Load() != 0 {
		m.mu.Lock()
		var w *kernel.G
		if len(m.q) > 0 {
			w = m.dequeue(actor)
		}
		m.m.Unlock()
		m.mu.Unlock()
		if w != nil {
			actor.Ready(w)
		}
		return w != nil
	}
	m.m.Unlock() // natively: Go's fatal error if m was not locked
	if m.waiting.Load() == 0 {
		return false
	}
	// A goroutine of another simulation queued after failing its TryLock and
	// before the unlock above: it must be woken, which only its own simulation
	// may do, so this panics unless it left meanwhile.
	m.mu.Lock()
	if len(m.q) == 0 {
		m.mu.Unlock()
		return false
	}
	w := m.dequeue(actor)
	m.mu.Unlock()
	actor.Ready(w)
	return true
}

// dequeue removes and returns the waiter to wake; m.mu is held. It panics
// with kernel.ErrCrossWake, after releasing m.mu and leaving the state as it
// was, when actor may not wake it.
func (m *Mutex) dequeue(actor *kernel.Sim) *kernel.G {
	i := pickIndex(actor, len(m.q))
	w := m.q[i]
	if w.Sim() != actor {
		m.mu.Unlock()
		panic(kernel.ErrCrossWake)
	}
	m.q = slices.Delete(m.q, i, i+1)
	m.waiting.Add(-1)
	return w
}
