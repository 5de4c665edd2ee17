package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckDeterminism(t *testing.T) {
	marks := t.TempDir()
	env := []string{"HELPER_NONDET=3:hash,5:fail", "HELPER_MARKS=" + marks, "HELPER_FAIL=6"}
	run := sweepHelperConfig(t, t.Context(), Config{Seeds: Set{Range: Range{1, 6}}, Workers: 2, KeepGoing: true, CheckDeterminism: true}, env)
	require.Len(t, run.records, 6)
	assert.Len(t, run.started, 12, "every seed ran twice")

	var kinds []string
	for _, r := range run.records {
		kinds = append(kinds, r.Outcome+" "+r.Kind)
		for _, x := range r.Runs {
			assert.Empty(t, x.Trace, "temporary traces are not named")
		}
	}
	assert.Equal(t, []string{"pass ", "pass ", "fail nondeterministic", "pass ", "fail nondeterministic", "fail test"}, kinds,
		"a failure that happens both times is an ordinary failure")

	r3 := run.records[2]
	assert.Equal(t, "two runs diverge at step 2 (trace event 5)", r3.Error)
	assert.Equal(t, "TestH", r3.Test)
	assert.Equal(t, "repro --check 3 ./p TestH", r3.Reproduce)
	require.NotNil(t, r3.Divergence)
	assert.Equal(t, Divergence{Test: "TestH", Step: 2, Event: 5,
		First:  "step 2, g2 on main run (g2 last seen at h_test.go:5)",
		Second: "step 2, g3 on main run (g3 last seen at h_test.go:6)"}, *r3.Divergence)
	assert.Equal(t, "repro 6 ./p TestH", run.records[5].Reproduce)

	s := run.res.Summary
	assert.Equal(t, map[string]int{KindNondeterministic: 2, simstd.KindTest: 1}, s.Kinds)
	var out strings.Builder
	s.Write(&out)
	assert.Contains(t, out.String(), "simgen: 6 seeds run (1-6, ./p): 3 passed, 3 failed (nondeterministic: 2, test failure: 1)\n")
	assert.Contains(t, out.String(), "simgen: --check-determinism: every seed ran twice; 2 seeds ran differently\n")
	assert.Contains(t, out.String(), "simgen: seed 3 of 1-6 failed; reproduce: repro --check 3 ./p TestH\n"+
		"    nondeterministic in TestH: two runs diverge at step 2 (trace event 5)\n"+
		"        run 1: step 2, g2 on main run (g2 last seen at h_test.go:5)\n"+
		"        run 2: step 2, g3 on main run (g3 last seen at h_test.go:6)\n")

	require.NotEmpty(t, run.res.Outputs)
	report := string(run.res.Outputs[0].Output)
	for _, want := range []string{
		"simgen: seed 3 of ./p is not deterministic: two runs of TestH differ (trace hash 0000000000005ccd, then 0000000000005cce)\n",
		"  run 1: TestH passed (3 steps, hash 0000000000005ccd)\n",
		"  run 2: TestH passed (3 steps, hash 0000000000005cce)\n",
		"  #1      step 0      t=0s         meta: seed 3, test TestH\n",
		"traces diverge at step 2 (event 5, after 4 identical events)\n",
		"  A: run 1 (line 5; 7 events)\n",
		"  * goroutine   2            3\n",
		"Add --trace DIR to keep both traces",
		"Something escaped the simulation",
	} {
		assert.Contains(t, report, want)
	}
	assert.NotContains(t, report, "--- output of run", "passing runs' output is not kept")
}

// With a trace directory the traces stay: the first run's in it, the second's in rerun/.
func TestCheckDeterminismKeepsTraces(t *testing.T) {
	traces := filepath.Join(t.TempDir(), "traces")
	env := []string{"HELPER_NONDET=2:fail", "HELPER_MARKS=" + t.TempDir()}
	run := sweepHelperConfig(t, t.Context(), Config{Seeds: Set{Range: Range{1, 3}}, Workers: 1, CheckDeterminism: true, TraceDir: traces}, env)
	require.Len(t, run.records, 2, "stops at the first failure")
	r2 := run.records[1]
	assert.Equal(t, KindNondeterministic, r2.Kind)
	first, second := filepath.Join(traces, "TestH-seed2.jsonl"), filepath.Join(traces, "rerun", "TestH-seed2.jsonl")
	assert.Equal(t, []string{first, second}, r2.Divergence.Traces)
	assert.Equal(t, first, r2.Runs[0].Trace)
	assert.FileExists(t, first)
	assert.FileExists(t, second)
	assert.FileExists(t, filepath.Join(traces, "TestH-seed1.jsonl"))
	report := string(run.res.Outputs[0].Output)
	assert.Contains(t, report, "simgen: seed 2 of ./p is not deterministic: two runs of TestH differ")
	assert.Contains(t, report, "  A: "+first+" (line 5; 7 events)\n")
	assert.Contains(t, report, "simgen trace diff "+first+" "+second+" compares them again")
	assert.Contains(t, report, "--- output of run 2:\noutput of seed 2\n", "the failing run's output")
}

// TraceDir alone keeps every run's trace; with several packages, a directory each.
func TestSweepTraceDir(t *testing.T) {
	traces := filepath.Join(t.TempDir(), "traces")
	run := sweepHelperConfig(t, t.Context(), Config{Seeds: Set{Range: Range{1, 2}}, Workers: 2, TraceDir: traces},
		[]string{simstd.EnvTrace + "=/elsewhere/"}, "./a", "./b/c")
	require.Len(t, run.records, 4)
	for _, r := range run.records {
		require.Len(t, r.Runs, 1)
		assert.Equal(t, filepath.Join(traces, PackageDirName(r.Package), fmt.Sprintf("TestH-seed%d.jsonl", r.Seed)), r.Runs[0].Trace)
		assert.FileExists(t, r.Runs[0].Trace)
	}
	_, err := os.Stat("/elsewhere")
	assert.True(t, os.IsNotExist(err), "the sweep's SIMGEN_TRACE replaces the environment's")
	assert.Equal(t, "b_c", PackageDirName("./b/c"))
	assert.Equal(t, "root", PackageDirName("."))
	assert.Equal(t, "example.com_m_x", PackageDirName("example.com/m/x"))
}
