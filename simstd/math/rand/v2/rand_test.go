package rand_test

import (
	"github.com/simgen/simgen/internal/simtest"
	stdrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/math/rand/v2"
)

func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

func run(seed uint64, fn func()) simstd.Result {
	return simstd.Run(simstd.Config{Seed: seed, MaxTime: time.Hour, GoexitEndsRun: true}, fn)
}

// draws calls every top-level function once and returns what they returned.
func draws() []any {
	s := []int{1, 2, 3, 4}
	rand.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return []any{
		rand.Int64(), rand.Uint32(), rand.Uint64N(1000), rand.Uint32N(1000), rand.Uint64(),
		rand.Int32(), rand.Int(), rand.Uint(), rand.Int64N(1000), rand.Int32N(1000),
		rand.IntN(1000), rand.UintN(1000), rand.N(time.Hour), rand.N(uint8(200)),
		rand.Float64(), rand.Float32(), rand.Perm(5), s, rand.NormFloat64(), rand.ExpFloat64(),
	}
}

func TestTopLevelFunctions(t *testing.T) {
	dual(t, func(t *testing.T) {
		for range 100 {
			require.Less(t, rand.IntN(10), 10)
			require.GreaterOrEqual(t, rand.IntN(10), 0)
			require.Less(t, rand.N(10*time.Second), 10*time.Second)
			require.Less(t, rand.UintN(3), uint(3))
			f := rand.Float64()
			require.True(t, f >= 0 && f < 1)
		}
		require.ElementsMatch(t, []int{0, 1, 2, 3, 4}, rand.Perm(5))
		require.PanicsWithValue(t, "invalid argument to IntN", func() { rand.IntN(0) })
		require.PanicsWithValue(t, "invalid argument to N", func() { rand.N(int8(-1)) })
		require.PanicsWithValue(t, "invalid argument to Uint64N", func() { rand.Uint64N(0) })
		require.Len(t, draws(), 20)
	})
}

func TestExplicitSourcesAreStandard(t *testing.T) {
	dual(t, func(t *testing.T) {
		want := stdrand.New(stdrand.NewPCG(1, 2))
		got := rand.New(rand.NewPCG(1, 2))
		for range 10 {
			require.Equal(t, want.Uint64(), got.Uint64())
			require.Equal(t, want.IntN(100), got.IntN(100))
		}
		seed := [32]byte{1, 2, 3}
		wc, gc := stdrand.NewChaCha8(seed), rand.NewChaCha8(seed)
		require.Equal(t, wc.Uint64(), gc.Uint64())
		wz := stdrand.NewZipf(stdrand.New(stdrand.NewPCG(3, 4)), 1.5, 2, 100)
		gz := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.5, 2, 100)
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
}

func BenchmarkIntNSim(b *testing.B) {
	run(1, func() {
		b.ReportAllocs()
		for range b.N {
			rand.IntN(100)
		}
	})
}
