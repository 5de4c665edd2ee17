package rand_test

import (
	"bytes"
	"errors"
	"github.com/simgen/simgen/internal/simtest"
	"io"
	"math/big"
	mathrand "math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/crypto/rand"
)

func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

func run(seed uint64, fn func()) simstd.Result {
	return simstd.Run(simstd.Config{Seed: seed, MaxTime: time.Hour, GoexitEndsRun: true}, fn)
}

func TestAPI(t *testing.T) {
	dual(t, func(t *testing.T) {
		b := make([]byte, 37)
		n, err := rand.Read(b)
		require.NoError(t, err)
		require.Equal(t, 37, n)
		require.NotEqual(t, make([]byte, 37), b)

		n, err = io.ReadFull(rand.Reader, b)
		require.NoError(t, err)
		require.Equal(t, 37, n)

		text := rand.Text()
		require.Len(t, text, 26)
		require.Empty(t, strings.Trim(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))

		max := big.NewInt(1000)
		v, err := rand.Int(rand.Reader, max)
		require.NoError(t, err)
		require.True(t, v.Sign() >= 0 && v.Cmp(max) < 0)
		require.PanicsWithValue(t, "crypto/rand: argument to Int is <= 0", func() { rand.Int(rand.Reader, big.NewInt(0)) })

		p, err := rand.Prime(rand.Reader, 64)
		require.NoError(t, err)
		require.Equal(t, 64, p.BitLen())
		require.True(t, p.ProbablyPrime(20))
		_, err = rand.Prime(rand.Reader, 1)
		require.EqualError(t, err, "crypto/rand: prime size must be at least 2-bit")
	})
}

type outputs struct {
	Bytes []byte
	Text  string
	Int   *big.Int
	Prime *big.Int
}

func draw(t *testing.T, seed uint64) (simstd.Result, outputs) {
	var o outputs
	r := run(seed, func() {
		o.Bytes = make([]byte, 20)
		rand.Read(o.Bytes)
		o.Text = rand.Text()
		o.Int, _ = rand.Int(rand.Reader, big.NewInt(1<<40))
		o.Prime, _ = rand.Prime(nil, 128) // the reader is ignored, as in Go 1.26
	})
	require.NoError(t, r.Err)
	return r, o
}

func TestSimulationFollowsSeed(t *testing.T) {
	r1, o1 := draw(t, 1)
	r2, o2 := draw(t, 1)
	assert.Equal(t, o1, o2)
	assert.Equal(t, r1.Hash, r2.Hash)
	r3, o3 := draw(t, 2)
	assert.NotEqual(t, o1.Bytes, o3.Bytes)
	assert.NotEqual(t, o1.Text, o3.Text)
	assert.NotEqual(t, o1.Prime, o3.Prime)
	assert.NotEqual(t, r1.Hash, r3.Hash)
}

// setReader replaces rand.Reader for the test, as tests of the original
// program may replace crypto/rand.Reader.
func setReader(t *testing.T, r io.Reader) {
	old := rand.Reader
	rand.Reader = r
	t.Cleanup(func() { rand.Reader = old })
}

func TestReplacedReader(t *testing.T) {
	setReader(t, bytes.NewReader([]byte("0123"+strings.Repeat("\x01", 26))))
	r := run(1, func() {
		b := make([]byte, 4)
		rand.Read(b)
		assert.Equal(t, "0123", string(b))
		assert.Equal(t, strings.Repeat("B", 26), rand.Text(), "Text does not follow Reader")
		rand.Read(b) // the reader is exhausted: Go would crash, the run fails
		t.Error("Read returned after an error of Reader")
	})
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Equal(t, "crypto/rand: failed to read random data (see https://go.dev/issue/66821): EOF", pe.Value)
}

// TestReadErrorIsFatalNatively checks, in a child process, that a failing
// Reader crashes the program outside a simulation, as in Go.
func TestReadErrorIsFatalNatively(t *testing.T) {
	if os.Getenv("SIMGEN_CRYPTO_FATAL") == "1" {
		rand.Reader = iotestErr{}
		rand.Read(make([]byte, 1))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadErrorIsFatalNatively$")
	cmd.Env = append(os.Environ(), "SIMGEN_CRYPTO_FATAL=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, string(out), "fatal error: crypto/rand: failed to read random data (see https://go.dev/issue/66821): broken")
}

// countingReader is a deterministic reader that counts the bytes read.
type countingReader struct {
	src *mathrand.ChaCha8
	n   int
}

func (c *countingReader) Read(b []byte) (int, error) {
	c.n += len(b)
	return c.src.Read(b)
}

func TestPrimeHonoursCryptocustomrand(t *testing.T) {
	t.Setenv("GODEBUG", "cryptocustomrand=1")
	prime := func() *big.Int {
		var p *big.Int
		r := run(1, func() {
			c := &countingReader{src: mathrand.NewChaCha8([32]byte{7})}
			var err error
			p, err = rand.Prime(c, 64)
			assert.NoError(t, err)
			assert.Positive(t, c.n, "the reader was not used")
		})
		require.NoError(t, r.Err)
		return p
	}
	p := prime()
	require.Equal(t, 64, p.BitLen())
	require.Equal(t, p, prime())

	failing := run(1, func() {
		_, err := rand.Prime(iotestErr{}, 16)
		assert.EqualError(t, err, "broken")
	})
	require.NoError(t, failing.Err)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("broken") }
