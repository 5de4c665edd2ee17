package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// A WaitGroup is a counting semaphore typically used to wait for a group of
// goroutines or tasks to finish: start tasks with Go (or Add and Done) and
// wait for them with Wait. A WaitGroup must not be copied after first use.
//
// Misuse panics as in Go: a negative counter, and Add after the counter
// reached zero but before every Wait it released has returned. In a
// simulation Add, Done and Wait are scheduling points.
type WaitGroup struct {
	mu sync.Mutex // guards the fields below; never held while a goroutine waits

	// count is the task counter. It is 32 bits wide and wraps like Go's.
	count int32
	// wq holds the goroutines blocked in Wait; non-empty only while count > 0.
	wq waitq
}

// Add adds delta, which may be negative, to the WaitGroup task counter. If
// the counter becomes zero, all goroutines blocked on Wait are released. If
// the counter goes negative, Add panics.
func (wg *WaitGroup) Add(delta int) {
	g := kernel.Current()
	actor := actorOf(g)
	wg.mu.Lock()
	v := wg.count + int32(delta)
	if v < 0 {
		wg.count = v
		wg.mu.Unlock()
		panic(msgNegativeWG)
	}
	if v > 0 || len(wg.wq) == 0 {
		wg.count = v
		wg.mu.Unlock()
		syncAfter(g)
		return
	}
	if !wg.wq.canWakeAll(actor) {
		wg.mu.Unlock()
		panic(kernel.ErrCrossWake)
	}
	wg.count = 0
	wq := wg.wq
	wg.wq = nil
	wg.mu.Unlock()
	for _, w := range wq {
		w.wake()
	}
	syncAfter(g)
}

// Done decrements the WaitGroup task counter by one. It is equivalent to
// Add(-1).
func (wg *WaitGroup) Done() { wg.Add(-1) }

// Wait blocks until the WaitGroup task counter is zero.
func (wg *WaitGroup) Wait() {
	g := kernel.SyncPoint()
	wg.mu.Lock()
	if wg.count == 0 {
		wg.mu.Unlock()
		return
	}
	w := newWaiter(g)
	wg.wq = append(wg.wq, w)
	wg.mu.Unlock()
	w.block(reasonWaitGroup, func() { wg.abandon(w) })
	wg.mu.Lock()
	reused := wg.count != 0
	wg.mu.Unlock()
	if reused {
		panic(msgReusedWG)
	}
}

// abandon removes w when its goroutine unwinds (the run is over) in Wait.
func (wg *WaitGroup) abandon(w waiter) {
	wg.mu.Lock()
	wg.wq.removeWaiter(w)
	wg.mu.Unlock()
}

// Go calls f in a new goroutine (a simulated one inside a simulation) and
// adds that task to the WaitGroup. When f returns, the task is removed from
// the WaitGroup. The function f must not panic: as in Go, a panic in f is not
// turned into Done, so it ends the program (in a simulation, the run).
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	body := func() {
		defer func() {
			if x := recover(); x != nil {
				panic(x)
			}
			wg.Done()
		}()
		f()
	}
	if g := kernel.Current(); g != nil {
		g.Go(body)
		return
	}
	go body()
}
