package maphash_test

import (
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/simstd/hash/maphash"
)

// generic is why apicheck cannot compare a generic function: the type
// parameters of std's and of the shim's are distinct objects.
const generic = "generic: compared instantiated by TestGenericSignatures"

// apiExceptions lists the names apicheck cannot compare.
var apiExceptions = map[string]string{"Comparable": generic, "WriteComparable": generic}

// TestAPI checks that every exported name of package hash/maphash is declared
// here with the same kind and type (this package's Seed and Hash standing for
// std's), so that rewriting the import is enough.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("hash/maphash", "github.com/simgen/simgen/simstd/hash/maphash", apiExceptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}

// TestGenericSignatures compiles only if each generic function instantiates
// to the type std's has, with this package's Seed and Hash.
func TestGenericSignatures(t *testing.T) {
	_ = []any{
		[]func(maphash.Seed, string) uint64{maphash.Comparable[string]},
		[]func(*maphash.Hash, string){maphash.WriteComparable[string]},
	}
}
