package simstd_test

import (
	"github.com/simgen/simgen/internal/simtest"
	"testing"
)

// dual runs f natively and inside a simulation (for the seeds chosen by the
// environment, default 1), so every rule is checked against Go itself.
func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

// panicValue runs f and returns what it panicked with (nil if it returned).
func panicValue(f func()) any { return simtest.PanicValue(f) }
