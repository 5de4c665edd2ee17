// Package rand mirrors the standard library's math/rand/v2 package for
// simgen's simulated variants.
//
// ChaCha8, PCG, Rand, Source, Zipf and their constructors are the standard
// ones, so explicitly seeded generators produce exactly the standard
// sequences everywhere.
//
// The top-level functions (Int, IntN, N, Float64, Perm, Shuffle, …) use Go's
// global source outside a simulation. Inside one they draw from the run's
// seed (every draw is mixed into the run's trace hash), so that the same seed
// gives the same numbers; they apply the standard algorithms of Rand to those
// draws.
package rand

import (
	"math/rand/v2"

	"github.com/simgen/simgen/internal/kernel"
)

// ChaCha8 is a ChaCha8-based cryptographically strong random number generator.
type ChaCha8 = rand.ChaCha8

// A PCG is a PCG generator with 128 bits of internal state.
type PCG = rand.PCG

// A Rand is a source of random numbers.
type Rand = rand.Rand

// A Source is a source of uniformly-distributed pseudo-random uint64 values
// in the range [0, 1<<64).
type Source = rand.Source

// A Zipf generates Zipf distributed variates.
type Zipf = rand.Zipf

// New returns a new Rand that uses random values from src to generate other
// random values.
func New(src Source) *Rand { return rand.New(src) }

// NewChaCha8 returns a new ChaCha8 seeded with the given seed.
func NewChaCha8(seed [32]byte) *ChaCha8 { return rand.NewChaCha8(seed) }

// NewPCG returns a new PCG seeded with the given values.
func NewPCG(seed1, seed2 uint64) *PCG { return rand.NewPCG(seed1, seed2) }

// NewZipf returns a Zipf variate generator.
func NewZipf(r *Rand, s float64, v float64, imax uint64) *Zipf { return rand.NewZipf(r, s, v, imax) }

// simSource is a Source whose values are the run's random draws. A Rand of
// the standard library holds nothing but its Source, so a Rand over a
// simSource made per call is the run's global generator.
type simSource struct{ s *kernel.Sim }

func (src simSource) Uint64() uint64 { return src.s.Rand() }

// global returns a generator over the run's draws and true when the caller
// is a simulated goroutine. It returns the Rand by value so that it stays on
// the caller's stack.
func global() (r rand.Rand, ok bool) {
	if g := kernel.Current(); g != nil {
		return *rand.New(simSource{g.Sim()}), true
	}
	return r, false
}

// Int64 returns a non-negative pseudo-random 63-bit integer as an int64.
func Int64() int64 {
	if r, ok := global(); ok {
		return r.Int64()
	}
	return rand.Int64()
}

// Uint32 returns a pseudo-random 32-bit value as a uint32.
func Uint32() uint32 {
	if r, ok := global(); ok {
		return r.Uint32()
	}
	return rand.Uint32()
}

// Uint64N returns, as a uint64, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n == 0.
func Uint64N(n uint64) uint64 {
	if r, ok := global(); ok {
		return r.Uint64N(n)
	}
	return rand.Uint64N(n)
}

// Uint32N returns, as a uint32, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n == 0.
func Uint32N(n uint32) uint32 {
	if r, ok := global(); ok {
		return r.Uint32N(n)
	}
	return rand.Uint32N(n)
}

// Uint64 returns a pseudo-random 64-bit value as a uint64.
func Uint64() uint64 {
	if r, ok := global(); ok {
		return r.Uint64()
	}
	return rand.Uint64()
}

// Int32 returns a non-negative pseudo-random 31-bit integer as an int32.
func Int32() int32 {
	if r, ok := global(); ok {
		return r.Int32()
	}
	return rand.Int32()
}

// Int returns a non-negative pseudo-random int.
func Int() int {
	if r, ok := global(); ok {
		return r.Int()
	}
	return rand.Int()
}

// Uint returns a pseudo-random uint.
func Uint() uint {
	if r, ok := global(); ok {
		return r.Uint()
	}
	return rand.Uint()
}

// Int64N returns, as an int64, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func Int64N(n int64) int64 {
	if r, ok := global(); ok {
		return r.Int64N(n)
	}
	return rand.Int64N(n)
}

// Int32N returns, as an int32, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func Int32N(n int32) int32 {
	if r, ok := global(); ok {
		return r.Int32N(n)
	}
	return rand.Int32N(n)
}

// IntN returns, as an int, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n <= 0.
func IntN(n int) int {
	if r, ok := global(); ok {
		return r.IntN(n)
	}
	return rand.IntN(n)
}

// UintN returns, as a uint, a non-negative pseudo-random number in the
// half-open interval [0,n). It panics if n == 0.
func UintN(n uint) uint {
	if r, ok := global(); ok {
		return r.UintN(n)
	}
	return rand.UintN(n)
}

// intType is the constraint of N: the integer types (as in Go).
type intType interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// N returns a pseudo-random number in the half-open interval [0,n). The type
// parameter Int can be any integer type. It panics if n <= 0.
func N[Int intType](n Int) Int {
	if r, ok := global(); ok {
		if n <= 0 {
			panic("invalid argument to N")
		}
		return Int(r.Uint64N(uint64(n)))
	}
	return rand.N(n)
}

// Float64 returns, as a float64, a pseudo-random number in the half-open
// interval [0.0,1.0).
func Float64() float64 {
	if r, ok := global(); ok {
		return r.Float64()
	}
	return rand.Float64()
}

// Float32 returns, as a float32, a pseudo-random number in the half-open
// interval [0.0,1.0).
func Float32() float32 {
	if r, ok := global(); ok {
		return r.Float32()
	}
	return rand.Float32()
}

// Perm returns, as a slice of n ints, a pseudo-random permutation of the
// integers in the half-open interval [0,n).
func Perm(n int) []int {
	if r, ok := global(); ok {
		return r.Perm(n)
	}
	return rand.Perm(n)
}

// Shuffle pseudo-randomizes the order of elements. n is the number of
// elements. Shuffle panics if n < 0. swap swaps the elements with indexes i
// and j.
func Shuffle(n int, swap func(i, j int)) {
	if r, ok := global(); ok {
		r.Shuffle(n, swap)
		return
	}
	rand.Shuffle(n, swap)
}

// NormFloat64 returns a normally distributed float64 in the range
// [-math.MaxFloat64, +math.MaxFloat64] with standard normal distribution
// (mean = 0, stddev = 1).
func NormFloat64() float64 {
	if r, ok := global(); ok {
		return r.NormFloat64()
	}
	return rand.NormFloat64()
}

// ExpFloat64 returns an exponentially distributed float64 in the range
// (0, +math.MaxFloat64] with an exponential distribution whose rate parameter
// (lambda) is 1 and whose mean is 1/lambda (1).
func ExpFloat64() float64 {
	if r, ok := global(); ok {
		return r.ExpFloat64()
	}
	return rand.ExpFloat64()
}
