package simstd

import (
	"testing"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A package as its variant registers it: start is made by a rerun initializer, hits is
// changed by an init function, mode by nobody in the package (TestMain, say), cache by
// the runs.
type fakePkg struct {
	start time.Time
	hits  int
	mode  string
	cache map[string]int
	inits int // how often initFuncs ran
}

func (p *fakePkg) register(t *testing.T) {
	saved := pkgInits.list
	t.Cleanup(func() { pkgInits.list = saved })
	pkgInits.list = nil
	RegisterInit("fake", []any{&p.hits, &p.mode, &p.cache},
		func(rerun bool) { p.start = time.Now() },
		func(rerun bool) { p.hits++; p.inits++ })
}

func TestRegisterInitRunsNativelyAtOnce(t *testing.T) {
	var p fakePkg
	p.register(t)
	assert.Equal(t, 1, p.hits)
	assert.Equal(t, 1, p.inits)
	assert.False(t, p.start.IsZero())
	assert.NotEqual(t, Epoch, p.start, "natively, time.Now is the real clock")
}

func TestInitPackagesGivesEveryRunFreshState(t *testing.T) {
	var p fakePkg
	p.register(t)
	p.mode = "set before the first run"
	p.cache = map[string]int{}
	for seed := uint64(1); seed <= 3; seed++ {
		r := kernel.Run(kernel.Config{Seed: seed}, func() {
			initPackages()
			assert.True(t, Epoch.Equal(p.start), "initializers rerun inside the run, on its clock")
			assert.Equal(t, 1, p.hits, "init functions rerun from the values they started from natively")
			assert.Equal(t, "set before the first run", p.mode)
			p.mode = "changed by a run"
			p.hits = 40
			p.cache = nil
		})
		require.NoError(t, r.Err)
	}
	assert.Equal(t, 4, p.inits)
}

func TestSameValue(t *testing.T) {
	type s struct {
		a []int
		m map[int]int
		f float64
		i any
	}
	sl := []int{1, 2}
	m := map[int]int{}
	for _, c := range []struct {
		a, b any
		same bool
	}{
		{s{a: sl, m: m, f: 1}, s{a: sl, m: m, f: 1}, true},
		{s{a: sl}, s{a: sl[:1]}, false},
		{s{m: m}, s{m: map[int]int{}}, false},
		{s{i: 3}, s{i: 3}, true},
		{s{i: 3}, s{i: int64(3)}, false},
		{s{i: nil}, s{i: 0}, false},
		{[2]string{"a"}, [2]string{"a"}, true},
		{[2]string{"a"}, [2]string{"b"}, false},
		{uint8(3), uint8(3), true},
	} {
		a := saveVars([]any{&c.a})[0].Elem()
		b := saveVars([]any{&c.b})[0].Elem()
		assert.Equal(t, c.same, a.Type() == b.Type() && sameValue(a, b), "%#v vs %#v", c.a, c.b)
	}
}
