package simstd_test

import (
	"strconv"
	"testing"

	"github.com/simgen/simgen/simstd"
)

type node struct{ id int }

// BenchmarkMapRange measures one seeded iteration over a map of 64 entries,
// per key type: the fast paths (int, string), pointers, which are compared by
// content, and pointers to equal values, ordered by address (whose addresses
// are then mixed into the trace hash). int-native is Go's own range over the
// int map, for the ratio in one run.
func BenchmarkMapRange(b *testing.B) {
	ints, strs, ptrs, tied := map[int]int{}, map[string]int{}, map[*node]int{}, map[*node]int{}
	for i := range 64 {
		ints[i], strs[strconv.Itoa(i)], ptrs[&node{i}], tied[&node{}] = i, i, i, i
	}
	b.Run("int-native", func(b *testing.B) {
		sum := 0
		for b.Loop() {
			for _, v := range ints {
				sum += v
			}
		}
		_ = sum
	})
	b.Run("int", func(b *testing.B) { benchRange(b, ints) })
	b.Run("string", func(b *testing.B) { benchRange(b, strs) })
	b.Run("pointer", func(b *testing.B) { benchRange(b, ptrs) })
	b.Run("tied", func(b *testing.B) { benchRange(b, tied) })
}

func benchRange[K comparable](b *testing.B, m map[K]int) {
	inSim(b, func() {
		sum := 0
		for b.Loop() {
			for _, v := range simstd.MapRange(m) {
				sum += v
			}
		}
		_ = sum
	})
}
