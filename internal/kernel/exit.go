package kernel

import (
	"fmt"
	"runtime"
	"strings"
)

// ExitError reports a run ended by the simulated program exiting (os.Exit,
// log.Fatal) on the default node, whose process is the whole program.
type ExitError struct {
	Code      int    // the exit status
	What      string // what exited: "os.Exit", "log.Fatal", ...
	Message   string // what log.Fatal printed, without the final newline; "" for os.Exit
	Pos       string // file:line of the user's call
	Goroutine uint64 // the simulated goroutine that exited
}

func (e *ExitError) Error() string {
	s := e.What
	if e.What == "os.Exit" {
		s += fmt.Sprintf("(%d)", e.Code)
	}
	if e.Pos != "" {
		s += " at " + e.Pos
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s + fmt.Sprintf(" (goroutine %d)", e.Goroutine)
}

// FatalError reports a fatal error of the Go runtime in a simulated
// goroutine (sync: unlock of unlocked mutex), which Go does not let a
// program recover from.
type FatalError struct {
	Msg       string // as Go prints it after "fatal error: "
	Stack     string // the goroutine's stack, simulation internals removed
	Goroutine uint64
}

func (e *FatalError) Error() string {
	return fmt.Sprintf("fatal error: %s\n\ngoroutine %d [running]:\n%s", e.Msg, e.Goroutine, e.Stack)
}

// Exit ends the run with an *ExitError: the program exited with code, by
// what (os.Exit, log.Fatal) after printing msg. It never returns: g stops
// for good, and is unwound with the run's other goroutines.
func (g *G) Exit(code int, what, msg string) {
	g.sim.Event(uint64(code))
	g.Fail(&ExitError{Code: code, What: what, Message: msg, Pos: userPos(), Goroutine: g.id})
}

// Fatal ends the run with a *FatalError, as Go's runtime ends a program
// with "fatal error: msg". It never returns.
func (g *G) Fatal(msg string) {
	pcs := make([]uintptr, 64)
	var b strings.Builder
	for _, f := range UserFrames(pcs[:runtime.Callers(2, pcs)]) {
		fmt.Fprintf(&b, "%s(...)\n\t%s:%d\n", f.Function, f.File, f.Line)
	}
	g.Fail(&FatalError{Msg: msg, Stack: b.String(), Goroutine: g.id})
}

// Fail ends the run with err (unless its outcome is already fixed: the first
// failure wins) and stops g for good. It never returns: g is unwound with the
// run's other goroutines.
func (g *G) Fail(err error) {
	g.sim.fail(err)
	g.halt()
	runtime.Goexit() // halt returns only to a goroutine being unwound
}
