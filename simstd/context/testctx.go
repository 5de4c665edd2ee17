package context

import (
	"context"

	"github.com/simgen/simgen/internal/testhook"
)

// TB is the part of testing.TB that TestContext uses.
type TB interface {
	Context() context.Context
	Cleanup(func())
}

// TestContext stands for t.Context() in generated tests: a context cancelled
// just before the test's cleanups run. Inside a simulation, for a test of the
// run (simstd.Test, simstd.Subtest), it is cancelled in the simulation, after
// the test function and its parallel subtests, before the cleanups of
// simstd.Cleanup. Outside, it is t.Context() as a Context, cancelled before
// the cleanups that simstd.Cleanup registers run (a context derived from
// t.Context() alone would learn of its cancellation a moment later, from
// another goroutine).
func TestContext(t TB) Context {
	mk := func() (any, func()) {
		ctx, cancel := WithCancel(Background())
		return ctx, cancel
	}
	if testhook.Context != nil {
		if ctx, ok := testhook.Context(t, mk); ok {
			return ctx.(Context)
		}
	}
	ctx, made := testhook.NativeContext(t, func() (any, func()) {
		ctx, cancel := WithCancel(t.Context())
		return ctx, cancel
	})
	if made {
		t.Cleanup(func() { testhook.DropNative(t) })
	}
	return ctx.(Context)
}
