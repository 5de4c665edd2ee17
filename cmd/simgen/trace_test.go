package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Recording traces with --trace (through go test, a sweep and simgen run), drawing one, and
// diffing them.
func TestTraceRecordViewDiff(t *testing.T) {
	dir := module(t, map[string]string{"counter/counter.go": counter, "counter/counter_test.go": counterTest, "cmd/x/main.go": mainPkg})

	// One seed through go test: SIMGEN_TRACE reaches the test binary.
	r := simgen(t, dir, nil, "test", "./counter", "--seed", "3", "--trace", "one", "--", "-v")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	one := filepath.Join(dir, "one", "TestAdd-seed3.jsonl")
	assert.Contains(t, r.stdout+r.stderr, "simgen: trace written to one/TestAdd-seed3.jsonl\n", "(the test directory's path is cut from outputs)")
	assert.Contains(t, r.stderr, "simgen: traces in one (simgen trace view FILE draws one)\n")
	require.FileExists(t, one)

	// A sweep keeps a trace per seed.
	r = simgen(t, dir, nil, "test", "./counter", "--seeds", "3-4", "--trace", "sweep")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: traces in sweep (simgen trace view FILE draws one)\n")
	three, four := filepath.Join(dir, "sweep", "TestAdd-seed3.jsonl"), filepath.Join(dir, "sweep", "TestAdd-seed4.jsonl")
	require.FileExists(t, three)
	require.FileExists(t, four)

	// The same seed gives the same trace, whichever way it ran.
	r = simgen(t, dir, nil, "trace", "diff", one, three)
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `^traces are identical: \d+ events\n$`, r.stdout)

	// Another seed diverges somewhere after the meta line.
	r = simgen(t, dir, nil, "trace", "diff", "--context", "2", three, four)
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "traces diverge at step 0 (event 1, after 0 identical events)", "the seeds differ in the meta line")
	assert.Contains(t, r.stdout, "  * seed        3")

	r = simgen(t, dir, nil, "trace", "diff", three, filepath.Join(dir, "missing.jsonl"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "missing.jsonl: no such file or directory")
	r = simgen(t, dir, nil, "trace", "diff", three)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "trace diff A B: name two trace files")

	// The page.
	r = simgen(t, dir, nil, "trace", "view", three)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	page := filepath.Join(dir, "sweep", "TestAdd-seed3.html")
	assert.Regexp(t, `^simgen: wrote sweep/TestAdd-seed3\.html \(\d+ events, 1 nodes, 0 messages\)\n$`, r.stdout)
	html := read(t, page)
	assert.Contains(t, html, "<title>TestAdd, seed 3 — simgen trace</title>")
	assert.Contains(t, html, `outcome <b class="ok" id="outcome">ok</b>`)
	assert.Contains(t, html, `"nodes":["main"]`)
	r = simgen(t, dir, nil, "trace", "view", three, "-o", "-", "--max-events", "5")
	require.Equal(t, 0, r.code)
	assert.True(t, strings.HasPrefix(r.stdout, "<!DOCTYPE html>"))
	assert.Contains(t, r.stderr, "early scheduling events left out of the page (--max-events 5)")
	r = simgen(t, dir, nil, "trace", "view", filepath.Join(dir, "counter", "counter.go"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "counter/counter.go:1: not a simgen trace event")

	// A main package, through simgen run.
	r = simgen(t, dir, nil, "run", "--seed", "2", "--trace", "prog", "./cmd/x", "./counter")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	prog := filepath.Join(dir, "prog", "x-seed2.jsonl")
	require.FileExists(t, prog)
	assert.Contains(t, r.stderr, "simgen: trace written to prog/x-seed2.jsonl\n")
	assert.Contains(t, read(t, prog), `"ev":"meta","seed":2,"program":"x"`)

	r = simgen(t, dir, nil, "test", "./counter", "--trace", filepath.Join(dir, "counter", "counter.go"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "simgen: --trace counter/counter.go: mkdir counter/counter.go: not a directory; want a directory for the trace files\n")
}

func TestTraceHelp(t *testing.T) {
	r := simgen(t, t.TempDir(), nil, "help")
	assert.Contains(t, r.stdout, "trace")
	r = simgen(t, t.TempDir(), nil, "help", "trace")
	assert.Contains(t, r.stdout, "simgen trace view TRACE [-o timeline.html]")
	assert.Contains(t, r.stdout, "simgen trace diff A B")
	r = simgen(t, t.TempDir(), nil, "trace", "view")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "simgen trace view TRACE: name one trace file")
}

// nondetHelper is a package that simgen test does not rewrite (it is not among the packages
// named), so that it escapes the simulation: it tells the first run of a seed from the second
// with a marker file named after the parent process (the sweep).
const nondetHelper = `package native

import (
	"fmt"
	"os"
)

// Second reports whether a run of this seed started by the same parent process ran before.
func Second() bool {
	mark := fmt.Sprintf(".ran-%d-%s", os.Getppid(), os.Getenv("SIMGEN_SEED"))
	if _, err := os.Stat(mark); err == nil {
		return true
	}
	os.WriteFile(mark, nil, 0o666)
	return false
}
`

const nondetTest = `package nondet

import (
	"testing"
	"time"

	"example.com/m/native"
)

func TestFlaky(t *testing.T) {
	done := make(chan bool)
	go func() {
		time.Sleep(time.Millisecond)
		done <- true
	}()
	if native.Second() {
		go func() { done <- false }()
	}
	<-done
}
`

const detTest = `package det

import (
	"sync"
	"testing"
)

func TestSteady(t *testing.T) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			n++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n != 4 {
		t.Fatal(n)
	}
}
`

func TestCheckDeterminism(t *testing.T) {
	dir := module(t, map[string]string{"native/native.go": nondetHelper, "nondet/nondet_test.go": nondetTest, "det/det_test.go": detTest})

	// native stays native: its marker file must be on the real disk, not the simulated one.
	r := simgen(t, dir, nil, "test", "./nondet", "./det", "--native", "example.com/m/native", "--seeds", "1-2", "--keep-going", "--check-determinism", "--json", "out.json")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "simgen: 4 seeds run (1-2, 2 packages: ./det ./nondet): 2 passed, 2 failed (nondeterministic: 2)\n", r.stderr)
	assert.Contains(t, r.stdout, "simgen: --check-determinism: every seed ran twice; 2 seeds ran differently\n")
	sideRE := `step \d+, g\d+ on main \w+.*nondet_test\.go:\d+`
	assert.Regexp(t, `simgen: seed 1 of 1-2 failed; reproduce: simgen test --seed 1 --check-determinism --native example.com/m/native ./nondet ./det -- -run '\^TestFlaky\$'\n`+
		`    nondeterministic in TestFlaky: two runs diverge at step \d+ \(trace event \d+\)\n`+
		`        run 1: `+sideRE+`\n`+
		`        run 2: `+sideRE+`\n`, r.stdout)
	assert.Contains(t, r.stdout, "=== simgen: output of seed 1 of ./nondet\nsimgen: seed 1 of ./nondet is not deterministic: two runs of TestFlaky differ")
	assert.Contains(t, r.stdout, "first difference (event ")
	assert.NotContains(t, r.stdout, "output of seed 1 of ./det", "the deterministic package passes")

	recs := readRecords(t, filepath.Join(dir, "out.json"))
	require.Len(t, recs, 4)
	for _, rec := range recs {
		if rec.Package == "./det" {
			assert.Equal(t, "pass", rec.Outcome)
			continue
		}
		assert.Equal(t, "nondeterministic", rec.Kind)
		require.NotNil(t, rec.Divergence)
		assert.Positive(t, rec.Divergence.Step)
		assert.Regexp(t, `nondet_test\.go:\d+`, rec.Divergence.First+rec.Divergence.Second)
	}

	// The reproduce command, with --trace to keep both traces.
	r = simgen(t, dir, nil, "test", "--seed", "1", "--check-determinism", "--native", "example.com/m/native", "--trace", "tr", "./nondet", "--", "-run", "^TestFlaky$")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	first, second := filepath.Join(dir, "tr", "TestFlaky-seed1.jsonl"), filepath.Join(dir, "tr", "rerun", "TestFlaky-seed1.jsonl")
	assert.Contains(t, r.stdout, "simgen trace diff tr/TestFlaky-seed1.jsonl tr/rerun/TestFlaky-seed1.jsonl compares them again")
	r = simgen(t, dir, nil, "trace", "diff", first, second)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "first difference")

	// A deterministic package: no report.
	r = simgen(t, dir, nil, "test", "./det", "--check-determinism")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: 1 seed run (1-1, ./det): 1 passed, 0 failed\n")
	assert.Contains(t, r.stdout, "simgen: --check-determinism: every seed ran twice, with the same outcome and trace hashes\n")
	for _, f := range []string{".ran-"} {
		entries, _ := os.ReadDir(filepath.Join(dir, "det"))
		for _, e := range entries {
			assert.False(t, strings.HasPrefix(e.Name(), f))
		}
	}
}
