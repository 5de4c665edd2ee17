// Package log stands for the standard library's log package in simulated
// variants. Its Logger is std's; what changes is the package-level logger
// (Print, Printf, Fatal, ..., Default): it writes to simstd/os.Stderr, so that
// inside a simulation every line a program logs also appears in the run's
// trace as a "log" event with its node, goroutine and source position, and
// Fatal ends only the calling node's process (simstd/os.Exit) rather than the
// whole simulation. Outside a simulation it behaves exactly like std log.
//
// Time stamps (Ldate, Ltime) come from the real clock: std's Logger reads it
// itself. Use flags without them for output that is the same for every run.
package log

import (
	"fmt"
	"io"
	"log"

	simos "github.com/simgen/simgen/simstd/os"
)

// Logger is std's Logger.
type Logger = log.Logger

// The flags of std log.
const (
	Ldate         = log.Ldate
	Ltime         = log.Ltime
	Lmicroseconds = log.Lmicroseconds
	Llongfile     = log.Llongfile
	Lshortfile    = log.Lshortfile
	LUTC          = log.LUTC
	Lmsgprefix    = log.Lmsgprefix
	LstdFlags     = log.LstdFlags
)

// std is the package-level logger, std log's default with simstd/os.Stderr
// for output.
var std = log.New(simos.Stderr, "", LstdFlags)

// New creates a Logger, as std log.New.
func New(out io.Writer, prefix string, flag int) *Logger { return log.New(out, prefix, flag) }

// Default returns the package-level logger.
func Default() *Logger { return std }

// SetOutput sets the output destination of the package-level logger.
func SetOutput(w io.Writer) { std.SetOutput(w) }

// Flags returns the package-level logger's flags.
func Flags() int { return std.Flags() }

// SetFlags sets the package-level logger's flags.
func SetFlags(flag int) { std.SetFlags(flag) }

// Prefix returns the package-level logger's prefix.
func Prefix() string { return std.Prefix() }

// SetPrefix sets the package-level logger's prefix.
func SetPrefix(prefix string) { std.SetPrefix(prefix) }

// Writer returns the package-level logger's output destination.
func Writer() io.Writer { return std.Writer() }

// Output writes s as std log.Output does; calldepth counts from its caller.
func Output(calldepth int, s string) error { return std.Output(calldepth+1, s) }

// Print logs its arguments as fmt.Print does.
func Print(v ...any) { std.Output(2, fmt.Sprint(v...)) }

// Printf logs its arguments as fmt.Printf does.
func Printf(format string, v ...any) { std.Output(2, fmt.Sprintf(format, v...)) }

// Println logs its arguments as fmt.Println does.
func Println(v ...any) { std.Output(2, fmt.Sprintln(v...)) }

// Fatal is Print followed by os.Exit(1) (simstd/os.Exit: in a simulation,
// on a node other than the default one, it ends that node only).
func Fatal(v ...any) {
	std.Output(2, fmt.Sprint(v...))
	simos.Exit(1)
}

// Fatalf is Printf followed by os.Exit(1).
func Fatalf(format string, v ...any) {
	std.Output(2, fmt.Sprintf(format, v...))
	simos.Exit(1)
}

// Fatalln is Println followed by os.Exit(1).
func Fatalln(v ...any) {
	std.Output(2, fmt.Sprintln(v...))
	simos.Exit(1)
}

// Panic is Print followed by panic.
func Panic(v ...any) {
	s := fmt.Sprint(v...)
	std.Output(2, s)
	panic(s)
}

// Panicf is Printf followed by panic.
func Panicf(format string, v ...any) {
	s := fmt.Sprintf(format, v...)
	std.Output(2, s)
	panic(s)
}

// Panicln is Println followed by panic.
func Panicln(v ...any) {
	s := fmt.Sprintln(v...)
	std.Output(2, s)
	panic(s)
}
