package netsim

import (
	"fmt"
	"math"
	"time"
)

// Source is the run's random generator as a Dist sees it: every draw comes
// from the simulation's seed and is mixed into its trace hash.
type Source interface {
	Uint64() uint64
}

// Dist is a distribution of durations (latencies, fault intervals). Sample
// must draw only from src, so that a seed fixes every sample.
type Dist interface {
	Sample(src Source) time.Duration
	String() string
}

// Float64 returns a value in [0, 1) drawn from src.
func Float64(src Source) float64 { return float64(src.Uint64()>>11) / (1 << 53) }

// Fixed returns the distribution that is always d.
func Fixed(d time.Duration) Dist { return fixed(d) }

type fixed time.Duration

func (f fixed) Sample(Source) time.Duration { return time.Duration(f) }
func (f fixed) String() string              { return fmt.Sprintf("Fixed(%v)", time.Duration(f)) }

// Uniform returns the uniform distribution on [lo, hi] (lo when hi <= lo).
func Uniform(lo, hi time.Duration) Dist { return uniform{lo, hi} }

type uniform struct{ lo, hi time.Duration }

func (u uniform) Sample(src Source) time.Duration {
	if u.hi <= u.lo {
		return u.lo
	}
	return u.lo + time.Duration(src.Uint64()%uint64(u.hi-u.lo+1))
}

func (u uniform) String() string { return fmt.Sprintf("Uniform(%v, %v)", u.lo, u.hi) }

// Exponential returns floor plus an exponentially distributed delay of the
// given mean, capped at 20 means (a long but finite tail, as on a real
// network where retransmission bounds the worst case).
func Exponential(floor, mean time.Duration) Dist { return exponential{floor, mean} }

type exponential struct{ floor, mean time.Duration }

func (e exponential) Sample(src Source) time.Duration {
	if e.mean <= 0 {
		return e.floor
	}
	x := -math.Log1p(-Float64(src)) // Exp(1)
	x = min(x, 20)
	return e.floor + time.Duration(x*float64(e.mean))
}

func (e exponential) String() string { return fmt.Sprintf("Exponential(%v, %v)", e.floor, e.mean) }
