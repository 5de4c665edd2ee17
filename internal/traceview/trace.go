// Package traceview reads the event traces that simulated runs write (SIMGEN_TRACE, or
// kernel.Config.Trace), renders them as a self-contained HTML space-time diagram
// (simgen trace view) and finds where two traces diverge (simgen trace diff,
// --check-determinism).
package traceview

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// Event kinds beyond the kernel's (kernel.EvRun, ...): those the shims write, and the two
// lines simstd writes around a run.
const (
	EvNetSend    = "net.send"    // Node sent message Msg (Size bytes) to Peer
	EvNetDeliver = "net.deliver" // message Msg from Peer reached Node
	EvNetDrop    = "net.drop"    // message Msg from Node to Peer was lost (Reason)
	EvFault      = "fault"       // an injected fault (Detail: "partition a,b | c", "heal", ...)
	EvDiskSync   = "disk.sync"   // Node synced file Detail
	EvLog        = "log"         // the program wrote line Detail
	EvMeta       = "meta"        // simstd's first line: Seed, Test or Program
	EvResult     = "result"      // simstd's last line: Seed, Strategy, Hash, Detail (the outcome)
)

// Event is one line of a trace: a kernel.TraceEvent, plus the fields of simstd's "meta" and
// "result" lines.
type Event struct {
	kernel.TraceEvent
	Seed     uint64 `json:"seed,omitempty"`
	Test     string `json:"test,omitempty"`
	Program  string `json:"program,omitempty"`
	Strategy string `json:"strategy,omitempty"`
	Hash     string `json:"hash,omitempty"`
}

// Trace is a whole trace file.
type Trace struct {
	Name   string // the file, for messages and titles
	Events []Event
	// Truncated reports that the trace ends without an "end" event: the process died
	// (os.Exit, a crash, a kill) before the run ended, or the file was cut.
	Truncated bool
	// Partial reports that the last line was cut in the middle and left out.
	Partial bool
}

// Meta returns the seed, test or program, strategy, hash and outcome (Detail: "ok", "test
// failed" or the error) recorded by simstd's "meta" and "result" lines; ok is false when the trace has neither (it was written through
// kernel.Config.Trace directly).
func (t *Trace) Meta() (m Event, ok bool) {
	if n := len(t.Events); n > 0 && t.Events[0].Kind == EvMeta {
		m.Seed, m.Test, m.Program, ok = t.Events[0].Seed, t.Events[0].Test, t.Events[0].Program, true
	}
	if n := len(t.Events); n > 0 && t.Events[n-1].Kind == EvResult {
		r := t.Events[n-1]
		m.Seed, m.Strategy, m.Hash, m.Detail, ok = r.Seed, r.Strategy, r.Hash, r.Detail, true
	}
	return m, ok
}

// Outcome returns the Detail of the "end" event ("ok", or the first line of the error that
// ended the run), and false when the trace has no end event.
func (t *Trace) Outcome() (string, bool) {
	for i := len(t.Events) - 1; i >= 0 && i >= len(t.Events)-3; i-- {
		if t.Events[i].Kind == kernel.EvEnd {
			return t.Events[i].Detail, true
		}
	}
	return "", false
}

// ReadFile reads the trace in file name.
func ReadFile(name string) (*Trace, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	defer f.Close()
	return Read(f, name)
}

// Read reads a trace: JSON lines, one Event each. A last line cut in the middle (the
// process died while writing) is left out and reported in Trace.Partial; any other line
// that is not an event is an error naming the file and line.
func Read(r io.Reader, name string) (*Trace, error) {
	t := &Trace{Name: name}
	sc := NewScanner(r, name)
	for {
		ev, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *PartialError
			if errors.As(err, &pe) {
				t.Partial = true
				break
			}
			return nil, err
		}
		t.Events = append(t.Events, ev)
	}
	if len(t.Events) == 0 && !t.Partial {
		return nil, fmt.Errorf("%s: empty trace: no events (was it written with SIMGEN_TRACE or simgen test --trace?)", name)
	}
	_, ended := t.Outcome()
	t.Truncated = !ended
	return t, nil
}

// Scanner reads a trace one event at a time, for traces too long to hold.
type Scanner struct {
	r    *bufio.Reader
	name string
	line int
}

// NewScanner returns a Scanner reading r; name is for messages.
func NewScanner(r io.Reader, name string) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 64<<10), name: name}
}

// Line is the line number of the last event returned.
func (s *Scanner) Line() int { return s.line }

// PartialError is returned by Scanner.Next for a last line without its newline that is not
// a complete event: the writer stopped in the middle of it.
type PartialError struct {
	Name string
	Line int
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%s:%d: the last line is cut short (the run's process died while writing the trace)", e.Name, e.Line)
}

// Next returns the next event, io.EOF at the end, a *PartialError for a cut last line, or an
// error naming the file and line of a line that is not an event.
func (s *Scanner) Next() (Event, error) {
	for {
		data, err := s.r.ReadBytes('\n')
		if len(data) == 0 && err != nil {
			if err == io.EOF {
				return Event{}, io.EOF
			}
			return Event{}, fmt.Errorf("%s: %w", s.name, err)
		}
		s.line++
		complete := err == nil
		line := strings.TrimSpace(string(data))
		if line == "" {
			continue
		}
		var ev Event
		if jerr := json.Unmarshal([]byte(line), &ev); jerr != nil || ev.Kind == "" {
			if !complete {
				return Event{}, &PartialError{Name: s.name, Line: s.line}
			}
			why := "no \"ev\" field"
			if jerr != nil {
				why = jerr.Error()
			}
			return Event{}, fmt.Errorf("%s:%d: not a simgen trace event (%s); pass a file written with SIMGEN_TRACE or simgen test --trace", s.name, s.line, why)
		}
		return ev, nil
	}
}

// Op describes what an event did, for one-line descriptions: its kind, and the reason,
// peer or detail that says more.
func Op(ev Event) string {
	op := ev.Kind
	switch {
	case ev.Reason != "" && ev.Detail != "":
		op += " (" + ev.Reason + "; " + ev.Detail + ")"
	case ev.Reason != "":
		op += " (" + ev.Reason + ")"
	case ev.Detail != "":
		op += " (" + ev.Detail + ")"
	}
	if ev.Peer != "" {
		switch ev.Kind {
		case EvNetDeliver:
			op += " from " + ev.Peer
		default:
			op += " to " + ev.Peer
		}
	}
	if ev.Msg != 0 {
		op += " msg " + strconv.FormatUint(ev.Msg, 10)
	}
	return op
}

// Describe is a one-line description of ev: goroutine, node, operation and position.
func Describe(ev Event) string {
	switch ev.Kind {
	case EvMeta, EvResult:
		parts := []string{fmt.Sprintf("seed %d", ev.Seed)}
		for _, f := range []struct{ name, v string }{{"test", ev.Test}, {"program", ev.Program}, {"strategy", ev.Strategy}, {"hash", ev.Hash}, {"outcome", ev.Detail}} {
			if f.v != "" {
				parts = append(parts, f.name+" "+f.v)
			}
		}
		return ev.Kind + ": " + strings.Join(parts, ", ")
	}
	var b strings.Builder
	if ev.G != 0 {
		fmt.Fprintf(&b, "g%d ", ev.G)
	}
	if ev.Node != "" {
		fmt.Fprintf(&b, "on %s ", ev.Node)
	}
	b.WriteString(Op(ev))
	if ev.Pos != "" {
		b.WriteString(" at " + ev.Pos)
	}
	return b.String()
}

// FormatTime formats virtual nanoseconds since the epoch as a duration ("1.5s", "0s").
func FormatTime(ns int64) string { return time.Duration(ns).String() }
