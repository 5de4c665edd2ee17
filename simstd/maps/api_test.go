package maps_test

import (
	"iter"
	stdmaps "maps"
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/simstd/maps"
)

// generic is why apicheck cannot compare a generic function: the type
// parameters of std's and of the shim's are distinct objects.
// TestGenericSignatures compares them instantiated instead.
const generic = "generic: compared instantiated by TestGenericSignatures"

// apiExceptions lists the names apicheck cannot compare: all of them generic.
var apiExceptions = map[string]string{
	"All": generic, "Clone": generic, "Collect": generic, "Copy": generic, "DeleteFunc": generic,
	"Equal": generic, "EqualFunc": generic, "Insert": generic, "Keys": generic, "Values": generic,
}

// TestAPI checks that every exported name of package maps is declared here
// with the same kind and type, so that rewriting the import is enough.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("maps", "github.com/simgen/simgen/simstd/maps", apiExceptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}

type m = map[string]int

// TestGenericSignatures compiles only if each function instantiates to the
// type of std's.
func TestGenericSignatures(t *testing.T) {
	_ = []any{
		[]func(m) iter.Seq2[string, int]{stdmaps.All[m], maps.All[m]},
		[]func(m) iter.Seq[string]{stdmaps.Keys[m], maps.Keys[m]},
		[]func(m) iter.Seq[int]{stdmaps.Values[m], maps.Values[m]},
		[]func(m, iter.Seq2[string, int]){stdmaps.Insert[m], maps.Insert[m]},
		[]func(iter.Seq2[string, int]) m{stdmaps.Collect[string, int], maps.Collect[string, int]},
		[]func(m, m) bool{stdmaps.Equal[m, m], maps.Equal[m, m]},
		[]func(m, map[string]bool, func(int, bool) bool) bool{
			stdmaps.EqualFunc[m, map[string]bool], maps.EqualFunc[m, map[string]bool]},
		[]func(m) m{stdmaps.Clone[m], maps.Clone[m]},
		[]func(m, m){stdmaps.Copy[m, m], maps.Copy[m, m]},
		[]func(m, func(string, int) bool){stdmaps.DeleteFunc[m], maps.DeleteFunc[m]},
	}
}
