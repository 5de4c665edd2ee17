// Package rand mirrors the standard library's math/rand package for simgen's
// simulated variants.
//
// Rand, Source, Source64, Zipf, New, NewSource and NewZipf are the standard
// ones, so explicitly seeded generators produce exactly the standard
// sequences everywhere.
//
// The top-level functions (Int, Intn, Float64, Perm, Shuffle, Read, …) use
// Go's global source outside a simulation. Inside one they draw from a
// generator of the run, fed by the run's seed (every draw is mixed into the
// run's trace hash), so that the same seed gives the same numbers.
//
// Seed follows GODEBUG exactly as Go does: by default (randseednop=1, since
// Go 1.24) it does nothing; with randseednop=0 it reseeds the global source,
// and in a simulation it makes the run's top-level functions produce the
// sequence of New(NewSource(seed)) from then on, as the original program's
// would. With randautoseed=0 a run starts as if Seed(1) had been called, as
// the original program's global source does. The settings are read from the
// binary's default GODEBUG (set by the main module's go line and //go:debug
// directives) overridden by the GODEBUG environment variable.
package rand

import (
	"github.com/simgen/simgen/internal/godebug"
	"math/rand"

	"github.com/simgen/simgen/internal/kernel"
)

// A Rand is a source of random numbers.
type Rand = rand.Rand

// A Source represents a source of uniformly-distributed pseudo-random int64
// values in the range [0, 1<<63).
type Source = rand.Source

// A Source64 is a Source that can also generate uniformly-distributed
// pseudo-random uint64 values in the range [0, 1<<64) directly.
type Source64 = rand.Source64

// A Zipf generates Zipf distributed variates.
type Zipf = rand.Zipf

// New returns a new Rand that uses random values from src to generate other
// random values.
func New(src Source) *Rand { return rand.New(src) }

// NewSource returns a new pseudo-random Source seeded with the given value.
// It is not safe for concurrent use by multiple goroutines.
func NewSource(seed int64) Source { return rand.NewSource(seed) }

// NewZipf returns a Zipf variate generator.
func NewZipf(r *Rand, s float64, v float64, imax uint64) *Zipf { return rand.NewZipf(r, s, v, imax) }

// runState is the global generator of one simulation run.
type runState struct {
	// r serves the run's top-level functions: fed by the run's seed, or the
	// generator of the last Seed (with randseednop=0). Only the running
	// goroutine of the run touches it.
	r *rand.Rand
}

// extKey keys runState in the simulation's shim state.
type extKey struct{}

// global returns the run's generator when the caller is a simulated
// goroutine, nil otherwise.
func global() *rand.Rand {
	if g := kernel.Current(); g != nil {
		return state(g.Sim()).r
	}
	return nil
}

func state(s *kernel.Sim) *runState {
	return s.Ext(extKey{}, func() any {
		if godebug.Value("randautoseed") == "0" {
			return &runState{r: rand.New(rand.NewSource(1))}
		}
		return &runState{r: rand.New(simSource{s})}
	}).(*runState)
}

// simSource is a Source64 whose values are the run's random draws.
type simSource struct{ s *kernel.Sim }

func (src simSource) Int63() int64   { return int64(src.s.Rand() >> 1) }
func (src simSource) Uint64() uint64 { return src.s.Rand() }

// Seed does nothing: the run's seed fixes the sequence (the package-level
// Seed replaces the whole source instead).
func (src simSource) Seed(int64) {}

// Seed uses the provided seed value to initialize the global source, if
// GODEBUG has randseednop=0; otherwise (the default since Go 1.24) it does
// nothing.
//
// Deprecated: As in Go, programs that need a seeded sequence should use
// New(NewSource(seed)).
func Seed(seed int64) {
	g := kernel.Current()
	if g == nil {
		rand.Seed(seed)
		return
	}
	if godebug.Value("randseednop") != "0" {
		return
	}
	state(g.Sim()).r = rand.New(rand.NewSource(seed))
}

// Int63 returns a non-negative pseudo-random 63-bit integer as an int64.
func Int63() int64 {
	if r := global(); r != nil {
		return r.Int63()
	}
	return rand.Int63()
}

// Uint32 returns a pseudo-random 32-bit value as a uint32.
func Uint32() uint32 {
	if r := global(); r != nil {
		return r.Uint32()
	}
	return rand.Uint32()
}

// Uint64 returns a pseudo-random 64-bit value as a uint64.
func Uint64() uint64 {
	if r := global(); r != nil {
		return r.Uint64()
	}
	return rand.Uint64()
}

// Int31 returns a non-negative pseudo-random 31-bit integer as an int32.
func Int31() int32 {
	if r := global(); r != nil {
		return r.Int31()
	}
	return rand.Int31()
}

// Int returns a non-negative pseudo-random int.
func Int() int {
	if r := global(); r != nil {
		return r.Int()
	}
	return rand.Int()
}

// Int63n returns, as an int64, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func Int63n(n int64) int64 {
	if r := global(); r != nil {
		return r.Int63n(n)
	}
	return rand.Int63n(n)
}

// Int31n returns, as an int32, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func Int31n(n int32) int32 {
	if r := global(); r != nil {
		return r.Int31n(n)
	}
	return rand.Int31n(n)
}

// Intn returns, as an int, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func Intn(n int) int {
	if r := global(); r != nil {
		return r.Intn(n)
	}
	return rand.Intn(n)
}

// Float64 returns, as a float64, a pseudo-random number in the half-open
// interval [0.0,1.0).
func Float64() float64 {
	if r := global(); r != nil {
		return r.Float64()
	}
	return rand.Float64()
}

// Float32 returns, as a float32, a pseudo-random number in the half-open
// interval [0.0,1.0).
func Float32() float32 {
	if r := global(); r != nil {
		return r.Float32()
	}
	return rand.Float32()
}

// Perm returns, as a slice of n ints, a pseudo-random permutation of the
// integers in the half-open interval [0,n).
func Perm(n int) []int {
	if r := global(); r != nil {
		return r.Perm(n)
	}
	return rand.Perm(n)
}

// Shuffle pseudo-randomizes the order of elements. n is the number of
// elements. Shuffle panics if n < 0. swap swaps the elements with indexes i
// and j.
func Shuffle(n int, swap func(i, j int)) {
	if r := global(); r != nil {
		r.Shuffle(n, swap)
		return
	}
	rand.Shuffle(n, swap)
}

// Read generates len(p) random bytes and writes them into p. It always
// returns len(p) and a nil error.
//
// Deprecated: As in Go, use crypto/rand.Read for security-sensitive work.
func Read(p []byte) (n int, err error) {
	if r := global(); r != nil {
		return r.Read(p)
	}
	return rand.Read(p)
}

// NormFloat64 returns a normally distributed float64 in the range
// -math.MaxFloat64 through +math.MaxFloat64 inclusive, with standard normal
// distribution (mean = 0, stddev = 1).
func NormFloat64() float64 {
	if r := global(); r != nil {
		return r.NormFloat64()
	}
	return rand.NormFloat64()
}

// ExpFloat64 returns an exponentially distributed float64 in the range
// (0, +math.MaxFloat64] with an exponential distribution whose rate parameter
// (lambda) is 1 and whose mean is 1/lambda (1).
func ExpFloat64() float64 {
	if r := global(); r != nil {
		return r.ExpFloat64()
	}
	return rand.ExpFloat64()
}
