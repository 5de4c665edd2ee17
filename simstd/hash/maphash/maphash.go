// Package maphash mirrors the standard library's hash/maphash package for
// simgen's simulated variants.
//
// Outside a simulation every function and method behaves exactly as std's
// (the work is done by std). Inside one, MakeSeed draws the seed from the
// run's seed, and so does the zero Hash for the seed it chooses on first
// use. A seed made inside a simulation selects a hash function that, unlike
// std's, does not depend on the process (std's mixes in keys the runtime
// draws at start-up), so Bytes, String, Comparable and Hash give the same
// values on every replay of the seed, wherever they are called. The hash
// function is the one std uses without assembly (the purego build):
// wyhash, here with fixed keys. As in std, Comparable and WriteComparable
// hash pointers and channels by address, which a replay need not reproduce.
//
// Seed and Hash are this package's own types, since std's cannot carry a
// simulated seed: a variant cannot hand them to code that was not rewritten
// where that code expects std's types (a *Hash is a hash.Hash64 like std's).
package maphash

import (
	"encoding/binary"
	"errors"
	"hash"
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"reflect"

	"github.com/simgen/simgen/internal/kernel"
)

// A Seed is a random value that selects the specific hash function
// computed by a [Hash]. If two Hashes use the same Seeds, they
// will compute the same hash values for any given input.
// If two Hashes use different Seeds, they are very likely to compute
// distinct hash values for any given input.
//
// A Seed must be initialized by calling [MakeSeed].
// The zero seed is uninitialized and not valid for use with [Hash]'s SetSeed method.
type Seed struct {
	// std is the seed made outside a simulation; zero when s is set.
	std maphash.Seed
	// s is the seed made inside a simulation, never 0 then; 0 for a std seed.
	s uint64
}

// MakeSeed returns a new random seed: inside a simulation, drawn from the
// run's seed.
func MakeSeed() Seed {
	g := kernel.Current()
	if g == nil {
		return Seed{std: maphash.MakeSeed()}
	}
	for {
		// 0 marks an uninitialized seed, as in std.
		if s := g.Sim().Rand(); s != 0 {
			return Seed{s: s}
		}
	}
}

// Bytes returns the hash of b with the given seed.
//
// Bytes is equivalent to, but more convenient and efficient than:
//
//	var h Hash
//	h.SetSeed(seed)
//	h.Write(b)
//	return h.Sum64()
func Bytes(seed Seed, b []byte) uint64 {
	if seed.s == 0 {
		return maphash.Bytes(seed.std, b)
	}
	state := seed.s
	for len(b) > bufSize {
		state = wyhash(b[:bufSize], state)
		b = b[bufSize:]
	}
	return wyhash(b, state)
}

// String returns the hash of s with the given seed.
//
// String is equivalent to, but more convenient and efficient than:
//
//	var h Hash
//	h.SetSeed(seed)
//	h.WriteString(s)
//	return h.Sum64()
func String(seed Seed, s string) uint64 {
	if seed.s == 0 {
		return maphash.String(seed.std, s)
	}
	state := seed.s
	for len(s) > bufSize {
		state = wyhash([]byte(s[:bufSize]), state)
		s = s[bufSize:]
	}
	return wyhash([]byte(s), state)
}

// Comparable returns the hash of comparable value v with the given seed
// such that Comparable(s, v1) == Comparable(s, v2) if v1 == v2.
// If v != v, then the resulting hash is randomly distributed.
func Comparable[T comparable](seed Seed, v T) uint64 {
	if seed.s == 0 {
		return maphash.Comparable(seed.std, v)
	}
	var h Hash
	h.SetSeed(seed)
	appendT(&h, reflect.ValueOf(&v).Elem())
	return h.Sum64()
}

// WriteComparable adds x to the data hashed by h.
func WriteComparable[T comparable](h *Hash, x T) {
	if !h.init() {
		maphash.WriteComparable(&h.std, x)
		return
	}
	// As std's purego build does: the buffered length keeps x from
	// commuting with a buffered write.
	if h.n != 0 {
		appendT(h, reflect.ValueOf(h.n))
	}
	appendT(h, reflect.ValueOf(&x).Elem())
}

// A Hash computes a seeded hash of a byte sequence.
//
// The zero Hash is a valid Hash ready to use.
// A zero Hash chooses a random seed for itself during
// the first call to a Reset, Write, Seed, Clone, or Sum64 method
// (inside a simulation, on its first use of any kind, from the run's seed).
// For control over the seed, use SetSeed.
//
// The computed hash values depend only on the initial seed and
// the sequence of bytes provided to the Hash object, not on the way
// in which the bytes are provided.
//
// A Hash is not safe for concurrent use by multiple goroutines, but a Seed is.
type Hash struct {
	_ [0]func() // not comparable
	// mode says which of std and the fields below hold the hash: chosen by
	// SetSeed, or else on first use.
	mode mode
	// std is the hash in modeStd.
	std maphash.Hash
	// seed, state, buf and n are the hash in modeSim, as in std: seed is the
	// initial seed (never 0), state the hash of all flushed bytes, buf[:n]
	// the unflushed bytes.
	seed, state uint64
	buf         [bufSize]byte
	n           int
}

// mode is where a Hash keeps its state.
type mode uint8

const (
	modeUnset mode = iota // zero Hash not used yet
	modeStd               // std's Hash, seeded by std
	modeSim               // seeded from a simulation
)

// bufSize is the size of the Hash write buffer, as in std: hashing whole
// buffers makes the value independent of how the bytes were written.
const bufSize = 128

// init chooses h's mode on its first use and reports whether h hashes with a
// simulated seed.
func (h *Hash) init() bool {
	if h.mode == modeUnset {
		if kernel.Current() == nil {
			h.mode = modeStd
		} else {
			h.SetSeed(MakeSeed())
		}
	}
	return h.mode == modeSim
}

// WriteByte adds b to the sequence of bytes hashed by h.
// It never fails; the error result is for implementing [io.ByteWriter].
func (h *Hash) WriteByte(b byte) error {
	if !h.init() {
		return h.std.WriteByte(b)
	}
	if h.n == len(h.buf) {
		h.flush()
	}
	h.buf[h.n] = b
	h.n++
	return nil
}

// Write adds b to the sequence of bytes hashed by h.
// It always writes all of b and never fails; the count and error result are for implementing [io.Writer].
func (h *Hash) Write(b []byte) (int, error) {
	if !h.init() {
		return h.std.Write(b)
	}
	size := len(b)
	if h.n > 0 {
		k := copy(h.buf[h.n:], b)
		h.n += k
		if h.n < bufSize {
			return size, nil
		}
		b = b[k:]
		h.flush()
	}
	for len(b) > bufSize {
		h.state = wyhash(b[:bufSize], h.state)
		b = b[bufSize:]
	}
	h.n = copy(h.buf[:], b)
	return size, nil
}

// WriteString adds the bytes of s to the sequence of bytes hashed by h.
// It always writes all of s and never fails; the count and error result are for implementing [io.StringWriter].
func (h *Hash) WriteString(s string) (int, error) {
	if !h.init() {
		return h.std.WriteString(s)
	}
	size := len(s)
	if h.n > 0 {
		k := copy(h.buf[h.n:], s)
		h.n += k
		if h.n < bufSize {
			return size, nil
		}
		s = s[k:]
		h.flush()
	}
	for len(s) > bufSize {
		h.state = wyhash([]byte(s[:bufSize]), h.state)
		s = s[bufSize:]
	}
	h.n = copy(h.buf[:], s)
	return size, nil
}

// flush hashes the full buffer into the state.
func (h *Hash) flush() {
	h.state = wyhash(h.buf[:], h.state)
	h.n = 0
}

// Seed returns h's seed value.
func (h *Hash) Seed() Seed {
	if !h.init() {
		return Seed{std: h.std.Seed()}
	}
	return Seed{s: h.seed}
}

// SetSeed sets h to use seed, which must have been returned by [MakeSeed]
// or by another [Hash.Seed] method.
// Two [Hash] objects with the same seed behave identically.
// Two [Hash] objects with different seeds will very likely behave differently.
// Any bytes added to h before this call will be discarded.
func (h *Hash) SetSeed(seed Seed) {
	if seed.s == 0 {
		h.std.SetSeed(seed.std) // panics on the zero Seed, as std does
		h.mode = modeStd
		return
	}
	h.mode, h.seed, h.state, h.n = modeSim, seed.s, seed.s, 0
}

// Reset discards all bytes added to h.
// (The seed remains the same.)
func (h *Hash) Reset() {
	if !h.init() {
		h.std.Reset()
		return
	}
	h.state, h.n = h.seed, 0
}

// Sum64 returns h's current 64-bit value, which depends on
// h's seed and the sequence of bytes added to h since the
// last call to [Hash.Reset] or [Hash.SetSeed].
func (h *Hash) Sum64() uint64 {
	if !h.init() {
		return h.std.Sum64()
	}
	return wyhash(h.buf[:h.n], h.state)
}

// Sum appends the hash's current 64-bit value to b.
// It exists for implementing [hash.Hash].
// For direct calls, it is more efficient to use [Hash.Sum64].
func (h *Hash) Sum(b []byte) []byte {
	return binary.LittleEndian.AppendUint64(b, h.Sum64())
}

// Size returns h's hash value size, 8 bytes.
func (h *Hash) Size() int { return 8 }

// BlockSize returns h's block size.
func (h *Hash) BlockSize() int { return bufSize }

// Clone implements [hash.Cloner].
func (h *Hash) Clone() (hash.Cloner, error) {
	if !h.init() {
		// std's Clone seeds h first; the copy of h.std then shares its seed.
		if _, err := h.std.Clone(); err != nil {
			return nil, err
		}
	}
	r := *h
	return &r, nil
}

// appendT hashes v into h, as std's purego build does.
func appendT(h *Hash, v reflect.Value) {
	h.WriteString(v.Type().String())
	var buf [8]byte
	switch v.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		h.Write(binary.LittleEndian.AppendUint64(buf[:0], uint64(v.Int())))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		h.Write(binary.LittleEndian.AppendUint64(buf[:0], v.Uint()))
	case reflect.Array:
		for i := range v.Len() {
			// The index keeps [2]string{"foo", ""} and [2]string{"", "foo"} apart.
			h.Write(binary.LittleEndian.AppendUint64(buf[:0], uint64(i)))
			appendT(h, v.Index(i))
		}
	case reflect.String:
		h.WriteString(v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			h.Write(binary.LittleEndian.AppendUint64(buf[:0], uint64(i)))
			appendT(h, v.Field(i))
		}
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		h.float64(real(c))
		h.float64(imag(c))
	case reflect.Float32, reflect.Float64:
		h.float64(v.Float())
	case reflect.Bool:
		h.WriteByte(btoi(v.Bool()))
	case reflect.UnsafePointer, reflect.Pointer, reflect.Chan:
		h.Write(binary.LittleEndian.AppendUint64(buf[:0], uint64(v.Pointer())))
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		appendT(h, v.Elem())
	default:
		panic(errors.New("maphash: hash of unhashable type " + v.Type().String()))
	}
}

// float64 hashes f so that 0 and -0 hash alike and NaNs randomly (from the
// run's seed inside a simulation).
func (h *Hash) float64(f float64) {
	if f == 0 {
		h.WriteByte(0)
		return
	}
	u := math.Float64bits(f)
	if f != f {
		if g := kernel.Current(); g != nil {
			u = g.Sim().Rand()
		} else {
			u = rand.Uint64()
		}
	}
	h.Write(binary.LittleEndian.AppendUint64(nil, u))
}

func btoi(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// hashkey replaces the keys std draws at start-up: fixed, so that a value
// hashes alike in every process (the seed alone selects the function).
var hashkey = [4]uint64{0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3, 0x589965cc75374cc3}

const m5 = 0x1d8e4e27c47d124f

// wyhash hashes key from state seed, as std's purego build does.
func wyhash(key []byte, seed uint64) uint64 {
	if len(key) == 0 {
		return seed
	}
	p := key
	n := uint64(len(key))
	i := n
	var a, b uint64
	seed ^= hashkey[0]
	if i > 16 {
		if i > 48 {
			seed1, seed2 := seed, seed
			for ; i > 48; i -= 48 {
				seed = mix(r8(p)^hashkey[1], r8(p[8:])^seed)
				seed1 = mix(r8(p[16:])^hashkey[2], r8(p[24:])^seed1)
				seed2 = mix(r8(p[32:])^hashkey[3], r8(p[40:])^seed2)
				p = p[48:]
			}
			seed ^= seed1 ^ seed2
		}
		for ; i > 16; i -= 16 {
			seed = mix(r8(p)^hashkey[1], r8(p[8:])^seed)
			p = p[16:]
		}
	}
	switch {
	case i == 0:
		return seed
	case i < 4:
		a = uint64(p[0])<<16 | uint64(p[i>>1])<<8 | uint64(p[i-1])
	default:
		k := (i >> 3) << 2
		a = r4(p)<<32 | r4(p[k:])
		b = r4(p[i-4:])<<32 | r4(p[i-4-k:])
	}
	return mix(m5^n, mix(a^hashkey[1], b^seed))
}

func r4(p []byte) uint64 { return uint64(binary.LittleEndian.Uint32(p)) }
func r8(p []byte) uint64 { return binary.LittleEndian.Uint64(p) }

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
