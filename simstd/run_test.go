package simstd_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// racy is a program whose output depends on the interleaving: three workers
// append their steps to a shared log, yielding between steps.
func racy(out *[]string) func() {
	return func() {
		done := simstd.NewChan[bool](0)
		for w := range 3 {
			simstd.Go(func() {
				for i := range 3 {
					*out = append(*out, fmt.Sprintf("w%d.%d", w, i))
					simstd.Gosched()
				}
				done.Send(true)
			})
		}
		for range 3 {
			done.Recv()
		}
	}
}

func TestSameSeedSameRun(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		for _, st := range []simstd.Strategy{simstd.RandomWalk{}, simstd.PCT{Depth: 3}, simstd.Portfolio{}} {
			var a, b []string
			ra := simstd.Run(simstd.Config{Seed: seed, Strategy: st}, racy(&a))
			rb := simstd.Run(simstd.Config{Seed: seed, Strategy: st}, racy(&b))
			require.NoError(t, ra.Err)
			require.Equal(t, ra, rb, "seed %d", seed)
			require.Equal(t, a, b, "seed %d", seed)
		}
	}
}

func TestSeedsExploreInterleavings(t *testing.T) {
	hashes, outputs := map[uint64]bool{}, map[string]bool{}
	for seed := uint64(1); seed <= 100; seed++ {
		var out []string
		r := simstd.Run(simstd.Config{Seed: seed}, racy(&out))
		require.NoError(t, r.Err)
		hashes[r.Hash] = true
		outputs[strings.Join(out, " ")] = true
	}
	// A random walk is not uniform over interleavings (running on is likelier
	// than any one switch), so some schedules recur; most seeds still differ.
	assert.GreaterOrEqual(t, len(hashes), len(outputs))
	assert.Greater(t, len(outputs), 50)
}

func TestPCTExploresToo(t *testing.T) {
	outputs := map[string]bool{}
	for seed := uint64(1); seed <= 100; seed++ {
		var out []string
		r := simstd.Run(simstd.Config{Seed: seed, Strategy: simstd.PCT{Depth: 2, Steps: 40}}, racy(&out))
		require.NoError(t, r.Err)
		assert.Contains(t, r.Strategy, "pct")
		outputs[strings.Join(out, " ")] = true
	}
	assert.Greater(t, len(outputs), 5)
}

func TestDeadlockReport(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 3}, func() {
		c := simstd.NewChan[int](0)
		var nilc *simstd.Chan[int]
		simstd.Go(func() { c.Send(1); c.Send(2) })
		simstd.Go(func() { nilc.Recv() })
		c.Recv()
		simstd.Select(false, c.RecvCase(), nilc.SendCase(0)) // deadlockMain
		c.Recv()
	})
	var dl *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &dl)
	require.Len(t, dl.Goroutines, 2) // the sender finished after its second send
	msg := dl.Error()
	assert.Contains(t, msg, "deadlock")
	assert.Contains(t, msg, "goroutine 1 [chan receive]")
	assert.Contains(t, msg, "goroutine 3 [chan receive (nil chan)]")
	assert.Contains(t, msg, "run_test.go:")
	assert.Equal(t, "run_test.go", baseName(dl.Goroutines[0].Frames[0].File))
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func TestMainReturnEndsRunDespiteBlockedGoroutines(t *testing.T) {
	unwound, started := 0, 0
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		for range 10 {
			simstd.Go(func() {
				defer func() { unwound++ }()
				started++
				c.Recv()
			})
		}
		for started < 10 { // (a goroutine that never ran has no deferred call to run)
			simstd.Gosched()
		}
	})
	require.NoError(t, r.Err)
	assert.Equal(t, 10, unwound, "leftover goroutines are unwound")
}

func TestPanicReport(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 9}, func() {
		simstd.Go(func() {
			var m map[string]int
			//lint:ignore SA5000 the panic is the point of the test
			m["x"] = 1 // panicHere
		})
		simstd.NewChan[int](0).Recv()
	})
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Equal(t, uint64(2), pe.Goroutine)
	assert.Contains(t, pe.Error(), "panic: assignment to entry in nil map")
	assert.Contains(t, pe.Stack, "run_test.go:")
	assert.NotContains(t, pe.Stack, "internal/kernel")
	var re runtime.Error
	assert.True(t, errors.As(r.Err, &re), "the runtime.Error is unwrappable")
}

func TestRecoverInSimulatedGoroutine(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		got := simstd.NewChan[any](0)
		simstd.Go(func() {
			defer func() { got.Send(recover()) }()
			panic("caught")
		})
		if v := got.Recv(); v != "caught" {
			panic(v)
		}
	})
	require.NoError(t, r.Err)
}

func TestGoexitInGoroutine(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[string](1)
		simstd.Go(func() {
			defer c.Send("deferred ran")
			runtime.Goexit()
		})
		if v := c.Recv(); v != "deferred ran" {
			panic(v)
		}
		simstd.Go(func() { runtime.Goexit() })
		simstd.Gosched()
	})
	require.NoError(t, r.Err)
}

// Go's rule for func main: Goexit in main lets the others finish, then the
// program dies with "no goroutines (main called runtime.Goexit) - deadlock!".
func TestMainGoexit(t *testing.T) {
	finished := false
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		simstd.Go(func() { simstd.Gosched(); finished = true })
		runtime.Goexit()
	})
	assert.True(t, finished)
	assert.EqualError(t, r.Err, "no goroutines (main called runtime.Goexit) - deadlock!")

	r = simstd.Run(simstd.Config{Seed: 1, GoexitEndsRun: true}, func() { runtime.Goexit() })
	assert.NoError(t, r.Err)
}

func TestStepLimit(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1, MaxSteps: 1000}, func() {
		for {
			simstd.Gosched()
		}
	})
	var le *simstd.LimitError
	require.ErrorAs(t, r.Err, &le)
	assert.Equal(t, "steps", le.What)
	assert.Contains(t, r.Err.Error(), "livelock")
}

func TestWatchdogSpinning(t *testing.T) {
	var stop atomic.Bool
	defer stop.Store(true)
	r := simstd.Run(simstd.Config{Seed: 1, Watchdog: 200 * time.Millisecond}, func() {
		simstd.Go(func() {
			for !stop.Load() { // spinHere
			}
		})
		simstd.NewChan[int](0).Recv()
	})
	var we *simstd.WatchdogError
	require.ErrorAs(t, r.Err, &we)
	assert.Contains(t, []string{"running", "runnable"}, we.State)
	assert.Contains(t, we.Hint, "busy loop")
	assert.Contains(t, we.Stack, "run_test.go:")
	assert.Equal(t, uint64(2), we.Goroutine)
}

func TestWatchdogRealBlocking(t *testing.T) {
	real := make(chan int)
	defer close(real)
	r := simstd.Run(simstd.Config{Seed: 1, Watchdog: 200 * time.Millisecond}, func() {
		<-real // a primitive the simulation does not control
	})
	var we *simstd.WatchdogError
	require.ErrorAs(t, r.Err, &we)
	assert.Equal(t, "chan receive", we.State)
	assert.Contains(t, we.Hint, "not rewritten")
}

func TestNumGoroutine(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		for range 4 {
			simstd.Go(func() { c.Recv() })
		}
		if n := simstd.NumGoroutine(); n != 5 {
			panic(n)
		}
		c.Close()
		for simstd.NumGoroutine() > 1 {
			simstd.Gosched()
		}
	})
	require.NoError(t, r.Err)
}

func TestHundredThousandGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	const n = 100_000
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		start := simstd.NewChan[struct{}](0)
		done := simstd.NewChan[int](n)
		for i := range n {
			simstd.Go(func() {
				start.Recv()
				done.Send(i)
			})
		}
		start.Close()
		sum := 0
		for range n {
			sum += done.Recv()
		}
		if sum != n*(n-1)/2 {
			panic(sum)
		}
	})
	require.NoError(t, r.Err)
}

// A native goroutine may not complete an operation that a simulated goroutine
// waits for: it fails at once with ErrCrossWake instead of racing or hanging.
func TestNativeCannotWakeSimulated(t *testing.T) {
	shared := simstd.NewChan[int](0) // made outside the simulation, like a package-level channel
	var crossed any
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		parked := simstd.NewChan[bool](1)
		simstd.Go(func() {
			parked.Send(true)
			shared.Recv()
		})
		parked.Recv()
		for range 100 { // the other goroutine gets to block in Recv
			simstd.Gosched()
		}
		res := make(chan any) // a real channel: the native goroutine is outside the simulation
		go func() { res <- panicValue(func() { shared.Send(1) }) }()
		crossed = <-res
		shared.Send(2) // from inside the simulation: fine
	})
	require.NoError(t, r.Err)
	assert.Equal(t, kernel.ErrCrossWake, crossed)
}

// A channel outliving a run (a package-level one) does not keep the waiters
// of goroutines unwound when that run ended.
func TestChannelOutlivesRun(t *testing.T) {
	shared := simstd.NewChan[int](0)
	for seed := uint64(1); seed <= 3; seed++ {
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			simstd.Go(func() { shared.Recv() }) // left blocked when main returns
			simstd.Gosched()
			simstd.Gosched()
		})
		require.NoError(t, r.Err)
	}
	assert.Equal(t, -1, simstd.Select(true, shared.SendCase(1)), "no stale receiver left")
}

func TestReportLine(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 42}, func() { simstd.Gosched() })
	assert.Regexp(t, `^simgen: seed=42 steps=\d+ elapsed=0s hash=[0-9a-f]{16}$`, simstd.ReportLine(r))
}

func TestFailureKind(t *testing.T) {
	spin := func() {
		for {
			simstd.Gosched()
		}
	}
	for _, tc := range []struct {
		name string
		cfg  simstd.Config
		fn   func()
		kind string
	}{
		{"pass", simstd.Config{}, func() { simstd.Gosched() }, ""},
		{"panic", simstd.Config{}, func() { panic("boom") }, simstd.KindPanic},
		{"deadlock", simstd.Config{}, func() { simstd.NewChan[int](0).Recv() }, simstd.KindDeadlock},
		{"steps", simstd.Config{MaxSteps: 100}, spin, simstd.KindStepLimit},
		{"time", simstd.Config{MaxTime: time.Second}, func() {
			for {
				simtime.Sleep(time.Minute)
			}
		}, simstd.KindTimeLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Seed = 1
			r := simstd.Run(tc.cfg, tc.fn)
			require.Equal(t, tc.kind, simstd.FailureKind(r.Err), "%v", r.Err)
			rec := simstd.NewRunRecord("TestK", r, false)
			require.Equal(t, tc.kind, rec.Kind)
			require.Equal(t, "TestK", rec.Test)
			require.Equal(t, r.Steps, rec.Steps)
			require.Equal(t, int64(r.Elapsed), rec.ElapsedNS)
			require.Equal(t, fmt.Sprintf("%016x", r.Hash), rec.Hash)
			if r.Err != nil {
				require.NotEmpty(t, rec.Error)
				require.NotContains(t, rec.Error, "\n", "the first line only")
			}
		})
	}
	require.Equal(t, simstd.KindWatchdog, simstd.FailureKind(&simstd.WatchdogError{}))
	require.Equal(t, simstd.KindError, simstd.FailureKind(errors.New("other")))
	require.Equal(t, simstd.KindTest, simstd.NewRunRecord("T", simstd.Result{}, true).Kind, "a failure the test reported")
	require.Equal(t, "", simstd.NewRunRecord("T", simstd.Result{}, false).Kind)
}

// TestResultsFile runs the child tests below in processes of their own and
// checks the lines they append to SIMGEN_RESULTS, and the reproduce commands.
func TestResultsFile(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") != "" {
		t.Skip("child mode")
	}
	child := func(test string, env ...string) (string, []simstd.RunRecord) {
		file := filepath.Join(t.TempDir(), "results.jsonl")
		cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
		cmd.Env = append(os.Environ(), append([]string{"SIMGEN_RESULTS_CHILD=1", "SIMGEN_RESULTS=" + file, "SIMGEN_UNDER_TEST=", "SIMGEN_UNDER_RUN=", "SIMGEN_STRATEGY=", "SIMGEN_STEP_LIMIT=", "SIMGEN_SEED=", "SIMGEN_SEEDS=", "SIMGEN_TRACE="}, env...)...)
		out, err := cmd.CombinedOutput()
		require.Error(t, err, "the child fails: %s", out)
		data, err := os.ReadFile(file)
		require.NoError(t, err, "%s", out)
		var recs []simstd.RunRecord
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			var r simstd.RunRecord
			require.NoError(t, json.Unmarshal([]byte(line), &r), line)
			recs = append(recs, r)
		}
		return string(out), recs
	}

	out, recs := child("TestResultsChild", "SIMGEN_SEEDS=4-7", "SIMGEN_REPORT=1")
	require.Len(t, recs, 3, "seeds 4 and 5 pass, 6 deadlocks and ends the test")
	for i, r := range recs {
		assert.Equal(t, uint64(4+i), r.Seed)
		assert.Equal(t, "TestResultsChild", r.Test)
		assert.Equal(t, "random", r.Strategy)
		assert.Regexp(t, `^[0-9a-f]{16}$`, r.Hash)
		assert.Contains(t, out, fmt.Sprintf("simgen: seed=%d steps=%d elapsed=%v hash=%s", r.Seed, r.Steps, time.Duration(r.ElapsedNS), r.Hash), "SIMGEN_REPORT still prints")
	}
	assert.Equal(t, []string{"", "", simstd.KindDeadlock}, []string{recs[0].Kind, recs[1].Kind, recs[2].Kind})
	assert.Equal(t, "all goroutines are asleep - deadlock! (virtual time 0s)", recs[2].Error)
	assert.Contains(t, out, "reproduce: SIMGEN_SEED=6 go test -run '^TestResultsChild$' ./simstd")

	out, recs = child("TestResultsChild", "SIMGEN_SEED=6", "SIMGEN_UNDER_TEST=1", "SIMGEN_STEP_LIMIT=500", "SIMGEN_STRATEGY=pct:3")
	require.Len(t, recs, 1)
	assert.Equal(t, simstd.KindDeadlock, recs[0].Kind)
	assert.Contains(t, out, "reproduce: SIMGEN_STRATEGY=pct:3 simgen test --seed 6 --step-limit 500 ./simstd -- -run '^TestResultsChild$'")

	out, recs = child("TestResultsMainChild", "SIMGEN_SEED=9", "SIMGEN_STEP_LIMIT=50")
	require.Len(t, recs, 1)
	assert.Equal(t, uint64(9), recs[0].Seed)
	assert.Empty(t, recs[0].Test, "a main package")
	assert.Equal(t, simstd.KindStepLimit, recs[0].Kind)
	assert.Greater(t, recs[0].Steps, uint64(50))
	assert.Contains(t, recs[0].Error, "steps limit 50 exceeded")
	assert.Contains(t, out, "reproduce: SIMGEN_SEED=9 SIMGEN_STEP_LIMIT=50 "+os.Args[0]+" -test.run=^TestResultsMainChild$")

	out, _ = child("TestResultsMainChild", "SIMGEN_SEED=9", "SIMGEN_STEP_LIMIT=50", "SIMGEN_UNDER_RUN= --step-limit 50 ./cmd/x -- a")
	assert.Contains(t, out, "reproduce: simgen run --seed 9 --step-limit 50 ./cmd/x -- a")

	// A process the test starts (the test binary re-running itself) inherits no SIMGEN_RESULTS,
	// so the three runs of its TestResultsChild do not count as the spawner's.
	out, recs = child("TestResultsSpawner", "SIMGEN_SEEDS=4-7")
	require.Len(t, recs, 1, "%s", out)
	assert.Equal(t, "TestResultsSpawner", recs[0].Test)
	assert.Equal(t, simstd.KindTest, recs[0].Kind)
}

func TestResultsSpawner(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") == "" {
		t.Skip("run by TestResultsFile")
	}
	require.Empty(t, os.Getenv(simstd.EnvResults), "simstd took the variable out of the environment")
	out, err := exec.Command(os.Args[0], "-test.run=^TestResultsChild$").CombinedOutput()
	require.Error(t, err, "seed 6 of the spawned test deadlocks: %s", out)
	simstd.Test(t, func(t *testing.T) { t.Fatal("the spawner's own failure") })
}

func TestResultsChild(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") == "" {
		t.Skip("run by TestResultsFile")
	}
	seeds, err := simstd.Seeds()
	require.NoError(t, err)
	run := 0
	simstd.Test(t, func(t *testing.T) {
		seed := seeds[run]
		run++
		if seed == 6 {
			simstd.NewChan[int](0).Recv()
		}
	})
}

func TestResultsMainChild(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") == "" {
		t.Skip("run by TestResultsFile")
	}
	simstd.Main(func() {
		for {
			simstd.Gosched()
		}
	})
}

// readTrace reads a trace file's lines as generic objects.
func readTrace(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		lines = append(lines, m)
	}
	return lines
}

// SIMGEN_TRACE=DIR/ writes one file per run, with simstd's meta line first and its result
// line last; the RunRecord names the file, and stderr says where it is.
func TestTraceDirectory(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") != "" {
		t.Skip("child mode")
	}
	dir := filepath.Join(t.TempDir(), "traces") + "/" // created on demand
	results := filepath.Join(t.TempDir(), "results.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestResultsChild$")
	cmd.Env = append(os.Environ(), "SIMGEN_RESULTS_CHILD=1", "SIMGEN_RESULTS="+results, "SIMGEN_UNDER_TEST=", "SIMGEN_STRATEGY=", "SIMGEN_STEP_LIMIT=", "SIMGEN_SEED=", "SIMGEN_SEEDS=4-7", "SIMGEN_TRACE="+dir)
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "seed 6 deadlocks: %s", out)
	data, err := os.ReadFile(results)
	require.NoError(t, err)
	recs := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, recs, 3)
	for i, line := range recs {
		var r simstd.RunRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		path := filepath.Join(dir, fmt.Sprintf("TestResultsChild-seed%d.jsonl", 4+i))
		assert.Equal(t, path, r.Trace)
		assert.Contains(t, string(out), "simgen: trace written to "+path+"\n")
		lines := readTrace(t, path)
		first, last := lines[0], lines[len(lines)-1]
		assert.Equal(t, map[string]any{"step": 0.0, "t": 0.0, "ev": "meta", "seed": float64(4 + i), "test": "TestResultsChild"}, first)
		assert.Equal(t, "result", last["ev"])
		assert.Equal(t, r.Hash, last["hash"])
		assert.Equal(t, "random", last["strategy"])
		assert.Equal(t, float64(r.Steps), last["step"])
		assert.Equal(t, "end", lines[len(lines)-2]["ev"])
		if r.Kind == "" {
			assert.Equal(t, "ok", last["detail"])
		} else {
			assert.Equal(t, r.Error, last["detail"])
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "seed 7 did not run")
}

// SIMGEN_TRACE=FILE: the file, for one run; -seed<N> before the extension for several seeds;
// the test's name for another test in the same process.
func TestTraceFileNames(t *testing.T) {
	dir := t.TempDir()
	body := func(t *testing.T) { simstd.NewChan[int](1).Send(1) }
	records := filepath.Join(dir, "results.jsonl")
	t.Setenv(simstd.EnvResults, records)
	t.Setenv(simstd.EnvSeeds, "")
	t.Setenv(simstd.EnvSeed, "3")
	t.Setenv(simstd.EnvTrace, filepath.Join(dir, "one.jsonl"))
	simstd.Test(t, body)
	simstd.Test(t, body) // the same file again in this process
	t.Setenv(simstd.EnvSeeds, "1-2")
	t.Setenv(simstd.EnvTrace, filepath.Join(dir, "many.jsonl"))
	simstd.Test(t, body)
	t.Setenv(simstd.EnvTrace, filepath.Join(dir, "sub")+"/")
	t.Run("a/b", func(t *testing.T) { simstd.Test(t, body) })
	t.Setenv(simstd.EnvTrace, filepath.Join(dir, "sub")) // an existing directory
	t.Setenv(simstd.EnvSeeds, "")
	simstd.Test(t, body)
	simstd.Test(t, body)

	var got []string
	data, err := os.ReadFile(records)
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r simstd.RunRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		rel, err := filepath.Rel(dir, r.Trace)
		require.NoError(t, err)
		got = append(got, rel)
		assert.FileExists(t, r.Trace)
		assert.Equal(t, "meta", readTrace(t, r.Trace)[0]["ev"])
	}
	assert.Equal(t, []string{
		"one.jsonl", "one-TestTraceFileNames.jsonl",
		"many-seed1.jsonl", "many-seed2.jsonl",
		"sub/TestTraceFileNames_a_b-seed1.jsonl", "sub/TestTraceFileNames_a_b-seed2.jsonl",
		"sub/TestTraceFileNames-seed3.jsonl", "sub/TestTraceFileNames-seed3-2.jsonl",
	}, got)
}

func TestTraceFileError(t *testing.T) {
	if os.Getenv("SIMGEN_RESULTS_CHILD") != "" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestResultsChild$")
	cmd.Env = append(os.Environ(), "SIMGEN_RESULTS_CHILD=1", "SIMGEN_RESULTS=", "SIMGEN_SEEDS=", "SIMGEN_SEED=1", "SIMGEN_TRACE=/nonexistent/dir/t.jsonl")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "simgen: SIMGEN_TRACE=/nonexistent/dir/t.jsonl: creating the trace file: open /nonexistent/dir/t.jsonl: no such file or directory; set it to a writable file, or to a directory ending in /")
}
