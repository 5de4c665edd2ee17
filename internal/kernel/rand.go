package kernel

import "math/bits"

// Rand is the simulation's pseudo-random generator (wyrand): fast, 64-bit
// state, and fully determined by its seed. Every draw that can influence a run
// goes through one Rand so that the seed alone fixes the run.
type Rand struct {
	state uint64 // advanced by a fixed odd constant on every draw
}

// NewRand returns a generator whose sequence is determined by seed.
func NewRand(seed uint64) *Rand { return &Rand{state: seed ^ 0x2d358dccaa6c78a5} }

// Uint64 returns the next 64 pseudo-random bits.
func (r *Rand) Uint64() uint64 {
	r.state += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.state, r.state^0xe7037ed1a0b428db)
	return hi ^ lo
}

// Intn returns a value in [0, n) for n > 0 (Lemire's multiply-shift; the bias
// for the small n used here is below 2^-40 and, being deterministic, harmless).
func (r *Rand) Intn(n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Float64 returns a value in [0, 1).
func (r *Rand) Float64() float64 { return float64(r.Uint64()>>11) / (1 << 53) }

// hash is the run's trace hash: FNV-1a over 64-bit words. Every scheduling
// decision, time jump and random draw is mixed in, so two runs with equal
// hashes made the same decisions in the same order.
type hash uint64

const (
	fnvOffset hash = 14695981039346656037
	fnvPrime  hash = 1099511628211
)

func (h *hash) mix(tag byte, v uint64) {
	x := *h
	x = (x ^ hash(tag)) * fnvPrime
	x = (x ^ hash(v)) * fnvPrime
	*h = x
}

// Hash tags: which kind of decision a mixed word records.
const (
	tagPick  = 'p' // goroutine chosen to run
	tagTime  = 't' // virtual clock jump
	tagRand  = 'r' // random draw handed to user code
	tagSpawn = 'g' // goroutine created
	tagExit  = 'x' // goroutine finished
	tagEvent = 'e' // other events mixed in by shims (network, disk, faults)
	tagNode  = 'n' // node created, killed, restarted, paused or resumed
)
