package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// A RWMutex is a reader/writer mutual exclusion lock. The lock can be held by
// an arbitrary number of readers or a single writer. The zero value is an
// unlocked mutex. A RWMutex must not be copied after first use.
//
// As in Go, a blocked Lock call excludes new readers: once a writer waits,
// RLock blocks until that writer has acquired and released the lock, and the
// readers blocked by a writer get the lock before the next writer. The state
// lives behind a standard mutex held only briefly; waiting goroutines park
// (simulated) or block on a private semaphore (native).
type RWMutex struct {
	mu sync.Mutex // guards the fields below; never held while a goroutine waits

	// readers is the number of goroutines holding a read lock, including
	// readers woken by Unlock that have not run yet.
	readers int
	// writer is set while a goroutine holds the write lock, including a
	// writer it was handed to that has not run yet.
	writer bool
	// rq holds goroutines blocked in RLock. It is non-empty only while a
	// writer holds the lock or waits for it.
	rq waitq
	// wq holds goroutines blocked in Lock. It is non-empty only while the lock
	// is held (by readers or a writer).
	wq waitq
}

// RLock locks rw for reading. It blocks while a writer holds the lock or
// waits for it. It should not be used for recursive read locking. In a
// simulation it is a scheduling point.
func (rw *RWMutex) RLock() {
	g := kernel.SyncPoint()
	rw.mu.Lock()
	if !rw.writer && len(rw.wq) == 0 {
		rw.readers++
		rw.mu.Unlock()
		return
	}
	w := newWaiter(g)
	rw.rq = append(rw.rq, w)
	rw.mu.Unlock()
	w.block(reasonRWRLock, func() { rw.abandon(w, &rw.rq, rw.runlock) })
}

// TryRLock tries to lock rw for reading and reports whether it succeeded.
func (rw *RWMutex) TryRLock() bool {
	kernel.SyncPoint()
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.writer || len(rw.wq) > 0 {
		return false
	}
	rw.readers++
	return true
}

// RUnlock undoes a single RLock call. It is a run-time error if rw is not
// locked for reading on entry (Go's fatal error: in a simulation the run
// ends with a *kernel.FatalError with its message).
func (rw *RWMutex) RUnlock() {
	g := kernel.Current()
	if !rw.runlock(actorOf(g)) {
		fatal(g, msgRUnlockRW)
	}
	syncAfter(g)
}

// runlock releases one read lock on behalf of actor; the last reader out
// hands the lock to a waiting writer. It reports false, changing nothing,
// when no read lock is held.
func (rw *RWMutex) runlock(actor *kernel.Sim) bool {
	rw.mu.Lock()
	if rw.readers == 0 {
		rw.mu.Unlock()
		return false
	}
	if rw.readers > 1 || len(rw.wq) == 0 {
		rw.readers--
		rw.mu.Unlock()
		return true
	}
	i := rw.wq.pick(actor)
	if !rw.wq[i].canWake(actor) {
		rw.mu.Unlock()
		panic(kernel.ErrCrossWake)
	}
	rw.readers = 0
	rw.writer = true
	w := rw.wq.remove(i)
	rw.mu.Unlock()
	w.wake()
	return true
}

// Lock locks rw for writing, blocking until no reader or writer holds it.
// In a simulation it is a scheduling point.
func (rw *RWMutex) Lock() {
	g := kernel.SyncPoint()
	rw.mu.Lock()
	if !rw.writer && rw.readers == 0 {
		rw.writer = true
		rw.mu.Unlock()
		return
	}
	w := newWaiter(g)
	rw.wq = append(rw.wq, w)
	rw.mu.Unlock()
	w.block(reasonRWLock, func() { rw.abandon(w, &rw.wq, rw.unlock) })
}

// TryLock tries to lock rw for writing and reports whether it succeeded.
func (rw *RWMutex) TryLock() bool {
	kernel.SyncPoint()
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.writer || rw.readers > 0 {
		return false
	}
	rw.writer = true
	return true
}

// Unlock unlocks rw for writing. It is a run-time error if rw is not locked
// for writing on entry (Go's fatal error: in a simulation the run ends with
// a *kernel.FatalError with its message). Readers blocked meanwhile get the lock first; otherwise
// a waiting writer does.
func (rw *RWMutex) Unlock() {
	g := kernel.Current()
	if !rw.unlock(actorOf(g)) {
		fatal(g, msgUnlockRW)
	}
	syncAfter(g)
}

// unlock releases the write lock on behalf of actor. It reports false,
// changing nothing, when rw is not locked for writing.
func (rw *RWMutex) unlock(actor *kernel.Sim) bool {
	rw.mu.Lock()
	switch {
	case !rw.writer:
		rw.mu.Unlock()
		return false
	case len(rw.rq) > 0:
		if !rw.rq.canWakeAll(actor) {
			rw.mu.Unlock()
			panic(kernel.ErrCrossWake)
		}
		rw.writer = false
		rw.wakeReaders()
	case len(rw.wq) > 0:
		i := rw.wq.pick(actor)
		if !rw.wq[i].canWake(actor) {
			rw.mu.Unlock()
			panic(kernel.ErrCrossWake)
		}
		w := rw.wq.remove(i) // rw.writer stays set: the lock passes to w
		rw.mu.Unlock()
		w.wake()
	default:
		rw.writer = false
		rw.mu.Unlock()
	}
	return true
}

// wakeReaders grants a read lock to every blocked reader and wakes them;
// rw.mu is held on entry and released on return.
func (rw *RWMutex) wakeReaders() {
	rq := rw.rq
	rw.rq = nil
	rw.readers += len(rq)
	rw.mu.Unlock()
	for _, w := range rq {
		w.wake()
	}
}

// abandon repairs rw when the simulated waiter w unwinds (the run is over)
// while blocked in q: it leaves q, or, if the lock it waited for was already
// granted, releases it with release.
func (rw *RWMutex) abandon(w waiter, q *waitq, release func(*kernel.Sim) bool) {
	actor := w.g.Sim()
	rw.mu.Lock()
	if !q.removeWaiter(w) {
		rw.mu.Unlock()
		release(actor)
		return
	}
	// A writer that gives up may be the last one keeping readers out.
	if !rw.writer && len(rw.wq) == 0 && len(rw.rq) > 0 && rw.rq.canWakeAll(actor) {
		rw.wakeReaders()
		return
	}
	rw.mu.Unlock()
}

// RLocker returns a Locker interface that implements the Lock and Unlock
// methods by calling rw.RLock and rw.RUnlock.
func (rw *RWMutex) RLocker() Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (r *rlocker) Lock()   { (*RWMutex)(r).RLock() }
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }
