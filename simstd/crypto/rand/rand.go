// Package rand mirrors the standard library's crypto/rand package for
// simgen's simulated variants.
//
// Outside a simulation Reader, Read, Int, Prime and Text are the standard
// library's cryptographically secure generator. Inside a simulation the
// default Reader yields bytes drawn from the run's seed (every draw is mixed
// into the run's trace hash), so that keys, tokens and nonces, and everything
// that depends on them, are the same for the same seed. They are of course
// not secret: a simulation is a test.
//
// Prime, which since Go 1.26 ignores its reader unless GODEBUG has
// cryptocustomrand=1, reads the default Reader in a simulation, and the
// reader it is given with cryptocustomrand=1 (which the binary's default
// GODEBUG or the GODEBUG environment variable set).
package rand

import (
	cryptorand "crypto/rand"
	"fmt"
	"io"
	"math/big"
	"os"
	"runtime/debug"

	"github.com/simgen/simgen/internal/kernel"
)

// Reader is a global, shared instance of a cryptographically secure random
// number generator (outside a simulation), safe for concurrent use. Tests may
// replace it, as they may replace crypto/rand.Reader.
var Reader io.Reader = defaultReader{}

// defaultReader reads from the run's seed in a simulation and from the
// standard crypto/rand.Reader outside.
type defaultReader struct{}

func (defaultReader) Read(b []byte) (int, error) {
	if g := kernel.Current(); g != nil {
		fill(g.Sim(), b)
		return len(b), nil
	}
	return cryptorand.Reader.Read(b)
}

// fill fills b with the run's random draws, eight bytes per draw.
func fill(s *kernel.Sim, b []byte) {
	for len(b) > 0 {
		v := s.Rand()
		for i := 0; i < 8 && len(b) > 0; i++ {
			b[0] = byte(v)
			v >>= 8
			b = b[1:]
		}
	}
}

// Read fills b with cryptographically secure random bytes (outside a
// simulation). It never returns an error, and always fills b entirely.
//
// Read calls io.ReadFull on Reader and crashes the program irrecoverably if
// an error is returned (in a simulation, it panics instead, which fails the
// run). The default Reader never returns an error.
func Read(b []byte) (n int, err error) {
	if _, ok := Reader.(defaultReader); ok {
		if g := kernel.Current(); g != nil {
			fill(g.Sim(), b)
			return len(b), nil
		}
		return cryptorand.Read(b)
	}
	bb := make([]byte, len(b))
	_, err = io.ReadFull(Reader, bb)
	copy(b, bb)
	if err != nil {
		fatal("crypto/rand: failed to read random data (see https://go.dev/issue/66821): " + err.Error())
	}
	return len(b), nil
}

// fatal ends the program as the runtime's fatal error does (Go's crypto/rand
// reaches it through a linkname this package cannot use); in a simulation it
// panics so that only the run fails.
func fatal(msg string) {
	if kernel.Current() != nil {
		panic(msg)
	}
	fmt.Fprintf(os.Stderr, "fatal error: %s\n\n%s", msg, debug.Stack())
	os.Exit(2)
}

// Int returns a uniform random value in [0, max). It panics if max <= 0, and
// returns an error if rand.Read returns one.
func Int(rand io.Reader, max *big.Int) (n *big.Int, err error) {
	return cryptorand.Int(rand, max)
}

// Text returns a cryptographically random string using the standard RFC 4648
// base32 alphabet for use when a secret string, token, password, or other
// text is needed. The result contains at least 128 bits of randomness.
//
// It is Go's algorithm over this package's Read, so that it follows Reader.
func Text() string {
	// ⌈log₃₂ 2¹²⁸⌉ = 26 chars, as in Go.
	const base32alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	src := make([]byte, 26)
	Read(src)
	for i := range src {
		src[i] = base32alphabet[src[i]%32]
	}
	return string(src)
}
