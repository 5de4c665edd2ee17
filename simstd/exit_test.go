package simstd_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simgen/simgen/simstd"
	simlog "github.com/simgen/simgen/simstd/log"
	simos "github.com/simgen/simgen/simstd/os"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exitChild runs test in a child process with a results file and a trace
// file, and returns its output, its run records and its trace's lines.
func exitChild(t *testing.T, test string) (string, []simstd.RunRecord, []map[string]any) {
	t.Helper()
	dir := t.TempDir()
	results, trace := filepath.Join(dir, "results.jsonl"), filepath.Join(dir, "trace.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMGEN_EXIT_CHILD=1", "SIMGEN_RESULTS="+results, "SIMGEN_TRACE="+trace,
		"SIMGEN_UNDER_TEST=", "SIMGEN_SEED=", "SIMGEN_SEEDS=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	assert.Equal(t, 1, ee.ExitCode(), "the test fails; the process is not ended by the exit: %s", out)

	var recs []simstd.RunRecord
	for _, l := range strings.Split(strings.TrimSpace(readFile(t, results)), "\n") {
		var rec simstd.RunRecord
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		recs = append(recs, rec)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(readFile(t, trace)))
	for sc.Scan() {
		var l map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), "every trace line is whole: %q", sc.Text())
		lines = append(lines, l)
	}
	return string(out), recs, lines
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// os.Exit in a simulated test ends the run as an exit failure, reported
// with the seed, the hash, the exit code and where it was called, with a
// run record and a complete trace; the process goes on.
func TestExitInSimulation(t *testing.T) {
	if os.Getenv("SIMGEN_EXIT_CHILD") != "" {
		t.Skip("child mode")
	}
	out, recs, trace := exitChild(t, "TestExitChild")
	assert.Contains(t, out, "os.Exit(3) at exit_test.go:")
	assert.Contains(t, out, "simgen: seed 1 failed")
	assert.Contains(t, out, "hash ")
	require.Len(t, recs, 1)
	assert.Equal(t, simstd.KindExit, recs[0].Kind)
	assert.Contains(t, recs[0].Error, "os.Exit(3) at exit_test.go:")
	assert.Len(t, recs[0].Hash, 16)
	require.NotEmpty(t, trace)
	last := trace[len(trace)-1]
	assert.Equal(t, "result", last["ev"])
	assert.Equal(t, recs[0].Hash, last["hash"])
}

func TestExitChild(t *testing.T) {
	if os.Getenv("SIMGEN_EXIT_CHILD") == "" {
		t.Skip("run by TestExitInSimulation")
	}
	simstd.Test(t, func(t *testing.T) {
		done := simstd.NewChan[int](0)
		simstd.Go(func() {
			time.Sleep(time.Second)
			simos.Exit(3)
		})
		done.Recv()
	})
}

// log.Fatal is an exit whose report carries the message.
func TestLogFatalInSimulation(t *testing.T) {
	if os.Getenv("SIMGEN_EXIT_CHILD") != "" {
		t.Skip("child mode")
	}
	out, recs, _ := exitChild(t, "TestLogFatalChild")
	assert.Contains(t, out, "log.Fatal at exit_test.go:")
	require.Len(t, recs, 1)
	assert.Equal(t, simstd.KindExit, recs[0].Kind)
	assert.Contains(t, recs[0].Error, "log.Fatal at exit_test.go:")
	assert.Contains(t, recs[0].Error, ": cannot go on: 42 (goroutine 1)")
}

func TestLogFatalChild(t *testing.T) {
	if os.Getenv("SIMGEN_EXIT_CHILD") == "" {
		t.Skip("run by TestLogFatalInSimulation")
	}
	simstd.Test(t, func(t *testing.T) {
		simlog.Fatalf("cannot go on: %d", 42)
	})
}

// The same seed exits the same way: same hash, step and time.
func TestExitDeterministic(t *testing.T) {
	run := func() simstd.Result {
		return simstd.Run(simstd.Config{Seed: 5}, func() {
			for i := range 3 {
				simstd.Go(func() {
					time.Sleep(time.Duration(i) * time.Millisecond)
					simos.Exit(i + 1)
				})
			}
			simstd.NewChan[int](0).Recv()
		})
	}
	a, b := run(), run()
	var exit *simstd.ExitError
	require.ErrorAs(t, a.Err, &exit)
	assert.Equal(t, 1, exit.Code, "the first to exit ends the run")
	assert.Equal(t, simstd.KindExit, simstd.FailureKind(a.Err))
	assert.Equal(t, a.Hash, b.Hash)
	assert.Equal(t, a.Steps, b.Steps)
}

// As in Go, an exit runs no deferred call: neither the exiting goroutine's
// nor another's.
func TestExitRunsNoDeferredCalls(t *testing.T) {
	var ran []string
	r := simstd.Run(simstd.Config{Seed: 2}, func() {
		defer func() { ran = append(ran, "main") }()
		simstd.Go(func() {
			defer func() { ran = append(ran, "exiting") }()
			time.Sleep(time.Millisecond)
			simos.Exit(1)
		})
		simstd.NewChan[int](0).Recv()
	})
	var exit *simstd.ExitError
	require.ErrorAs(t, r.Err, &exit)
	assert.Empty(t, ran)
}
