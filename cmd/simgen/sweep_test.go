package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/sweep"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kindsTest fails in a different way for each seed, so that one sweep shows every failure
// kind: seed 1 passes (one virtual second), 2 fails the test, 3 panics, 4 deadlocks, 5 hits
// the step limit, 6 the virtual time limit, 7 the watchdog, and 8 dies in init, outside any
// simulation.
const kindsTest = `package kinds

import (
	"os"
	"runtime"
	"testing"
	"time"
)

var spins int

func init() {
	if os.Getenv("SIMGEN_SEED") == "8" {
		panic("init fails for seed 8")
	}
}

func TestKinds(t *testing.T) {
	switch os.Getenv("SIMGEN_SEED") {
	case "2":
		t.Fatal("deliberate")
	case "3":
		panic("boom")
	case "4":
		<-make(chan int)
	case "5":
		for {
			runtime.Gosched()
		}
	case "6":
		for {
			time.Sleep(time.Minute)
		}
	case "7":
		for spins >= 0 { // no scheduling point (an atomic load would be one)
			spins = (spins + 1) % 7
		}
	}
	time.Sleep(time.Second)
}
`

// kindsFlags' watchdog is what seed 7 waits for; it is long enough that a busy machine does
// not starve a passing seed past it.
var kindsFlags = []string{"--step-limit", "1000", "--time-limit", "10m", "--watchdog", "5s"}

func readRecords(t *testing.T, path string) []sweep.Record {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var recs []sweep.Record
	require.NoError(t, sweep.ReadRecords(bufio.NewReader(f), path, func(r sweep.Record) error {
		recs = append(recs, r)
		return nil
	}))
	return recs
}

// timeLine is the summary line that depends on timing and -j.
var timeLine = regexp.MustCompile(`(?m)^simgen: virtual time .*\n`)

func TestSweepFailureKinds(t *testing.T) {
	dir := module(t, map[string]string{"kinds/kinds_test.go": kindsTest})
	out := filepath.Join(dir, "out.json")
	args := append([]string{"test", "./kinds", "--seeds", "1-8", "--keep-going", "-j", "3", "--json", out}, kindsFlags...)
	r := simgen(t, dir, nil, args...)
	require.Equal(t, 1, r.code, r.stdout+r.stderr)

	recs := readRecords(t, out)
	var kinds []string
	for i, rec := range recs {
		require.Equal(t, uint64(i+1), rec.Seed, "records in seed order")
		require.Equal(t, "./kinds", rec.Package)
		require.Equal(t, "1-8", rec.Seeds)
		require.Equal(t, "0/1", rec.Shard)
		require.Positive(t, rec.WallNS)
		kinds = append(kinds, rec.Outcome+" "+rec.Kind)
	}
	require.Equal(t, []string{"pass ", "fail test", "fail panic", "fail deadlock", "fail step-limit", "fail time-limit", "fail watchdog", "fail exit"}, kinds)

	pass := recs[0]
	assert.Equal(t, []string{"TestKinds"}, pass.Tests)
	assert.Equal(t, int64(1e9), pass.ElapsedNS, "one virtual second")
	assert.Regexp(t, `^[0-9a-f]{16}$`, pass.Hash)
	assert.Positive(t, pass.Steps)
	assert.Equal(t, "simgen test --seed 1 --time-limit 10m --step-limit 1000 --watchdog 5s ./kinds", pass.Reproduce)
	assert.Equal(t, "simgen test --seed 5 --time-limit 10m --step-limit 1000 --watchdog 5s ./kinds -- -run '^TestKinds$'", recs[4].Reproduce)
	assert.Equal(t, "TestKinds", recs[3].Test)
	assert.Contains(t, recs[3].Error, "deadlock")
	assert.Equal(t, int64(10*60e9), recs[5].ElapsedNS, "stopped at the virtual time limit")
	assert.Equal(t, 2, recs[7].ExitCode)
	assert.Empty(t, recs[7].Tests, "no simulation ran")

	assert.Contains(t, r.stdout, "simgen: 8 seeds run (1-8, ./kinds): 1 passed, 7 failed (deadlock: 1, process failed: 1, panic: 1, step limit: 1, test failure: 1, virtual time limit: 1, watchdog: 1)\n")
	assert.Regexp(t, `simgen: virtual time 10m\d.*s in wall time .* seeds/s with -j 3\n`, r.stdout)
	assert.Contains(t, r.stdout, "=== simgen: output of seed 2 of ./kinds\n", "the output of the first failure")
	assert.Contains(t, r.stdout, "deliberate")
	assert.Contains(t, r.stdout, "simgen: seed 4 of 1-8 failed; reproduce: simgen test --seed 4 --time-limit 10m --step-limit 1000 --watchdog 5s ./kinds -- -run '^TestKinds$'\n    deadlock in TestKinds: all goroutines are asleep - deadlock!")
	assert.Contains(t, r.stdout, "simgen: seed 8 of 1-8 failed; reproduce: simgen test --seed 8 --time-limit 10m --step-limit 1000 --watchdog 5s ./kinds\n    process failed with exit status 2\n")
	assert.NotContains(t, r.stderr, "simgen: 1/8", "no progress line for a short sweep")

	// The reproduce command fails the same way, with the same trace hash.
	repro := strings.Fields(strings.ReplaceAll(recs[4].Reproduce, "'", ""))[1:]
	r2 := simgen(t, dir, []string{"SIMGEN_REPORT=1"}, append(repro, "-count=1")...)
	assert.Equal(t, 1, r2.code)
	assert.Contains(t, r2.stdout, "steps limit 1000 exceeded")
	assert.Contains(t, r2.stdout+r2.stderr, "hash="+recs[4].Hash)
	assert.Contains(t, r2.stdout, "reproduce: "+strings.Replace(recs[4].Reproduce, " -- ", " -- -count=1 ", 1), "simstd prints the same command, with the replay's -count=1")

	// Stopping at the first failure reports the same seeds whatever -j.
	var summaries []string
	for _, j := range []string{"1", "4"} {
		r := simgen(t, dir, nil, append([]string{"test", "./kinds", "--seeds", "1-8", "-j", j}, kindsFlags...)...)
		require.Equal(t, 1, r.code, r.stdout+r.stderr)
		summaries = append(summaries, timeLine.ReplaceAllString(r.stdout, ""))
	}
	assert.Equal(t, summaries[0], summaries[1])
	assert.Contains(t, summaries[0], "simgen: 2 seeds run (1-8, ./kinds): 1 passed, 1 failed (test failure: 1)\nsimgen: stopped at the first failure; 6 seeds not run (--keep-going runs every seed)\n")
}

// Shards run interleaved slices of the range; simgen merge puts their --json files together.
func TestSweepShardsAndMerge(t *testing.T) {
	dir := module(t, map[string]string{"kinds/kinds_test.go": kindsTest})
	base := append([]string{"test", "./kinds", "--seeds", "1-8", "--keep-going"}, kindsFlags...)
	r := simgen(t, dir, nil, append(base, "--shard", "0/2", "--json", "s0.json")...)
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: 4 seeds run (1-8 shard 0/2, ./kinds): 1 passed, 3 failed")
	var seeds []uint64
	for _, rec := range readRecords(t, filepath.Join(dir, "s0.json")) {
		seeds = append(seeds, rec.Seed)
	}
	assert.Equal(t, []uint64{1, 3, 5, 7}, seeds)

	// A Kubernetes Indexed Job gives the index in JOB_COMPLETION_INDEX; --json - writes to
	// stdout and moves the summary to stderr.
	r = simgen(t, dir, []string{"JOB_COMPLETION_INDEX=1", "SIMGEN_SHARDS=2"}, append(base, "--json", "-")...)
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "simgen: 4 seeds run (1-8 shard 1/2, ./kinds): 0 passed, 4 failed")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s1.json"), []byte(r.stdout), 0o666))
	var recs []sweep.Record
	require.NoError(t, sweep.ReadRecords(strings.NewReader(r.stdout), "stdout", func(r sweep.Record) error { recs = append(recs, r); return nil }))
	require.Len(t, recs, 4)
	assert.Equal(t, uint64(2), recs[0].Seed)
	assert.Equal(t, "1/2", recs[0].Shard)

	r = simgen(t, dir, nil, "merge", "s0.json", "s1.json")
	assert.Equal(t, 1, r.code, "seeds failed")
	assert.Contains(t, r.stdout, "simgen: 8 seeds run (1-8 in 2 shards, ./kinds): 1 passed, 7 failed (deadlock: 1, process failed: 1, panic: 1, step limit: 1, test failure: 1, virtual time limit: 1, watchdog: 1)\n")
	assert.Contains(t, r.stdout, "in process time")
	assert.Regexp(t, `(?s)seed 2 of 1-8 failed.*seed 3 of 1-8 failed.*seed 8 of 1-8 failed`, r.stdout, "failures by seed across shards")
	assert.Empty(t, r.stderr)

	r = simgen(t, dir, nil, "merge", "s1.json")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "simgen: no results for ./kinds from shard 0 of 2 (seeds 1-8)")

	pass := filepath.Join(dir, "pass.json")
	var lines []string
	for _, l := range strings.Split(read(t, filepath.Join(dir, "s0.json")), "\n") {
		if strings.Contains(l, `"outcome":"pass"`) {
			lines = append(lines, l)
		}
	}
	require.NoError(t, os.WriteFile(pass, []byte(strings.Join(lines, "\n")), 0o666))
	r = simgen(t, dir, nil, "merge", pass)
	assert.Equal(t, 1, r.code, "no seed failed, but shard 1 is missing")
	assert.Contains(t, r.stdout, "simgen: 1 seed run (1-8 in 2 shards with shard 1 missing, ./kinds): 1 passed, 0 failed\n")
	assert.Contains(t, r.stderr, "no results for ./kinds from shard 1 of 2")
}

const deadlockMain = `package main

func main() {
	<-make(chan int)
}
`

func TestRunCommand(t *testing.T) {
	dir := module(t, map[string]string{"counter/counter.go": counter, "cmd/x/main.go": mainPkg, "cmd/dl/main.go": deadlockMain})

	r := simgen(t, dir, nil, "run", "--seeds", "1-4", "-j", "2", "./cmd/x", "./counter")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: 4 seeds run (1-4, ./cmd/x): 4 passed, 0 failed\n")
	assert.False(t, exists(filepath.Join(dir, "_simgen")), "simgen run leaves the module's tree alone")

	r = simgen(t, dir, nil, "run", "--seed", "7", "./cmd/x", "./counter", "--", "exit")
	assert.Equal(t, 3, r.code, "the program's exit status")
	assert.Equal(t, "count 3\n", r.stdout)

	r = simgen(t, dir, nil, "run", "--seeds", "2-3", "--json", "x.json", "./cmd/x", "./counter", "--", "exit")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "simgen: 1 seed run (2-3, ./cmd/x): 0 passed, 1 failed (process failed: 1)\n")
	assert.Contains(t, r.stdout, "simgen: seed 2 of 2-3 failed; reproduce: simgen run --seed 2 ./cmd/x ./counter -- exit\n    process failed with exit status 3: os.Exit(3) at main.go:15 (goroutine 1)\n")
	recs := readRecords(t, filepath.Join(dir, "x.json"))
	require.Len(t, recs, 1)
	assert.Equal(t, sweep.KindExit, recs[0].Kind)
	require.Len(t, recs[0].Runs, 1, "os.Exit in the simulation is a run that ended by exiting")
	assert.Equal(t, "exit", recs[0].Runs[0].Kind)
	assert.Equal(t, "os.Exit(3) at main.go:15 (goroutine 1)", recs[0].Error)
	assert.Len(t, recs[0].Hash, 16)

	r = simgen(t, dir, nil, "run", "--seeds", "1-2", "--keep-going", "--watchdog", "off", "./cmd/dl")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "simgen: 2 seeds run (1-2, ./cmd/dl): 0 passed, 2 failed (deadlock: 2)\n")
	assert.Contains(t, r.stdout, "reproduce: simgen run --seed 1 --watchdog off ./cmd/dl", "from the output of the seed: simstd.Main")
	assert.Contains(t, r.stdout, "simgen: seed 2 of 1-2 failed; reproduce: simgen run --seed 2 --watchdog off ./cmd/dl\n    deadlock: all goroutines are asleep - deadlock!")

	r = simgen(t, dir, nil, "run", "./counter")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no main package in ./counter")
	r = simgen(t, dir, nil, "run", "./cmd/...")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "2 main packages in ./cmd/... (example.com/m/cmd/dl, example.com/m/cmd/x)")
}

// Bad flags fail at once, before anything is built, with a message saying what to do.
func TestSweepBadFlags(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.json"), []byte("hello\n"), 0o666))
	for _, tc := range []struct {
		args []string
		env  []string
		msg  string
	}{
		{args: []string{"test", "--seeds", "5-2"}, msg: `--seeds "5-2": want N (seeds 1 to N) or A-B (seeds A to B, A <= B)`},
		{args: []string{"test", "--seeds", "10", "-j", "0"}, msg: "-j 0: want at least 1 process at a time"},
		{args: []string{"test", "--json", "x.json"}, msg: "--json is for seed sweeps: add --seeds N or --seeds A-B"},
		{args: []string{"run", "--keep-going"}, msg: "--keep-going is for seed sweeps"},
		{args: []string{"test", "--seeds", "10", "--shard", "2/2"}, msg: `--shard "2/2": want i/n, shard i of n with 0 <= i < n`},
		{args: []string{"test", "--seeds", "10"}, env: []string{"JOB_COMPLETION_INDEX=1"}, msg: "JOB_COMPLETION_INDEX=1 is set but not the number of shards: pass --shards N or set SIMGEN_SHARDS=N"},
		{args: []string{"test", "--seeds", "10", "--shards", "3"}, msg: "--shards 3 without a shard index"},
		{args: []string{"test", "--seeds", "10", "--watchdog", "0"}, msg: `--watchdog "0": want a positive wall-clock duration such as 30s, or off`},
		{args: []string{"test", "--seed", "1", "--time-limit", "soon"}, msg: `--time-limit "soon": want a virtual duration such as 10m, or 0 for no limit`},
		{args: []string{"run", "--step-limit", "-1"}, msg: `--step-limit "-1": want a number of scheduling decisions`},
		{args: []string{"test", "--seed", "x"}, msg: `--seed "x": not a seed`},
		{args: []string{"test", "--seeds", "3", "--seed-timeout", "0"}, msg: `--seed-timeout "0": want a positive wall-clock duration such as 5m, or off`},
		{args: []string{"test", "--seed-timeout", "1m"}, msg: "--seed-timeout is for seed sweeps"},
		{args: []string{"test", "--seed", "1", "--seeds", "2"}, msg: "[seed seeds] were all set"},
		{args: []string{"test", "--seeds", "3", "--", "-exec", "foo"}, msg: "go test's -exec cannot be used with it"},
		{args: []string{"merge"}, msg: "requires at least 1 arg(s)"},
		{args: []string{"merge", "missing.json"}, msg: "missing.json: no such file or directory"},
		{args: []string{"merge", "bad.json"}, msg: "bad.json:1: not a simgen result line"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := simgen(t, dir, tc.env, tc.args...)
			assert.NotEqual(t, 0, r.code)
			assert.Contains(t, r.stderr, tc.msg)
		})
	}
}

func TestRecordJSONFields(t *testing.T) {
	data, err := json.Marshal(sweep.Record{Seed: 3, Package: "./p", Outcome: sweep.Fail, Kind: "deadlock", Test: "TestX", Tests: []string{"TestX"}})
	require.NoError(t, err)
	for _, field := range []string{"seed", "package", "tests", "test", "outcome", "kind", "steps", "elapsed_ns", "hash", "wall_ns", "seeds", "shard"} {
		assert.Contains(t, string(data), `"`+field+`":`)
	}
}

// A suite written against simstd runs its own simulations: --as-is sweeps it
// without generating a variant (which would wrap its tests in simstd.Test,
// one simulation inside another), and its reproduce commands say --as-is.
func TestSweepAsIs(t *testing.T) {
	dir := module(t, map[string]string{
		"suite/suite_test.go": `package suite

import (
	"testing"

	"github.com/simgen/simgen/simstd"
)

func TestSuite(t *testing.T) {
	seeds, err := simstd.Seeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		_, verdict, err := simstd.RunJudged(t.Name(), seed, func() {
			c := simstd.NewChan[int](0)
			simstd.Go(func() { c.Send(1) })
			c.Recv()
		}, func(r simstd.Result) string {
			if r.Err != nil {
				return r.Err.Error()
			}
			if seed == 7 {
				return "seven is unlucky"
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		if verdict != "" {
			t.Fatalf("seed %d failed: %s", seed, verdict)
		}
	}
}
`,
	})
	res := simgen(t, dir, nil, "test", "--as-is", "./suite", "--seeds", "1-10", "-j", "2", "--", "-run", "^TestSuite$")
	require.Equal(t, 1, res.code, "%s\n%s", res.stdout, res.stderr)
	t.Logf("stdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)
	require.Contains(t, res.stdout+res.stderr, "7 seeds run")
	require.Contains(t, res.stdout+res.stderr, "simgen test --seed 7 --as-is ./suite -- -run '^TestSuite$'")
}

// hangTest passes, then for seed 1 blocks in TestMain, outside any simulation, on a channel
// that a native goroutine closes only after a day of wall time.
const hangTest = `package hang

import (
	"os"
	"testing"
	"time"
)

func TestHang(t *testing.T) {}

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("SIMGEN_SEED") == "1" {
		done := make(chan int)
		go func() {
			time.Sleep(24 * time.Hour)
			close(done)
		}()
		<-done
	}
	os.Exit(code)
}
`

// A seed blocked outside the simulation fails with kind hang after --seed-timeout, with every
// goroutine's stack and the reproduce line, and the sweep goes on. The timeout is far above
// what a passing seed takes on a loaded machine and far below the day the hanging one waits.
func TestSweepHang(t *testing.T) {
	dir := module(t, map[string]string{"hang/hang_test.go": hangTest})
	r := simgen(t, dir, nil, "test", "./hang", "--seeds", "1-2", "--keep-going", "-j", "1", "--seed-timeout", "10s", "--json", "out.json")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: 2 seeds run (1-2, ./hang): 1 passed, 1 failed (hang: 1)\n")
	assert.Contains(t, r.stdout, "simgen: seed 1 of 1-2 failed; reproduce: simgen test --seed 1 ./hang\n    hang: the process was still running after 10s of wall time (--seed-timeout)")
	assert.Regexp(t, `(?s)=== simgen: output of seed 1 of ./hang\n.*SIGQUIT`, r.stdout)
	for _, stack := range []string{`(?s)\[chan receive\]:\n.*?hang.TestMain\(.*?\n\s+hang_test.go:19 `, `(?s)\[sleep\]:\n.*?hang.TestMain.func1\(.*?\n\s+hang_test.go:16 `} {
		assert.Regexp(t, stack, r.stdout, "every goroutine's stack: the blocked receive and the sleeping sender")
	}
	recs := readRecords(t, filepath.Join(dir, "out.json"))
	require.Len(t, recs, 2)
	assert.Equal(t, "hang", recs[0].Kind)
	assert.Equal(t, sweep.Pass, recs[1].Outcome, "the sweep went on to the next seed")
}

func TestSeedTimeoutDefault(t *testing.T) {
	for _, tc := range []struct {
		flag string
		env  []string
		want time.Duration
	}{
		{want: 2 * time.Minute}, // 12 times the default watchdog
		{env: []string{"SIMGEN_WATCHDOG=1s"}, want: time.Minute},
		{env: []string{"SIMGEN_WATCHDOG=1s", "SIMGEN_WATCHDOG=30s"}, want: 6 * time.Minute},
		{env: []string{"SIMGEN_WATCHDOG=off"}, want: 0},
		{flag: "off", want: 0},
		{flag: "90s", env: []string{"SIMGEN_WATCHDOG=off"}, want: 90 * time.Second},
	} {
		f := sweepFlags{seedTimeout: tc.flag}
		assert.Equal(t, tc.want, f.seedTimeoutFor(tc.env), "%q %v", tc.flag, tc.env)
	}
}
