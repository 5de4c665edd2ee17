package simstd_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
)

// reflectOrder iterates over m with reflect, as a variant does, in a run with seed: the
// keys of MapKeys, then the entries of MapRange.
func reflectOrder(t *testing.T, seed uint64, m any) string {
	var b strings.Builder
	r := simstd.Run(simstd.Config{Seed: seed}, func() {
		v := reflect.ValueOf(m)
		for _, k := range simstd.ReflectMapKeys(v) {
			fmt.Fprint(&b, k, " ")
		}
		b.WriteString("| ")
		for it := simstd.ReflectMapRange(v); it.Next(); {
			fmt.Fprint(&b, it.Key(), "=", it.Value(), " ")
		}
	})
	require.NoError(t, r.Err)
	return b.String()
}

func TestReflectMapOrderFollowsSeed(t *testing.T) {
	m := map[string]int{}
	for i := range 16 {
		m[fmt.Sprint("k", i)] = i
	}
	orders := map[string]bool{}
	for seed := uint64(1); seed <= 8; seed++ {
		first := reflectOrder(t, seed, m)
		assert.Equal(t, first, reflectOrder(t, seed, m), "seed %d replays", seed)
		orders[first] = true
	}
	assert.Greater(t, len(orders), 4, "seeds draw different orders")
}

// Outside a simulation the functions are reflect's own.
func TestReflectMapNative(t *testing.T) {
	m := map[int]string{1: "a", 2: "b", 3: "c"}
	v := reflect.ValueOf(m)
	var keys []int
	for _, k := range simstd.ReflectMapKeys(v) {
		keys = append(keys, int(k.Int()))
	}
	slices.Sort(keys)
	assert.Equal(t, []int{1, 2, 3}, keys)
	got := map[int]string{}
	it := simstd.ReflectMapRange(v)
	for it.Next() {
		got[int(it.Key().Int())] = it.Value().String()
	}
	assert.Equal(t, m, got)
	assert.PanicsWithValue(t, "MapIter.Next called on exhausted iterator", func() { it.Next() })
}

// reflect.MapIter's rules, natively and simulated: an entry deleted before it is reached is
// not produced; Key before Next, Next after the end and Next without a map panic with
// reflect's messages; the zero iterator works after Reset; MapRange of a non-map panics.
func TestReflectMapIterRules(t *testing.T) {
	check := func(t *testing.T) {
		m := map[int]int{1: 10, 2: 20, 3: 30}
		v := reflect.ValueOf(m)
		var it simstd.ReflectMapIter
		assert.PanicsWithValue(t, "MapIter.Next called on an iterator that does not have an associated map Value", func() { it.Next() })
		it.Reset(v)
		assert.PanicsWithValue(t, "MapIter.Key called before Next", func() { it.Key() })
		require.True(t, it.Next())
		first := int(it.Key().Int())
		assert.Equal(t, first*10, int(it.Value().Int()))
		for k := range m {
			if k != first {
				delete(m, k)
				break
			}
		}
		n := 1
		for it.Next() {
			n++
			k := reflect.New(v.Type().Key()).Elem()
			simstd.ReflectSetIterKey(k, &it)
			val := reflect.New(v.Type().Elem()).Elem()
			simstd.ReflectSetIterValue(val, &it)
			assert.Equal(t, k.Int()*10, val.Int())
		}
		assert.Equal(t, 2, n, "the deleted entry is not produced")
		assert.PanicsWithValue(t, "MapIter.Value called on exhausted iterator", func() { it.Value() })
		assert.Panics(t, func() { simstd.ReflectMapRange(reflect.ValueOf(3)) })
	}
	t.Run("native", check)
	t.Run("simulated", func(t *testing.T) {
		r := simstd.Run(simstd.Config{Seed: 3}, func() { check(t) })
		require.NoError(t, r.Err)
	})
}
