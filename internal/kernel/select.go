package kernel

import (
	"math/rand/v2"
	"slices"
)

// SelectCase is one case of a select statement, made by Chan.RecvCase or
// Chan.SendCase. Its channel and value are evaluated when it is made.
type SelectCase interface {
	ch() chanLock // nil for a nil channel: never ready
	ready(actor *Sim) bool
	commit(actor *Sim) (wake func()) // under the channel's lock; wake runs after unlocking
	enqueue(g *G, st *selectState, idx int, sem chan struct{})
	dequeue()
	finish() // after the select woke on this case
}

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
	w     waiter[T]
}

// SendCase is a send case.
type SendCase[T any] struct {
	c *Chan[T]
	v T
	w waiter[T]
}

// RecvCase returns a receive case on c for Select.
func (c *Chan[T]) RecvCase() *RecvCase[T] { return &RecvCase[T]{c: c} }

// SendCase returns a case sending v on c for Select.
func (c *Chan[T]) SendCase(v T) *SendCase[T] { return &SendCase[T]{c: c, v: v} }

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

func (r *RecvCase[T]) commit(actor *Sim) func() {
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
			return w.wake
		}
		return nil
	}
	if w := c.sendq.take(&c.mu, actor); w != nil {
		r.Value, r.OK = w.val, true
		w.ok = true
		return w.wake
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

func (s *SendCase[T]) commit(actor *Sim) func() {
	c := s.c
	if c.closed {
		return func() { panic(RuntimeError("send on closed channel")) }
	}
	if w := c.recvq.take(&c.mu, actor); w != nil {
		w.val, w.ok = s.v, true
		return w.wake
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
		if wake != nil {
			wake()
		}
		return i
	}
	if hasDefault {
		unlockAll()
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
	return fired
}

// commitCase completes a ready case. A cross-simulation wake panics inside
// take after unlocking that one channel; the others are unlocked here first.
func commitCase(c SelectCase, actor *Sim, locks []chanLock) (wake func()) {
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
