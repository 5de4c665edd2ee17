package kernel

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// Event kinds written to a trace. Shims add their own ("net.send",
// "net.deliver", "net.drop", "fault", "disk.sync", "log").
const (
	EvRun     = "run"     // the scheduler switched to goroutine G (Pos: where G resumes)
	EvSpawn   = "spawn"   // G was started (Pos: the go statement)
	EvExit    = "exit"    // G finished
	EvBlock   = "block"   // G blocked (Reason: what it waits for, Pos: where)
	EvUnblock = "unblock" // G became runnable again
	EvTime    = "time"    // the virtual clock jumped to T
	EvTimer   = "timer"   // a timer of Node fired (Detail: what it was for, when known)
	EvNode    = "node"    // Node was created, killed, restarted, paused or resumed (Detail)
	EvEnd     = "end"     // the run ended (Detail: the outcome)
)

// TraceEvent is one line of a run's trace (JSON lines). Step, T, G and Node
// are filled in by Sim.Trace from the running goroutine when left zero.
type TraceEvent struct {
	Step   uint64 `json:"step"`
	T      int64  `json:"t"` // virtual nanoseconds since Epoch
	Kind   string `json:"ev"`
	Node   string `json:"node,omitempty"`
	G      uint64 `json:"g,omitempty"`
	Pos    string `json:"pos,omitempty"`    // the user's original file:line
	Reason string `json:"reason,omitempty"` // why a goroutine blocked
	Peer   string `json:"peer,omitempty"`   // the other node of a message or link fault
	Msg    uint64 `json:"msg,omitempty"`    // pairs a message's send with its delivery or drop
	Size   int    `json:"size,omitempty"`   // bytes of a message or write
	Detail string `json:"detail,omitempty"`
}

// tracer writes a run's events. The Sim holds nil when tracing is off, so
// every trace site costs one nil check.
type tracer struct {
	w    *bufio.Writer
	buf  []byte // the line being encoded, reused
	last *G     // the goroutine of the last EvRun, to emit only switches
	err  error
}

func newTracer(w io.Writer) *tracer {
	return &tracer{w: bufio.NewWriterSize(w, 64<<10)}
}

// Tracing reports whether the run writes a trace; shims skip building
// events when it does not.
func (s *Sim) Tracing() bool { return s.tr != nil }

// Trace writes ev to the run's trace, filling Step, T, G, Node and Pos from
// the running goroutine where they are zero. It does nothing when tracing
// is off.
func (s *Sim) Trace(ev TraceEvent) {
	if s.tr == nil {
		return
	}
	s.trace(ev)
}

func (s *Sim) trace(ev TraceEvent) {
	ev.Step = s.steps
	ev.T = s.now
	if g := s.running; g != nil && ev.G == 0 {
		ev.G = g.id
		if ev.Pos == "" {
			ev.Pos = userPos()
		}
	}
	if ev.Node == "" && ev.G != 0 {
		if g := s.byID(ev.G); g != nil {
			ev.Node = g.node.name
		}
	}
	s.tr.buf = appendEvent(s.tr.buf[:0], &ev)
	if _, err := s.tr.w.Write(s.tr.buf); err != nil && s.tr.err == nil {
		s.tr.err = err
	}
}

// byID finds a live goroutine (or zombie) by id, for trace events about
// goroutines other than the running one. Tracing only.
func (s *Sim) byID(id uint64) *G {
	if g := s.running; g != nil && g.id == id {
		return g
	}
	for _, g := range s.all {
		if g.id == id {
			return g
		}
	}
	for _, g := range s.zombies {
		if g.id == id {
			return g
		}
	}
	return nil
}

// traceG writes an event about goroutine g (not necessarily the running one).
func (s *Sim) traceG(kind string, g *G, reason string) {
	ev := TraceEvent{Kind: kind, G: g.id, Node: g.node.name, Reason: reason}
	if g == s.running {
		ev.Pos = userPos()
	}
	s.trace(ev)
}

// userPos returns file:line of the first user frame among the caller's
// callers: the first frame that is neither simgen's nor the standard
// library's.
func userPos() string {
	var pcs [32]uintptr
	n := callerPCs(pcs[:])
	for _, pc := range pcs[:n] {
		if pos := pcPos(pc); pos != "" {
			return pos
		}
	}
	return ""
}

// posCache maps a return PC to the position of its first user frame, or ""
// when every frame there (inlined ones included) is internal.
var posCache sync.Map

func pcPos(pc uintptr) string {
	if v, ok := posCache.Load(pc); ok {
		return v.(string)
	}
	pos := ""
	// The 0 after pc makes CallersFrames expand the calls inlined at pc,
	// which it does only when more PCs follow (callerPCs yields physical
	// frames, runtime.Callers one PC per inlined call too).
	for _, f := range UserFrames([]uintptr{pc, 0}) {
		if !isStd(f.Function) {
			pos = filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
			break
		}
	}
	posCache.Store(pc, pos)
	return pos
}

// isStd reports whether fn is a function of the standard library (log, fmt,
// bufio, ...): a trace event's position is where the program called into
// it, not where the library wrote. Standard import paths have no dot in
// their first element, but neither may the main module's (module myapp);
// package main and tests are the program's too.
func isStd(fn string) bool {
	slash := strings.LastIndexByte(fn, '/')
	pkg, _, _ := strings.Cut(fn[slash+1:], ".")
	path := fn[:slash+1] + pkg
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") || pkg == "main" || strings.HasSuffix(pkg, "_test") {
		return false
	}
	return mainModule == "" || (path != mainModule && !strings.HasPrefix(path, mainModule+"/"))
}

// mainModule is the path of the binary's main module ("" when unknown).
var mainModule = func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path
	}
	return ""
}()

// flush ends the trace; errors writing it become the run's error if it had
// none.
func (t *tracer) flush() error {
	if err := t.w.Flush(); t.err == nil {
		t.err = err
	}
	return t.err
}

// traceEnd writes the run's outcome as its last event and flushes the trace.
func (s *Sim) traceEnd() {
	outcome := "ok"
	if s.err != nil {
		outcome = s.err.Error()
		if i := strings.IndexByte(outcome, '\n'); i >= 0 {
			outcome = outcome[:i]
		}
	}
	s.trace(TraceEvent{Kind: EvEnd, Detail: outcome})
	if err := s.tr.flush(); err != nil && s.err == nil {
		s.err = fmt.Errorf("simgen: writing the trace: %w", err)
	}
}
