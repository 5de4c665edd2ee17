package kernel

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The compute model: running goroutines consume virtual time.
//
// Natively, code between two synchronization points takes real time, so a
// goroutine that keeps computing (a loop on runtime.Gosched, a replication
// loop that always has a message to send) lets the timers of the others fire.
// A simulation whose clock moved only when every goroutine is blocked would
// freeze the clock instead and hang. So every scheduling decision costs the
// run's step cost (Config.StepCost: DefaultStepCost, a fixed cost, or one
// drawn from the seed within a range), accumulated on a compute clock,
// Sim.cnow, which runs ahead of the visible clock, Sim.now:
//
//   - When the compute clock reaches the earliest pending timer, the next
//     scheduling point hands over to the driver, which moves the visible clock
//     to that timer's instant and fires it: a busy run's timers fire on time.
//   - When every goroutine is blocked, the clock jumps to the earliest timer
//     as before, and the compute time spent meanwhile is absorbed: it
//     overlapped the wait, which the timer ends anyway. Since the visible
//     clock moves only to timer instants in both cases, a run with little
//     computation reads the same round times as without the model
//     (time.Sleep(time.Second) wakes at exactly 1s).
//   - When the compute clock runs a quantum ahead of the visible clock with no
//     timer due, the visible clock catches up, so a loop polling time.Now()
//     for a deadline ends as it does natively.
//
// The hot path is one addition and one comparison per decision (stepped):
// Sim.wake caches the compute time at which one of the above is due.

// computeQuantum is how far the compute clock may run ahead of the visible
// clock before the visible clock catches up.
const computeQuantum = int64(10 * time.Millisecond)

// DefaultStepCost is the step cost of a run whose Config.StepCost is 0. Of
// the costs measured on the mutation suite of tests/raft (none, drawn per seed
// from 250ns-4µs or 1µs-16µs, a fixed 10µs), it caught every mutant in the
// fewest seeds (BENCHMARKS.md). Natively, a decision of a server (a channel
// operation, a lock, an RPC handled) with the work around it takes about as
// long.
const DefaultStepCost = 10 * time.Microsecond

// DefaultLivelockSteps is the number of consecutive scheduling decisions
// with no goroutine blocking and no timer firing after which a run is
// reported as a livelock (Config.LivelockSteps).
const DefaultLivelockSteps = 50_000_000

// livelockSample is how many decisions a suspected livelock is watched for,
// to say which goroutines keep running and where.
const livelockSample = 4096

// drawStepCost returns a step cost drawn log-uniformly from [lo, hi], so
// that a sweep meets both fast code (many decisions per timer) and slow code
// (timers firing between few decisions).
func drawStepCost(r *Rand, lo, hi time.Duration) int64 {
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	return min(int64(math.Exp(l+r.Float64()*(h-l))), int64(hi))
}

// StepCost returns the virtual compute time each scheduling decision of the
// run costs (0 when the compute model is off).
func (s *Sim) StepCost() time.Duration { return time.Duration(s.stepCost) }

// computeDue is stepped's slow path, taken when the compute clock reached
// wake. It reports whether a timer is due, which the driver must fire before
// anyone else runs.
func (s *Sim) computeDue() bool {
	if s.stepCost == 0 {
		s.wake = math.MaxInt64 // a timer pushed meanwhile lowered it
		return false
	}
	if len(s.timers) > 0 && s.timers[0].when <= s.cnow {
		return true // wake stays reached until advance fires it
	}
	if s.cnow-s.now >= computeQuantum {
		if s.cfg.MaxTime > 0 && s.cnow > int64(s.cfg.MaxTime) {
			s.fail(&LimitError{What: "virtual time", Limit: uint64(s.cfg.MaxTime)})
		}
		s.setNow(s.cnow)
	}
	s.resetWake()
	return false
}

// resetWake sets wake to the next compute time at which stepped must look:
// the earliest timer, or a quantum past the visible clock.
func (s *Sim) resetWake() {
	if s.stepCost == 0 {
		s.wake = math.MaxInt64
		return
	}
	w := s.now + computeQuantum
	if len(s.timers) > 0 && s.timers[0].when < w {
		w = s.timers[0].when
	}
	s.wake = w
}

// setNow moves the visible clock forward to t.
func (s *Sim) setNow(t int64) {
	s.now = t
	s.nowPub.Store(t)
	s.h.mix(tagTime, uint64(t))
	if s.tr != nil {
		s.trace(TraceEvent{Kind: EvTime})
	}
}

// LivelockError reports a run in which goroutines kept running for
// Config.LivelockSteps scheduling decisions without any goroutine blocking
// and without any timer firing: spinning, with nothing that could ever stop
// them.
type LivelockError struct {
	Steps   uint64          // decisions without progress
	Elapsed time.Duration   // virtual time at the report
	Running []SpinGoroutine // the goroutines seen running while watched, most often first
}

// SpinGoroutine is a goroutine that kept running in a livelock.
type SpinGoroutine struct {
	ID        uint64
	Decisions int      // of the decisions watched, those it made
	Positions []string // where it reached scheduling points (file:line), most frequent first
}

func (e *LivelockError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "livelock: %d scheduling decisions without any goroutine blocking or any timer firing (virtual time %v); goroutines that keep running:\n", e.Steps, e.Elapsed)
	for _, g := range e.Running {
		fmt.Fprintf(&b, "\ngoroutine %d (%d of the last %d decisions) at %s", g.ID, g.Decisions, livelockSample, strings.Join(g.Positions, ", "))
	}
	b.WriteString("\n\nhint: a loop that yields (runtime.Gosched, select with default, an atomic load) waiting for a condition no other goroutine or timer can make true; if the run is only long, raise the bound with SIMGEN_LIVELOCK or turn it off (SIMGEN_LIVELOCK=off).")
	return b.String()
}

// livelockWatch is the state of a suspected livelock being watched.
type livelockWatch struct {
	progress uint64 // Sim.progress when the watch began: a change ends the suspicion
	left     int    // decisions still to watch
	seen     map[uint64]map[string]int
	counts   map[uint64]int
}

// checkSteps is stepped's slow path for the step count, taken at
// Sim.checkAt: it enforces the step limit and detects livelocks.
func (s *Sim) checkSteps() {
	if s.cfg.MaxSteps > 0 && s.steps > s.cfg.MaxSteps && s.state == running {
		s.fail(&LimitError{What: "steps", Limit: s.cfg.MaxSteps})
	}
	if w := s.spin; w != nil {
		s.watchSpin(w)
	} else if s.livelockSteps > 0 && s.steps-s.progress >= s.livelockSteps && s.state == running {
		s.spin = &livelockWatch{progress: s.progress, left: livelockSample, seen: map[uint64]map[string]int{}, counts: map[uint64]int{}}
	}
	s.resetCheck()
}

// resetCheck sets checkAt to the next decision checkSteps must see.
func (s *Sim) resetCheck() {
	next := uint64(math.MaxUint64)
	if s.cfg.MaxSteps > 0 {
		next = s.cfg.MaxSteps + 1
	}
	if s.spin != nil {
		next = s.steps + 1
	} else if s.livelockSteps > 0 {
		next = min(next, s.progress+s.livelockSteps)
	}
	s.checkAt = next
}

// watchSpin records which goroutine made the current decision, and where,
// until the watch ends in a report or progress clears the suspicion.
func (s *Sim) watchSpin(w *livelockWatch) {
	if s.progress != w.progress {
		s.spin = nil
		return
	}
	// A running goroutine is on the current stack (see choose).
	if g := s.running; g != nil {
		pos := userPos()
		if pos == "" {
			pos = "(no user frame)"
		}
		s.seenPos(w, g.id)[pos]++
		w.counts[g.id]++
	}
	if w.left--; w.left > 0 {
		return
	}
	s.spin = nil
	err := &LivelockError{Steps: s.steps - s.progress, Elapsed: time.Duration(s.now)}
	for id, n := range w.counts {
		sg := SpinGoroutine{ID: id, Decisions: n}
		for pos := range w.seen[id] {
			sg.Positions = append(sg.Positions, pos)
		}
		slices.SortFunc(sg.Positions, func(a, b string) int {
			return cmp.Or(cmp.Compare(w.seen[id][b], w.seen[id][a]), strings.Compare(a, b))
		})
		err.Running = append(err.Running, sg)
	}
	slices.SortFunc(err.Running, func(a, b SpinGoroutine) int {
		return cmp.Or(cmp.Compare(b.Decisions, a.Decisions), cmp.Compare(a.ID, b.ID))
	})
	s.fail(err)
}

func (s *Sim) seenPos(w *livelockWatch, id uint64) map[string]int {
	m := w.seen[id]
	if m == nil {
		m = map[string]int{}
		w.seen[id] = m
	}
	return m
}
