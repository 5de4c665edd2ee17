package traceview

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Divergence is the result of comparing two traces: where they first differ, if anywhere.
type Divergence struct {
	NameA, NameB string
	// Identical reports that both traces hold the same events (Common of them).
	Identical bool
	// Common is the number of equal events before the first difference.
	Common int
	// A and B are the first events that differ, at index Common; nil for a trace that ended
	// there.
	A, B *Event
	// LineA and LineB are the line numbers of A and B in their files.
	LineA, LineB int
	// Context holds the common events just before the difference (at most the number asked
	// for); ContextStart is the index of Context[0].
	Context      []Event
	ContextStart int
	// LastPosA and LastPosB are where the goroutines of A and B were last seen in the common
	// events, for events that carry no position themselves (a switch to a goroutine).
	LastPosA, LastPosB string
	// LenA and LenB are the number of events in each trace.
	LenA, LenB int
	// PartialA and PartialB report a last line cut short (left out).
	PartialA, PartialB bool
}

// CompareFiles compares the traces in files a and b; see Compare.
func CompareFiles(a, b string, context int) (*Divergence, error) {
	fa, err := os.Open(a)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return nil, fmt.Errorf("reading the trace: %w", err)
	}
	defer fb.Close()
	return Compare(fa, fb, a, b, context)
}

// Compare reads two traces side by side, one event at a time, and returns where they first
// differ, with up to context common events before that point. Two events are equal when
// every field is. It reads both traces to the end, to count their events.
func Compare(a, b io.Reader, nameA, nameB string, context int) (*Divergence, error) {
	d := &Divergence{NameA: nameA, NameB: nameB}
	sa, sb := NewScanner(a, nameA), NewScanner(b, nameB)
	ring := make([]Event, max(context, 0))
	lastPos := map[uint64]string{}
	next := func(s *Scanner, partial *bool) (*Event, error) {
		ev, err := s.Next()
		var pe *PartialError
		switch {
		case err == io.EOF:
			return nil, nil
		case errors.As(err, &pe):
			*partial = true
			return nil, nil
		case err != nil:
			return nil, err
		}
		return &ev, nil
	}
	for {
		ea, err := next(sa, &d.PartialA)
		if err != nil {
			return nil, err
		}
		eb, err := next(sb, &d.PartialB)
		if err != nil {
			return nil, err
		}
		if ea == nil && eb == nil {
			d.Identical = true
			d.LenA, d.LenB = d.Common, d.Common
			d.fillContext(ring)
			return d, nil
		}
		if ea == nil || eb == nil || *ea != *eb {
			d.A, d.B = ea, eb
			d.LineA, d.LineB = sa.Line(), sb.Line()
			d.fillContext(ring)
			if ea != nil && ea.Pos == "" {
				d.LastPosA = lastPos[ea.G]
			}
			if eb != nil && eb.Pos == "" {
				d.LastPosB = lastPos[eb.G]
			}
			// Count the rest of each trace.
			d.LenA, d.LenB = d.Common, d.Common
			for e, s, n, p := ea, sa, &d.LenA, &d.PartialA; ; e, err = next(s, p) {
				if err != nil {
					return nil, err
				}
				if e == nil {
					break
				}
				*n++
			}
			for e, s, n, p := eb, sb, &d.LenB, &d.PartialB; ; e, err = next(s, p) {
				if err != nil {
					return nil, err
				}
				if e == nil {
					break
				}
				*n++
			}
			return d, nil
		}
		if len(ring) > 0 {
			ring[d.Common%len(ring)] = *ea
		}
		if ea.G != 0 && ea.Pos != "" {
			lastPos[ea.G] = ea.Pos
		}
		d.Common++
	}
}

func (d *Divergence) fillContext(ring []Event) {
	n := min(len(ring), d.Common)
	d.ContextStart = d.Common - n
	for i := d.ContextStart; i < d.Common; i++ {
		d.Context = append(d.Context, ring[i%len(ring)])
	}
}

// Step is the step of the first difference: the smaller of A's and B's; 0 when identical.
func (d *Divergence) Step() uint64 {
	switch {
	case d.A != nil && d.B != nil:
		return min(d.A.Step, d.B.Step)
	case d.A != nil:
		return d.A.Step
	case d.B != nil:
		return d.B.Step
	}
	return 0
}

// Headline is a one-line summary: "traces are identical: N events", or where they diverge.
func (d *Divergence) Headline() string {
	if d.Identical {
		return fmt.Sprintf("traces are identical: %d events", d.Common)
	}
	return fmt.Sprintf("traces diverge at step %d (event %d, after %d identical events)", d.Step(), d.Common+1, d.Common)
}

// SideA and SideB describe the first differing event of each trace in one line:
// goroutine, node, operation and position (the goroutine's last known position when the
// event has none), or how the trace ended.
func (d *Divergence) SideA() string { return d.side(d.A, d.LastPosA, d.LenA, d.PartialA) }

// SideB: see SideA.
func (d *Divergence) SideB() string { return d.side(d.B, d.LastPosB, d.LenB, d.PartialB) }

func (d *Divergence) side(ev *Event, lastPos string, n int, partial bool) string {
	if ev == nil {
		s := fmt.Sprintf("the trace ends (%d events)", n)
		if partial {
			s += "; its last line is cut short: the process died while writing it"
		}
		return s
	}
	s := fmt.Sprintf("step %d, %s", ev.Step, Describe(*ev))
	if ev.Pos == "" && lastPos != "" {
		s += fmt.Sprintf(" (g%d last seen at %s)", ev.G, lastPos)
	}
	return s
}

// Write prints the comparison: the headline, then for traces that differ the common events
// just before the difference and both differing events field by field, differing fields
// marked with *.
func (d *Divergence) Write(w io.Writer) {
	if d.Identical {
		fmt.Fprintln(w, d.Headline())
		return
	}
	fmt.Fprintf(w, "%s\n", d.Headline())
	for _, s := range []struct {
		name, file string
		ev         *Event
		line, n    int
	}{{"A", d.NameA, d.A, d.LineA, d.LenA}, {"B", d.NameB, d.B, d.LineB, d.LenB}} {
		if s.ev != nil {
			fmt.Fprintf(w, "  %s: %s (line %d; %d events)\n", s.name, s.file, s.line, s.n)
		} else {
			fmt.Fprintf(w, "  %s: %s (ends after %d events)\n", s.name, s.file, s.n)
		}
	}
	if len(d.Context) > 0 {
		fmt.Fprintf(w, "\ncommon events before it:\n")
		for i, ev := range d.Context {
			fmt.Fprintf(w, "  #%-6d %s\n", d.ContextStart+i+1, contextLine(ev))
		}
	}
	fmt.Fprintf(w, "\nfirst difference (event %d):\n", d.Common+1)
	rows := fieldRows(d.A, d.B, d.LastPosA, d.LastPosB)
	width := len("A")
	for _, r := range rows {
		width = max(width, min(len(r.a), 48))
	}
	fmt.Fprintf(w, "    %-10s  %-*s  %s\n", "", width, "A", "B")
	for _, r := range rows {
		mark := " "
		if r.a != r.b {
			mark = "*"
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s %-10s  %-*s  %s", mark, r.name, width, r.a, r.b), " "))
	}
	for _, s := range []struct {
		name    string
		ev      *Event
		n       int
		partial bool
	}{{"A", d.A, d.LenA, d.PartialA}, {"B", d.B, d.LenB, d.PartialB}} {
		if s.ev == nil {
			fmt.Fprintf(w, "  %s ends here: %s\n", s.name, d.side(nil, "", s.n, s.partial))
		}
	}
}

func contextLine(ev Event) string {
	return fmt.Sprintf("step %-6d t=%-10s %s", ev.Step, FormatTime(ev.T), Describe(ev))
}

type fieldRow struct{ name, a, b string }

// fieldRows lists the fields of a and b to show side by side: the usual ones always, the
// others when either event has them.
func fieldRows(a, b *Event, lastPosA, lastPosB string) []fieldRow {
	get := func(ev *Event, name string, f func(*Event) string) string {
		switch {
		case ev != nil:
			return f(ev)
		case name == "kind":
			return "(end of trace)"
		}
		return ""
	}
	num := func(v uint64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatUint(v, 10)
	}
	fields := []struct {
		name   string
		always bool
		f      func(*Event) string
	}{
		{"step", true, func(e *Event) string { return strconv.FormatUint(e.Step, 10) }},
		{"time", true, func(e *Event) string { return FormatTime(e.T) }},
		{"node", true, func(e *Event) string { return e.Node }},
		{"goroutine", true, func(e *Event) string { return num(e.G) }},
		{"kind", true, func(e *Event) string { return e.Kind }},
		{"reason", true, func(e *Event) string { return e.Reason }},
		{"position", true, func(e *Event) string { return e.Pos }},
		{"peer", false, func(e *Event) string { return e.Peer }},
		{"msg", false, func(e *Event) string { return num(e.Msg) }},
		{"size", false, func(e *Event) string { return num(uint64(max(e.Size, 0))) }},
		{"detail", false, func(e *Event) string { return e.Detail }},
		{"seed", false, func(e *Event) string {
			if e.Kind == EvMeta || e.Kind == EvResult {
				return strconv.FormatUint(e.Seed, 10)
			}
			return ""
		}},
		{"test", false, func(e *Event) string { return e.Test }},
		{"program", false, func(e *Event) string { return e.Program }},
		{"strategy", false, func(e *Event) string { return e.Strategy }},
		{"hash", false, func(e *Event) string { return e.Hash }},
	}
	var rows []fieldRow
	for _, f := range fields {
		r := fieldRow{f.name, get(a, f.name, f.f), get(b, f.name, f.f)}
		if !f.always && r.a == "" && r.b == "" {
			continue
		}
		rows = append(rows, r)
	}
	if lastPosA != "" || lastPosB != "" {
		rows = append(rows, fieldRow{"last pos", lastPosA, lastPosB})
	}
	return rows
}
