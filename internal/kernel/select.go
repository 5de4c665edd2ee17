package kernel

import (
	"math/rand/v2"
	"slices"
)

// SelectCase is one case of a select statement, made by Chan.RecvCase,
// Chan.DiscardCase or Chan.SendCase. Its channel and value are evaluated when
// it is made. A case serves one Select: afterwards only the case that
// proceeded may be used, and only if it was made by RecvCase.
//
// Cases are recycled rather than left to the collector: each escapes to the
// heap (through this interface), and a server loop's select would otherwise
// allocate every case on every iteration. Select hands each case back to its
// channel when done with it, except the receive case that proceeded if made
// by RecvCase: its Value is still to be read, and Take hands it back.
type SelectCase interface {
	ch() chanLock // nil for a nil channel: never ready
	ready(actor *Sim) bool
	commit(actor *Sim) waker // under the channel's lock; the waker (if any) runs after unlocking
	enqueue(g *G, st *selectState, idx int, sem chan struct{})
	dequeue()
	finish()                // after the select woke on this case
	release(proceeded bool) // Select is done with the case
}

// waker is what completing a case leaves to do once the channels are unlocked:
// wake the partner waiter, or panic. An interface rather than a func value,
// which would allocate a closure per wake.
type waker interface{ wake() }

// sendOnClosed is the waker of a send case that found its channel closed.
type sendOnClosed struct{}

func (sendOnClosed) wake() { panic(RuntimeError("send on closed channel")) }

type chanLock interface {
	addr() uintptr
	lock()
	unlock()
}

// RecvCase is a receive case; after Select returns its index, Value and OK
// hold what v, ok := <-c would have.
type RecvCase[T any] struct {
	c     *Chan[T]
	Value T
	OK    bool
	keep  bool // made by RecvCase: if it proceeds, Select leaves it to Take
	w     waiter[T]
}

// SendCase is a send case.
type SendCase[T any] struct {
	c *Chan[T]
	v T
	w waiter[T]
}

// RecvCase returns a receive case on c for Select whose value is wanted:
// case v, ok := <-c. If it proceeds, read Value and OK, or call Take or Take2.
func (c *Chan[T]) RecvCase() *RecvCase[T] { return c.recvCase(true) }

// DiscardCase returns a receive case on c for Select whose value is not
// wanted: case <-c.
func (c *Chan[T]) DiscardCase() *RecvCase[T] { return c.recvCase(false) }

func (c *Chan[T]) recvCase(keep bool) *RecvCase[T] {
	if c != nil {
		if r := c.spareRecv.Swap(nil); r != nil {
			r.keep = keep
			return r
		}
	}
	return &RecvCase[T]{c: c, keep: keep}
}

// SendCase returns a case sending v on c for Select.
func (c *Chan[T]) SendCase(v T) *SendCase[T] {
	if c != nil {
		if s := c.spareSend.Swap(nil); s != nil {
			s.v = v
			return s
		}
	}
	return &SendCase[T]{c: c, v: v}
}

// Take returns the value received by a case that proceeded, and hands the
// case back for reuse: it must not be used again.
func (r *RecvCase[T]) Take() T {
	v := r.Value
	r.recycle()
	return v
}

// Take2 is Take for v, ok := <-c.
func (r *RecvCase[T]) Take2() (T, bool) {
	v, ok := r.Value, r.OK
	r.recycle()
	return v, ok
}

func (r *RecvCase[T]) release(proceeded bool) {
	if !proceeded || !r.keep {
		r.recycle()
	}
}

// recycle makes r its channel's spare receive case, cleared so that it keeps
// no value alive.
func (r *RecvCase[T]) recycle() {
	if c := r.c; c != nil {
		*r = RecvCase[T]{c: c}
		c.spareRecv.Store(r)
	}
}

func (s *SendCase[T]) release(bool) {
	if c := s.c; c != nil {
		*s = SendCase[T]{c: c}
		c.spareSend.Store(s)
	}
}

func (r *RecvCase[T]) ch() chanLock {
	if r.c == nil {
		return nil
	}
	return r.c
}

func (r *RecvCase[T]) ready(*Sim) bool {
	c := r.c
	return c.count > 0 || c.closed || c.sendq.peek() != nil
}

func (r *RecvCase[T]) commit(actor *Sim) waker {
	c := r.c
	if c.count > 0 {
		var zero T
		r.Value, r.OK = c.buf[c.head], true
		c.buf[c.head] = zero
		c.head = (c.head + 1) % len(c.buf)
		c.count--
		if w := c.sendq.take(&c.mu, actor); w != nil {
			c.buf[(c.head+c.count)%len(c.buf)] = w.val
			c.count++
			w.ok = true
			return w
		}
		return nil
	}
	if w := c.sendq.take(&c.mu, actor); w != nil {
		r.Value, r.OK = w.val, true
		w.ok = true
		return w
	}
	var zero T
	r.Value, r.OK = zero, false // closed
	return nil
}

func (r *RecvCase[T]) enqueue(g *G, st *selectState, idx int, sem chan struct{}) {
	r.w = waiter[T]{g: g, native: sem, sel: st, idx: idx}
	r.c.recvq.push(&r.w)
}

func (r *RecvCase[T]) dequeue() { r.c.recvq.remove(&r.w) }

func (r *RecvCase[T]) finish() { r.Value, r.OK = r.w.val, r.w.ok }

func (s *SendCase[T]) ch() chanLock {
	if s.c == nil {
		return nil
	}
	return s.c
}

func (s *SendCase[T]) ready(*Sim) bool {
	c := s.c
	return c.closed || c.count < len(c.buf) || c.recvq.peek() != nil
}

func (s *SendCase[T]) commit(actor *Sim) waker {
	c := s.c
	if c.closed {
		return sendOnClosed{}
	}
	if w := c.recvq.take(&c.mu, actor); w != nil {
		w.val, w.ok = s.v, true
		return w
	}
	c.buf[(c.head+c.count)%len(c.buf)] = s.v
	c.count++
	return nil
}

func (s *SendCase[T]) enqueue(g *G, st *selectState, idx int, sem chan struct{}) {
	s.w = waiter[T]{g: g, native: sem, sel: st, idx: idx, val: s.v}
	s.c.sendq.push(&s.w)
}

func (s *SendCase[T]) dequeue() { s.c.sendq.remove(&s.w) }

func (s *SendCase[T]) finish() {
	if !s.w.ok {
		panic(RuntimeError("send on closed channel"))
	}
}

// Select runs a select statement over cases and returns the index of the case
// that proceeded, or -1 when hasDefault and no case could proceed. Among ready
// cases one is chosen uniformly: from the run's seed in a simulation, at
// random otherwise.
func Select(hasDefault bool, cases ...SelectCase) int {
	g := syncPoint()
	actor := actorOf(g)
	var buf [4]chanLock // most selects have few cases: keep their locks off the heap
	locks := selectLocks(buf[:0], cases)
	for _, l := range locks {
		l.lock()
	}
	unlockAll := func() {
		for _, l := range locks {
			l.unlock()
		}
	}
	if i := chooseReady(g, actor, cases); i >= 0 {
		wake := commitCase(cases[i], actor, locks)
		unlockAll()
		releaseCases(cases, i)
		if wake != nil {
			wake.wake()
		}
		return i
	}
	if hasDefault {
		unlockAll()
		releaseCases(cases, -1)
		return -1
	}
	if len(locks) == 0 {
		blockForever(g, "select (no cases)")
	}
	var st *selectState
	var sem chan struct{}
	if g != nil && g.sel != nil {
		st, g.sel = g.sel, nil
	} else {
		st = &selectState{}
	}
	if g == nil {
		sem = make(chan struct{}, 1)
	}
	for i, c := range cases {
		if c.ch() != nil {
			c.enqueue(g, st, i, sem)
		}
	}
	unlockAll()
	if g != nil {
		g.Park("select")
	} else {
		<-sem
	}
	for _, l := range locks {
		l.lock()
	}
	for i, c := range cases {
		if i != st.fired && c.ch() != nil {
			c.dequeue()
		}
	}
	unlockAll()
	cases[st.fired].finish()
	fired := st.fired
	if g != nil {
		*st = selectState{}
		g.sel = st // none of its waiters is queued any more
	}
	releaseCases(cases, fired)
	return fired
}

// releaseCases tells every case that Select is done with it; proceeded is the
// index of the case that proceeded, or -1. No channel may refer to a case any
// more (its waiter is dequeued), since another goroutine may reuse it at once.
func releaseCases(cases []SelectCase, proceeded int) {
	for i, c := range cases {
		c.release(i == proceeded)
	}
}

// commitCase completes a ready case. A cross-simulation wake panics inside
// take after unlocking that one channel; the others are unlocked here first.
func commitCase(c SelectCase, actor *Sim, locks []chanLock) (wake waker) {
	own := c.ch()
	ok := false
	defer func() {
		if !ok {
			for _, l := range locks {
				if l != own {
					l.unlock()
				}
			}
		}
	}()
	wake = c.commit(actor)
	ok = true
	return wake
}

// chooseReady returns a uniformly chosen ready case, or -1.
func chooseReady(g *G, actor *Sim, cases []SelectCase) int {
	n := 0
	for _, c := range cases {
		if c.ch() != nil && c.ready(actor) {
			n++
		}
	}
	if n == 0 {
		return -1
	}
	k := 0
	if n > 1 {
		if g != nil {
			k = g.sim.Intn(n)
		} else {
			k = rand.IntN(n)
		}
	}
	for i, c := range cases {
		if c.ch() != nil && c.ready(actor) {
			if k == 0 {
				return i
			}
			k--
		}
	}
	panic("unreachable")
}

// selectLocks appends to locks the distinct channels of cases in address
// order, the order in which every select locks them so that two selects
// cannot deadlock.
func selectLocks(locks []chanLock, cases []SelectCase) []chanLock {
	for _, c := range cases {
		l := c.ch()
		if l == nil {
			continue
		}
		// Insertion sort: a select has a handful of cases.
		a := l.addr()
		i := len(locks)
		for i > 0 && locks[i-1].addr() > a {
			i--
		}
		if i > 0 && locks[i-1].addr() == a {
			continue // the same channel in two cases
		}
		locks = slices.Insert(locks, i, l)
	}
	return locks
}

// TrySend is a select with one case, sending v on c, and a default: it
// returns 0 if v was sent and -1 if the send would have blocked. It makes the
// same decisions as Select with that one case, without building one: such
// selects (a non-blocking notify) are common, and a case escapes to the heap.
func (c *Chan[T]) TrySend(v T) int {
	g := syncPoint()
	if c == nil || !c.send(actorOf(g), v, true) {
		return -1
	}
	return 0
}

// SelectSend is a select with one case, sending v on c, and no default: the
// send itself (Go compiles it so), which returns 0, the case that ran.
func (c *Chan[T]) SelectSend(v T) int {
	c.Send(v)
	return 0
}

// SelectRecv is a select with one case, receiving from c, and no default: the
// receive itself, as SelectSend is for a send.
func (c *Chan[T]) SelectRecv() Polled[T] {
	v, ok := c.Recv2()
	return Polled[T]{Value: v, OK: ok, ready: true}
}

// Polled is the outcome of TryRecv or SelectRecv.
type Polled[T any] struct {
	Value T    // what v, ok := <-c gave, when Case is 0
	OK    bool // see Value
	ready bool // a receive proceeded
}

// Case returns the select case that ran: 0 for the receive, -1 for the default.
func (p Polled[T]) Case() int {
	if p.ready {
		return 0
	}
	return -1
}

// Take returns the value received, as RecvCase.Take does.
func (p Polled[T]) Take() T { return p.Value }

// Take2 returns the value received and whether it came from a send.
func (p Polled[T]) Take2() (T, bool) { return p.Value, p.OK }

// TryRecv is a select with one case, receiving from c, and a default, as
// TrySend is for a send.
func (c *Chan[T]) TryRecv() Polled[T] {
	g := syncPoint()
	if c == nil {
		return Polled[T]{}
	}
	v, ok, done := c.recv(actorOf(g), true)
	return Polled[T]{Value: v, OK: ok, ready: done}
}
