package kernel

// idleKey keys, in Sim.exts, the goroutines waiting in WaitIdle.
type idleKey struct{}

// idleWaiters are the goroutines parked in WaitIdle, in the order they came.
type idleWaiters struct{ gs []*G }

// WaitIdle blocks g until every other goroutine of its run is blocked (none
// is runnable), before the clock moves on to the next timer: what
// testing/synctest.Wait waits for, the whole run standing for its bubble.
func (g *G) WaitIdle() {
	s := g.sim
	w := s.Ext(idleKey{}, func() any { return new(idleWaiters) }).(*idleWaiters)
	w.gs = append(w.gs, g)
	g.Park("synctest.Wait")
}

// wakeIdle readies the goroutines in WaitIdle when no goroutine is runnable,
// and reports whether there were any: the driver then lets them run instead
// of moving the clock or declaring a deadlock.
func (s *Sim) wakeIdle() bool {
	v, ok := s.exts[idleKey{}]
	if !ok {
		return false
	}
	w := v.(*idleWaiters)
	if len(w.gs) == 0 {
		return false
	}
	for _, g := range w.gs {
		s.Ready(g)
	}
	clear(w.gs)
	w.gs = w.gs[:0]
	return true
}
