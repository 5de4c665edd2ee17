package simstd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
)

// rangeHash returns the trace hash of a run that ranges over a fresh map
// made by mk.
func rangeHash[K comparable](t *testing.T, mk func() map[K]int) uint64 {
	t.Helper()
	r := simstd.Run(simstd.Config{Seed: 7}, func() {
		for range simstd.MapRange(mk()) {
		}
	})
	require.NoError(t, r.Err)
	return r.Hash
}

func TestMapRangeHashesAddressOrder(t *testing.T) {
	//lint:ignore U1000 read by the canonical order, through reflection
	type key struct{ n int }
	distinct := func() map[*key]int { return map[*key]int{{1}: 1, {2}: 2, {3}: 3} }
	tied := func() map[*key]int { return map[*key]int{{}: 1, {}: 2, {}: 3} }
	keep := make([]map[*key]int, 0, 2)
	tiedKept := func() map[*key]int { m := tied(); keep = append(keep, m); return m }

	assert.Equal(t, rangeHash(t, distinct), rangeHash(t, distinct),
		"keys ordered by content do not put their addresses in the hash")
	// Both maps stay alive, so their keys are at different addresses.
	assert.NotEqual(t, rangeHash(t, tiedKept), rangeHash(t, tiedKept),
		"keys ordered by address put their addresses in the hash")
	assert.Len(t, keep, 2)
}

func TestMapRangeHashesLength(t *testing.T) {
	// Neither map draws from the seed to be shuffled.
	none := func() map[int]int { return map[int]int{} }
	one := func() map[int]int { return map[int]int{1: 1} }
	assert.Equal(t, rangeHash(t, one), rangeHash(t, one))
	assert.NotEqual(t, rangeHash(t, none), rangeHash(t, one))
}
