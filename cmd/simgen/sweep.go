package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/sweep"
	"github.com/simgen/simgen/simstd"
	"github.com/spf13/cobra"
)

// sweepFlags are the flags of a seed sweep, shared by simgen test and simgen run.
type sweepFlags struct {
	seed      string
	seeds     string
	jobs      int
	keepGoing bool
	json      string
	shard     string
	shards    uint64
	trace     string // --trace DIR, made absolute by check
	checkDet  bool   // --check-determinism
	// seedTimeout is --seed-timeout: "" for the default (see seedTimeout), "off", or a
	// positive duration, as check verified.
	seedTimeout string
}

// sweeping reports whether the seeds run through the sweep machinery (one process per seed)
// rather than through a single go test or program run.
func (f *sweepFlags) sweeping() bool { return f.seeds != "" || f.checkDet }

func (f *sweepFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.seed, "seed", "", "run seed `N`")
	fl.StringVar(&f.seeds, "seeds", "", "run seeds 1..N (`N`) or A..B (A-B), each in a fresh process")
	// GOMAXPROCS, not NumCPU: it is the CPUs this process may use, a
	// container's CPU limit included, so a pod does not oversubscribe.
	fl.IntVarP(&f.jobs, "jobs", "j", runtime.GOMAXPROCS(0), "with --seeds: run `N` seeds at a time (default: the CPUs available)")
	fl.Lookup("jobs").DefValue = "the number of CPUs"
	fl.BoolVar(&f.keepGoing, "keep-going", false, "with --seeds: run every seed instead of stopping at the first failure")
	fl.StringVar(&f.json, "json", "", "with --seeds: write one JSON line per seed to `FILE` (- for stdout), for simgen merge")
	fl.StringVar(&f.shard, "shard", "", "with --seeds: run shard `i/n` of the seeds, 0 <= i < n (seeds A+i, A+i+n, ...)")
	fl.Uint64Var(&f.shards, "shards", 0, "with --seeds: the number of shards `n` when JOB_COMPLETION_INDEX gives the shard index")
	fl.StringVar(&f.trace, "trace", "", "write every run's event trace to `DIR`/<test or program>-seed<N>.jsonl (sets SIMGEN_TRACE; see simgen help trace)")
	fl.BoolVar(&f.checkDet, "check-determinism", false, "run each seed twice, each in a fresh process, and fail the seeds whose two runs differ, showing where their traces diverge")
	fl.StringVar(&f.seedTimeout, "seed-timeout", "", "with --seeds: wall time `D` a seed's process may take, e.g. 5m, or off; a seed still running then fails with kind hang and every goroutine's stack (default: 12 times the watchdog, at least 1m; off when the watchdog is)")
	cmd.MarkFlagsMutuallyExclusive("seed", "seeds")
}

// Bounds of the default --seed-timeout: a multiple of the watchdog, so that a seed the
// watchdog would catch is caught by it, and a floor, so that a loaded machine does not turn a
// slow seed into a hang.
const (
	seedTimeoutWatchdogs = 12
	minSeedTimeout       = time.Minute
)

// seedTimeoutFor returns the per-seed wall-clock bound of a sweep whose processes get env: the
// --seed-timeout given, else the default derived from the watchdog env sets; 0 for none.
func (f *sweepFlags) seedTimeoutFor(env []string) time.Duration {
	switch f.seedTimeout {
	case "off":
		return 0
	case "":
	default:
		d, _ := time.ParseDuration(f.seedTimeout) // check verified it
		return d
	}
	watchdog := kernel.DefaultWatchdog
	for _, kv := range env { // the last setting wins, as in the process
		if v, ok := strings.CutPrefix(kv, simstd.EnvWatchdog+"="); ok {
			if v == "off" {
				watchdog = 0
			} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
				watchdog = d
			}
		}
	}
	if watchdog == 0 {
		return 0
	}
	return max(seedTimeoutWatchdogs*watchdog, minSeedTimeout)
}

// check validates the flags; seeds is the set to sweep when --seeds is given.
func (f *sweepFlags) check(cmd *cobra.Command) (set sweep.Set, err error) {
	if f.seed != "" {
		if _, err := strconv.ParseUint(f.seed, 10, 64); err != nil {
			return set, fmt.Errorf("--seed %q: not a seed (a non-negative integer)", f.seed)
		}
	}
	if f.trace != "" {
		abs, err := filepath.Abs(f.trace)
		if err == nil {
			err = os.MkdirAll(abs, 0o777)
		}
		if err != nil {
			return set, fmt.Errorf("--trace %s: %v; want a directory for the trace files", f.trace, err)
		}
		f.trace = abs
	}
	if !f.sweeping() {
		for _, name := range []string{"jobs", "keep-going", "json", "shard", "shards", "seed-timeout"} {
			if cmd.Flags().Changed(name) {
				return set, fmt.Errorf("--%s is for seed sweeps: add --seeds N or --seeds A-B", name)
			}
		}
		return set, nil
	}
	if v := f.seedTimeout; v != "" && v != "off" {
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return set, fmt.Errorf("--seed-timeout %q: want a positive wall-clock duration such as 5m, or off", v)
		}
	}
	if f.jobs < 1 {
		return set, fmt.Errorf("-j %d: want at least 1 process at a time", f.jobs)
	}
	if f.seeds == "" {
		// --check-determinism on one seed: --seed N, else SIMGEN_SEED, else 1.
		seed := f.seed
		if seed == "" {
			seed = os.Getenv(simstd.EnvSeed)
		}
		if seed == "" {
			seed = "1"
		}
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			return set, fmt.Errorf("%s=%q: not a seed (a non-negative integer)", simstd.EnvSeed, seed)
		}
		set.Range = sweep.Range{Lo: n, Hi: n}
	} else if set.Range, err = sweep.ParseRange(f.seeds); err != nil {
		return set, err
	}
	if set.Shard, err = sweep.ResolveShard(f.shard, f.shards, os.Getenv); err != nil {
		return set, err
	}
	return set, nil
}

// limitFlags set the simulation limits of the runs through simstd's environment variables.
type limitFlags struct {
	timeLimit, stepLimit, watchdog string
}

func (l *limitFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&l.timeLimit, "time-limit", "", "virtual time `D` allowed per run, e.g. 10m; 0 for none (sets SIMGEN_TIME_LIMIT; default: a test's go test -timeout, 10m unless given after --; none for a program, as natively)")
	fl.StringVar(&l.stepLimit, "step-limit", "", "`N` scheduling decisions allowed per run; 0 for none (sets SIMGEN_STEP_LIMIT)")
	fl.StringVar(&l.watchdog, "watchdog", "", "wall time `D` a goroutine may run without a scheduling point, e.g. 30s, or off (sets SIMGEN_WATCHDOG; default 10s)")
}

// env validates the limits and returns them as environment variables.
func (l *limitFlags) env() ([]string, error) {
	var env []string
	if v := l.timeLimit; v != "" {
		if d, err := time.ParseDuration(v); v != "0" && (err != nil || d < 0) {
			return nil, fmt.Errorf("--time-limit %q: want a virtual duration such as 10m, or 0 for no limit", v)
		}
		env = append(env, simstd.EnvTimeLimit+"="+v)
	}
	if v := l.stepLimit; v != "" {
		if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			return nil, fmt.Errorf("--step-limit %q: want a number of scheduling decisions, or 0 for no limit", v)
		}
		env = append(env, simstd.EnvStepLimit+"="+v)
	}
	if v := l.watchdog; v != "" {
		if d, err := time.ParseDuration(v); v != "off" && (err != nil || d <= 0) {
			return nil, fmt.Errorf("--watchdog %q: want a positive wall-clock duration such as 30s, or off", v)
		}
		env = append(env, simstd.EnvWatchdog+"="+v)
	}
	return env, nil
}

// runSweep runs the sweep of jobs over set and prints the outputs of failing seeds and the
// summary to stdout (stderr when the JSON records go to stdout), progress to stderr.
func runSweep(f *sweepFlags, set sweep.Set, jobs []sweep.Job, stdout, stderr io.Writer, jsonOut *jsonWriter) error {
	out := stdout
	if jsonOut != nil && jsonOut.toStdout {
		out = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := sweep.Config{
		Seeds:     set,
		Jobs:      jobs,
		Workers:   f.jobs,
		KeepGoing: f.keepGoing,
		Progress:  func(total uint64) sweep.Progress { return sweep.NewProgress(stderr, total) },

		TraceDir:         f.trace,
		CheckDeterminism: f.checkDet,
		SeedTimeout:      f.seedTimeoutFor(jobsEnv(jobs)),
	}
	if jsonOut != nil {
		cfg.Record = jsonOut.write
	}
	res, err := sweep.Run(ctx, cfg)
	if jsonOut != nil {
		if cerr := jsonOut.close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	for _, fo := range res.Outputs {
		fmt.Fprintf(out, "=== simgen: output of seed %d of %s\n", fo.Record.Seed, fo.Record.Package)
		out.Write(fo.Output)
		if n := len(fo.Output); n > 0 && fo.Output[n-1] != '\n' {
			fmt.Fprintln(out)
		}
	}
	res.Summary.Write(out)
	if f.trace != "" {
		fmt.Fprintf(out, "simgen: traces in %s (simgen trace view FILE draws one)\n", f.trace)
	}
	switch {
	case res.Summary.Interrupted:
		return exitCode(130)
	case res.Summary.Failed > 0:
		return exitCode(1)
	}
	return nil
}

// jsonWriter writes --json records, one line each.
type jsonWriter struct {
	w        *bufio.Writer
	f        *os.File // nil for stdout
	toStdout bool
}

// openJSON opens the --json destination: "" for none, - for stdout, or a file it creates.
func openJSON(name string, stdout io.Writer) (*jsonWriter, error) {
	switch name {
	case "":
		return nil, nil
	case "-":
		return &jsonWriter{w: bufio.NewWriter(stdout), toStdout: true}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("--json: %w", err)
	}
	return &jsonWriter{w: bufio.NewWriter(f), f: f}, nil
}

func (j *jsonWriter) write(rec sweep.Record) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	j.w.Write(append(line, '\n'))
	if j.toStdout {
		return j.w.Flush() // a reader of the pipe sees each seed as it is done
	}
	return nil
}

func (j *jsonWriter) close() error {
	err := j.w.Flush()
	if j.f != nil {
		err = errors.Join(err, j.f.Close())
	}
	if err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	return nil
}

// reproduceFlags repeats the flags that change a run, for reproduce commands; each flag
// is preceded by a space.
func reproduceFlags(tags, native []string, allow bool, l *limitFlags) string {
	var b strings.Builder
	if len(tags) > 0 {
		b.WriteString(" --tags " + shellQuote(strings.Join(tags, ",")))
	}
	if len(native) > 0 {
		b.WriteString(" --native " + shellQuote(strings.Join(native, ",")))
	}
	if allow {
		b.WriteString(" --allow")
	}
	for _, f := range []struct{ name, v string }{{"time-limit", l.timeLimit}, {"step-limit", l.stepLimit}, {"watchdog", l.watchdog}} {
		if f.v != "" {
			fmt.Fprintf(&b, " --%s %s", f.name, shellQuote(f.v))
		}
	}
	return b.String()
}

// strategyPrefix repeats the settings of the schedule (SIMGEN_STRATEGY, SIMGEN_COMPUTE,
// SIMGEN_LIVELOCK) in front of reproduce commands, as simstd does.
func strategyPrefix() string {
	return envSettings(os.Environ(), simstd.EnvStrategy, simstd.EnvCompute, simstd.EnvLivelock)
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// traceEnv returns the SIMGEN_TRACE setting for --trace outside sweeps, or nil.
func (f *sweepFlags) traceEnv() []string {
	if f.trace == "" {
		return nil
	}
	return []string{simstd.EnvTrace + "=" + f.trace + string(filepath.Separator)}
}

// jobsEnv returns the environment of the sweep's processes: every job's is the same.
func jobsEnv(jobs []sweep.Job) []string {
	if len(jobs) == 0 {
		return nil
	}
	return jobs[0].Env
}
