// Package log stands for the standard library's log package in simulated
// variants. Its Logger wraps std's (see Logger for why), and the
// package-level logger (Print, Printf, Fatal, ..., Default) writes to
// simstd/os.Stderr, so that
// inside a simulation every line a program logs also appears in the run's
// trace as a "log" event with its node, goroutine and source position, and
// Fatal ends only the calling node's process (simstd/os.Exit) on a node other
// than the default one; on the default node it ends the run as an exit
// (simstd.KindExit) whose report carries the message. Outside a simulation it
// behaves exactly like std log.
//
// Time stamps (Ldate, Ltime, Lmicroseconds) come from the clock of simstd/time:
// the virtual one inside a simulation (so a seed logs the same lines every
// run), the real one outside.
package log

import (
	"fmt"
	"io"
	"log"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/kernel"

	simos "github.com/simgen/simgen/simstd/os"
	simsync "github.com/simgen/simgen/simstd/sync"
)

// Logger is std's Logger behind a simstd/sync.Mutex. Std's Logger holds a
// real mutex while it writes, and a write to a simulated file or connection
// is a scheduling point (it may even block on flow control): two simulated
// goroutines logging to one Logger could otherwise wait for each other on a
// real lock, outside the scheduler's view. The simulated mutex makes them
// take turns where the scheduler can see it; std's lock is then never
// contended.
type Logger struct {
	mu simsync.Mutex
	l  *log.Logger
}

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
var std = New(simos.Stderr, "", LstdFlags)

// New creates a Logger, as std log.New.
func New(out io.Writer, prefix string, flag int) *Logger {
	return &Logger{l: log.New(out, prefix, flag)}
}

// Default returns the package-level logger.
func Default() *Logger { return std }

// output writes s through std's Logger; depth counts the frames above output
// down to the user's call, as std's calldepth does. In a simulation, a line
// with a time stamp is formatted here instead, with the virtual time (std's
// Logger reads the real clock itself).
func (l *Logger) output(depth int, s string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if g := kernel.Current(); g != nil && l.l.Flags()&(Ldate|Ltime|Lmicroseconds) != 0 {
		return l.virtualOutput(depth+1, kernel.Epoch.Add(g.Sim().Now()), s)
	}
	return l.l.Output(depth+1, s)
}

// virtualOutput writes s as std's Logger would at time now; depth counts
// from its caller.
func (l *Logger) virtualOutput(depth int, now time.Time, s string) error {
	flag := l.l.Flags()
	file, line := "???", 0
	if flag&(Lshortfile|Llongfile) != 0 {
		if _, f, n, ok := runtime.Caller(depth); ok {
			file, line = f, n
		}
	}
	var buf []byte
	formatHeader(&buf, now, l.l.Prefix(), flag, file, line)
	buf = append(buf, s...)
	if len(s) == 0 || s[len(s)-1] != '\n' {
		buf = append(buf, '\n')
	}
	_, err := l.l.Writer().Write(buf)
	return err
}

// formatHeader is std log's: the prefix, the date and time, the file and
// line, as the flags ask.
func formatHeader(buf *[]byte, t time.Time, prefix string, flag int, file string, line int) {
	if flag&Lmsgprefix == 0 {
		*buf = append(*buf, prefix...)
	}
	if flag&(Ldate|Ltime|Lmicroseconds) != 0 {
		if flag&LUTC != 0 {
			t = t.UTC()
		}
		if flag&Ldate != 0 {
			year, month, day := t.Date()
			itoa(buf, year, 4)
			*buf = append(*buf, '/')
			itoa(buf, int(month), 2)
			*buf = append(*buf, '/')
			itoa(buf, day, 2)
			*buf = append(*buf, ' ')
		}
		if flag&(Ltime|Lmicroseconds) != 0 {
			hour, min, sec := t.Clock()
			itoa(buf, hour, 2)
			*buf = append(*buf, ':')
			itoa(buf, min, 2)
			*buf = append(*buf, ':')
			itoa(buf, sec, 2)
			if flag&Lmicroseconds != 0 {
				*buf = append(*buf, '.')
				itoa(buf, t.Nanosecond()/1e3, 6)
			}
			*buf = append(*buf, ' ')
		}
	}
	if flag&(Lshortfile|Llongfile) != 0 {
		if flag&Lshortfile != 0 {
			file = file[strings.LastIndexByte(file, '/')+1:]
		}
		*buf = append(*buf, file...)
		*buf = append(*buf, ':')
		itoa(buf, line, -1)
		*buf = append(*buf, ": "...)
	}
	if flag&Lmsgprefix != 0 {
		*buf = append(*buf, prefix...)
	}
}

// itoa appends i, zero-padded to wid digits (wid < 0: no padding), as std log's.
func itoa(buf *[]byte, i int, wid int) {
	s := strconv.Itoa(i)
	for n := len(s); n < wid; n++ {
		*buf = append(*buf, '0')
	}
	*buf = append(*buf, s...)
}

// Output writes s as std's Logger.Output does; calldepth counts from its caller.
func (l *Logger) Output(calldepth int, s string) error { return l.output(calldepth+1, s) }

// Print logs its arguments as fmt.Print does.
func (l *Logger) Print(v ...any) { l.output(2, fmt.Sprint(v...)) }

// Printf logs its arguments as fmt.Printf does.
func (l *Logger) Printf(format string, v ...any) { l.output(2, fmt.Sprintf(format, v...)) }

// Println logs its arguments as fmt.Println does.
func (l *Logger) Println(v ...any) { l.output(2, fmt.Sprintln(v...)) }

// Fatal is Print followed by os.Exit(1) (simstd/os.Exit: in a simulation,
// on a node other than the default one, it ends that node only).
func (l *Logger) Fatal(v ...any) {
	s := fmt.Sprint(v...)
	l.output(2, s)
	fatalExit(s)
}

// Fatalf is Printf followed by os.Exit(1).
func (l *Logger) Fatalf(format string, v ...any) {
	s := fmt.Sprintf(format, v...)
	l.output(2, s)
	fatalExit(s)
}

// Fatalln is Println followed by os.Exit(1).
func (l *Logger) Fatalln(v ...any) {
	s := fmt.Sprintln(v...)
	l.output(2, s)
	fatalExit(s)
}

// Panic is Print followed by panic.
func (l *Logger) Panic(v ...any) {
	s := fmt.Sprint(v...)
	l.output(2, s)
	panic(s)
}

// Panicf is Printf followed by panic.
func (l *Logger) Panicf(format string, v ...any) {
	s := fmt.Sprintf(format, v...)
	l.output(2, s)
	panic(s)
}

// Panicln is Println followed by panic.
func (l *Logger) Panicln(v ...any) {
	s := fmt.Sprintln(v...)
	l.output(2, s)
	panic(s)
}

// Flags returns the logger's flags.
func (l *Logger) Flags() int { return l.l.Flags() }

// SetFlags sets the logger's flags.
func (l *Logger) SetFlags(flag int) { l.l.SetFlags(flag) }

// Prefix returns the logger's prefix.
func (l *Logger) Prefix() string { return l.l.Prefix() }

// SetPrefix sets the logger's prefix.
func (l *Logger) SetPrefix(prefix string) { l.l.SetPrefix(prefix) }

// Writer returns the logger's output destination.
func (l *Logger) Writer() io.Writer { return l.l.Writer() }

// SetOutput sets the logger's output destination.
func (l *Logger) SetOutput(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.l.SetOutput(w)
}

// The package-level functions use the package-level logger.

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
func Output(calldepth int, s string) error { return std.output(calldepth+1, s) }

// Print logs its arguments as fmt.Print does.
func Print(v ...any) { std.output(2, fmt.Sprint(v...)) }

// Printf logs its arguments as fmt.Printf does.
func Printf(format string, v ...any) { std.output(2, fmt.Sprintf(format, v...)) }

// Println logs its arguments as fmt.Println does.
func Println(v ...any) { std.output(2, fmt.Sprintln(v...)) }

// Fatal is Print followed by os.Exit(1) (see Logger.Fatal).
func Fatal(v ...any) {
	s := fmt.Sprint(v...)
	std.output(2, s)
	fatalExit(s)
}

// Fatalf is Printf followed by os.Exit(1).
func Fatalf(format string, v ...any) {
	s := fmt.Sprintf(format, v...)
	std.output(2, s)
	fatalExit(s)
}

// Fatalln is Println followed by os.Exit(1).
func Fatalln(v ...any) {
	s := fmt.Sprintln(v...)
	std.output(2, s)
	fatalExit(s)
}

// Panic is Print followed by panic.
func Panic(v ...any) {
	s := fmt.Sprint(v...)
	std.output(2, s)
	panic(s)
}

// Panicf is Printf followed by panic.
func Panicf(format string, v ...any) {
	s := fmt.Sprintf(format, v...)
	std.output(2, s)
	panic(s)
}

// Panicln is Println followed by panic.
func Panicln(v ...any) {
	s := fmt.Sprintln(v...)
	std.output(2, s)
	panic(s)
}

// fatalExit ends the program after Fatal printed msg: os.Exit(1), except that
// on the default node of a simulation the run ends with an exit whose report
// says it was log.Fatal, and with what message.
func fatalExit(msg string) {
	if g := kernel.Current(); g != nil && g.Node().ID() == 0 {
		g.Exit(1, "log.Fatal", strings.TrimSuffix(msg, "\n"))
	}
	simos.Exit(1)
}
