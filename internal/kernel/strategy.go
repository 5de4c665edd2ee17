package kernel

import (
	"fmt"
	"slices"
)

// Strategy chooses which goroutine runs at each scheduling point. It is a
// description; build turns it into the per-run state machine.
type Strategy interface {
	build(r *Rand) strategy
}

// strategy is a Strategy's state during one run.
type strategy interface {
	// choose returns an index in [0, n): runq indexes, with n-1 standing for
	// cur when cur is not nil.
	choose(s *Sim, cur *G, n int) int
	// spawned is told about every new goroutine.
	spawned(s *Sim, g *G)
	String() string
}

// RandomWalk picks uniformly among the runnable goroutines at every point.
type RandomWalk struct{}

func (RandomWalk) build(*Rand) strategy { return randomWalk{} }

type randomWalk struct{}

func (randomWalk) choose(s *Sim, _ *G, n int) int {
	if n == 1 {
		return 0
	}
	return s.rng.Intn(n)
}
func (randomWalk) spawned(*Sim, *G) {}
func (randomWalk) String() string   { return "random" }

// PCT is probabilistic concurrency testing (Burckhardt et al.): goroutines get
// random distinct priorities and the highest runnable one runs; at Depth-1
// random steps among the first Steps, the running goroutine drops below all
// others. A bug of depth d is found with probability at least 1/(n·k^(d-1)).
// After FairAfter steps the run falls back to a uniform random walk, so that
// timer-driven code (elections, retries) is not starved into false livelocks.
type PCT struct {
	Depth     int    // bug depth targeted; 0 means 3
	Steps     uint64 // expected run length k over which change points spread; 0 means 10,000
	FairAfter uint64 // steps before falling back to uniform; 0 means 4*Steps
}

func (p PCT) build(r *Rand) strategy {
	if p.Depth <= 0 {
		p.Depth = 3
	}
	if p.Steps == 0 {
		p.Steps = 10_000
	}
	if p.FairAfter == 0 {
		p.FairAfter = 4 * p.Steps
	}
	st := &pct{cfg: p}
	for i := 1; i < p.Depth; i++ {
		st.changes = append(st.changes, r.Uint64()%p.Steps)
	}
	slices.Sort(st.changes)
	return st
}

type pct struct {
	cfg     PCT
	changes []uint64 // remaining change points (step numbers), ascending
}

func (p *pct) String() string {
	return fmt.Sprintf("pct(depth=%d,steps=%d)", p.cfg.Depth, p.cfg.Steps)
}

// Initial priorities have the top bit set; lowered ones are small, so a
// lowered goroutine runs only when no other is runnable.
func (p *pct) spawned(s *Sim, g *G) { g.prio = s.rng.Uint64() | 1<<63 }

func (p *pct) choose(s *Sim, cur *G, n int) int {
	step := s.steps
	if step >= p.cfg.FairAfter {
		return randomWalk{}.choose(s, cur, n)
	}
	if cur != nil && len(p.changes) > 0 && step >= p.changes[0] {
		p.changes = p.changes[1:]
		cur.prio = uint64(p.cfg.Depth) - uint64(len(p.changes))
	}
	best, bestPrio := 0, uint64(0)
	for i := 0; i < n; i++ {
		g := cur
		if cur == nil || i < n-1 {
			g = s.runq[i]
		}
		if g.prio >= bestPrio {
			best, bestPrio = i, g.prio
		}
	}
	return best
}

// Portfolio draws the strategy of each run from its seed: half the runs are
// random walks, the others PCT with a depth from 1 to 4 and a horizon of
// 1,000 to 100,000 steps. A sweep over seeds thus covers both kinds of search.
type Portfolio struct{}

func (Portfolio) build(r *Rand) strategy {
	if r.Uint64()&1 == 0 {
		return randomWalk{}
	}
	depth := 1 + r.Intn(4)
	steps := []uint64{1_000, 10_000, 100_000}[r.Intn(3)]
	return PCT{Depth: depth, Steps: steps}.build(r)
}
