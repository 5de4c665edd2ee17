package os_test

import (
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
)

// apiExceptions lists the exported names of package os that this package
// does not declare as package os does, with the reason. Generated code must
// compile, so it is empty.
var apiExceptions = map[string]string{}

// TestAPI checks that every exported name of package os (constants,
// variables, functions, types, their exported methods and struct fields) is
// declared here with the same kind and type, this package's File, ProcAttr
// and Root standing for os's.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("os", "github.com/simgen/simgen/simstd/os", apiExceptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}
