package sync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd/sync"
)

func TestPoolGetPut(t *testing.T) {
	dual(t, func(t *testing.T) {
		var p sync.Pool
		require.Nil(t, p.Get())
		p.Put(nil) // ignored
		p.Put("x")
		if v := p.Get(); v != nil { // natively the pool may drop values
			require.Equal(t, "x", v)
		}
		news := 0
		p.New = func() any { news++; return "new" }
		require.Equal(t, "new", p.Get())
		require.Equal(t, 1, news)
	})
}

// In a simulation a Pool is a stack, except that a Get finds it emptied, as
// by a garbage collection, on some seeds: then every value is gone.
func TestPoolIsLIFOInSimulationUntilDropped(t *testing.T) {
	var p sync.Pool // shared by native code and the runs
	p.Put("native")
	p.New = func() any { return "new" }
	drops := 0
	for seed := uint64(1); seed <= 64; seed++ {
		var got []any
		r := run(seed, func() {
			var want []any // the pool's stack as long as nothing is dropped
			get := func() {
				v := p.Get()
				got = append(got, v)
				switch {
				case len(want) > 0 && v == want[len(want)-1]:
					want = want[:len(want)-1]
				case v == "new":
					if len(want) > 0 {
						drops++
					}
					want = nil
				default:
					t.Errorf("seed %d: Get = %v, want %v or new", seed, v, want)
				}
			}
			for _, x := range []string{"a", "b"} {
				p.Put(x)
				want = append(want, x)
			}
			get()
			p.Put("c")
			want = append(want, "c")
			get()
			get()
			get()
			p.Put("left over")
		})
		require.NoError(t, r.Err)
		var again []any
		r = run(seed, func() {
			for range 4 {
				again = append(again, p.Get())
			}
		})
		require.NoError(t, r.Err)
		require.Equal(t, []any{"new", "new", "new", "new"}, again, "a value crossed from another run")
		var replay []any
		run(seed, func() {
			p.Put("a")
			p.Put("b")
			replay = append(replay, p.Get())
			p.Put("c")
			replay = append(replay, p.Get(), p.Get(), p.Get())
		})
		require.Equal(t, got, replay, "seed %d: the same seed drops at the same point", seed)
	}
	assert.Greater(t, drops, 0, "some seeds drop the pool's values")
	assert.Less(t, drops, 32, "most seeds keep them")
}
