package maphash_test

import (
	"fmt"
	"hash"
	stdmaphash "hash/maphash"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/hash/maphash"
)

var _ hash.Hash64 = new(maphash.Hash)

// sim runs body in a simulation of seed.
func sim(t *testing.T, seed uint64, body func()) {
	t.Helper()
	r := simstd.Run(simstd.Config{Seed: seed}, body)
	require.NoError(t, r.Err)
}

// values hashes a fixed input every way the package can, in a simulation of
// seed.
func values(t *testing.T, seed uint64) []uint64 {
	t.Helper()
	var got []uint64
	sim(t, seed, func() {
		s := maphash.MakeSeed()
		var zero maphash.Hash
		zero.WriteString("hello")
		var seeded maphash.Hash
		seeded.SetSeed(s)
		maphash.WriteComparable(&seeded, struct {
			a string
			b [2]int
		}{"x", [2]int{1, 2}})
		got = []uint64{
			maphash.String(s, "hello"), maphash.Bytes(s, []byte(strings.Repeat("ab", 300))),
			maphash.Comparable(s, 42), zero.Sum64(), seeded.Sum64(),
		}
	})
	return got
}

func TestSeededBySimulation(t *testing.T) {
	a := values(t, 1)
	assert.Equal(t, a, values(t, 1), "a replay hashes alike")
	b := values(t, 2)
	for i := range a {
		assert.NotEqual(t, a[i], b[i], "value %d is drawn from the seed", i)
	}
}

// TestSameInEveryProcess compares the values with those of a fresh process:
// std's hash functions mix in keys the runtime draws at start-up.
func TestSameInEveryProcess(t *testing.T) {
	if os.Getenv("MAPHASH_CHILD") != "" {
		fmt.Printf("values %v\n", values(t, 1))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSameInEveryProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MAPHASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), fmt.Sprintf("values %v\n", values(t, 1)))
}

func TestWritesAreIndependentOfSplitting(t *testing.T) {
	sim(t, 3, func() {
		s := maphash.MakeSeed()
		for _, n := range []int{0, 1, 3, 4, 8, 16, 17, 48, 49, 127, 128, 129, 256, 300, 1000} {
			data := []byte(strings.Repeat("0123456789abcdefghij", 60)[:n])
			want := maphash.Bytes(s, data)
			assert.Equal(t, want, maphash.String(s, string(data)), n)
			var h maphash.Hash
			h.SetSeed(s)
			for i := 0; i < n; i += 7 {
				h.Write(data[i:min(i+7, n)])
			}
			assert.Equal(t, want, h.Sum64(), "Write in pieces of %d bytes", n)
			h.Reset()
			for _, c := range data {
				h.WriteByte(c)
			}
			assert.Equal(t, want, h.Sum64(), "WriteByte of %d bytes", n)
			h.Reset()
			h.WriteString(string(data))
			assert.Equal(t, want, h.Sum64(), "WriteString of %d bytes", n)
			assert.Equal(t, s, h.Seed())
			c, err := h.Clone()
			require.NoError(t, err)
			assert.Equal(t, want, c.(*maphash.Hash).Sum64())
		}
		assert.Equal(t, maphash.Comparable(s, "k"), maphash.Comparable(s, "k"))
		assert.NotEqual(t, maphash.Comparable(s, "k"), maphash.Comparable(s, "l"))
		assert.Equal(t, maphash.Comparable(s, 0.0), maphash.Comparable(s, -1*0.0))
	})
}

func TestOutsideSimulationLikeStd(t *testing.T) {
	s := maphash.MakeSeed()
	assert.Equal(t, maphash.String(s, "x"), maphash.Bytes(s, []byte("x")))
	assert.NotEqual(t, maphash.String(s, "x"), maphash.String(maphash.MakeSeed(), "x"))
	var h maphash.Hash
	h.WriteString("x")
	assert.NotEqual(t, maphash.String(h.Seed(), "x"), maphash.String(s, "x"))
	assert.Equal(t, maphash.String(h.Seed(), "x"), h.Sum64())
	var z maphash.Hash
	z.SetSeed(s)
	maphash.WriteComparable(&z, 7)
	assert.NotZero(t, z.Sum64())
	assert.Equal(t, maphash.Comparable(s, 7), maphash.Comparable(s, 7))

	var stdZero stdmaphash.Seed
	stdMsg := panicValue(func() { stdmaphash.String(stdZero, "x") })
	require.NotNil(t, stdMsg)
	var zero maphash.Seed
	assert.Equal(t, stdMsg, panicValue(func() { maphash.String(zero, "x") }))
	assert.Equal(t, stdMsg, panicValue(func() { new(maphash.Hash).SetSeed(zero) }))
	sim(t, 1, func() {
		assert.Equal(t, stdMsg, panicValue(func() { maphash.Bytes(zero, nil) }), "also inside a simulation")
	})
}

func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}
