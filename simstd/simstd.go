// Package simstd is the runtime of simgen's simulated variants: the control
// API that runs code in a deterministic simulation (Run, Test, Main), and the
// small API that generated code calls in place of Go's built-in concurrency
// (Chan, Select, Go, MapRange). Its subpackages (time, sync, context, net, …)
// mirror the standard library packages of the same names.
//
// A simulation runs its goroutines one at a time in an order drawn from a
// seed, on a virtual clock that starts at Epoch and advances only when every
// goroutine is blocked. The same seed and the same binary give the same run,
// which Result.Hash certifies. Outside a simulation every function here
// behaves like the Go feature it stands for.
package simstd

import (
	"runtime"

	"github.com/simgen/simgen/internal/kernel"
)

// Config describes one simulation run: seed, strategy and limits.
type Config = kernel.Config

// Result describes a finished run: seed, steps, virtual time, trace hash and
// the error that ended it, if any.
type Result = kernel.Result

// Strategy chooses the goroutine to run at each scheduling point.
type Strategy = kernel.Strategy

// Strategies: RandomWalk (the default), PCT and Portfolio (drawn per seed).
type (
	RandomWalk = kernel.RandomWalk
	PCT        = kernel.PCT
	Portfolio  = kernel.Portfolio
)

// Errors that end a run.
type (
	PanicError       = kernel.PanicError
	DeadlockError    = kernel.DeadlockError
	BlockedGoroutine = kernel.BlockedGoroutine
	WatchdogError    = kernel.WatchdogError
	LimitError       = kernel.LimitError
	LivelockError    = kernel.LivelockError
	SpinGoroutine    = kernel.SpinGoroutine
)

// Epoch is the virtual wall-clock time at which every simulation starts.
var Epoch = kernel.Epoch

// Run runs fn as the main goroutine of a new simulation and returns when the
// run is over (see kernel semantics in the package documentation).
func Run(cfg Config, fn func()) Result { return kernel.Run(cfg, fn) }

// InSimulation reports whether the caller is a simulated goroutine.
func InSimulation() bool { return kernel.Current() != nil }

// Go starts fn as a goroutine: a simulated one inside a simulation (owned by
// the caller's node), a native one outside. It stands for the go statement.
func Go(fn func()) {
	if g := kernel.Current(); g != nil {
		g.Go(fn)
		return
	}
	if initGoroutines.hold(fn) {
		return
	}
	go fn()
}

// Gosched yields the processor: a scheduling point in a simulation.
func Gosched() {
	if g := kernel.Current(); g != nil {
		g.Sync()
		return
	}
	runtime.Gosched()
}

// NumGoroutine returns the number of goroutines: the simulation's live
// goroutines inside one (plus, in a test's run, the test binary's main
// goroutine, as Go counts it), the process's outside.
func NumGoroutine() int {
	if g := kernel.Current(); g != nil {
		return g.Sim().NumGoroutine() + uncountedGoroutines(g.Sim())
	}
	return runtime.NumGoroutine()
}

// TraceEvent is one line of a run's event trace, written as JSON lines to
// Config.Trace.
type TraceEvent = kernel.TraceEvent
