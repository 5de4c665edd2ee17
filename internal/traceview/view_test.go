package traceview

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadTrace(t *testing.T) {
	evs, _ := synthTrace()
	tr, err := Read(strings.NewReader(jsonl(t, evs)), "x.jsonl")
	require.NoError(t, err)
	assert.Len(t, tr.Events, len(evs))
	assert.False(t, tr.Truncated)
	assert.False(t, tr.Partial)
	m, ok := tr.Meta()
	require.True(t, ok)
	assert.Equal(t, uint64(42), m.Seed)
	assert.Equal(t, "TestCluster", m.Test)
	assert.Equal(t, "random", m.Strategy)
	assert.Equal(t, "0123456789abcdef", m.Hash)
	out, ok := tr.Outcome()
	assert.True(t, ok)
	assert.Equal(t, "ok", out)

	// A process that died mid-write: no end event, last line cut short.
	text := jsonl(t, evs[:10]) + `{"step":3,"t":0,"ev":"ru`
	tr, err = Read(strings.NewReader(text), "cut.jsonl")
	require.NoError(t, err)
	assert.Len(t, tr.Events, 10)
	assert.True(t, tr.Truncated)
	assert.True(t, tr.Partial)

	_, err = Read(strings.NewReader(jsonl(t, evs[:3])+"hello\n"+jsonl(t, evs[3:5])), "bad.jsonl")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.jsonl:4: not a simgen trace event")
	assert.Contains(t, err.Error(), "SIMGEN_TRACE")
	_, err = Read(strings.NewReader(`{"seed":1}`+"\n"), "noev.jsonl")
	assert.ErrorContains(t, err, `noev.jsonl:1: not a simgen trace event (no "ev" field)`)
	_, err = Read(strings.NewReader(""), "empty.jsonl")
	assert.ErrorContains(t, err, "empty.jsonl: empty trace")
	_, err = ReadFile("/nonexistent/trace.jsonl")
	assert.ErrorContains(t, err, "no such file")
}

func TestBuild(t *testing.T) {
	evs, msgs := synthTrace()
	d := Build(&Trace{Name: "x.jsonl", Events: evs}, Options{})
	assert.Equal(t, []string{"main", "n1", "n2", "n3"}, d.Nodes)
	assert.Equal(t, "TestCluster, seed 42", d.Title)
	assert.Equal(t, len(evs), d.Total)
	assert.Equal(t, len(evs), len(d.Kind))
	assert.Zero(t, d.Omitted)

	require.Len(t, d.Msgs, msgs)
	kindAt := func(e int) string {
		if e < 0 {
			return "-"
		}
		return d.Kinds[d.Kind[e]]
	}
	var shapes []string
	for _, m := range d.Msgs {
		shapes = append(shapes, kindAt(m[0])+" "+kindAt(m[1])+" "+kindAt(m[2]))
	}
	assert.Equal(t, []string{
		"net.send net.deliver -", "net.send net.deliver -", "net.send - net.drop", "net.send net.deliver -", "net.send - -",
	}, shapes)

	var spans []string
	for _, s := range d.Spans {
		var nodes []string
		for _, n := range s.Nodes {
			nodes = append(nodes, d.Nodes[n])
		}
		end := "end"
		if s.To >= 0 {
			end = kindAt(s.To) + " " + d.Strs[d.Detail[s.To]]
		}
		spans = append(spans, s.Kind+" ["+strings.Join(nodes, ",")+"] until "+end)
	}
	assert.Equal(t, []string{
		"partition [n1,n2,n3] until fault heal",
		"down [n3] until node restarted",
		"clog [n2] until fault unclog n2",
		"paused [n2] until node resumed",
		"latency [] until time ", // 2s of virtual time after it began
	}, spans)
	require.NotNil(t, d.Spans[4].EndT)
	assert.Equal(t, evs[d.Index[d.Spans[4].From]].T+int64(2e9), *d.Spans[4].EndT)
	var marks []string
	for _, m := range d.Marks {
		marks = append(marks, d.Strs[d.Detail[m]])
	}
	assert.Equal(t, []string{"heal"}, marks)

	// Times and steps come back from their differences.
	var tt int64
	var st uint64
	for i := range d.DT {
		tt += d.DT[i]
		st += uint64(d.DS[i])
		assert.Equal(t, evs[d.Index[i]].T, tt)
		assert.Equal(t, evs[d.Index[i]].Step, st)
	}
}

// The default node comes first even when another node appears before it.
func TestBuildLaneOrder(t *testing.T) {
	tr := mustRead(t, `{"step":0,"t":0,"ev":"node","node":"b","detail":"created 10.0.0.3"}
{"step":0,"t":0,"ev":"net.send","node":"b","peer":"a","msg":1}
{"step":1,"t":0,"ev":"run","node":"main","g":1}
{"step":1,"t":0,"ev":"end","detail":"deadlock!"}
`)
	d := Build(tr, Options{})
	assert.Equal(t, []string{"main", "b", "a"}, d.Nodes)
	assert.Equal(t, "x.jsonl", d.Title, "no meta line: the file name")
	assert.Equal(t, "deadlock!", d.Outcome)
}

func mustRead(t *testing.T, text string) *Trace {
	t.Helper()
	tr, err := Read(strings.NewReader(text), "x.jsonl")
	require.NoError(t, err)
	return tr
}

var dataRE = regexp.MustCompile(`(?s)<script type="application/json" id="trace-data">(.*?)</script>`)

// pageData extracts the data embedded in a rendered page.
func pageData(t *testing.T, page string) *Data {
	t.Helper()
	m := dataRE.FindStringSubmatch(page)
	require.NotNil(t, m, "the page embeds its data")
	var d Data
	require.NoError(t, json.Unmarshal([]byte(m[1]), &d))
	return &d
}

func TestRender(t *testing.T) {
	evs, msgs := synthTrace()
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, &Trace{Name: "x.jsonl", Events: evs}, Options{}))
	page := buf.String()
	d := pageData(t, page)
	assert.Equal(t, []string{"main", "n1", "n2", "n3"}, d.Nodes, "a lane per node")
	assert.Len(t, d.Msgs, msgs, "an arrow per message")
	assert.Len(t, d.Kind, len(evs))

	assert.Contains(t, page, "<title>TestCluster, seed 42 — simgen trace</title>")
	assert.Contains(t, page, `seed <b>42</b>`)
	assert.Contains(t, page, `outcome <b class="ok" id="outcome">ok</b>`)
	assert.Contains(t, page, `hash <b>0123456789abcdef</b>`)
	assert.Contains(t, page, "<b>5</b> messages")
	assert.NotContains(t, page, "http://", "self-contained: no network")
	assert.NotContains(t, page, "https://")
	assert.NotContains(t, page, "<script src")
	assert.Contains(t, page, "function computeX", "the script is inline")

	// Text from the trace cannot break out of the page.
	tr := mustRead(t, `{"step":0,"t":0,"ev":"log","node":"</script><b>x","detail":"<img src=x onerror=alert(1)>"}
{"step":0,"t":0,"ev":"end","detail":"panic: <script>alert(1)</script>"}
`)
	buf.Reset()
	require.NoError(t, Render(&buf, tr, Options{Title: "<i>t</i>"}))
	page = buf.String()
	assert.NotContains(t, page, "<img src=x")
	assert.NotContains(t, page, "<script>alert")
	assert.NotContains(t, page, "</script><b>")
	assert.Contains(t, page, html.EscapeString("panic: <script>alert(1)</script>"))
	assert.Contains(t, page, `class="fail"`)
	assert.Equal(t, []string{"</script><b>x"}, pageData(t, page).Nodes)
}

func TestRenderLargeTraceCapsSchedulingEvents(t *testing.T) {
	evs := bigTrace(20_000, 5)
	sends := 0
	for _, ev := range evs {
		if ev.Kind == EvNetSend {
			sends++
		}
	}
	d := Build(&Trace{Name: "big.jsonl", Events: evs}, Options{MaxEvents: 5000})
	assert.Len(t, d.Msgs, sends, "every message is kept")
	for _, m := range d.Msgs {
		assert.GreaterOrEqual(t, m[0], 0)
		assert.GreaterOrEqual(t, m[1], 0)
	}
	assert.Positive(t, d.Omitted)
	sched := 0
	for _, k := range d.Kind {
		if scheduling(d.Kinds[k]) {
			sched++
		}
	}
	assert.Equal(t, 5000, sched)
	assert.Equal(t, len(evs), len(d.Kind)+d.Omitted)
	assert.Equal(t, 5, len(d.Nodes))
	// The kept events are the last ones.
	assert.Equal(t, len(evs)-1, d.Index[len(d.Index)-1])

	all := Build(&Trace{Name: "big.jsonl", Events: evs}, Options{MaxEvents: -1})
	assert.Zero(t, all.Omitted)

	var buf bytes.Buffer
	require.NoError(t, RenderData(&buf, d))
	assert.Contains(t, buf.String(), "early scheduling events")
}
