package simstd

import (
	"reflect"
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
	RegisterInit("fake", []any{&p.hits, &p.mode, &p.cache}, nil,
		func(rerun bool) { p.start = time.Now() },
		func(rerun bool) { p.hits++; p.inits++ }, true)
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

func TestFingerprint(t *testing.T) {
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
		a := fingerprint(reflect.ValueOf(&c.a).Elem(), fingerprintDepth)
		b := fingerprint(reflect.ValueOf(&c.b).Elem(), fingerprintDepth)
		assert.Equal(t, c.same, a == b, "%#v vs %#v", c.a, c.b)
	}
}

// A registry in one package, filled by a later package's initialization: when that
// initialization all runs again, every run starts from the empty registry and it registers
// again, once; when part of it does not run again (a flag, say), neither package
// reinitializes, and the registry keeps what native initialization put there (and, being
// the same map, what earlier runs put in it).
func TestInitPackagesRegistration(t *testing.T) {
	for _, complete := range []bool{true, false} {
		saved := pkgInits.list
		pkgInits.list = nil
		var registry map[string]int // package a: no initializer, filled lazily
		register := func(name string) {
			if registry == nil {
				registry = map[string]int{}
			}
			registry[name]++
		}
		var stamp time.Time // package b: stamped by its initializer
		RegisterInit("a", []any{&registry}, nil, func(bool) {}, func(bool) {}, true)
		RegisterInit("b", []any{&stamp}, []any{&stamp}, func(bool) { stamp = time.Now() }, func(bool) { register("b") }, complete)
		for seed := uint64(1); seed <= 2; seed++ {
			r := kernel.Run(kernel.Config{Seed: seed}, func() {
				initPackages()
				assert.Equal(t, 1, registry["b"], "complete %v: registered once", complete)
				if complete {
					assert.Equal(t, map[string]int{"b": 1}, registry, "a fresh registry")
				}
				assert.Equal(t, complete, Epoch.Equal(stamp), "b reinitializes only when complete")
				register("in the run")
			})
			require.NoError(t, r.Err)
		}
		pkgInits.list = saved
	}
}

// A variable an init function sets, which TestMain then changes, keeps TestMain's value:
// the package does not reinitialize, rather than undo it.
func TestInitPackagesKeepsWhatTestMainSet(t *testing.T) {
	saved := pkgInits.list
	t.Cleanup(func() { pkgInits.list = saved })
	pkgInits.list = nil
	var mode string
	RegisterInit("tm", []any{&mode}, nil, func(bool) {}, func(bool) { mode = "prod" }, true)
	mode = "test" // TestMain
	for seed := uint64(1); seed <= 2; seed++ {
		r := kernel.Run(kernel.Config{Seed: seed}, func() {
			initPackages()
			assert.Equal(t, "test", mode)
			mode = "changed by a run"
		})
		require.NoError(t, r.Err)
	}
}
