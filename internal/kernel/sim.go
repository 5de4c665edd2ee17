package kernel

import (
	"cmp"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Epoch is the wall-clock time at which every simulation starts.
var Epoch = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// DefaultWatchdog is the wall-clock time a goroutine may run without reaching
// a synchronization point before the run fails.
const DefaultWatchdog = 10 * time.Second

// Config describes one simulation run.
type Config struct {
	Seed     uint64
	Strategy Strategy      // nil means RandomWalk{}
	MaxSteps uint64        // scheduling decisions before the run fails; 0: no limit
	MaxTime  time.Duration // virtual time before the run fails; 0: no limit
	Watchdog time.Duration // wall-clock bound between sync points; 0: DefaultWatchdog, <0: off

	// StepCost is the virtual compute time each scheduling decision costs
	// (see compute.go): 0 means DefaultStepCost; < 0 turns the compute model
	// off, so that the clock moves only when every goroutine is blocked.
	// With StepCostMax > StepCost > 0, each run draws its cost from the
	// seed, log-uniformly between the two.
	StepCost    time.Duration
	StepCostMax time.Duration

	// LivelockSteps is the number of consecutive scheduling decisions with
	// no goroutine blocking and no timer firing after which the run fails
	// with a *LivelockError: 0 means DefaultLivelockSteps, < 0 no limit.
	LivelockSteps int64

	// Trace receives the run's event trace as JSON lines (see TraceEvent);
	// nil turns tracing off, at the cost of a nil check per event site.
	Trace io.Writer

	// GoexitEndsRun makes runtime.Goexit in the main goroutine end the run
	// (as t.FailNow ends a test) instead of Go's rule for func main, where the
	// program continues until every other goroutine is done.
	GoexitEndsRun bool
}

// runState is the life cycle of a Sim.
type runState uint8

const (
	running   runState = iota // the driver loop is choosing goroutines
	finished                  // main returned (or Goexit ended the run): outcome fixed
	failed                    // err is set: outcome fixed
	unwinding                 // outcome fixed; leftover goroutines are being unwound
	done                      // every goroutine is gone; Run may return
)

// Sim is one simulation. Its fields are touched only by the goroutine that
// currently runs (one at a time, handed over by coroutine switches), except
// where a field says otherwise.
type Sim struct {
	cfg   Config
	strat strategy
	rng   *Rand
	h     hash

	now    int64        // virtual nanoseconds since Epoch: the visible clock
	nowPub atomic.Int64 // now, published at every jump for the watchdog
	steps  uint64       // scheduling decisions so far

	// The compute model (see compute.go). cnow >= now is the compute clock:
	// now plus the compute time spent since now last moved. stepCost is
	// what a decision adds to it (0: the model is off). wake <= the compute
	// time at which a timer is due or the visible clock must catch up;
	// stepped looks only once cnow reaches it (MaxInt64 when the model is off).
	cnow     int64
	stepCost int64
	wake     int64

	// progress is steps at the last decision after which a goroutine
	// blocked or a timer fired; livelockSteps decisions past it without
	// more, the run is suspected of livelock and spin watches it (nil
	// otherwise). checkAt is the next step count at which stepped must call
	// checkSteps (the step limit, or a livelock check).
	progress      uint64
	livelockSteps uint64
	spin          *livelockWatch
	checkAt       uint64

	// pulse is set to pulseTick by the watchdog at every tick and cleared by
	// the next scheduling decision: still set at the following tick, it
	// means none was made in between. Run sets it to pulseAbandoned when it
	// gives up on the run, so that one plain load per decision serves both
	// (a shared counter would cost an atomic add).
	pulse atomic.Uint32

	// running is the goroutine executing user code, nil while the driver
	// runs (between goroutines, or firing timers).
	running *G
	// cur is the goroutine last resumed, for Current, which compares its
	// runtime identity with the caller's from goroutines outside this
	// simulation too (hence atomic). It is not cleared when the driver takes
	// over: the driver's identity never matches, and skipping the store
	// saves a barrier per switch.
	cur   atomic.Pointer[G]
	nextG *G // the goroutine a yielding goroutine chose to run next

	// exits are goroutines that called runtime.Goexit while resumed by a
	// parent: they are dead but suspended inside their Goexit, which the
	// driver completes before the next choice (see G.body and G.switchOut).
	exits []*G

	// driverResumes counts the goroutines the driver resumed; the others
	// were resumed directly by a goroutine (see G.switchOut).
	driverResumes uint64

	runq []*G // runnable goroutines of nodes that are up, in no meaningful order
	all  []*G // live goroutines; G.allIdx indexes it
	// zombies are the goroutines of killed nodes: out of the run, waiting to
	// be unwound when it ends.
	zombies []*G
	lastID  uint64
	main    *G

	timers timerHeap

	state runState
	err   error

	mainGoexit bool // main called runtime.Goexit under Go's rule for func main

	// nodes are the run's simulated machines in creation order; nodes[0]
	// is the default node.
	nodes     []*Node
	nodeHooks []func(*Node, NodeEvent) // shims' reactions to node events, in registration order

	// exts holds per-run state of the shims (network, nodes, disk), keyed by
	// a value private to each shim.
	exts map[any]any

	tr *tracer // nil unless Config.Trace is set

	doneCh chan struct{} // closed when state reaches done

	// abandoned is set by Run when the watchdog fired: the driver is stuck in
	// a goroutine, and if that goroutine ever reaches a scheduling point, the
	// run must stop there (see stepped) rather than go on in the background.
	abandoned atomic.Bool
}

// Result describes a finished run.
type Result struct {
	Seed     uint64
	Strategy string        // the strategy actually used (a Portfolio resolves to one)
	Steps    uint64        // scheduling decisions
	Elapsed  time.Duration // virtual time simulated
	Hash     uint64        // trace hash over every decision of the run
	Err      error         // nil, or *PanicError, *DeadlockError, *WatchdogError, *LimitError
}

// Run runs main as the main goroutine of a new simulation and returns when
// the run is over: main returned, a goroutine panicked, the run deadlocked or
// hit a limit, or the watchdog fired. Goroutines still alive when the outcome
// is fixed are unwound with runtime.Goexit (their deferred calls run, and any
// simulation operation they attempt ends them again) so that many runs fit in
// one process.
func Run(cfg Config, main func()) Result {
	s := newSim(cfg)
	s.main = s.spawn(main, s.nodes[0])
	register(s)
	go s.drive()
	var wd *watchdog
	if cfg.Watchdog >= 0 {
		wd = startWatchdog(s)
	}
	select {
	case <-s.doneCh:
		wd.stop()
		unregister(s)
		return s.result()
	case err := <-wd.fired():
		// The driver is stuck inside a goroutine: report what was known when
		// it got stuck and never look at s again. s stays registered, so
		// that its goroutines, should they come back, still find
		// themselves simulated, and stop at their next scheduling point
		// instead of going on as native code.
		s.abandoned.Store(true)
		s.pulse.Store(pulseAbandoned)
		return Result{Seed: cfg.Seed, Strategy: err.Strategy, Steps: err.Steps, Elapsed: err.Elapsed, Err: err}
	}
}

func newSim(cfg Config) *Sim {
	if cfg.Watchdog == 0 {
		cfg.Watchdog = DefaultWatchdog
	}
	if cfg.Strategy == nil {
		cfg.Strategy = RandomWalk{}
	}
	s := &Sim{cfg: cfg, rng: NewRand(cfg.Seed), h: fnvOffset, doneCh: make(chan struct{})}
	s.strat = cfg.Strategy.build(s.rng)
	switch {
	case cfg.StepCost == 0:
		s.stepCost = int64(DefaultStepCost)
	case cfg.StepCostMax > cfg.StepCost && cfg.StepCost > 0:
		s.stepCost = drawStepCost(s.rng, cfg.StepCost, cfg.StepCostMax)
	case cfg.StepCost > 0:
		s.stepCost = int64(cfg.StepCost)
	}
	switch {
	case cfg.LivelockSteps == 0:
		s.livelockSteps = DefaultLivelockSteps
	case cfg.LivelockSteps > 0:
		s.livelockSteps = uint64(cfg.LivelockSteps)
	}
	s.resetWake()
	s.resetCheck()
	if cfg.Trace != nil {
		s.tr = newTracer(cfg.Trace)
	}
	s.addNode(DefaultNodeName, nil)
	return s
}

func (s *Sim) result() Result {
	return Result{
		Seed:     s.cfg.Seed,
		Strategy: s.strat.String(),
		Steps:    s.steps,
		Elapsed:  time.Duration(s.now),
		Hash:     uint64(s.h),
		Err:      s.err,
	}
}

// drive runs the driver loop on the current goroutine. A goroutine that calls
// runtime.Goexit takes the driver down with it (iter.Pull propagates Goexit to
// the resumer), so drive restarts itself on a fresh goroutine when that happens.
func (s *Sim) drive() {
	normal := false
	defer func() {
		if !normal && !s.abandoned.Load() {
			go s.drive()
		}
	}()
	if s.abandoned.Load() {
		parkAbandoned()
	}
	if s.state < unwinding { // not restarted by a goroutine unwinding
		s.loop()
		s.finishExits()
		if s.tr != nil {
			s.traceEnd()
		}
	}
	if s.endsProgram() {
		// As os.Exit and a fatal error end a Go program: no deferred call runs, in any
		// goroutine. They stay suspended for good instead of being unwound.
		s.state = unwinding
	} else {
		s.unwind()
	}
	normal = true
	s.state = done
	close(s.doneCh)
}

// endsProgram reports whether the run ended as the program would have, without running
// deferred calls: by an exit (os.Exit, log.Fatal) or a fatal error.
func (s *Sim) endsProgram() bool {
	var exit *ExitError
	var fatal *FatalError
	return errors.As(s.err, &exit) || errors.As(s.err, &fatal)
}

// loop resumes goroutines until the run's outcome is fixed.
func (s *Sim) loop() {
	for s.state == running {
		s.finishExits()
		g := s.nextG
		s.nextG = nil
		if g == nil {
			g = s.choose(nil)
			if g == nil {
				s.advance()
				continue
			}
			if s.state != running {
				break
			}
		}
		s.driverResumes++
		s.resume(g)
		if s.abandoned.Load() {
			parkAbandoned() // the watchdog gave up on this run; touch nothing more
		}
	}
}

// resume runs g until it suspends.
func (s *Sim) resume(g *G) {
	s.enter(g)
	g.next()
	s.running = nil
}

// enter makes g the running goroutine.
func (s *Sim) enter(g *G) {
	if s.tr != nil && s.tr.last != g && s.state == running && !g.report {
		s.tr.last = g
		s.trace(TraceEvent{Kind: EvRun, G: g.id, Node: g.node.name, Pos: g.pausedAt})
	}
	g.state = gRunning
	s.running = g
	if s.cur.Load() != g {
		s.cur.Store(g)
	}
}

// finishExits lets the goroutines in exits complete their runtime.Goexit,
// which ends the driver's goroutine too (drive restarts on a fresh one).
func (s *Sim) finishExits() {
	for len(s.exits) > 0 {
		g := s.exits[0]
		s.exits = s.exits[1:]
		g.next()
	}
}

// Values of Sim.pulse.
const (
	pulseTick      = 1 // the watchdog ticked since the last decision
	pulseAbandoned = 2 // Run gave up on the run
)

// parkAbandoned blocks the calling goroutine for good: it belongs to a run
// the watchdog gave up on (stuckGoroutine skips goroutines parked here).
//
//go:noinline
func parkAbandoned() { select {} }

// stepsStuck reads steps from the watchdog's goroutine. It is called only
// once no scheduling decision was made for the watchdog's bound, so nothing
// writes steps meanwhile (a stuck goroutine that comes back stops at its next
// decision, in stepped, before it counts it); the race detector cannot know
// that, hence go:norace.
//
//go:norace
func (s *Sim) stepsStuck() uint64 { return s.steps }

// stepped records one scheduling decision: it charges the decision's compute
// time, enforces the step limit and watches for livelocks. It reports whether
// a timer is due, which the driver must fire before anyone runs.
func (s *Sim) stepped() bool {
	if p := s.pulse.Load(); p != 0 {
		if p == pulseAbandoned {
			parkAbandoned() // Run has returned without this run: its goroutines stop here for good
		}
		s.pulse.CompareAndSwap(pulseTick, 0) // not over a pulseAbandoned stored meanwhile
	}
	s.steps++
	if s.steps >= s.checkAt {
		s.checkSteps()
	}
	s.cnow += s.stepCost
	return s.cnow >= s.wake && s.computeDue()
}

// choose returns the goroutine to run next among the runnable ones and cur
// (nil when the driver chooses), removing it from runq. It returns nil when
// nothing is runnable, or when a timer is due (the compute model): either way
// the driver takes over (see advance). While a goroutine runs (s.running is
// not nil), choose is called on its stack.
func (s *Sim) choose(cur *G) *G {
	n := len(s.runq)
	if cur != nil {
		n++
	}
	if n == 0 || s.stepped() {
		return nil
	}
	i := s.strat.choose(s, cur, n)
	var g *G
	if cur != nil && i == n-1 {
		g = cur
	} else {
		g = s.runq[i]
		last := len(s.runq) - 1
		s.runq[i] = s.runq[last]
		s.runq = s.runq[:last]
	}
	s.h.mix(tagPick, g.id)
	return g
}

// advance fires the timers that are due, the compute clock having reached
// them; when none is (every goroutine is blocked), it first moves the clock to
// the earliest timer, or ends the run when there is none.
func (s *Sim) advance() {
	if s.pollWatches() {
		return // what changed outside the run's control wakes goroutines first (Watch)
	}
	if s.wakeIdle() {
		return // goroutines in WaitIdle run first (testing/synctest.Wait)
	}
	if len(s.timers) == 0 {
		s.fail(s.deadlockError())
		return
	}
	when := s.timers[0].when
	if s.cfg.MaxTime > 0 && when > int64(s.cfg.MaxTime) {
		s.fail(&LimitError{What: "virtual time", Limit: uint64(s.cfg.MaxTime)})
		return
	}
	if when > s.cnow {
		s.cnow = when // the compute time since the clock last moved overlapped the wait
	}
	for len(s.timers) > 0 && s.state == running {
		t := s.timers[0]
		if t.when > s.cnow {
			break
		}
		if t.when > s.now {
			s.setNow(t.when)
		}
		s.timers.pop()
		if s.tr != nil {
			s.trace(TraceEvent{Kind: EvTimer, Node: t.node.name, Detail: t.what})
		}
		t.f()
	}
	s.progress = s.steps
	s.resetWake()
	s.resetCheck()
}

// fail fixes the run's outcome as the error err; the first failure wins.
func (s *Sim) fail(err error) {
	if s.state != running {
		return
	}
	s.state = failed
	s.err = err
}

func (s *Sim) mainExited(goexit bool) {
	if s.state != running {
		return
	}
	if goexit && !s.cfg.GoexitEndsRun {
		s.mainGoexit = true // Go keeps running the other goroutines
		return
	}
	s.state = finished
}

// unwind ends every goroutine still alive, zombies included, in creation
// order so that the deferred calls they run happen in a seed-independent
// order. Deferred calls may start goroutines; those are ended next round.
func (s *Sim) unwind() {
	s.state = unwinding
	for len(s.all)+len(s.zombies) > 0 {
		gs := slices.Concat(s.all, s.zombies)
		// (zombies are dropped by exit as each one ends)
		slices.SortFunc(gs, func(a, b *G) int { return cmp.Compare(a.id, b.id) })
		for _, g := range gs {
			g.killed = true
			s.resume(g)
		}
	}
}

// Now returns the virtual time elapsed since Epoch.
func (s *Sim) Now() time.Duration { return time.Duration(s.now) }

// Rand returns the next random draw handed to user code (mixed into the hash).
func (s *Sim) Rand() uint64 {
	v := s.rng.Uint64()
	s.h.mix(tagRand, v)
	return v
}

// Intn returns a random int in [0, n) drawn from the run's generator.
func (s *Sim) Intn(n int) int {
	v := s.rng.Intn(n)
	s.h.mix(tagRand, uint64(v))
	return v
}

// Event mixes a shim-level event (a message delivered, a fault injected) into
// the trace hash.
func (s *Sim) Event(v uint64) { s.h.mix(tagEvent, v) }

// Seed returns the run's seed.
func (s *Sim) Seed() uint64 { return s.cfg.Seed }

// Steps returns the number of scheduling decisions so far.
func (s *Sim) Steps() uint64 { return s.steps }

// NumGoroutine returns the number of live simulated goroutines.
func (s *Sim) NumGoroutine() int { return len(s.all) }

// Over reports whether the run's outcome is fixed.
func (s *Sim) Over() bool { return s.state != running }

// Ext returns the shim state stored under key, creating it with mk on first use.
func (s *Sim) Ext(key any, mk func() any) any {
	if v, ok := s.exts[key]; ok {
		return v
	}
	if s.exts == nil {
		s.exts = make(map[any]any)
	}
	v := mk()
	s.exts[key] = v
	return v
}

// registry lists the simulations running in this process, so that Current
// can tell a simulated goroutine from a native one.
var registry struct {
	mu   sync.Mutex
	sims atomic.Pointer[[]*Sim] // copy-on-write; nil when none runs
}

func register(s *Sim) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var list []*Sim
	if old := registry.sims.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, s)
	registry.sims.Store(&list)
}

func unregister(s *Sim) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var list []*Sim
	for _, o := range *registry.sims.Load() {
		if o != s {
			list = append(list, o)
		}
	}
	if len(list) == 0 {
		registry.sims.Store(nil)
		return
	}
	registry.sims.Store(&list)
}

// Current returns the simulated goroutine executing the caller, or nil when
// the caller is not a simulated goroutine.
func Current() *G {
	list := registry.sims.Load()
	if list == nil {
		return nil
	}
	gp := getg()
	for _, s := range *list {
		if g := s.cur.Load(); g != nil && g.gp.Load() == gp {
			return g
		}
	}
	return nil
}
