package rand

import (
	"crypto/fips140"
	cryptorand "crypto/rand"
	"errors"
	"github.com/simgen/simgen/internal/godebug"
	"io"
	"math/big"

	"github.com/simgen/simgen/internal/kernel"
)

// Prime returns a number of the given bit length that is prime with high
// probability. Prime will return error for any error returned by rand.Read or
// if bits < 2.
//
// As in Go 1.26, the reader r is ignored unless GODEBUG has
// cryptocustomrand=1: Prime reads the default Reader (in a simulation, the
// run's seed).
func Prime(r io.Reader, bits int) (*big.Int, error) {
	g := kernel.Current()
	if g == nil {
		return cryptorand.Prime(r, bits)
	}
	if fips140.Enforced() {
		return nil, errors.New("crypto/rand: use of Prime is not allowed in FIPS 140-only mode")
	}
	if bits < 2 {
		return nil, errors.New("crypto/rand: prime size must be at least 2-bit")
	}
	return prime(customReader(g.Sim(), r), bits)
}

// customReader returns the reader Prime uses in the simulation s: r with
// cryptocustomrand=1 (after Go's MaybeReadByte, with its coin drawn from the
// seed), the run's default Reader otherwise.
func customReader(s *kernel.Sim, r io.Reader) io.Reader {
	if godebug.Value("cryptocustomrand") != "1" {
		return defaultReader{}
	}
	if _, ok := r.(defaultReader); !ok && s.Intn(2) == 1 {
		var b [1]byte
		r.Read(b[:])
	}
	return r
}

// prime is Go's algorithm: random odd candidates of the right size with the
// two top bits set, until one is probably prime.
func prime(r io.Reader, bits int) (*big.Int, error) {
	b := uint(bits % 8)
	if b == 0 {
		b = 8
	}
	bytes := make([]byte, (bits+7)/8)
	p := new(big.Int)
	for {
		if _, err := io.ReadFull(r, bytes); err != nil {
			return nil, err
		}
		// Clear bits in the first byte to make sure the candidate has a size <= bits.
		bytes[0] &= uint8(int(1<<b) - 1)
		// Set the two top bits so that the product of two such primes has
		// exactly 2*bits bits.
		if b >= 2 {
			bytes[0] |= 3 << (b - 2)
		} else {
			bytes[0] |= 1
			if len(bytes) > 1 {
				bytes[1] |= 0x80
			}
		}
		bytes[len(bytes)-1] |= 1 // an even number this large is not prime
		p.SetBytes(bytes)
		if p.ProbablyPrime(20) {
			return p, nil
		}
	}
}
