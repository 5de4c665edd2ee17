package traceview

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

//go:embed assets/view.html
var pageHTML string

//go:embed assets/view.js
var pageJS string

//go:embed assets/view.css
var pageCSS string

var page = template.Must(template.New("view").Parse(pageHTML))

// DefaultMaxEvents is the number of scheduling events (run, block, unblock, spawn, exit,
// time) a page holds by default. Other events are always kept.
const DefaultMaxEvents = 300_000

// Options tune Render.
type Options struct {
	// Title heads the page; "" means one made of the test or program, seed and file name.
	Title string
	// MaxEvents bounds the scheduling events (run, block, unblock, spawn, exit, time) kept in
	// the page: beyond it, the earliest ones are left out (the end of a run is usually the
	// interesting part). Node lifecycle, faults, messages and the other events are always
	// kept. 0 means DefaultMaxEvents; a negative value keeps every event.
	MaxEvents int
}

// Data is what the page's script draws: the events in columns (strings interned), the
// nodes, messages and shaded periods. Render embeds it as JSON; tests read it back.
type Data struct {
	Title    string `json:"title"`
	File     string `json:"file"`
	HasSeed  bool   `json:"hasSeed"`
	Seed     uint64 `json:"seed"`
	Test     string `json:"test,omitempty"`
	Program  string `json:"program,omitempty"`
	Strategy string `json:"strategy,omitempty"`
	Hash     string `json:"hash,omitempty"`
	Outcome  string `json:"outcome"` // the result line's or the end event's detail; "" when the trace has neither
	Ended    bool   `json:"ended"`
	Partial  bool   `json:"partial,omitempty"`
	Total    int    `json:"total"`   // events in the trace
	Omitted  int    `json:"omitted"` // scheduling events left out (Options.MaxEvents)

	Nodes []string `json:"nodes"` // lanes, in order of first appearance, the default node first
	Kinds []string `json:"kinds"`
	Strs  []string `json:"strs"` // interned strings; index 0 is ""

	// One entry per event kept, in trace order.
	Index  []int    `json:"idx"`  // the event's index in the trace (0-based)
	DT     []int64  `json:"dt"`   // virtual time, as the difference from the previous event
	DS     []int64  `json:"ds"`   // step, as the difference from the previous event
	Kind   []int    `json:"k"`    // index in Kinds
	Node   []int    `json:"n"`    // index in Nodes; -1 for none
	G      []uint64 `json:"g"`    // goroutine; 0 for none
	Pos    []int    `json:"pos"`  // index in Strs
	Reason []int    `json:"rsn"`  // index in Strs
	Detail []int    `json:"det"`  // index in Strs
	Peer   []int    `json:"peer"` // index in Nodes; -1 for none
	Msg    []uint64 `json:"msg"`
	Size   []int    `json:"size"`

	// Msgs pairs each message's events: [send, deliver, drop], event numbers (positions in
	// the columns above), -1 for none. A message still in flight at the end has neither
	// deliver nor drop.
	Msgs [][3]int `json:"msgs"`
	// Spans are shaded periods: partitions and other link faults, node down and paused times.
	Spans []Span `json:"spans"`
	// Marks are instantaneous faults drawn across the whole diagram, or across their node.
	Marks []int `json:"marks"`
}

// Span is a shaded period, from event From to event To (-1: the end of the trace). A period
// that ends at a virtual time rather than at an event (latency ... for D) also has EndT,
// and To is the first event at or after it.
type Span struct {
	Kind  string `json:"k"` // partition, down, paused, clog, hold, latency, fault
	Label string `json:"label"`
	From  int    `json:"from"`
	To    int    `json:"to"`
	EndT  *int64 `json:"endT,omitempty"` // virtual nanoseconds
	Nodes []int  `json:"nodes"`          // lanes covered; empty for the whole diagram
}

// scheduling reports whether kind is one of the kernel's scheduling events, which
// Options.MaxEvents may leave out.
func scheduling(kind string) bool {
	switch kind {
	case kernel.EvRun, kernel.EvBlock, kernel.EvUnblock, kernel.EvSpawn, kernel.EvExit, kernel.EvTime:
		return true
	}
	return false
}

// Build turns a trace into the page's data.
func Build(t *Trace, opt Options) *Data {
	d := &Data{File: t.Name, Total: len(t.Events), Partial: t.Partial, Strs: []string{""}}
	d.Outcome, d.Ended = t.Outcome()
	if m, ok := t.Meta(); ok {
		d.HasSeed, d.Seed, d.Test, d.Program, d.Strategy, d.Hash = true, m.Seed, m.Test, m.Program, m.Strategy, m.Hash
		if m.Detail != "" && d.Ended {
			d.Outcome = m.Detail // the test's outcome: a test can fail in a run that ended well
		}
	}
	d.Title = opt.Title
	if d.Title == "" {
		d.Title = defaultTitle(d)
	}

	// Which events to keep.
	limit := opt.MaxEvents
	if limit == 0 {
		limit = DefaultMaxEvents
	}
	keepFrom := 0 // scheduling events before this index are left out
	if limit > 0 {
		n := 0
		for i := len(t.Events) - 1; i >= 0; i-- {
			if scheduling(t.Events[i].Kind) {
				if n == limit {
					keepFrom = i + 1
					break
				}
				n++
			}
		}
	}

	// Lanes: nodes in order of first appearance (as the node of an event, the peer of a
	// message, or in a partition), the default node first when it appears at all.
	nodeIdx := map[string]int{}
	addNode := func(name string) int {
		if name == "" {
			return -1
		}
		if i, ok := nodeIdx[name]; ok {
			return i
		}
		nodeIdx[name] = len(d.Nodes)
		d.Nodes = append(d.Nodes, name)
		return len(d.Nodes) - 1
	}
	for _, ev := range t.Events {
		if ev.Node == kernel.DefaultNodeName || ev.Peer == kernel.DefaultNodeName {
			addNode(kernel.DefaultNodeName)
			break
		}
	}
	kindIdx := map[string]int{}
	strIdx := map[string]int{"": 0}
	str := func(s string) int {
		if i, ok := strIdx[s]; ok {
			return i
		}
		strIdx[s] = len(d.Strs)
		d.Strs = append(d.Strs, s)
		return len(d.Strs) - 1
	}

	var prevT int64
	var prevS uint64
	msgs := newMsgPairer()
	faults := newFaultTracker(d)
	for i, ev := range t.Events {
		if i < keepFrom && scheduling(ev.Kind) {
			d.Omitted++
			continue
		}
		k, ok := kindIdx[ev.Kind]
		if !ok {
			k = len(d.Kinds)
			kindIdx[ev.Kind] = k
			d.Kinds = append(d.Kinds, ev.Kind)
		}
		e := len(d.Index)
		d.Index = append(d.Index, i)
		d.DT = append(d.DT, ev.T-prevT)
		d.DS = append(d.DS, int64(ev.Step-prevS))
		prevT, prevS = ev.T, ev.Step
		d.Kind = append(d.Kind, k)
		d.Node = append(d.Node, addNode(ev.Node))
		d.G = append(d.G, ev.G)
		d.Pos = append(d.Pos, str(ev.Pos))
		d.Reason = append(d.Reason, str(ev.Reason))
		d.Detail = append(d.Detail, str(ev.Detail))
		d.Peer = append(d.Peer, addNode(ev.Peer))
		d.Msg = append(d.Msg, ev.Msg)
		d.Size = append(d.Size, ev.Size)

		switch ev.Kind {
		case EvNetSend, EvNetDeliver, EvNetDrop:
			msgs.add(e, ev)
		case kernel.EvNode:
			faults.node(e, ev, addNode(ev.Node))
		case EvFault:
			faults.fault(e, ev, addNode)
		}
		faults.timeUp(e, ev.T)
	}
	d.Msgs = msgs.msgs
	if d.Nodes == nil {
		d.Nodes = []string{}
	}
	if d.Msgs == nil {
		d.Msgs = [][3]int{}
	}
	if d.Spans == nil {
		d.Spans = []Span{}
	}
	if d.Marks == nil {
		d.Marks = []int{}
	}
	return d
}

func defaultTitle(d *Data) string {
	var parts []string
	switch {
	case d.Test != "":
		parts = append(parts, d.Test)
	case d.Program != "":
		parts = append(parts, d.Program)
	}
	if d.HasSeed {
		parts = append(parts, fmt.Sprintf("seed %d", d.Seed))
	}
	if len(parts) == 0 {
		return filepath.Base(d.File)
	}
	return strings.Join(parts, ", ")
}

// msgPairer pairs the send of each message with its delivery or drop. Messages are keyed by
// sender and id (a delivery names the sender as its peer); an event whose sender is unknown
// falls back on the id alone.
type msgPairer struct {
	msgs  [][3]int
	byKey map[msgKey]int
	byID  map[uint64]int
}

type msgKey struct {
	sender string
	id     uint64
}

func newMsgPairer() *msgPairer {
	return &msgPairer{byKey: map[msgKey]int{}, byID: map[uint64]int{}}
}

func (p *msgPairer) add(e int, ev Event) {
	switch ev.Kind {
	case EvNetSend:
		m := len(p.msgs)
		p.msgs = append(p.msgs, [3]int{e, -1, -1})
		p.byKey[msgKey{ev.Node, ev.Msg}] = m
		p.byID[ev.Msg] = m
	case EvNetDeliver, EvNetDrop:
		sender, slot := ev.Peer, 1
		if ev.Kind == EvNetDrop {
			sender, slot = ev.Node, 2
		}
		m, ok := p.byKey[msgKey{sender, ev.Msg}]
		if !ok && sender == "" {
			m, ok = p.byID[ev.Msg]
		}
		if !ok || p.msgs[m][1] >= 0 || p.msgs[m][2] >= 0 {
			// No send seen (or already ended): a message of its own.
			m = len(p.msgs)
			p.msgs = append(p.msgs, [3]int{-1, -1, -1})
		}
		p.msgs[m][slot] = e
	}
}

// faultTracker turns node events and faults into spans and marks.
type faultTracker struct {
	d      *Data
	down   map[int]int    // lane -> index in d.Spans of its open "down" span
	paused map[int]int    // lane -> open "paused" span
	parts  []int          // open partition spans
	links  map[string]int // "clog n2", "hold a->b" -> open span
	timed  []timedSpan    // spans that end at a virtual time
}

type timedSpan struct {
	span int
	end  int64
}

func newFaultTracker(d *Data) *faultTracker {
	return &faultTracker{d: d, down: map[int]int{}, paused: map[int]int{}, links: map[string]int{}}
}

func (f *faultTracker) open(kind, label string, from int, nodes []int) int {
	if nodes == nil {
		nodes = []int{}
	}
	f.d.Spans = append(f.d.Spans, Span{Kind: kind, Label: label, From: from, To: -1, Nodes: nodes})
	return len(f.d.Spans) - 1
}

func (f *faultTracker) close(span, to int) {
	if f.d.Spans[span].To < 0 {
		f.d.Spans[span].To = to
	}
}

// node handles a node event: killed opens a down period that restarted ends, paused one
// that resumed ends.
func (f *faultTracker) node(e int, ev Event, lane int) {
	if lane < 0 {
		return
	}
	switch word, _, _ := strings.Cut(ev.Detail, " "); word {
	case "killed":
		if _, ok := f.down[lane]; !ok {
			f.down[lane] = f.open("down", ev.Node+" down", e, []int{lane})
		}
	case "restarted":
		if s, ok := f.down[lane]; ok {
			f.close(s, e)
			delete(f.down, lane)
		}
	case "paused":
		if _, ok := f.paused[lane]; !ok {
			f.paused[lane] = f.open("paused", ev.Node+" paused", e, []int{lane})
		}
	case "resumed":
		if s, ok := f.paused[lane]; ok {
			f.close(s, e)
			delete(f.paused, lane)
		}
	}
}

// fault handles a fault event. Known forms: "partition a,b | c,d" (until "heal"), "heal",
// "clog n" / "unclog n", "hold a->b" / "release a->b", "latency x10 for 2s"; anything else
// is a mark.
func (f *faultTracker) fault(e int, ev Event, addNode func(string) int) {
	word, rest, _ := strings.Cut(strings.TrimSpace(ev.Detail), " ")
	rest = strings.TrimSpace(rest)
	switch word {
	case "partition":
		var nodes []int
		for _, group := range strings.Split(rest, "|") {
			for _, n := range strings.Split(group, ",") {
				if n = strings.TrimSpace(n); n != "" {
					nodes = append(nodes, addNode(n))
				}
			}
		}
		slices.Sort(nodes)
		f.parts = append(f.parts, f.open("partition", ev.Detail, e, slices.Compact(nodes)))
		return
	case "heal":
		for _, s := range f.parts {
			f.close(s, e)
		}
		f.parts = nil
		f.d.Marks = append(f.d.Marks, e)
		return
	case "clog", "hold":
		if rest != "" {
			if _, ok := f.links[word+" "+rest]; !ok {
				f.links[word+" "+rest] = f.open(word, ev.Detail, e, f.lanes(rest, ev, addNode))
			}
			return
		}
	case "unclog", "release":
		open := map[string]string{"unclog": "clog", "release": "hold"}[word] + " " + rest
		if s, ok := f.links[open]; ok {
			f.close(s, e)
			delete(f.links, open)
			return
		}
	case "latency":
		if _, dur, ok := strings.Cut(rest, " for "); ok {
			if d, err := time.ParseDuration(strings.TrimSpace(dur)); err == nil && d > 0 {
				s := f.open("latency", ev.Detail, e, f.lanes("", ev, addNode))
				end := ev.T + int64(d)
				f.d.Spans[s].EndT = &end
				f.timed = append(f.timed, timedSpan{s, end})
				return
			}
		}
	}
	f.d.Marks = append(f.d.Marks, e)
}

// lanes returns the lanes a link fault covers: the nodes named in spec ("n2", "a->b"), else
// the event's node and peer; none (the whole diagram) when it names no node.
func (f *faultTracker) lanes(spec string, ev Event, addNode func(string) int) []int {
	var nodes []int
	for _, n := range strings.Split(spec, "->") {
		if n = strings.TrimSpace(n); n != "" && !strings.ContainsAny(n, " ") {
			nodes = append(nodes, addNode(n))
		}
	}
	if len(nodes) == 0 {
		for _, n := range []string{ev.Node, ev.Peer} {
			if n != "" {
				nodes = append(nodes, addNode(n))
			}
		}
	}
	slices.Sort(nodes)
	return slices.Compact(nodes)
}

// timeUp ends the timed spans whose end time event e (at virtual time t) reached.
func (f *faultTracker) timeUp(e int, t int64) {
	f.timed = slices.DeleteFunc(f.timed, func(ts timedSpan) bool {
		if t >= ts.end {
			f.close(ts.span, e)
			return true
		}
		return false
	})
}

// Render writes the page for trace t: one HTML file, with its style, script and data
// inline, that needs no network.
func Render(w io.Writer, t *Trace, opt Options) error {
	return RenderData(w, Build(t, opt))
}

// RenderData writes the page for d.
func RenderData(w io.Writer, d *Data) error {
	data, err := json.Marshal(d) // escapes <, > and &, so the data cannot end its script
	if err != nil {
		return err
	}
	var dur int64
	for _, dt := range d.DT {
		dur += dt
	}
	outcomeClass := "ok"
	outcome := d.Outcome
	switch {
	case !d.Ended:
		outcomeClass, outcome = "unknown", "unknown: the trace has no end event (the process died before the run ended)"
	case outcome != "ok":
		outcomeClass = "fail"
	}
	return page.Execute(w, map[string]any{
		"D":            d,
		"Outcome":      outcome,
		"OutcomeClass": outcomeClass,
		"Duration":     FormatTime(dur),
		"Messages":     len(d.Msgs),
		"Generated":    "simgen trace view",
		"Data":         template.JS(data),
		"JS":           template.JS(pageJS),
		"CSS":          template.CSS(pageCSS),
	})
}
