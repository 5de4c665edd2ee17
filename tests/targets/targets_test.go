package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFast runs the fast subset (x/sync errgroup, semaphore and singleflight over seeds 1-3)
// natively and simulated and checks the table's structure: every package builds both ways
// (semaphore through its adaptation while simgen cannot simulate methods on channel types),
// errgroup and semaphore pass simulated exactly the tests they pass natively, every seed is
// reported, and every simulated failure has a kind, a reason and seeds. It skips when the
// module proxy cannot serve golang.org/x/sync (GOPROXY=off with an empty module cache, no
// network). SIMGEN_TARGETS_SEEDS overrides the seeds.
func TestFast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds simgen and sweeps third-party suites; not with -short")
	}
	ctx := context.Background()
	probe := &Env{Self: ".", Timeout: 5 * time.Minute}
	if abs, err := filepath.Abs("."); err == nil {
		probe.Self = abs
	}
	if _, _, err := probe.Download(ctx, "golang.org/x/sync"); err != nil {
		t.Skipf("module proxy unreachable, third-party targets not run: %v", err)
	}
	env, err := NewEnv(ctx, t.TempDir(), 10*time.Minute)
	require.NoError(t, err)
	var log bytes.Buffer
	env.Log = &log
	targets := FastTargets()
	if s := os.Getenv("SIMGEN_TARGETS_SEEDS"); s != "" {
		targets = filter(targets, "", s)
	}
	results := RunAll(ctx, env, targets)
	var table bytes.Buffer
	WriteText(&table, results)
	t.Logf("\n%s", table.String())

	require.Len(t, results, 3)
	for _, r := range results {
		t.Run(slug(r.Target.Name), func(t *testing.T) {
			require.Empty(t, r.Err, "setup")
			require.Empty(t, r.Native.BuildErr, "native build")
			require.Empty(t, r.Sim.BuildErr, "simulated build")
			assert.False(t, r.Sim.Timeout)
			np, nf, _ := r.Native.Counts()
			assert.Positive(t, np, "native passes")
			assert.Zero(t, nf, "native failures")
			assert.Equal(t, seedCount(t, r.Target.Seeds), r.Seeds, "seeds reported by the sweep")
			assert.Len(t, r.Sim.Tests, len(r.Native.Tests), "the simulated variant runs the same tests and examples")
			for _, f := range r.Sim.Failures {
				assert.NotEmpty(t, f.Kind, "failure kind of %s", f.Test)
				assert.NotEmpty(t, f.Reason, "failure reason of %s", f.Test)
				assert.NotEmpty(t, f.Seeds, "failing seeds of %s", f.Test)
			}
			if r.Target.Name != "x/sync singleflight" {
				// singleflight's panic tests rerun the test binary as a child process,
				// whose expected panic the sweep counts against the seed (see the table).
				sp, sf, _ := r.Sim.Counts()
				assert.Equal(t, np, sp, "simulated passes")
				assert.Zero(t, sf, "simulated failures")
			}
		})
	}
}

// seedCount returns how many seeds a range N or A-B holds.
func seedCount(t *testing.T, seeds string) int {
	var a, b int
	if lo, hi, ok := strings.Cut(seeds, "-"); ok {
		a, b = atoi(t, lo), atoi(t, hi)
	} else {
		a, b = 1, atoi(t, seeds)
	}
	return b - a + 1
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', "seed range %q", s)
		n = n*10 + int(c-'0')
	}
	return n
}

func TestSeedList(t *testing.T) {
	assert.Equal(t, "1-3,7,9-10", seedList([]uint64{1, 2, 3, 7, 9, 10}))
	assert.Equal(t, "", seedList(nil))
}

func TestParseSweep(t *testing.T) {
	data := []byte(`{"seed":1,"package":".","outcome":"pass","runs":[{"test":"TestA"}]}
{"seed":2,"package":".","outcome":"fail","kind":"panic","test":"TestA","error":"panic: x","runs":[{"test":"TestA","kind":"panic","error":"panic: x"},{"test":"TestA"}]}
{"seed":3,"package":".","outcome":"fail","kind":"panic","test":"TestA","error":"panic: x","runs":[{"test":"TestA","kind":"panic","error":"panic: x (virtual time 3ms)"}]}
{"seed":4,"package":".","outcome":"fail","kind":"exit","exit_code":2}
{"seed":5,"package":".","outcome":"fail","kind":"nondeterministic","test":"TestB","divergence":{"test":"TestB","first":"step 9: goroutine 2 send at x.go:3"}}
`)
	sw := parseSweep(data)
	assert.Equal(t, 5, sw.seeds)
	assert.Equal(t, 1, sw.nondet)
	assert.Equal(t, []Failure{
		{Test: "(package)", Kind: "exit", Reason: "process exited with code 2", Seeds: []uint64{4}},
		{Test: "TestA", Kind: "panic", Reason: "panic: x", Seeds: []uint64{2, 3}},
		{Test: "TestB", Kind: "nondeterministic", Reason: "runs diverge: step 9: goroutine 2 send at x.go:3", Seeds: []uint64{5}},
	}, sw.failures)
}

func TestParseTestJSON(t *testing.T) {
	out := []byte(`{"Action":"run","Test":"TestA"}
{"Action":"output","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Test":"TestA","Output":"    a_test.go:9: want 1, got 2\n"}
{"Action":"fail","Test":"TestA"}
{"Action":"pass","Test":"TestA/sub"}
{"Action":"skip","Test":"TestB"}
{"Action":"pass","Test":"ExampleC"}
{"Action":"fail"}
`)
	o := parseTestJSON(out, nil, nil)
	assert.Equal(t, map[string]string{"TestA": "fail", "TestB": "skip", "ExampleC": "pass"}, o.Tests)
	assert.Equal(t, []Failure{{Test: "TestA", Kind: "go test", Reason: "a_test.go:9: want 1, got 2"}}, o.Failures)
	assert.Empty(t, o.BuildErr)

	testify := parseTestJSON([]byte(`{"Action":"output","Test":"TestD","Output":"    d_test.go:170: \n"}
{"Action":"output","Test":"TestD","Output":"        \tError Trace:\td_test.go:170\n"}
{"Action":"output","Test":"TestD","Output":"        \tError:      \tCondition failed!\n"}
{"Action":"output","Test":"TestD","Output":"        \tMessages:   \tno artificial delay\n"}
{"Action":"fail","Test":"TestD"}
`), nil, nil)
	assert.Equal(t, []Failure{{Test: "TestD", Kind: "go test", Reason: "d_test.go:170: Condition failed! no artificial delay"}}, testify.Failures)

	built := parseTestJSON([]byte(`{"ImportPath":"p","Action":"build-output","Output":"# p\n"}
{"ImportPath":"p","Action":"build-output","Output":"x.go:3: undefined: y\n"}
{"Action":"fail","FailedBuild":"p"}
`), []byte("warning: something\n"), nil)
	assert.Equal(t, "p: x.go:3: undefined: y", built.BuildErr)
}

func TestMergeSweep(t *testing.T) {
	sim := Outcome{
		Tests:    map[string]string{"TestA": "fail", "TestB": "pass", "ExampleC": "fail"},
		Failures: []Failure{{Test: "ExampleC", Kind: "go test", Reason: "got: 1", Seeds: []uint64{1}}, {Test: "TestA", Kind: "go test", Reason: "a_test.go:3: bad", Seeds: []uint64{1}}},
	}
	mergeSweep(&sim, []Failure{
		{Test: "TestA", Kind: "test", Seeds: []uint64{1, 2}},
		{Test: "TestB", Kind: "panic", Reason: "panic: x", Seeds: []uint64{1}},
	})
	assert.Equal(t, map[string]string{"TestA": "fail", "TestB": "fail", "ExampleC": "fail"}, sim.Tests)
	assert.Equal(t, []Failure{
		{Test: "ExampleC", Kind: "go test", Reason: "got: 1", Seeds: []uint64{1}},
		{Test: "TestA", Kind: "test", Reason: "a_test.go:3: bad", Seeds: []uint64{1, 2}},
		{Test: "TestB", Kind: "panic", Reason: "panic: x [go test itself passed this test on seed 1]", Seeds: []uint64{1}},
	}, sim.Failures)
}

// TestKnownFailures checks that a failure listed in Target.Known is printed with its reason
// and counted as known, and one that is not is counted as unexplained, once per test however
// many kinds or seeds it failed on.
func TestKnownFailures(t *testing.T) {
	r := Result{
		Target: Target{Name: "t", Seeds: "1-2", Known: map[string]string{"TestA": "the reason"}},
		Sim: Outcome{Tests: map[string]string{"TestA": "fail", "TestB": "fail"}, Failures: []Failure{
			{Test: "TestA", Kind: "test", Reason: "boom", Seeds: []uint64{1}},
			{Test: "TestA", Kind: "deadlock", Reason: "stuck", Seeds: []uint64{2}},
			{Test: "TestB", Kind: "test", Reason: "bang", Seeds: []uint64{2}},
		}},
		Seeds: 2,
	}
	known, unexplained := r.explained()
	assert.Equal(t, 1, known)
	assert.Equal(t, 1, unexplained)
	var out bytes.Buffer
	WriteText(&out, []Result{r})
	assert.Contains(t, out.String(), "1 known, 1 unexplained")
	assert.Contains(t, out.String(), "simulated TestA, test on seeds 1: boom; known: the reason")
	assert.Contains(t, out.String(), "simulated TestB, test on seeds 2: bang\n")
}
