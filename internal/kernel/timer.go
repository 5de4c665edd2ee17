package kernel

import "time"

// Timer is an event on the virtual clock. Its callback runs on the driver,
// between goroutines, and must not block: it may make goroutines runnable,
// start goroutines, or perform non-blocking channel operations.
type Timer struct {
	sim  *Sim
	node *Node // Kill of the node cancels the timer
	f    func()
	what string // what the timer is for, in traces ("" when unknown)
	when int64  // virtual time at which f runs
	seq  uint64 // seed-drawn tie-breaker among timers due at the same instant
	idx  int    // index in sim.timers, or -1 when not pending
}

// NewTimer returns an unscheduled timer of s that runs f when it fires. It
// belongs to the node of the calling goroutine (the default node when called
// from the driver); SetNode changes that.
func (s *Sim) NewTimer(f func()) *Timer {
	t := new(Timer)
	s.InitTimer(t, f)
	return t
}

// InitTimer makes *t what NewTimer(f) returns: an unscheduled timer of s,
// on the caller's node, with no description. It lets a shim embed a timer in
// its own struct, saving an allocation, and reuse it once it is idle: t must
// be a zero Timer or one that is not pending, and whose callback is not
// about to run.
func (s *Sim) InitTimer(t *Timer, f func()) {
	if t.sim != nil && t.idx >= 0 {
		panic("simgen internal error: InitTimer of a pending timer")
	}
	n := s.nodes[0]
	if g := s.running; g != nil {
		n = g.node
	}
	*t = Timer{sim: s, node: n, f: f, idx: -1}
}

// Sim returns the simulation t belongs to.
func (t *Timer) Sim() *Sim { return t.sim }

// Describe says what t is for ("time.Sleep", "net deadline"), for traces.
func (t *Timer) Describe(what string) { t.what = what }

// SetNode makes n the node whose Kill cancels t.
func (t *Timer) SetNode(n *Node) { t.node = n }

// ScheduleAfter (re)schedules t to fire d after the current virtual time;
// d <= 0 fires it at the next scheduling point (with the compute model off:
// the next time every goroutine is blocked).
func (t *Timer) ScheduleAfter(d time.Duration) {
	s := t.sim
	when := s.now
	if d > 0 {
		when += int64(d)
		if when < s.now { // overflow: never
			when = 1<<63 - 1
		}
	}
	t.Schedule(when)
}

// Schedule (re)schedules t to fire at the virtual time when.
func (t *Timer) Schedule(when int64) {
	s := t.sim
	t.Cancel()
	t.when = when
	t.seq = s.rng.Uint64()
	s.timers.push(t)
	if when < s.wake && s.stepCost != 0 {
		s.wake = when // the compute clock may reach it before anyone blocks
	}
}

// Cancel unschedules t and reports whether it was pending.
func (t *Timer) Cancel() bool {
	if t.idx < 0 {
		return false
	}
	t.sim.timers.remove(t.idx)
	return true
}

// Pending reports whether t is scheduled and has not fired.
func (t *Timer) Pending() bool { return t.idx >= 0 }

// When returns the virtual time (since Epoch) at which t fires or fired.
func (t *Timer) When() time.Duration { return time.Duration(t.when) }

// timerHeap is a binary min-heap ordered by (when, seq).
type timerHeap []*Timer

func (h timerHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx = i
	h[j].idx = j
}

func (h *timerHeap) push(t *Timer) {
	t.idx = len(*h)
	*h = append(*h, t)
	h.up(t.idx)
}

func (h *timerHeap) pop() *Timer {
	t := (*h)[0]
	h.remove(0)
	return t
}

func (h *timerHeap) remove(i int) {
	old := *h
	last := len(old) - 1
	t := old[i]
	if i != last {
		old.swap(i, last)
	}
	old[last] = nil
	*h = old[:last]
	if i != last {
		h.down(i)
		h.up(i)
	}
	t.idx = -1
}

func (h timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h timerHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h.swap(i, m)
		i = m
	}
}
