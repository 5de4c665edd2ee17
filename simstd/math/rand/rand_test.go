package rand_test

import (
	"github.com/simgen/simgen/internal/simtest"
	stdrand "math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/math/rand"
)

func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

func run(seed uint64, fn func()) simstd.Result {
	return simstd.Run(simstd.Config{Seed: seed, MaxTime: time.Hour, GoexitEndsRun: true}, fn)
}

// draws calls every top-level function once and returns what they returned.
func draws() []any {
	buf := make([]byte, 5)
	rand.Read(buf)
	s := []int{1, 2, 3, 4}
	rand.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return []any{
		rand.Int63(), rand.Uint32(), rand.Uint64(), rand.Int31(), rand.Int(),
		rand.Int63n(1000), rand.Int31n(1000), rand.Intn(1000),
		rand.Float64(), rand.Float32(), rand.Perm(5), s, buf,
		rand.NormFloat64(), rand.ExpFloat64(),
	}
}

func TestTopLevelFunctions(t *testing.T) {
	dual(t, func(t *testing.T) {
		for range 100 {
			require.Less(t, rand.Intn(10), 10)
			require.GreaterOrEqual(t, rand.Intn(10), 0)
			require.Less(t, rand.Int63n(7), int64(7))
			require.Less(t, rand.Int31n(7), int32(7))
			f := rand.Float64()
			require.True(t, f >= 0 && f < 1)
		}
		require.ElementsMatch(t, []int{0, 1, 2, 3, 4}, rand.Perm(5))
		require.PanicsWithValue(t, "invalid argument to Intn", func() { rand.Intn(0) })
		require.PanicsWithValue(t, "invalid argument to Int63n", func() { rand.Int63n(-1) })
		require.Len(t, draws(), 15)
	})
}

func TestExplicitSourcesAreStandard(t *testing.T) {
	dual(t, func(t *testing.T) {
		want := stdrand.New(stdrand.NewSource(42))
		got := rand.New(rand.NewSource(42))
		for range 10 {
			require.Equal(t, want.Int63(), got.Int63())
			require.Equal(t, want.Intn(100), got.Intn(100))
			require.Equal(t, want.NormFloat64(), got.NormFloat64())
		}
		wz := stdrand.NewZipf(stdrand.New(stdrand.NewSource(1)), 1.5, 2, 100)
		gz := rand.NewZipf(rand.New(rand.NewSource(1)), 1.5, 2, 100)
		require.Equal(t, wz.Uint64(), gz.Uint64())
	})
}

func TestSimulationFollowsSeed(t *testing.T) {
	trace := func(seed uint64) (simstd.Result, []any) {
		var d []any
		r := run(seed, func() { d = draws() })
		require.NoError(t, r.Err)
		return r, d
	}
	r1, d1 := trace(1)
	r2, d2 := trace(1)
	require.Equal(t, d1, d2)
	require.Equal(t, r1.Hash, r2.Hash)
	r3, d3 := trace(2)
	require.NotEqual(t, d1, d3)
	require.NotEqual(t, r1.Hash, r3.Hash)

	// Draws are part of the trace: a run that draws differs from one that does not.
	quiet := run(1, func() {})
	require.NotEqual(t, quiet.Hash, r1.Hash)
}

func TestSeedIsNoOpByDefault(t *testing.T) {
	t.Setenv("GODEBUG", "")
	var a, b []any
	run(3, func() { a = draws() })
	run(3, func() { rand.Seed(99); b = draws() })
	require.Equal(t, a, b)
}

func TestSeedWithRandseednop0(t *testing.T) {
	t.Setenv("GODEBUG", "randseednop=0")
	dual(t, func(t *testing.T) {
		rand.Seed(5)
		want := stdrand.New(stdrand.NewSource(5))
		for range 5 {
			require.Equal(t, want.Int63(), rand.Int63())
			require.Equal(t, want.Intn(1000), rand.Intn(1000))
		}
		// Reseeding restarts the sequence, Read's buffered bytes included.
		rand.Seed(6)
		want = stdrand.New(stdrand.NewSource(6))
		wb, gb := make([]byte, 3), make([]byte, 3)
		want.Read(wb)
		rand.Read(gb)
		require.Equal(t, wb, gb)
		rand.Seed(6)
		rand.Read(gb)
		require.Equal(t, wb, gb)
	})
}

func TestRandautoseed0StartsAtSeed1(t *testing.T) {
	t.Setenv("GODEBUG", "randautoseed=0")
	var got []int64
	r := run(77, func() {
		for range 3 {
			got = append(got, rand.Int63())
		}
	})
	require.NoError(t, r.Err)
	want := stdrand.New(stdrand.NewSource(1))
	for _, v := range got {
		assert.Equal(t, want.Int63(), v)
	}
}
