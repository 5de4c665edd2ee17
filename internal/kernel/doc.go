// Package kernel is simgen's simulation runtime: a scheduler that runs the
// goroutines of one simulation one at a time, in an order drawn from a seed, on
// a virtual clock.
//
// Every simulated goroutine is a runtime coroutine (created with iter.Pull).
// A driver goroutine resumes the chosen coroutine; it runs until its next
// synchronization point, where the run's strategy picks the next goroutine. If
// the running goroutine picks itself, no switch happens at all. A goroutine the
// driver resumed goes on choosing while it is suspended, and resumes the chosen
// goroutine itself, so most switches are a single coroutine switch (see
// G.switchOut); the driver steps in only to advance the clock and to end the
// run. Coroutines were chosen over handing a baton across channels because a
// resume+yield costs about 70 ns against about 150 ns per baton hand-off (see
// BENCHMARKS.md).
//
// The virtual clock jumps to the earliest pending timer when no goroutine is
// runnable; timers due at the same instant fire in an order drawn from the
// seed. Running goroutines consume virtual time too: every scheduling decision
// costs compute time (Config.StepCost), so timers fire in a run that is
// always busy, as they do natively (see compute.go). A run that keeps
// deciding without any goroutine blocking or timer firing for a very long
// time is reported as a livelock, naming the goroutines that keep running.
// When nothing is runnable and no timer is pending, the run has deadlocked.
// Everything that can vary between runs (which goroutine runs, time jumps,
// random draws) is mixed into a trace hash, so equal hashes mean equal runs.
//
// Code outside a simulation (package initialization, native use of a variant)
// finds Current() == nil and the shims then behave exactly like the standard
// library.
package kernel
