package sync_test

import (
	"testing"

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

func TestPoolIsLIFOInSimulation(t *testing.T) {
	var p sync.Pool // shared by native code and two runs
	p.Put("native")
	r := run(1, func() {
		p.New = func() any { return "new" }
		p.Put("a")
		p.Put("b")
		require.Equal(t, "b", p.Get())
		p.Put("c")
		require.Equal(t, "c", p.Get())
		require.Equal(t, "a", p.Get())
		require.Equal(t, "new", p.Get())
		p.Put("left over")
	})
	require.NoError(t, r.Err)
	r = run(1, func() {
		require.Equal(t, "new", p.Get(), "a value crossed from another run")
	})
	require.NoError(t, r.Err)
}
