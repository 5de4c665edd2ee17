package kernel

// Waiter lets a shim block the calling goroutine, simulated or native, until
// another party wakes it. Shims keep Waiters in their own queues under their
// own lock; a Waiter is used once.
type Waiter struct {
	g   *G            // the simulated goroutine, or nil
	sem chan struct{} // a native goroutine's semaphore
}

// NewWaiter returns a Waiter for the calling goroutine g (nil if native).
func NewWaiter(g *G) *Waiter {
	w := &Waiter{g: g}
	if g == nil {
		w.sem = make(chan struct{}, 1)
	}
	return w
}

// Block waits until Wake. reason appears in deadlock reports.
func (w *Waiter) Block(reason string) {
	if w.g != nil {
		w.g.Park(reason)
		return
	}
	<-w.sem
}

// CanWake reports whether actor (nil for native code) may wake w; shims check
// it before changing state, and panic with ErrCrossWake when it is false.
func (w *Waiter) CanWake(actor *Sim) bool { return w.g == nil || w.g.sim == actor }

// Wake makes the blocked goroutine continue. actor must satisfy CanWake.
func (w *Waiter) Wake(actor *Sim) {
	if w.g != nil {
		if w.g.sim != actor {
			panic(ErrCrossWake)
		}
		w.g.sim.Ready(w.g)
		return
	}
	w.sem <- struct{}{}
}

// Stale reports whether w belongs to a goroutine that was unwound when its
// run ended; shims drop such waiters from their queues instead of waking them.
func (w *Waiter) Stale() bool { return w.g != nil && w.g.dead.Load() }

// G returns the simulated goroutine of w, or nil.
func (w *Waiter) G() *G { return w.g }

// Actor returns the simulation a goroutine belongs to, nil for a native one
// (nil g).
func Actor(g *G) *Sim { return actorOf(g) }

// Spawn starts fn as a new goroutine of s on node, from a timer callback or
// other driver-side code (goroutines use G.Go). It is not a scheduling point.
// A goroutine spawned on a killed node never runs.
func (s *Sim) Spawn(fn func(), node *Node) *G {
	g := s.spawn(fn, node)
	if node.state == NodeDown {
		s.crash(g)
	}
	return g
}

// SyncPoint is a scheduling point when called from a simulated goroutine,
// which it returns; outside a simulation it does nothing and returns nil.
func SyncPoint() *G { return syncPoint() }
