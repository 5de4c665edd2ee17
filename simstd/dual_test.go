package simstd_test

import (
	"testing"

	"github.com/simgen/simgen/simstd"
)

// dual runs f natively and inside a simulation (for the seeds chosen by the
// environment, default 1), so every rule is checked against Go itself.
func dual(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("native", f)
	t.Run("sim", func(t *testing.T) { simstd.Test(t, f) })
}

// panicValue runs f and returns what it panicked with (nil if it returned).
func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}
