package kernel

import (
	"iter"
	"runtime"
	"runtime/debug"
	"slices"
	"sync/atomic"
)

// gState is a simulated goroutine's scheduling state.
type gState uint8

const (
	gRunnable gState = iota // in Sim.runq, or the running goroutine at a sync point
	gRunning                // the one goroutine executing user code
	gBlocked                // parked; only Ready makes it runnable again
	gDead                   // finished; removed from Sim.all
)

// G is a simulated goroutine.
type G struct {
	id  uint64 // 1 for the run's main goroutine, then in creation order
	sim *Sim   // the simulation the goroutine belongs to; never changes

	// gp is the runtime identity of the coroutine's goroutine, set when it
	// first runs; Current compares it with getg() from any goroutine (hence
	// atomic: a goroutine of another run may be looking).
	gp atomic.Uintptr

	fn    func()                  // the goroutine's body
	next  func() (struct{}, bool) // resumes the coroutine (resumer side)
	yield func(struct{}) bool     // suspends the coroutine, back to its resumer

	// parent is the goroutine that resumed g directly (see switchOut) and
	// runs the scheduler until g suspends; nil when the driver resumed g.
	// Set only while g runs.
	parent *G

	state  gState
	allIdx int // index in sim.all while alive

	// dead is state == gDead, readable without the simulation's ownership:
	// a channel or lock that outlives a run is checked for stale waiters by
	// goroutines outside that run.
	dead atomic.Bool

	// wait says what a blocked goroutine waits for, in the words of Go's own
	// goroutine dumps ("chan receive", "select", "sync.Mutex.Lock", "sleep").
	wait string

	killed bool // set when the run is over: the goroutine must unwind at its next sync point
	// crashed is set when the goroutine's node was killed: it runs no user
	// code again and is kept in Sim.zombies until unwind ends it.
	crashed bool
	report  bool      // resumed only to record its stack into pcs
	pcs     []uintptr // stack recorded for a deadlock report

	prio uint64 // PCT priority; larger runs first

	// pausedAt is where g last stopped (a scheduling point or a block), so
	// the trace says where it resumes; kept only while tracing.
	pausedAt string

	// sel is a select state for g's next blocking select to reuse, nil
	// while one is in use. A select gives it back when it returns, when
	// none of its waiters is queued any more; one ended by Goexit (a
	// killed goroutine) leaves waiters that still point at theirs.
	sel *selectState

	// spare is a channel waiter (*waiter[T] for some T) kept for the next
	// plain send or receive that blocks; nil when none.
	spare any

	// node is the simulated machine the goroutine runs on, inherited by the
	// goroutines it starts; never changes.
	node *Node
}

// ID returns the goroutine's number in its simulation (main is 1).
func (g *G) ID() uint64 { return g.id }

// Sim returns the simulation the goroutine runs in.
func (g *G) Sim() *Sim { return g.sim }

// Node returns the node the goroutine runs on.
func (g *G) Node() *Node { return g.node }

// stopped reports whether g must not go on running user code: its node was
// killed or paused.
func (g *G) stopped() bool { return g.crashed || g.node.state == NodePaused }

// stop suspends a goroutine whose node was killed (for good: only unwind
// resumes it) or paused (until Resume requeues it and it is chosen).
func (g *G) stop() {
	s := g.sim
	s.nextG = nil
	if g.crashed {
		g.state = gBlocked
		g.wait = "node killed"
	} else {
		g.state = gRunnable
		g.wait = "node paused"
		g.node.held = append(g.node.held, g)
	}
	if s.tr != nil {
		g.pausedAt = userPos()
	}
	g.suspend()
}

// Sync is a scheduling point: the strategy chooses who runs next among the
// runnable goroutines and g itself. It returns when g is chosen.
func (g *G) Sync() {
	s := g.sim
	if g.killed {
		// The run is over and g is being unwound: a loop of scheduling
		// points (for { runtime.Gosched() }) must end too.
		runtime.Goexit()
	}
	if g.stopped() {
		g.stop()
		return
	}
	next := s.choose(g)
	if next != g {
		g.state = gRunnable
		s.runq = append(s.runq, g)
		s.nextG = next
		if s.tr != nil {
			g.pausedAt = userPos()
		}
		g.suspend()
		return
	}
	if s.state != running {
		g.halt()
	}
}

// lightOdds is the chance, 1 in lightOdds, that a light scheduling point
// consults the strategy.
const lightOdds = 32

// Preempt is a light scheduling point, for operations that neither block nor
// wake anyone (locking a free mutex): it consults the strategy only one time in
// lightOdds, drawn from the seed. Making such operations full points would
// switch goroutines at nearly every lock under contention; making them no
// points at all would hide the interleavings between two critical sections
// (check-then-act across an Unlock), the classic atomicity bug.
func (g *G) Preempt() {
	if g.sim.rng.Uint64()%lightOdds == 0 || g.stopped() {
		g.Sync()
	}
}

// halt stops the running goroutine for good once the run's outcome is fixed:
// it waits to be unwound with the others.
func (g *G) halt() {
	g.state = gRunnable
	g.sim.nextG = nil
	g.suspend()
}

// Park blocks g until some other party calls Ready(g). reason says what g waits
// for, for deadlock reports.
func (g *G) Park(reason string) {
	if g.killed {
		runtime.Goexit()
	}
	g.state = gBlocked
	g.wait = reason
	g.sim.progress = g.sim.steps // not a livelock
	if g.crashed {
		g.wait = "node killed"
	}
	if g.sim.tr != nil && g.sim.state == running {
		g.pausedAt = userPos()
		g.sim.traceG(EvBlock, g, reason)
	}
	g.suspend()
}

// suspend lets other goroutines run and returns when g is resumed for real
// (not merely to report its stack); a killed g unwinds instead.
func (g *G) suspend() {
	for {
		g.switchOut()
		if !g.report {
			break
		}
		g.report = false
		g.pcs = callers()
	}
	if g.killed {
		runtime.Goexit()
	}
}

// switchOut runs other goroutines until g is chosen again.
//
// A goroutine the driver resumed runs the scheduler itself while it is
// suspended: it resumes the chosen goroutine directly, which yields back to it
// when it stops. A switch from one goroutine to another thus costs one
// coroutine switch instead of two through the driver (iter.Pull only lets a
// coroutine switch back to whoever resumed it). Nesting stops at one level: a
// goroutine resumed directly yields to its parent, which either is chosen
// itself or resumes the next one, so no goroutine other than the parent is
// ever inside a resume, and any other suspended goroutine can be resumed by
// anyone. What the scheduler cannot do on a user goroutine's stack (advance
// the clock and fire timers, end the run) is left to the driver.
func (g *G) switchOut() {
	s := g.sim
	if g.parent != nil {
		g.yield(struct{}{})
		return
	}
	for {
		if s.state != running {
			g.yield(struct{}{}) // the outcome is fixed: no more choices
			return
		}
		next := s.nextG
		s.nextG = nil
		if next == nil {
			next = s.choose(nil)
		}
		if next == nil || s.state != running {
			g.yield(struct{}{}) // the driver advances the clock or ends the run
			return
		}
		if next == g {
			s.enter(g)
			return
		}
		next.parent = g
		s.resume(next)
		next.parent = nil
		if len(s.exits) > 0 {
			// The driver completes the Goexit of next before it chooses,
			// exactly as we would have.
			g.yield(struct{}{})
			return
		}
	}
}

func callers() []uintptr {
	pcs := make([]uintptr, 64)
	return pcs[:runtime.Callers(3, pcs)]
}

// Ready makes the blocked goroutine g runnable. It must be called from inside
// g's simulation (by another goroutine or a timer).
func (s *Sim) Ready(g *G) {
	if g.crashed {
		return // its node was killed: it never runs again
	}
	if g.state != gBlocked {
		panic("simgen internal error: Ready of a goroutine that is not blocked")
	}
	g.state = gRunnable
	g.wait = ""
	if s.tr != nil && s.state == running {
		s.traceG(EvUnblock, g, "")
	}
	s.enqueue(g)
}

// enqueue makes the runnable g eligible to be chosen, or holds it while its
// node is paused.
func (s *Sim) enqueue(g *G) {
	if n := g.node; n.state == NodePaused {
		g.wait = "node paused"
		n.held = append(n.held, g)
		return
	}
	s.runq = append(s.runq, g)
}

// Go starts fn as a new simulated goroutine on the caller's node. Starting a
// goroutine is a scheduling point.
func (g *G) Go(fn func()) {
	ng := g.sim.spawn(fn, g.node)
	if g.crashed {
		g.sim.crash(ng) // started by a goroutine of a node killed under it
	}
	g.Sync()
}

// spawn creates a runnable goroutine on node; it does not run until chosen.
func (s *Sim) spawn(fn func(), node *Node) *G {
	s.lastID++
	g := &G{id: s.lastID, sim: s, fn: fn, node: node, state: gRunnable}
	g.next, _ = iter.Pull(g.body)
	g.allIdx = len(s.all)
	s.all = append(s.all, g)
	s.enqueue(g)
	s.strat.spawned(s, g)
	s.h.mix(tagSpawn, g.id)
	if s.tr != nil && s.state == running {
		g.pausedAt = userPos() // a new goroutine's first run: show where it was started
		s.trace(TraceEvent{Kind: EvSpawn, G: g.id, Node: node.name, Pos: g.pausedAt})
	}
	return g
}

// body is the coroutine: it runs fn and turns every way of ending (return,
// panic, runtime.Goexit) into a state change the driver can see.
func (g *G) body(yield func(struct{}) bool) {
	g.yield = yield
	g.gp.Store(getg())
	if g.killed {
		g.exit(false)
		return
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		if p := recover(); p != nil {
			if !g.killed {
				g.sim.fail(&PanicError{Value: p, Stack: userStack(debug.Stack()), Goroutine: g.id})
			}
			g.exit(false)
			// A panic recovered here during a Goexit lets the Goexit go on.
			g.endByDriver()
			return
		}
		g.exit(true)
		g.endByDriver()
	}()
	g.fn()
	returned = true
	g.exit(false)
}

// endByDriver leaves the rest of a dead g's coroutine to the driver when a
// parent resumed g. A runtime.Goexit that is under way goes on when the
// coroutine ends, and iter.Pull re-raises it in the resumer: the driver
// restarts itself when that happens, but a parent has user frames below it.
// So g hands control back to its parent and waits in Sim.exits for the
// driver to finish it.
func (g *G) endByDriver() {
	if g.parent != nil {
		g.sim.exits = append(g.sim.exits, g)
		g.yield(struct{}{})
	}
}

// exit removes a finished goroutine from the simulation.
func (g *G) exit(goexit bool) {
	s := g.sim
	g.state = gDead
	g.dead.Store(true)
	g.gp.Store(0)
	if g.crashed {
		// A zombie ends when unwound, or returns before its next sync point.
		if i := slices.Index(s.zombies, g); i >= 0 {
			s.zombies = slices.Delete(s.zombies, i, i+1)
		}
		return
	}
	last := s.all[len(s.all)-1]
	s.all[g.allIdx] = last
	last.allIdx = g.allIdx
	s.all = s.all[:len(s.all)-1]
	s.h.mix(tagExit, g.id)
	if s.tr != nil && s.state == running {
		s.trace(TraceEvent{Kind: EvExit, G: g.id, Node: g.node.name})
	}
	if g == s.main && !g.killed {
		s.mainExited(goexit)
	}
}
