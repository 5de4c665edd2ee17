// Package simtest holds the dual-mode test harness shared by simstd and its
// shims: each behaviour test is written once and run both natively and in a
// simulation, so the shim is checked against Go itself.
package simtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/simgen/simgen/simstd"
)

// Dual runs f natively and inside a simulation, for the seeds chosen by the
// environment (default seed 1).
func Dual(t *testing.T, f func(t *testing.T)) { DualSeeds(t, 0, f) }

// DualSeeds is Dual with seeds 1..n in the simulation when the environment
// chooses none (n == 0: the environment's default).
func DualSeeds(t *testing.T, n int, f func(t *testing.T)) {
	t.Helper()
	t.Run("native", f)
	t.Run("sim", func(t *testing.T) {
		if n > 0 && os.Getenv(simstd.EnvSeed) == "" && os.Getenv(simstd.EnvSeeds) == "" {
			t.Setenv(simstd.EnvSeeds, fmt.Sprint(n))
		}
		simstd.Test(t, f)
	})
}

// PanicValue runs f and returns what it panicked with (nil if it returned).
func PanicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}
