package maps_test

import (
	stdmaps "maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/maps"
)

func bigMap() map[string]int {
	m := make(map[string]int)
	for i := range 32 {
		m[string(rune('a'+i%26))+string(rune('A'+i/26))] = i
	}
	return m
}

// orders runs one simulation with seed and returns the orders in which
// Keys, Values, All, DeleteFunc and EqualFunc visit one map.
func orders(t *testing.T, seed uint64) [][]int {
	t.Helper()
	var got [][]int
	r := simstd.Run(simstd.Config{Seed: seed}, func() {
		m := bigMap()
		var keys, values, all, del, eq []int
		for k := range maps.Keys(m) {
			keys = append(keys, m[k])
		}
		for v := range maps.Values(m) {
			values = append(values, v)
		}
		for _, v := range maps.All(m) {
			all = append(all, v)
		}
		maps.EqualFunc(m, bigMap(), func(a, b int) bool { eq = append(eq, a); return a == b })
		maps.DeleteFunc(m, func(_ string, v int) bool { del = append(del, v); return v%2 == 0 })
		got = [][]int{keys, values, all, del, eq}
	})
	require.NoError(t, r.Err)
	return got
}

func TestOrderIsSeeded(t *testing.T) {
	a := orders(t, 1)
	assert.Equal(t, a, orders(t, 1), "a replay of the seed visits the entries in the same order")
	for _, o := range a {
		assert.Len(t, o, 32)
	}
	differs := false
	for seed := uint64(2); seed < 6 && !differs; seed++ {
		differs = !slices.Equal(a[0], orders(t, seed)[0])
	}
	assert.True(t, differs, "the order is drawn from the seed")
}

func TestOutsideSimulationLikeStd(t *testing.T) {
	m := bigMap()
	assert.ElementsMatch(t, slices.Collect(stdmaps.Keys(m)), slices.Collect(maps.Keys(m)))
	assert.ElementsMatch(t, slices.Collect(stdmaps.Values(m)), slices.Collect(maps.Values(m)))
	assert.Equal(t, m, maps.Collect(maps.All(m)))
	assert.True(t, maps.Equal(m, maps.Clone(m)))
	assert.False(t, maps.EqualFunc(m, map[string]int{}, func(a, b int) bool { return a == b }))
	c := map[string]int{}
	maps.Copy(c, m)
	maps.DeleteFunc(c, func(_ string, v int) bool { return v >= 2 })
	assert.Equal(t, map[string]int{"aA": 0, "bA": 1}, c)
	maps.Insert(c, maps.All(map[string]int{"x": 9}))
	assert.Len(t, c, 3)
}

func TestStopEarly(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 3}, func() {
		n := 0
		for range maps.Keys(bigMap()) {
			n++
			if n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
	})
	require.NoError(t, r.Err)
}
