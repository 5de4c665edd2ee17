package time

import (
	"sync"
	"sync/atomic"
	"time"
)

// Timer channel modes, for modeOverride.
const (
	modeFromRuntime int32 = iota // use the runtime's setting (the default)
	modeSync                     // Go 1.23+ synchronous timer channels
	modeAsync                    // GODEBUG asynctimerchan=1
)

// modeOverride replaces the process's timer channel mode when it is not
// modeFromRuntime; only tests set it, to exercise both modes in one binary.
var modeOverride atomic.Int32

// runtimeAsync reports the runtime's asynctimerchan setting, read once.
//
// The setting comes from the binary's default GODEBUG (the main module's go
// line and //go:debug directives, recorded as DefaultGODEBUG in its build
// info) overridden by the GODEBUG environment variable. Rather than re-parse
// those, ask the runtime, which has already combined them: a real timer
// channel reports capacity 1 in the asynchronous (pre-Go 1.23) mode and 0 in
// the synchronous one. It is read on first use rather than at package
// initialization so that an os.Setenv("GODEBUG", ...) in main's init still
// counts, as it does for package time.
var runtimeAsync = sync.OnceValue(func() bool {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	return cap(t.C) != 0
})

// asyncTimerChan reports whether timers made now use asynchronous channels.
func asyncTimerChan() bool {
	switch modeOverride.Load() {
	case modeSync:
		return false
	case modeAsync:
		return true
	}
	return runtimeAsync()
}
