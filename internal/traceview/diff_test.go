package traceview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func compare(t *testing.T, a, b string, context int) *Divergence {
	t.Helper()
	d, err := Compare(strings.NewReader(a), strings.NewReader(b), "a.jsonl", "b.jsonl", context)
	require.NoError(t, err)
	return d
}

func TestCompareIdentical(t *testing.T) {
	evs, _ := synthTrace()
	text := jsonl(t, evs)
	d := compare(t, text, text, 3)
	assert.True(t, d.Identical)
	assert.Equal(t, len(evs), d.Common)
	var out strings.Builder
	d.Write(&out)
	assert.Equal(t, "traces are identical: 54 events\n", out.String())
}

func TestCompareDivergence(t *testing.T) {
	a := `{"step":0,"t":0,"ev":"meta","seed":7,"test":"TestX"}
{"step":0,"t":0,"ev":"spawn","node":"main","g":1,"pos":"x_test.go:5"}
{"step":1,"t":0,"ev":"run","node":"main","g":1}
{"step":1,"t":0,"ev":"spawn","node":"main","g":2,"pos":"x_test.go:9"}
{"step":2,"t":0,"ev":"block","node":"main","g":1,"pos":"x_test.go:12","reason":"chan receive"}
{"step":3,"t":0,"ev":"run","node":"main","g":2}
{"step":3,"t":0,"ev":"exit","node":"main","g":2}
{"step":4,"t":0,"ev":"end","detail":"ok"}
`
	// B runs g1 again where A switched to g2, and stops early.
	b := strings.Join(strings.SplitAfter(a, "\n")[:5], "") + `{"step":3,"t":0,"ev":"run","node":"main","g":1}
`
	d := compare(t, a, b, 2)
	require.False(t, d.Identical)
	assert.Equal(t, 5, d.Common)
	assert.Equal(t, uint64(3), d.Step())
	require.NotNil(t, d.A)
	require.NotNil(t, d.B)
	assert.Equal(t, uint64(2), d.A.G)
	assert.Equal(t, uint64(1), d.B.G)
	assert.Equal(t, 6, d.LineA)
	assert.Equal(t, "x_test.go:9", d.LastPosA, "g2's go statement")
	assert.Equal(t, "x_test.go:12", d.LastPosB)
	assert.Equal(t, 8, d.LenA)
	assert.Equal(t, 6, d.LenB)
	require.Len(t, d.Context, 2)
	assert.Equal(t, 3, d.ContextStart)
	assert.Equal(t, "spawn", d.Context[0].Kind)
	assert.Equal(t, "traces diverge at step 3 (event 6, after 5 identical events)", d.Headline())
	assert.Equal(t, "step 3, g2 on main run (g2 last seen at x_test.go:9)", d.SideA())
	assert.Equal(t, "step 3, g1 on main run (g1 last seen at x_test.go:12)", d.SideB())

	var out strings.Builder
	d.Write(&out)
	text := out.String()
	for _, want := range []string{
		"traces diverge at step 3 (event 6, after 5 identical events)\n",
		"  A: a.jsonl (line 6; 8 events)\n",
		"  B: b.jsonl (line 6; 6 events)\n",
		"common events before it:\n  #4      step 1      t=0s         g2 on main spawn at x_test.go:9\n",
		"  #5      step 2      t=0s         g1 on main block (chan receive) at x_test.go:12\n",
		"first difference (event 6):\n",
		"                A            B\n",
		"    step        3            3\n",
		"  * goroutine   2            1\n",
		"    kind        run          run\n",
		"    reason\n",
		"  * last pos    x_test.go:9  x_test.go:12\n",
	} {
		assert.Contains(t, text, want)
	}

	// One trace is a prefix of the other.
	d = compare(t, a, strings.Join(strings.SplitAfter(a, "\n")[:3], ""), 0)
	assert.False(t, d.Identical)
	assert.Nil(t, d.B)
	assert.Equal(t, 3, d.Common)
	assert.Empty(t, d.Context)
	assert.Equal(t, "the trace ends (3 events)", d.SideB())
	out.Reset()
	d.Write(&out)
	assert.Contains(t, out.String(), "  B: b.jsonl (ends after 3 events)\n")
	assert.Contains(t, out.String(), "  * kind        spawn        (end of trace)\n")
	assert.Contains(t, out.String(), "  * goroutine   2\n")
	assert.Contains(t, out.String(), "  B ends here: the trace ends (3 events)\n")

	// Traces of different seeds differ at their first line.
	d = compare(t, a, strings.Replace(a, `"seed":7`, `"seed":8`, 1), 1)
	assert.Equal(t, 0, d.Common)
	out.Reset()
	d.Write(&out)
	assert.Contains(t, out.String(), "  * seed        7      8\n")
	assert.Contains(t, out.String(), "    test        TestX  TestX\n")
}

func TestCompareFiles(t *testing.T) {
	dir := t.TempDir()
	evs, _ := synthTrace()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	require.NoError(t, os.WriteFile(a, []byte(jsonl(t, evs)), 0o666))
	evs[30].Pos = "raft.go:999"
	require.NoError(t, os.WriteFile(b, []byte(jsonl(t, evs)+`{"step":9,"t":0,"ev":"ru`), 0o666))
	d, err := CompareFiles(a, b, 5)
	require.NoError(t, err)
	assert.Equal(t, 30, d.Common)
	assert.True(t, d.PartialB)
	assert.Len(t, d.Context, 5)

	_, err = CompareFiles(a, filepath.Join(dir, "missing.jsonl"), 5)
	assert.ErrorContains(t, err, "missing.jsonl: no such file")
	require.NoError(t, os.WriteFile(b, []byte("not json\n"), 0o666))
	_, err = CompareFiles(a, b, 5)
	assert.ErrorContains(t, err, "b.jsonl:1: not a simgen trace event")
}
