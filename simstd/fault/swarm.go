package fault

import (
	"time"

	"github.com/simgen/simgen/internal/netsim"
	"github.com/simgen/simgen/simstd"
)

// FloatRange is a closed interval of probabilities.
type FloatRange struct{ Min, Max float64 }

// DurationRange is a closed interval of durations.
type DurationRange struct{ Min, Max time.Duration }

// Swarm draws a fault mix per seed, as swarm testing (TigerBeetle's VOPR,
// FoundationDB's buggify) does: instead of one configuration for every run,
// each seed gets its own network and nemesis, some calm and some hostile,
// so that bugs that only a particular mix exposes are found by some seeds.
// Zero fields mean the defaults.
type Swarm struct {
	// Latency is the range of the mean one-way latency (default 100µs to
	// 5ms); each seed also draws the distribution's shape (uniform around
	// the mean, or exponential with a long tail).
	Latency DurationRange
	// Loss, Duplicate and Reorder are the ranges of the UDP fault rates
	// (defaults 0-10%, 0-5%, 0-20%); each is zero in half the seeds.
	Loss, Duplicate, Reorder FloatRange
	// Interval is the range of the mean quiet time between faults
	// (default 500ms to 10s).
	Interval DurationRange
	// Duration is the range of the mean duration of a fault (default 500ms
	// to 10s).
	Duration DurationRange
	// Actions are the candidate faults (default AllActions); each seed
	// keeps each of them with probability 1/2, and at least one.
	Actions []Action
}

func (s Swarm) withDefaults() Swarm {
	if s.Latency == (DurationRange{}) {
		s.Latency = DurationRange{100 * time.Microsecond, 5 * time.Millisecond}
	}
	if s.Loss == (FloatRange{}) {
		s.Loss = FloatRange{0, 0.1}
	}
	if s.Duplicate == (FloatRange{}) {
		s.Duplicate = FloatRange{0, 0.05}
	}
	if s.Reorder == (FloatRange{}) {
		s.Reorder = FloatRange{0, 0.2}
	}
	if s.Interval == (DurationRange{}) {
		s.Interval = DurationRange{500 * time.Millisecond, 10 * time.Second}
	}
	if s.Duration == (DurationRange{}) {
		s.Duration = DurationRange{500 * time.Millisecond, 10 * time.Second}
	}
	if len(s.Actions) == 0 {
		s.Actions = AllActions
	}
	return s
}

// Draw draws this seed's network and nemesis for nodes (nil: every node but
// the default one). Apply them with SetNetwork and StartNemesis.
func (s Swarm) Draw(nodes []*simstd.Node) (Network, NemesisConfig) {
	_, n := current("Swarm.Draw")
	s = s.withDefaults()
	src := n.Random()
	f := func(r FloatRange) float64 {
		if src.Uint64()%2 == 0 {
			return 0
		}
		return r.Min + netsim.Float64(src)*(r.Max-r.Min)
	}
	d := func(r DurationRange) time.Duration {
		return r.Min + time.Duration(netsim.Float64(src)*float64(r.Max-r.Min))
	}
	shape := func(mean time.Duration) Dist {
		if src.Uint64()%2 == 0 {
			return Uniform(mean/2, mean*3/2)
		}
		return Exponential(mean/10, mean*9/10)
	}
	var net Network
	net.Latency = shape(d(s.Latency))
	net.Loss, net.Duplicate, net.Reorder = f(s.Loss), f(s.Duplicate), f(s.Reorder)

	var acts []Action
	for _, a := range s.Actions {
		if src.Uint64()%2 == 0 {
			acts = append(acts, a)
		}
	}
	if len(acts) == 0 {
		acts = []Action{s.Actions[src.Uint64()%uint64(len(s.Actions))]}
	}
	cfg := NemesisConfig{
		Nodes:    nodes,
		Actions:  acts,
		Interval: shape(d(s.Interval)),
		Duration: shape(d(s.Duration)),
		Downtime: shape(d(s.Duration)),
	}
	return net, cfg
}
