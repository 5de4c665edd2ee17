package simstd_test

import (
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sites evaluates three distinct fault points n times each and counts firings.
func sites(n int) (fires [3]int) {
	for i := 0; i < n; i++ {
		if simstd.Buggify() {
			fires[0]++
		}
		if simstd.Buggify() {
			fires[1]++
		}
		if simstd.BuggifyWithProb(1) {
			fires[2]++
		}
	}
	return fires
}

func TestBuggifyOutsideSimulation(t *testing.T) {
	assert.Equal(t, [3]int{}, sites(1000))
}

func TestBuggifyIsTwoLevelAndSeeded(t *testing.T) {
	const seeds, n = 400, 400
	enabled := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		var a, b [3]int
		ra := simstd.Run(simstd.Config{Seed: seed}, func() { a = sites(n) })
		rb := simstd.Run(simstd.Config{Seed: seed}, func() { b = sites(n) })
		require.NoError(t, ra.Err)
		require.Equal(t, a, b, "seed %d: same seed, different fault points", seed)
		require.Equal(t, ra.Hash, rb.Hash)
		for i, f := range a {
			switch {
			case f == 0:
			case i == 2:
				assert.Equal(t, n, f, "an enabled site with p=1 fires every time")
				enabled++
			default:
				assert.InDelta(t, 0.25*n, f, 0.1*n, "seed %d site %d: an enabled site fires about 1 time in 4", seed, i)
				enabled++
			}
		}
	}
	// Each site is enabled in about a quarter of the runs.
	assert.InDelta(t, 0.25*3*seeds, enabled, 0.06*3*seeds)
}

func TestBuggifyOff(t *testing.T) {
	t.Setenv(simstd.EnvBuggify, "off")
	var f [3]int
	for seed := uint64(1); seed <= 20; seed++ {
		simstd.Run(simstd.Config{Seed: seed}, func() { f = sites(100) })
		require.Equal(t, [3]int{}, f)
	}
}
