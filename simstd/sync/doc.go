// Package sync mirrors the standard library's sync package for simgen's
// simulated variants.
//
// Outside a simulation (package initialization, native goroutines) every type
// behaves like its standard counterpart under real concurrency. Inside a
// simulation:
//
//   - Lock, RLock, TryLock, TryRLock, WaitGroup.Add/Done/Wait and
//     Cond.Signal/Broadcast are scheduling points, so the seed decides which
//     goroutine gets a contended lock and what runs between two critical
//     sections.
//   - A goroutine that must wait parks in its simulation with Go's wait reason
//     ("sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
//     "sync.WaitGroup.Wait", "sync.Cond.Wait"), which deadlock reports show.
//   - When a lock or condition has several waiters, the one to wake is drawn
//     from the seed (natively it is the oldest, as in Go's runtime).
//   - Misuse that is a fatal error in Go ("sync: unlock of unlocked mutex",
//     "sync: RUnlock of unlocked RWMutex", "sync: Unlock of unlocked RWMutex")
//     ends the run with a kernel.FatalError with the same message, which, as
//     Go's fatal error, no recover stops. Natively these are Go's own fatal
//     errors.
//   - Map.Range visits keys in an order drawn from the seed (Go's order is
//     random per process). Get of a Pool returns the value most recently Put
//     in the same run, or New(), except that at points drawn from the seed
//     it finds the pool emptied, as Go's may be by any garbage collection.
//
// The same value may be used natively and in a simulation (a Mutex created
// at package initialization, for example), but a native goroutine must never
// release a simulated goroutine waiting on it: that would make the run depend
// on real timing, so it panics with kernel.ErrCrossWake instead. The same holds
// between two simulations running in parallel.
//
// When a run ends, goroutines still blocked here are unwound (their deferred
// calls run); a lock or read lock that had already been handed to such a
// goroutine is released on its behalf, so a package-level lock stays usable by
// the next run.
package sync

import "sync"

// Locker represents an object that can be locked and unlocked.
type Locker = sync.Locker

// Wait reasons, in the words of Go's goroutine dumps.
const (
	reasonMutexLock = "sync.Mutex.Lock"
	reasonRWLock    = "sync.RWMutex.Lock"
	reasonRWRLock   = "sync.RWMutex.RLock"
	reasonWaitGroup = "sync.WaitGroup.Wait"
	reasonCondWait  = "sync.Cond.Wait"
)

// Panic messages, Go's own.
const (
	msgUnlockMutex = "sync: unlock of unlocked mutex"
	msgRUnlockRW   = "sync: RUnlock of unlocked RWMutex"
	msgUnlockRW    = "sync: Unlock of unlocked RWMutex"
	msgNegativeWG  = "sync: negative WaitGroup counter"
	msgReusedWG    = "sync: WaitGroup is reused before previous Wait has returned"
	msgCondCopied  = "sync.Cond is copied"
)
