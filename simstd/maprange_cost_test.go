package simstd

import (
	"slices"
	"testing"
)

// BenchmarkAddrHash compares, in one run, what MapRange adds for keys ordered
// by address (addrHash) with the sort it already does for them.
func BenchmarkAddrHash(b *testing.B) {
	//lint:ignore U1000 read by the canonical order, through reflection
	type node struct{ n int }
	keys := make([]*node, 64)
	for i := range keys {
		keys[i] = &node{}
	}
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			ks := slices.Clone(keys)
			sortKeys(ks)
		}
	})
	b.Run("addrHash", func(b *testing.B) {
		for b.Loop() {
			addrHash(keys)
		}
	})
}
