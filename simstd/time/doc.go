// Package time is the simulated variant of the standard library's time
// package: simgen rewrites an import of "time" to this package.
//
// Inside a simulation (a goroutine run by simstd.Run or simstd.Test) the clock
// is the run's virtual clock. Now returns simstd.Epoch plus the virtual time
// elapsed, in UTC so that a seed replays identically on every machine whatever
// its TZ; Sleep parks the goroutine until the virtual clock reaches its wake-up
// time; timers and tickers are events on the virtual clock. Virtual time moves
// only when every simulated goroutine is blocked, so a one-hour Sleep takes no
// wall-clock time at all, and timers due at the same instant fire in an order
// drawn from the seed. A Timer or Ticker belongs to the simulation of the
// goroutine that started it (NewTimer, Reset, ...); AfterFunc runs its function
// as a new simulated goroutine of that simulation.
//
// Outside a simulation (package initialization, native goroutines) every
// function behaves exactly like the standard library's: Now, Since, Until and
// Sleep delegate to it, and a Timer or Ticker is driven by a real time.Timer
// whose callback delivers the value without blocking.
//
// A Timer's or Ticker's C is a *kernel.Chan[Time] (simstd.Chan), the type
// generated code uses for <-chan Time. Its semantics follow the Go version the
// binary was built for, decided once per process the way the runtime decides
// it: by default (Go 1.23+) the channel is synchronous — len and cap report 0,
// no stale value can be received after Stop or Reset returns, and Stop and
// Reset report true when the timer's value had not been received yet. With
// GODEBUG asynctimerchan=1 (from the main module's go line, a //go:debug
// directive, or the environment) the channel is the pre-Go 1.23 buffered
// channel of capacity 1: a value sent before Stop or Reset may still be
// received, and Stop reports false once the timer has fired.
//
// Every pure part of the API (Duration, Time, Month, Weekday, Location,
// ParseError, the layout and unit constants, Parse, Date, Unix, ...) is the
// standard library's own, re-exported as type aliases, constants and
// forwarding functions, so values cross freely between rewritten and
// non-rewritten code. The variables UTC and Local hold the standard
// library's pointers; assigning to this package's Local does not change the
// zone the standard library uses for Time.Local, Unix and friends.
package time
