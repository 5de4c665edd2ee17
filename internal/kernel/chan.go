package kernel

import (
	"iter"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Chan is a Go channel that simulated and native goroutines can both use.
// Simulated goroutines block by parking in their simulation; native ones on a
// private semaphore. A native goroutine may complete an operation with a
// blocked native goroutine or take from a channel's buffer, but it may not
// wake a simulated goroutine: that would make the run depend on real timing,
// so it panics with ErrCrossWake instead of hanging or racing.
//
// A nil *Chan is a nil channel.
type Chan[T any] struct {
	mu     sync.Mutex
	buf    []T // ring buffer; len(buf) is the capacity
	head   int // index of the oldest buffered value
	count  int // buffered values
	closed bool
	recvq  waitq[T]
	sendq  waitq[T]

	// timer marks the channel of a Go 1.23+ time.Timer or time.Ticker,
	// which reports len and cap 0 like the runtime's synchronous timer channels.
	timer bool

	// mirror, once Mirror made it, is a real channel closed together with
	// c: how code that was not rewritten waits for a simulated Done channel.
	mirror chan struct{}

	// spareRecv and spareSend each hold a select case on c that a finished
	// select handed back, for the next select on c to reuse, or nil. Atomic
	// because natively selects on one channel run in parallel; a case in
	// either is referred to by nothing else.
	spareRecv atomic.Pointer[RecvCase[T]]
	spareSend atomic.Pointer[SendCase[T]]
}

// NewChan returns a channel with the given buffer capacity, like make(chan T, size).
func NewChan[T any](size int) *Chan[T] {
	if size < 0 {
		panic(RuntimeError("makechan: size out of range"))
	}
	if size == 1 {
		// Common (a timer's channel, a wake-up signal): one allocation for
		// the channel and its buffer.
		c1 := new(chanOf1[T])
		c1.c.buf = c1.buf[:]
		return &c1.c
	}
	return &Chan[T]{buf: make([]T, size)}
}

// chanOf1 is a channel allocated together with its buffer of one.
type chanOf1[T any] struct {
	c   Chan[T]
	buf [1]T
}

// RuntimeError is a panic value with the message the Go runtime uses for the
// same misuse; like the runtime's, it satisfies runtime.Error.
type RuntimeError string

func (e RuntimeError) Error() string { return string(e) }

// RuntimeError marks e as a runtime.Error.
func (e RuntimeError) RuntimeError() {}

// ErrCrossWake is the panic value when a goroutine outside a simulation would
// wake a simulated goroutine (or one simulation would wake another's).
const ErrCrossWake = RuntimeError("simgen: a goroutine outside this simulation tried to wake a simulated goroutine blocked on a channel or lock; " +
	"simulated and native goroutines may share channels and locks only when the native side never completes an operation a simulated goroutine waits for " +
	"(hand data in and out before and after simgen.Run, or run the native side inside the simulation too)")

// waiter is a goroutine blocked on one channel, or one case of a blocked select.
type waiter[T any] struct {
	g      *G            // the blocked simulated goroutine, nil for a native one
	native chan struct{} // a native goroutine's wake-up semaphore
	sel    *selectState  // non-nil for a select case
	idx    int           // the select case's index
	val    T             // value to send, or the value received
	ok     bool          // completed (a receive got a value; a send was not met by close)
	next   *waiter[T]
	prev   *waiter[T]
}

// selectState is shared by the waiters of one blocked select: the first
// party to claim it completes the select; the other cases are stale.
type selectState struct {
	claimed atomic.Bool
	fired   int // the case that completed
}

type waitq[T any] struct{ first, last *waiter[T] }

func (q *waitq[T]) push(w *waiter[T]) {
	w.prev = q.last
	w.next = nil
	if q.last == nil {
		q.first = w
	} else {
		q.last.next = w
	}
	q.last = w
}

func (q *waitq[T]) remove(w *waiter[T]) {
	if w.prev == nil {
		if q.first != w {
			return // not queued
		}
		q.first = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.last = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.next, w.prev = nil, nil
}

// peek returns the first waiter that can still complete, dropping on the
// way stale select cases and the waiters of goroutines unwound when their
// run ended (a channel can outlive a run: package-level channels do).
func (q *waitq[T]) peek() *waiter[T] {
	for w := q.first; w != nil; w = q.first {
		if (w.sel == nil || !w.sel.claimed.Load()) && !w.stale() {
			return w
		}
		q.remove(w)
	}
	return nil
}

func (w *waiter[T]) stale() bool { return w.g != nil && w.g.dead.Load() }

// take dequeues the first waiter that can complete and claims it for actor
// (nil for a native goroutine). It panics, leaving the queue as it was, when
// actor may not wake that waiter.
func (q *waitq[T]) take(mu *sync.Mutex, actor *Sim) *waiter[T] {
	for {
		w := q.peek()
		if w == nil {
			return nil
		}
		if w.g != nil && w.g.sim != actor {
			mu.Unlock()
			panic(ErrCrossWake)
		}
		if w.sel != nil && !w.sel.claimed.CompareAndSwap(false, true) {
			q.remove(w)
			continue
		}
		q.remove(w)
		if w.sel != nil {
			w.sel.fired = w.idx
		}
		return w
	}
}

// wake makes a claimed waiter's goroutine continue. Call it without locks held.
func (w *waiter[T]) wake() {
	if w.g != nil {
		w.g.sim.Ready(w.g)
		return
	}
	w.native <- struct{}{}
}

// block waits until w is woken.
func (w *waiter[T]) block(reason string) {
	if w.g != nil {
		w.g.Park(reason)
		return
	}
	<-w.native
}

func newWaiter[T any](g *G) *waiter[T] {
	if g != nil {
		// A simulated goroutine blocks in one operation at a time, so it
		// reuses the waiter of its last plain send or receive.
		if w, ok := g.spare.(*waiter[T]); ok {
			g.spare = nil
			w.g = g
			return w
		}
		return &waiter[T]{g: g}
	}
	return &waiter[T]{native: make(chan struct{}, 1)}
}

// recycle hands back a plain (non-select) waiter whose goroutine was woken:
// the waker dequeued it, so nothing refers to it any more.
func (w *waiter[T]) recycle() {
	if w.g != nil {
		g := w.g
		*w = waiter[T]{}
		g.spare = w
	}
}

func actorOf(g *G) *Sim {
	if g == nil {
		return nil
	}
	return g.sim
}

// syncPoint makes the operation a scheduling point for a simulated caller and
// returns the caller (nil if native).
func syncPoint() *G {
	g := Current()
	if g != nil {
		g.Sync()
	}
	return g
}

// blockForever parks the caller for good, as an operation on a nil channel does.
func blockForever(g *G, reason string) {
	if g != nil {
		g.Park(reason)
		panic("simgen internal error: a goroutine blocked forever was woken")
	}
	select {}
}

// Send sends v on c (c <- v).
func (c *Chan[T]) Send(v T) {
	g := syncPoint()
	if c == nil {
		blockForever(g, "chan send (nil chan)")
	}
	if !c.send(actorOf(g), v, false) {
		w := newWaiter[T](g)
		w.val = v
		c.sendq.push(w)
		c.mu.Unlock()
		w.block("chan send")
		ok := w.ok
		w.recycle()
		if !ok {
			panic(RuntimeError("send on closed channel"))
		}
	}
}

// send tries to complete a send without blocking. On success it returns true
// with c unlocked; otherwise, if block, it returns false with c still locked
// (so the caller can enqueue), else false with c unlocked.
func (c *Chan[T]) send(actor *Sim, v T, nonblock bool) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		panic(RuntimeError("send on closed channel"))
	}
	if w := c.recvq.take(&c.mu, actor); w != nil {
		w.val, w.ok = v, true
		c.mu.Unlock()
		w.wake()
		return true
	}
	if c.count < len(c.buf) {
		c.buf[(c.head+c.count)%len(c.buf)] = v
		c.count++
		c.mu.Unlock()
		return true
	}
	if nonblock {
		c.mu.Unlock()
	}
	return false
}

// Recv receives from c (<-c).
func (c *Chan[T]) Recv() T {
	v, _ := c.Recv2()
	return v
}

// Recv2 receives from c, reporting whether the value came from a send (v, ok := <-c).
func (c *Chan[T]) Recv2() (T, bool) {
	g := syncPoint()
	if c == nil {
		blockForever(g, "chan receive (nil chan)")
	}
	if v, ok, done := c.recv(actorOf(g), false); done {
		return v, ok
	}
	w := newWaiter[T](g)
	c.recvq.push(w)
	c.mu.Unlock()
	w.block("chan receive")
	v, ok := w.val, w.ok
	w.recycle()
	return v, ok
}

// recv tries to complete a receive without blocking; on failure c stays
// locked unless nonblock.
func (c *Chan[T]) recv(actor *Sim, nonblock bool) (v T, ok, done bool) {
	c.mu.Lock()
	if c.count > 0 {
		var zero T
		v = c.buf[c.head]
		c.buf[c.head] = zero
		c.head = (c.head + 1) % len(c.buf)
		c.count--
		// A blocked sender's value moves into the freed slot.
		if w := c.sendq.take(&c.mu, actor); w != nil {
			c.buf[(c.head+c.count)%len(c.buf)] = w.val
			c.count++
			w.ok = true
			c.mu.Unlock()
			w.wake()
			return v, true, true
		}
		c.mu.Unlock()
		return v, true, true
	}
	if w := c.sendq.take(&c.mu, actor); w != nil {
		v = w.val
		w.ok = true
		c.mu.Unlock()
		w.wake()
		return v, true, true
	}
	if c.closed {
		c.mu.Unlock()
		return v, false, true
	}
	if nonblock {
		c.mu.Unlock()
	}
	return v, false, false
}

// Close closes c (close(c)).
func (c *Chan[T]) Close() {
	g := syncPoint()
	if c == nil {
		panic(RuntimeError("close of nil channel"))
	}
	c.close(actorOf(g))
}

func (c *Chan[T]) close(actor *Sim) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		panic(RuntimeError("close of closed channel"))
	}
	for _, q := range []*waitq[T]{&c.recvq, &c.sendq} {
		for w := q.first; w != nil; w = w.next {
			if w.g != nil && w.g.sim != actor && !w.stale() && (w.sel == nil || !w.sel.claimed.Load()) {
				c.mu.Unlock()
				panic(ErrCrossWake)
			}
		}
	}
	c.closed = true
	if c.mirror != nil {
		close(c.mirror)
	}
	var woken []*waiter[T]
	for _, q := range []*waitq[T]{&c.recvq, &c.sendq} {
		for w := q.take(&c.mu, actor); w != nil; w = q.take(&c.mu, actor) {
			var zero T
			w.val, w.ok = zero, false
			woken = append(woken, w)
		}
	}
	c.mu.Unlock()
	for _, w := range woken {
		w.wake()
	}
}

// Len returns the number of buffered values (len(c)).
func (c *Chan[T]) Len() int {
	syncPoint()
	if c == nil || c.timer {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// Cap returns the buffer capacity (cap(c)).
func (c *Chan[T]) Cap() int {
	if c == nil || c.timer {
		return 0
	}
	return len(c.buf)
}

// Range yields the values received from c until it is closed and drained
// (for v := range c).
func (c *Chan[T]) Range() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.Recv2()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// TrySend sends v on c without blocking and without a scheduling point, on
// behalf of actor (a timer callback of that simulation, or nil for native
// code); it reports whether the value was delivered or buffered.
func TrySend[T any](c *Chan[T], actor *Sim, v T) bool {
	return c.send(actor, v, true)
}

// TryRecv receives from c without blocking and without a scheduling point.
func TryRecv[T any](c *Chan[T], actor *Sim) (v T, ok, done bool) {
	return c.recv(actor, true)
}

// CloseBy closes c on behalf of actor (see TrySend), without a scheduling point.
func CloseBy[T any](c *Chan[T], actor *Sim) { c.close(actor) }

// Mirror returns a real channel closed when c is (at once if it already is),
// made on the first call, which calls made with it before any caller can see
// it. Values sent on c do not reach it: it is for channels that are only ever
// closed, such as a context's Done.
func Mirror[T any](c *Chan[T], made func(<-chan struct{})) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mirror == nil {
		c.mirror = make(chan struct{})
		if c.closed {
			close(c.mirror)
		}
		made(c.mirror)
	}
	return c.mirror
}

// MarkTimer makes c report len and cap 0, as Go 1.23+ timer channels do.
func MarkTimer[T any](c *Chan[T]) { c.timer = true }

// Drain discards c's buffered values and reports whether there were any.
func Drain[T any](c *Chan[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	had := c.count > 0
	var zero T
	for ; c.count > 0; c.count-- {
		c.buf[c.head] = zero
		c.head = (c.head + 1) % len(c.buf)
	}
	return had
}

func (c *Chan[T]) addr() uintptr { return uintptr(unsafe.Pointer(c)) }
func (c *Chan[T]) lock()         { c.mu.Lock() }
func (c *Chan[T]) unlock()       { c.mu.Unlock() }
