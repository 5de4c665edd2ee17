package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/require"
)

// The tests run this test binary as the program of their jobs: with SWEEP_HELPER set it
// behaves as a simulated test binary would, as told by the variables below, and exits.
func TestMain(m *testing.M) {
	if os.Getenv("SWEEP_HELPER") != "" {
		helper()
		return
	}
	os.Exit(m.Run())
}

// helper acts out one seed: it appends the seed to HELPER_STARTED, sleeps for HELPER_SLOW
// (seed:duration,...), and fails when the seed is in HELPER_FAIL (with a record) or in
// HELPER_CRASH (exit 2 without one). With SIMGEN_TRACE it writes a trace. A seed in
// HELPER_NONDET (seed:hash or seed:fail) behaves differently the second time it runs (as
// told by a marker in HELPER_MARKS): another goroutine runs at step 2, and with "fail" the
// test fails too.
func helper() {
	seed, _ := strconv.ParseUint(os.Getenv(simstd.EnvSeed), 10, 64)
	in := func(name string) (string, bool) {
		for _, item := range strings.Split(os.Getenv(name), ",") {
			s, v, _ := strings.Cut(item, ":")
			if s == strconv.FormatUint(seed, 10) {
				return v, true
			}
		}
		return "", false
	}
	if f, err := os.OpenFile(os.Getenv("HELPER_STARTED"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666); err == nil {
		fmt.Fprintf(f, "%d\n", seed)
		f.Close()
	}
	if d, ok := in("HELPER_SLOW"); ok {
		dur, _ := time.ParseDuration(d)
		time.Sleep(dur)
	}
	if _, ok := in("HELPER_CRASH"); ok {
		fmt.Println("crashed")
		os.Exit(2)
	}
	_, fail := in("HELPER_FAIL")
	rec := simstd.RunRecord{Seed: seed, Test: "TestH", Steps: seed, ElapsedNS: int64(seed) * int64(time.Millisecond), Hash: fmt.Sprintf("%016x", seed*7919)}
	g := 2
	if how, ok := in("HELPER_NONDET"); ok {
		mark := filepath.Join(os.Getenv("HELPER_MARKS"), strconv.FormatUint(seed, 10))
		if _, err := os.Stat(mark); err == nil {
			g = 3
			rec.Hash = fmt.Sprintf("%016x", seed*7919+1)
			fail = fail || how == "fail"
		} else {
			os.WriteFile(mark, nil, 0o666)
		}
	}
	if fail {
		rec.Kind = simstd.KindTest
	}
	if dir := os.Getenv(simstd.EnvTrace); dir != "" {
		rec.Trace = filepath.Join(dir, fmt.Sprintf("TestH-seed%d.jsonl", seed))
		os.MkdirAll(dir, 0o777)
		trace := fmt.Sprintf(`{"step":0,"t":0,"ev":"meta","seed":%d,"test":"TestH"}
{"step":0,"t":0,"ev":"spawn","node":"main","g":1,"pos":"h_test.go:3"}
{"step":1,"t":0,"ev":"spawn","node":"main","g":2,"pos":"h_test.go:5"}
{"step":1,"t":0,"ev":"spawn","node":"main","g":3,"pos":"h_test.go:6"}
{"step":2,"t":0,"ev":"run","node":"main","g":%d}
{"step":2,"t":0,"ev":"end","detail":"ok"}
{"step":2,"t":0,"ev":"result","seed":%d,"hash":"%s"}
`, seed, g, seed, rec.Hash)
		os.WriteFile(rec.Trace, []byte(trace), 0o666)
	}
	data, _ := json.Marshal(rec)
	f, err := os.OpenFile(simstd.ResultsFile(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		panic(err)
	}
	f.Write(append(data, '\n'))
	f.Close()
	fmt.Printf("output of seed %d\n", seed)
	if fail {
		os.Exit(1)
	}
}

type fakeProgress struct {
	total, done, failed uint64
	finished            bool
}

func (p *fakeProgress) Update(done, failed uint64) { p.done, p.failed = done, failed }
func (p *fakeProgress) Finish()                    { p.finished = true }

type sweepRun struct {
	res      *Result
	records  []Record
	started  []uint64
	progress *fakeProgress
	wall     time.Duration
}

// sweepHelper sweeps seeds over the helper as one job per package name.
func sweepHelper(t *testing.T, ctx context.Context, set Set, workers int, keepGoing bool, env []string, pkgs ...string) sweepRun {
	t.Helper()
	return sweepHelperConfig(t, ctx, Config{Seeds: set, Workers: workers, KeepGoing: keepGoing}, env, pkgs...)
}

// sweepHelperConfig is sweepHelper with more of the Config.
func sweepHelperConfig(t *testing.T, ctx context.Context, cfg Config, env []string, pkgs ...string) sweepRun {
	t.Helper()
	if len(pkgs) == 0 {
		pkgs = []string{"./p"}
	}
	started := filepath.Join(t.TempDir(), "started")
	env = append(append(os.Environ(), "SWEEP_HELPER=1", "HELPER_STARTED="+started, simstd.EnvSeeds+"=1-5"), env...)
	var jobs []Job
	for _, p := range pkgs {
		jobs = append(jobs, Job{Package: p, Path: os.Args[0], Dir: t.TempDir(), Env: env,
			Reproduce:      func(seed uint64, test string) string { return fmt.Sprintf("repro %d %s %s", seed, p, test) },
			ReproduceCheck: func(seed uint64, test string) string { return fmt.Sprintf("repro --check %d %s %s", seed, p, test) }})
	}
	var run sweepRun
	cfg.Jobs, cfg.TempDir = jobs, t.TempDir()
	cfg.Record = func(r Record) error { run.records = append(run.records, r); return nil }
	cfg.Progress = func(total uint64) Progress {
		run.progress = &fakeProgress{total: total}
		return run.progress
	}
	start := time.Now()
	res, err := Run(ctx, cfg)
	run.wall = time.Since(start)
	require.NoError(t, err)
	run.res = res
	data, _ := os.ReadFile(started)
	for _, l := range strings.Fields(string(data)) {
		s, _ := strconv.ParseUint(l, 10, 64)
		run.started = append(run.started, s)
	}
	require.True(t, run.progress.finished)
	return run
}

func seedsOf(recs []Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		out = append(out, r.Seed)
	}
	return out
}

// comparable drops what depends on timing.
func comparable(recs []Record) []Record {
	out := slices.Clone(recs)
	for i := range out {
		out[i].WallNS = 0
	}
	return out
}

func TestSweepKeepGoing(t *testing.T) {
	set := Set{Range: Range{1, 12}}
	env := []string{"HELPER_FAIL=4,9,11", "HELPER_SLOW=2:200ms,4:150ms", "HELPER_CRASH=7"}
	one := sweepHelper(t, t.Context(), set, 1, true, env)
	four := sweepHelper(t, t.Context(), set, 4, true, env)

	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, seedsOf(four.records), "records come in seed order")
	require.Equal(t, comparable(one.records), comparable(four.records), "records do not depend on -j")
	one.res.Summary.Wall, four.res.Summary.Wall, one.res.Summary.Work, four.res.Summary.Work = 0, 0, 0, 0
	one.res.Summary.Workers, four.res.Summary.Workers = 0, 0
	one.res.Summary.Failures, four.res.Summary.Failures = comparable(one.res.Summary.Failures), comparable(four.res.Summary.Failures)
	require.Equal(t, one.res.Summary, four.res.Summary, "the summary does not depend on -j")

	s := four.res.Summary
	require.Equal(t, 12, s.Runs)
	require.Equal(t, 8, s.Passed)
	require.Equal(t, 4, s.Failed)
	require.Equal(t, map[string]int{simstd.KindTest: 3, KindExit: 1}, s.Kinds)
	require.Equal(t, uint64(0), s.NotRun)
	require.Equal(t, "1-12", s.Seeds)
	require.Equal(t, time.Duration(1+2+3+4+5+6+8+9+10+11+12)*time.Millisecond, s.Virtual, "the crashed seed recorded nothing")

	r4 := four.records[3]
	require.Equal(t, Fail, r4.Outcome)
	require.Equal(t, simstd.KindTest, r4.Kind)
	require.Equal(t, "TestH", r4.Test)
	require.Equal(t, "repro 4 ./p TestH", r4.Reproduce)
	require.Equal(t, "1-12", r4.Seeds)
	require.Equal(t, "0/1", r4.Shard)
	require.Equal(t, fmt.Sprintf("%016x", 4*7919), r4.Hash)
	require.Greater(t, r4.WallNS, int64(150*time.Millisecond))
	r7 := four.records[6]
	require.Equal(t, KindExit, r7.Kind)
	require.Equal(t, 2, r7.ExitCode)
	require.Equal(t, "repro 7 ./p ", r7.Reproduce)

	require.Len(t, four.res.Outputs, 1, "the output of the first failure of each package")
	require.Equal(t, "output of seed 4\n", string(four.res.Outputs[0].Output))
	require.Equal(t, uint64(12), four.progress.total)
	require.Equal(t, uint64(12), four.progress.done)
	require.Equal(t, uint64(4), four.progress.failed)
}

// A stopped sweep reports every seed up to the smallest failing one, whatever -j and
// whichever failure came first in wall time.
func TestSweepStopsAtSmallestFailure(t *testing.T) {
	set := Set{Range: Range{1, 40}}
	env := []string{"HELPER_FAIL=3,5", "HELPER_SLOW=3:400ms"} // 5 fails first in wall time
	for _, j := range []int{1, 4} {
		run := sweepHelper(t, t.Context(), set, j, false, env)
		require.Equal(t, []uint64{1, 2, 3}, seedsOf(run.records), "-j %d", j)
		s := run.res.Summary
		require.Equal(t, 3, s.Runs)
		require.Equal(t, 1, s.Failed)
		require.Equal(t, uint64(37), s.NotRun)
		require.False(t, s.Interrupted)
		require.Len(t, s.Failures, 1)
		require.Equal(t, uint64(3), s.Failures[0].Seed)
		require.Len(t, run.res.Outputs, 1)
		require.Equal(t, "output of seed 3\n", string(run.res.Outputs[0].Output))
		require.Less(t, slices.Max(run.started), uint64(20), "-j %d: queued seeds were not started: %v", j, run.started)
		if j == 1 {
			require.Equal(t, []uint64{1, 2, 3}, run.started)
		}
	}
}

// Seeds running after the failing one are killed, not waited for. Seed 2 fails only after
// 5 s, so that seed 3, started with it, has recorded its start even on a loaded machine.
func TestSweepKillsLaterSeeds(t *testing.T) {
	run := sweepHelper(t, t.Context(), Set{Range: Range{1, 10}}, 3, false, []string{"HELPER_FAIL=2", "HELPER_SLOW=2:5s,3:1h,4:1h"})
	require.Less(t, run.wall, 10*time.Minute, "seeds 3 and 4 sleep an hour unless killed")
	require.Equal(t, []uint64{1, 2}, seedsOf(run.records))
	require.Contains(t, run.started, uint64(3))
}

func TestSweepSeveralPackagesAndShard(t *testing.T) {
	set := Set{Range: Range{10, 20}, Shard: Shard{1, 3}} // 11, 14, 17, 20
	run := sweepHelper(t, t.Context(), set, 3, false, []string{"HELPER_FAIL=17"}, "./a", "./b")
	var got []string
	for _, r := range run.records {
		got = append(got, fmt.Sprintf("%d %s %s", r.Seed, r.Package, r.Outcome))
		require.Equal(t, "1/3", r.Shard)
		require.Equal(t, "10-20", r.Seeds)
	}
	require.Equal(t, []string{"11 ./a pass", "11 ./b pass", "14 ./a pass", "14 ./b pass", "17 ./a fail"}, got, "seed-major order; stops at the first failing (seed, package)")
	require.Equal(t, uint64(3), run.res.Summary.NotRun)
	require.Equal(t, "10-20 shard 1/3", run.res.Summary.Seeds)
}

func TestSweepInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	started := filepath.Join(t.TempDir(), "started")
	go func() { // with 2 workers, seeds 3 and 4 start once 1 and 2 are done; 3 never ends
		for {
			data, _ := os.ReadFile(started)
			if f := strings.Fields(string(data)); slices.Contains(f, "3") && slices.Contains(f, "4") {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	run := sweepHelper(t, ctx, Set{Range: Range{1, 10}}, 2, true, []string{"HELPER_SLOW=3:1h", "HELPER_STARTED=" + started})
	require.Less(t, run.wall, 10*time.Minute, "seed 3 sleeps an hour unless killed")
	s := run.res.Summary
	require.True(t, s.Interrupted)
	require.Equal(t, []uint64{1, 2}, seedsOf(run.records), "only the seeds finished in order before the interrupt")
	require.Equal(t, uint64(8), s.NotRun)
	require.Equal(t, []string{"./p"}, s.Planned, "the summary can name the package even when no seed finished")
}

func TestSweepErrors(t *testing.T) {
	_, err := Run(t.Context(), Config{Seeds: Set{Range: Range{1, 1}}})
	require.ErrorContains(t, err, "nothing to run")

	_, err = Run(t.Context(), Config{Seeds: Set{Range: Range{1, 3}}, Workers: 2, TempDir: t.TempDir(),
		Jobs: []Job{{Package: "./p", Path: filepath.Join(t.TempDir(), "missing")}}})
	require.ErrorContains(t, err, "sweep: running seed ")
	require.ErrorContains(t, err, "of ./p: ")

	boom := errors.New("disk full")
	_, err = Run(t.Context(), Config{Seeds: Set{Range: Range{1, 3}}, TempDir: t.TempDir(),
		Jobs:   []Job{{Package: "./p", Path: os.Args[0], Env: append(os.Environ(), "SWEEP_HELPER=1")}},
		Record: func(Record) error { return boom }})
	require.ErrorIs(t, err, boom)
}

// A seed whose process overruns the seed timeout fails with kind hang and the goroutines'
// stacks, and the sweep goes on. The timeout is far above what a helper run takes, however
// loaded the machine, and far below the hour the hanging seed sleeps.
func TestSweepSeedTimeout(t *testing.T) {
	cfg := Config{Seeds: Set{Range: Range{1, 3}}, Workers: 1, KeepGoing: true, SeedTimeout: 10 * time.Second}
	run := sweepHelperConfig(t, t.Context(), cfg, []string{"HELPER_SLOW=2:1h"})
	require.Less(t, run.wall, 10*time.Minute)
	require.Equal(t, []uint64{1, 2, 3}, seedsOf(run.records), "the sweep goes on after the hang")
	var outcomes []string
	for _, r := range run.records {
		outcomes = append(outcomes, r.Outcome+" "+r.Kind)
	}
	require.Equal(t, []string{"pass ", "fail hang", "pass "}, outcomes)
	require.Contains(t, run.records[1].Error, "still running after 10s of wall time")
	require.Equal(t, "repro 2 ./p ", run.records[1].Reproduce)
	require.Len(t, run.res.Outputs, 1)
	out := string(run.res.Outputs[0].Output)
	require.Contains(t, out, "SIGQUIT")
	require.Regexp(t, `goroutine \d+ .*\[sleep\]`, out, "every goroutine's stack, the sleeping one's included")
	require.Equal(t, map[string]int{KindHang: 1}, run.res.Summary.Kinds)
}
