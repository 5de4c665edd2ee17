package kernel

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// PanicError reports a panic in a simulated goroutine.
type PanicError struct {
	Value     any    // the value passed to panic
	Stack     string // the panicking goroutine's stack (runtime/debug.Stack format)
	Goroutine uint64 // the simulated goroutine's ID
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %s\n\ngoroutine %d [running]:\n%s", panicValueString(e.Value), e.Goroutine, e.Stack)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// panicValueString prints a panic value the way the Go runtime does.
func panicValueString(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	}
	return fmt.Sprintf("%v", v)
}

// DeadlockError reports a run in which every goroutine is blocked and no timer
// is pending.
type DeadlockError struct {
	Goroutines []BlockedGoroutine // every live goroutine, by ID
	MainGoexit bool               // main called runtime.Goexit and the others all finished
	Elapsed    time.Duration
}

// BlockedGoroutine is one goroutine of a deadlock report.
type BlockedGoroutine struct {
	ID     uint64
	Wait   string          // what it waits for, as in Go's goroutine dumps
	Frames []runtime.Frame // its stack, simulation internals removed; Frames[0] is where it blocked
}

func (e *DeadlockError) Error() string {
	if e.MainGoexit {
		return "no goroutines (main called runtime.Goexit) - deadlock!"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "all goroutines are asleep - deadlock! (virtual time %v)\n", e.Elapsed)
	for _, g := range e.Goroutines {
		fmt.Fprintf(&b, "\ngoroutine %d [%s]:\n", g.ID, g.Wait)
		for _, f := range g.Frames {
			fmt.Fprintf(&b, "%s(...)\n\t%s:%d\n", f.Function, f.File, f.Line)
		}
	}
	return b.String()
}

// deadlockError builds the report by resuming each blocked goroutine just long
// enough to record its stack; no goroutine runs user code.
func (s *Sim) deadlockError() error {
	if len(s.all) == 0 && s.mainGoexit {
		return &DeadlockError{MainGoexit: true, Elapsed: time.Duration(s.now)}
	}
	gs := slices.Clone(s.all)
	slices.SortFunc(gs, func(a, b *G) int { return int(a.id) - int(b.id) })
	err := &DeadlockError{Elapsed: time.Duration(s.now)}
	for _, g := range gs {
		if g.gp.Load() != 0 { // a goroutine that never started has no stack to record
			state := g.state
			g.report = true
			s.resume(g)
			g.state = state
		}
		err.Goroutines = append(err.Goroutines, BlockedGoroutine{ID: g.id, Wait: g.wait, Frames: UserFrames(g.pcs)})
	}
	return err
}

// UserFrames resolves pcs, dropping the frames of the simulation runtime and
// the shims so that the first frame is the user's code.
func UserFrames(pcs []uintptr) []runtime.Frame {
	var out []runtime.Frame
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if !isInternal(f.Function) {
			out = append(out, f)
		}
		if !more {
			return out
		}
	}
}

func isInternal(fn string) bool {
	if pkg, _, _ := strings.Cut(fn[strings.LastIndexByte(fn, '/')+1:], "."); strings.HasSuffix(pkg, "_test") {
		return false // tests of the shims themselves are user code
	}
	for _, p := range []string{"github.com/simgen/simgen/internal/", "github.com/simgen/simgen/simstd.", "github.com/simgen/simgen/simstd/", "iter.", "runtime."} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// userStack trims a runtime/debug.Stack dump taken in a deferred recover to
// the frames from the panic site outward, without the simulation's own frames.
func userStack(dump []byte) string {
	lines := strings.Split(strings.TrimRight(string(dump), "\n"), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "goroutine ") {
		lines = lines[1:]
	}
	// Frames come in pairs: function line, then "\tfile:line".
	for i := 0; i+1 < len(lines); i += 2 {
		if strings.HasPrefix(lines[i], "panic(") {
			lines = lines[i+2:]
			break
		}
	}
	var b strings.Builder
	for i := 0; i+1 < len(lines); i += 2 {
		fn := lines[i]
		if isInternal(fn) || strings.HasPrefix(fn, "created by iter.Pull") {
			continue
		}
		b.WriteString(fn)
		b.WriteByte('\n')
		b.WriteString(lines[i+1])
		b.WriteByte('\n')
	}
	return b.String()
}

// LimitError reports a run stopped by its step or virtual-time limit, the
// usual sign of a livelock.
type LimitError struct {
	What  string // "steps" or "virtual time"
	Limit uint64
}

func (e *LimitError) Error() string {
	lim := fmt.Sprint(e.Limit)
	if e.What == "virtual time" {
		lim = time.Duration(e.Limit).String()
	}
	return fmt.Sprintf("%s limit %s exceeded (livelock? goroutines kept running without the main goroutine finishing; raise the limit if the run is just long)", e.What, lim)
}
