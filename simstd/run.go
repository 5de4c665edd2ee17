package simstd

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/simgen/simgen/internal/modpath"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// DefaultTimeLimit returns the virtual time after which a run fails unless
// SIMGEN_TIME_LIMIT says otherwise (0: no limit). A default limit never fails
// a run that would succeed natively:
//   - a program (Main) has none, as Go has none;
//   - a test's follows its go test -timeout (none with -timeout 0): a test
//     that needs more virtual time would not finish natively either. It is
//     at least testTimeLimitFloor, since a simulated test may sleep through
//     hours of virtual time in milliseconds.
//
// A livelock is caught by livelock detection (SIMGEN_LIVELOCK), with or
// without a limit.
func DefaultTimeLimit() time.Duration {
	f := flag.Lookup("test.timeout")
	if f == nil {
		return 0 // not a test binary
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return 0
	}
	d, ok := g.Get().(time.Duration)
	if !ok || d <= 0 {
		return 0
	}
	return max(d, testTimeLimitFloor)
}

// testTimeLimitFloor is the least default virtual time limit of a test.
const testTimeLimitFloor = time.Hour

// Environment variables read by Test and Main.
const (
	EnvSeed      = "SIMGEN_SEED"       // one seed
	EnvSeeds     = "SIMGEN_SEEDS"      // "N" (seeds 1..N) or "A-B" (inclusive)
	EnvStrategy  = "SIMGEN_STRATEGY"   // random | pct | pct:DEPTH | portfolio
	EnvStepLimit = "SIMGEN_STEP_LIMIT" // scheduling decisions per run; 0: none
	EnvTimeLimit = "SIMGEN_TIME_LIMIT" // virtual time per run, e.g. 10m; 0: none
	EnvWatchdog  = "SIMGEN_WATCHDOG"   // wall time without a sync point, e.g. 30s; off: disabled
	EnvCompute   = "SIMGEN_COMPUTE"    // virtual compute time per scheduling decision: 10us (the default), a range drawn per seed (1us-16us; seeded), or off
	EnvLivelock  = "SIMGEN_LIVELOCK"   // decisions with no goroutine blocking and no timer firing before a livelock is reported; off: never
	EnvReport    = "SIMGEN_REPORT"     // 1: print a one-line summary of every run to stderr
	EnvResults   = "SIMGEN_RESULTS"    // file to which every run appends one JSON line (a RunRecord)
	EnvTrace     = "SIMGEN_TRACE"      // file, or directory (ending in /), to which every run writes its event trace

	// EnvUnderSimgenTest is set by `simgen test` for the test processes it
	// starts, so that reproduce commands name simgen test instead of go test
	// (which would run the original, native package).
	EnvUnderSimgenTest = "SIMGEN_UNDER_TEST"

	// EnvUnderSimgenRun is set by `simgen run` for the programs it starts: the
	// arguments of the reproduce command after "simgen run --seed N".
	EnvUnderSimgenRun = "SIMGEN_UNDER_RUN"
)

// Seeds returns the seeds selected by SIMGEN_SEEDS or SIMGEN_SEED (default: 1).
func Seeds() ([]uint64, error) {
	if v := os.Getenv(EnvSeeds); v != "" {
		return parseSeeds(v)
	}
	if v := os.Getenv(EnvSeed); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: not a seed (a non-negative integer)", EnvSeed, v)
		}
		return []uint64{n}, nil
	}
	return []uint64{1}, nil
}

// parseSeeds parses "N" (1..N) or "A-B".
func parseSeeds(v string) ([]uint64, error) {
	lo, hi := uint64(1), uint64(0)
	var err error
	if a, b, ok := strings.Cut(v, "-"); ok {
		lo, err = strconv.ParseUint(a, 10, 64)
		if err == nil {
			hi, err = strconv.ParseUint(b, 10, 64)
		}
	} else {
		hi, err = strconv.ParseUint(v, 10, 64)
	}
	if err != nil || hi < lo {
		return nil, fmt.Errorf("%s=%q: want N (seeds 1 to N) or A-B (seeds A to B, A <= B)", EnvSeeds, v)
	}
	seeds := make([]uint64, 0, hi-lo+1)
	for s := lo; ; s++ {
		seeds = append(seeds, s)
		if s == hi {
			return seeds, nil
		}
	}
}

// ConfigFromEnv returns the Config for seed with the strategy and limits
// given by the environment (see the Env constants).
func ConfigFromEnv(seed uint64) (Config, error) {
	cfg := Config{Seed: seed, MaxTime: DefaultTimeLimit()}
	if v := os.Getenv(EnvStrategy); v != "" {
		st, err := ParseStrategy(v)
		if err != nil {
			return cfg, err
		}
		cfg.Strategy = st
	}
	if v := os.Getenv(EnvStepLimit); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("%s=%q: want a number of steps", EnvStepLimit, v)
		}
		cfg.MaxSteps = n
	}
	if v := os.Getenv(EnvTimeLimit); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			return cfg, fmt.Errorf("%s=%q: want a duration such as 10m, or 0", EnvTimeLimit, v)
		}
		cfg.MaxTime = d
	}
	if v := os.Getenv(EnvCompute); v != "" {
		lo, hi, err := parseCompute(v)
		if err != nil {
			return cfg, fmt.Errorf("%s=%q: want a duration such as 10us, a range such as 1us-16us drawn per seed, seeded (1us-16us) or off", EnvCompute, v)
		}
		cfg.StepCost, cfg.StepCostMax = lo, hi
	}
	if v := os.Getenv(EnvLivelock); v != "" {
		if v == "off" {
			cfg.LivelockSteps = -1
		} else if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			cfg.LivelockSteps = n
		} else {
			return cfg, fmt.Errorf("%s=%q: want a number of scheduling decisions, or off", EnvLivelock, v)
		}
	}
	if v := os.Getenv(EnvWatchdog); v != "" {
		if v == "off" {
			cfg.Watchdog = -1
		} else if d, err := parseDuration(v); err == nil && d > 0 {
			cfg.Watchdog = d
		} else {
			return cfg, fmt.Errorf("%s=%q: want a positive duration such as 30s, or off", EnvWatchdog, v)
		}
	}
	return cfg, nil
}

// parseCompute parses SIMGEN_COMPUTE into Config.StepCost and StepCostMax.
func parseCompute(v string) (lo, hi time.Duration, err error) {
	switch v {
	case "off":
		return -1, 0, nil
	case "seeded":
		v = "1us-16us"
	}
	a, b, isRange := strings.Cut(v, "-")
	lo, err = time.ParseDuration(a)
	if err == nil && isRange {
		hi, err = time.ParseDuration(b)
	}
	if err != nil || lo <= 0 || isRange && hi <= lo {
		return 0, 0, errors.New("bad compute cost")
	}
	return lo, hi, nil
}

func parseDuration(v string) (time.Duration, error) {
	if v == "0" {
		return 0, nil
	}
	return time.ParseDuration(v)
}

// ParseStrategy parses random, pct, pct:DEPTH or portfolio.
func ParseStrategy(v string) (Strategy, error) {
	switch {
	case v == "random":
		return RandomWalk{}, nil
	case v == "portfolio":
		return Portfolio{}, nil
	case v == "pct":
		return PCT{}, nil
	case strings.HasPrefix(v, "pct:"):
		d, err := strconv.Atoi(v[len("pct:"):])
		if err == nil && d > 0 {
			return PCT{Depth: d}, nil
		}
	}
	return nil, fmt.Errorf("%s=%q: want random, pct, pct:DEPTH or portfolio", EnvStrategy, v)
}

// ReportLine is the one-line summary printed for SIMGEN_REPORT=1.
func ReportLine(r Result) string {
	return fmt.Sprintf("simgen: seed=%d steps=%d elapsed=%v hash=%016x", r.Seed, r.Steps, r.Elapsed, r.Hash)
}

func report(r Result) {
	if os.Getenv(EnvReport) == "1" {
		fmt.Fprintln(os.Stderr, ReportLine(r))
	}
}

// Failure kinds: how a run failed, in RunRecord.Kind.
const (
	KindTest      = "test"       // the test reported a failure (t.Error, t.Fatal, ...)
	KindPanic     = "panic"      // a simulated goroutine panicked (*PanicError)
	KindDeadlock  = "deadlock"   // every goroutine blocked, no timer pending (*DeadlockError)
	KindStepLimit = "step-limit" // SIMGEN_STEP_LIMIT reached (*LimitError)
	KindTimeLimit = "time-limit" // SIMGEN_TIME_LIMIT reached (*LimitError)
	KindWatchdog  = "watchdog"   // a goroutine ran too long without a scheduling point (*WatchdogError)
	KindExit      = "exit"       // the program exited: os.Exit, log.Fatal (*ExitError)
	KindFatal     = "fatal"      // a fatal runtime error, which Go does not let a program recover from (*FatalError)
	KindLivelock  = "livelock"   // goroutines kept running with none blocking and no timer firing (*LivelockError)
	KindError     = "error"      // any other error ending the run
)

// FailureKind classifies the error that ended a run: "" for nil, else one of
// the Kind constants other than KindTest.
func FailureKind(err error) string {
	var (
		pe *PanicError
		de *DeadlockError
		le *LimitError
		we *WatchdogError
		xe *ExitError
		fe *FatalError
		ll *LivelockError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &xe):
		return KindExit
	case errors.As(err, &fe):
		return KindFatal
	case errors.As(err, &we):
		return KindWatchdog
	case errors.As(err, &de):
		return KindDeadlock
	case errors.As(err, &ll):
		return KindLivelock
	case errors.As(err, &le):
		if le.What == "steps" {
			return KindStepLimit
		}
		return KindTimeLimit
	case errors.As(err, &pe):
		return KindPanic
	}
	return KindError
}

// RunRecord is the JSON line that every run of Test and Main appends to the
// file named by SIMGEN_RESULTS. simgen test --seeds reads it to report each
// seed's steps, virtual time, hash and failure kind.
type RunRecord struct {
	Seed      uint64 `json:"seed"`
	Test      string `json:"test,omitempty"` // the test's name (t.Name()); empty for a main package
	Strategy  string `json:"strategy"`
	Steps     uint64 `json:"steps"`
	ElapsedNS int64  `json:"elapsed_ns"` // virtual time simulated
	Hash      string `json:"hash"`       // trace hash, 16 hex digits
	Kind      string `json:"kind,omitempty"`
	Error     string `json:"error,omitempty"` // the first line of the error that ended the run
	Trace     string `json:"trace,omitempty"` // the file the run's trace went to (SIMGEN_TRACE)
}

// NewRunRecord describes r; testFailed reports a failure the test itself
// reported (KindTest) when the run ended without an error.
func NewRunRecord(test string, r Result, testFailed bool) RunRecord {
	rec := RunRecord{
		Seed: r.Seed, Test: test, Strategy: r.Strategy, Steps: r.Steps,
		ElapsedNS: int64(r.Elapsed), Hash: fmt.Sprintf("%016x", r.Hash), Kind: FailureKind(r.Err),
	}
	if r.Err != nil {
		rec.Error, _, _ = strings.Cut(r.Err.Error(), "\n")
	} else if testFailed {
		rec.Kind = KindTest
	}
	return rec
}

// resultsFile is SIMGEN_RESULTS as the process started with it. The variable is then removed
// from the environment, so that a process a test starts (a test binary re-running itself to
// watch it crash, as golang.org/x/sync/singleflight's tests do) does not append its runs to the
// file of the sweep that started this one, where they would count as this seed's.
var resultsFile = takeEnv(EnvResults)

// ResultsFile returns the file the process's runs append their RunRecords to: SIMGEN_RESULTS,
// read when the process started (the variable is no longer in the environment), or "" if none.
func ResultsFile() string {
	if v := os.Getenv(EnvResults); v != "" {
		return v
	}
	return resultsFile
}

// takeEnv returns the environment variable name and removes it from the environment.
func takeEnv(name string) string {
	v, ok := os.LookupEnv(name)
	if ok {
		os.Unsetenv(name)
	}
	return v
}

// appendRecord appends rec as one JSON line to the SIMGEN_RESULTS file, if
// set, with a single write to a file opened for appending, so that processes
// sharing the file never interleave within a line.
func appendRecord(rec RunRecord) error {
	path := ResultsFile()
	if path == "" {
		return nil
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvResults, err)
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", EnvResults, err)
	}
	return nil
}

// Test runs body in a fresh simulation for every seed selected by the
// environment (SIMGEN_SEED, SIMGEN_SEEDS; default seed 1), stopping at the
// first failing seed and printing the command that reproduces it. body may
// call t.Fatal from any simulated goroutine; from the main one it ends the run.
// As in Go, once body returns the test's parallel subtests run, then its
// cleanups (Cleanup), all inside the simulation, before the goroutines still
// alive are unwound. Every run starts with the package initialization of the
// simulated packages (see RegisterInit).
func Test(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	// Top-level tests that called t.Parallel reach here together; their runs
	// share package state (RegisterInit), so they take turns. (A test function
	// that calls another from inside its run does not wait for itself.)
	if kernel.Current() == nil {
		testRuns.Lock()
		defer testRuns.Unlock()
	}
	seeds, err := Seeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		cfg, err := ConfigFromEnv(seed)
		if err != nil {
			t.Fatal(err)
		}
		cfg.GoexitEndsRun = true
		tf, err := openTrace(t.Name(), "", seed, len(seeds) > 1)
		if err != nil {
			t.Fatalf("simgen: %v", err)
		}
		if tf != nil {
			cfg.Trace = tf.f
		}
		top, _, _ := strings.Cut(t.Name(), "/")
		firstTest.CompareAndSwap(nil, &top)
		r := kernel.Run(cfg, func() { initPackages(); runTest(t, body) })
		report(r)
		rec := NewRunRecord(t.Name(), r, t.Failed())
		if tf != nil {
			rec.Trace = tf.path
			if err := tf.finish(r, rec); err != nil {
				t.Errorf("simgen: %v", err)
			}
		}
		if err := appendRecord(rec); err != nil {
			t.Errorf("simgen: %v", err)
		}
		if r.Err != nil {
			t.Errorf("simgen: %v", r.Err)
		}
		if r.Err != nil || t.Failed() {
			t.Errorf("simgen: seed %d failed (strategy %s, %d steps, virtual time %v, hash %016x)\nreproduce: %s",
				seed, r.Strategy, r.Steps, r.Elapsed, r.Hash, ReproduceTest(t.Name(), seed))
			return
		}
	}
}

// testRuns is held by Test while it runs a test's seeds.
var testRuns sync.Mutex

// firstTest is the top-level name of the first test Test ran in this process.
var firstTest atomic.Pointer[string]

// ReproduceTest returns the command that reruns test name with seed from the
// module root. It repeats the strategy and limits set in the environment. It
// narrows the run to the test only when the test was the first of the process
// to run: every run starts from fresh package state (RegisterInit), but other
// tests before it can leave state in values made before the first run (a map
// TestMain made, filled by a test) that changes its schedule, and then the
// command reruns them too.
func ReproduceTest(name string, seed uint64) string {
	top, _, _ := strings.Cut(name, "/")
	narrow := "-run '^" + top + "$'"
	if f := firstTest.Load(); f != nil && *f != top {
		narrow = ""
	}
	if rest := os.Getenv(EnvUnderSimgenTestArgs); rest != "" && os.Getenv(EnvUnderSimgenTest) != "" {
		// rest ends with "--" and the go test flags but -run: see EnvUnderSimgenTestArgs.
		if narrow != "" {
			rest += " " + narrow
		} else {
			rest += os.Getenv(EnvUnderSimgenTestRun)
		}
		return fmt.Sprintf("%ssimgen test --seed %d%s", envPrefix(EnvStrategy, EnvCompute, EnvLivelock), seed, strings.TrimSuffix(rest, " --"))
	}
	if os.Getenv(EnvUnderSimgenTest) != "" {
		cmd := fmt.Sprintf("%ssimgen test --seed %d%s %s", envPrefix(EnvStrategy, EnvCompute, EnvLivelock), seed, limitFlags(), modpath.RelDir())
		if narrow != "" {
			cmd += " -- " + narrow
		}
		return cmd
	}
	if narrow != "" {
		narrow += " "
	}
	return fmt.Sprintf("%s=%d %sgo test %s%s", EnvSeed, seed, envPrefix(EnvStrategy, EnvCompute, EnvLivelock, EnvStepLimit, EnvTimeLimit, EnvWatchdog), narrow, modpath.RelDir())
}

// reproduceMain returns the command that reruns the program with seed.
func reproduceMain(seed uint64) string {
	if rest := os.Getenv(EnvUnderSimgenRun); rest != "" {
		return fmt.Sprintf("%ssimgen run --seed %d%s", envPrefix(EnvStrategy, EnvCompute, EnvLivelock), seed, rest)
	}
	return fmt.Sprintf("%s=%d %s%s", EnvSeed, seed, envPrefix(EnvStrategy, EnvCompute, EnvLivelock, EnvStepLimit, EnvTimeLimit, EnvWatchdog), strings.Join(os.Args, " "))
}

// envPrefix returns NAME=value for each of the variables that is set, each
// followed by a space.
func envPrefix(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			fmt.Fprintf(&b, "%s=%s ", n, shellQuote(v))
		}
	}
	return b.String()
}

// limitFlags returns the simgen test / simgen run flags for the limits set in
// the environment, each preceded by a space.
func limitFlags() string {
	var b strings.Builder
	for _, f := range []struct{ env, flag string }{{EnvTimeLimit, "time-limit"}, {EnvStepLimit, "step-limit"}, {EnvWatchdog, "watchdog"}} {
		if v := os.Getenv(f.env); v != "" {
			fmt.Fprintf(&b, " --%s %s", f.flag, shellQuote(v))
		}
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Main runs fn, a main package's main function, in a simulation seeded by
// SIMGEN_SEED (default 1). When the run fails it prints the error, the seed and
// how to reproduce, and exits with status 2 as a Go program does on a panic,
// or with the program's status when it called os.Exit (os.Exit(0) is a
// success).
func Main(fn func()) {
	seeds, err := Seeds()
	if err == nil && len(seeds) != 1 {
		err = fmt.Errorf("simgen: a main package runs one seed; use %s, not a range", EnvSeed)
	}
	var cfg Config
	if err == nil {
		cfg, err = ConfigFromEnv(seeds[0])
	}
	var tf *traceFile
	if err == nil {
		tf, err = openTrace("", programName(), seeds[0], false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if tf != nil {
		cfg.Trace = tf.f
	}
	r := kernel.Run(cfg, func() { initPackages(); fn() })
	var exit *ExitError
	if errors.As(r.Err, &exit) && exit.Code == 0 {
		r.Err = nil // os.Exit(0): the program succeeded
	}
	report(r)
	rec := NewRunRecord("", r, false)
	if tf != nil {
		rec.Trace = tf.path
		if err := tf.finish(r, rec); err != nil {
			fmt.Fprintf(os.Stderr, "simgen: %v\n", err)
			os.Exit(2)
		}
	}
	if err := appendRecord(rec); err != nil {
		fmt.Fprintf(os.Stderr, "simgen: %v\n", err)
		os.Exit(2)
	}
	if r.Err != nil {
		fmt.Fprintf(os.Stderr, "%v\nsimgen: seed %d failed (strategy %s, %d steps, virtual time %v, hash %016x)\nreproduce: %s\n",
			r.Err, r.Seed, r.Strategy, r.Steps, r.Elapsed, r.Hash, reproduceMain(r.Seed))
		if exit != nil {
			os.Exit(exit.Code) // the program's own exit status
		}
		os.Exit(2)
	}
}

// traceFile is the file a run's trace goes to (SIMGEN_TRACE).
type traceFile struct {
	f    *os.File
	path string
}

// traceLine is a line simstd adds to a trace: "meta" first (the seed, and the test or the
// program), "result" last (the strategy, the trace hash and the outcome). The kernel's events
// are in between.
type traceLine struct {
	Step     uint64 `json:"step"`
	T        int64  `json:"t"`
	Kind     string `json:"ev"`
	Detail   string `json:"detail,omitempty"`
	Seed     uint64 `json:"seed"`
	Test     string `json:"test,omitempty"`
	Program  string `json:"program,omitempty"`
	Strategy string `json:"strategy,omitempty"`
	Hash     string `json:"hash,omitempty"`
}

var (
	tracesMu sync.Mutex
	traces   = map[string]bool{} // trace files this process wrote
)

// openTrace creates the trace file of a run of test (or of program, for Main) with seed, as
// SIMGEN_TRACE says, and writes its meta line; nil when SIMGEN_TRACE is not set. In a
// directory (a value ending in / or naming a directory) each run writes
// <test or program>-seed<N>.jsonl. Otherwise the value is the file; when the process runs
// several seeds (several is true) each seed's file has -seed<N> inserted before the
// extension, and a run whose file this process already wrote (another test) has its test's
// name inserted too, then -2, -3, ...
func openTrace(test, program string, seed uint64, several bool) (*traceFile, error) {
	v := os.Getenv(EnvTrace)
	if v == "" {
		return nil, nil
	}
	name := test
	if name == "" {
		name = program
	}
	var path string
	fi, err := os.Stat(v)
	dirMode := strings.HasSuffix(v, "/") || strings.HasSuffix(v, string(filepath.Separator)) || (err == nil && fi.IsDir())
	if dirMode {
		if err := os.MkdirAll(v, 0o777); err != nil {
			return nil, fmt.Errorf("%s=%s: creating the trace directory: %v", EnvTrace, v, err)
		}
		path = filepath.Join(v, fmt.Sprintf("%s-seed%d.jsonl", sanitizeFileName(name), seed))
	} else {
		path = v
		if several {
			path = insertSuffix(v, fmt.Sprintf("-seed%d", seed))
		}
	}
	tracesMu.Lock()
	if traces[path] && !dirMode && name != "" {
		suffix := "-" + sanitizeFileName(name)
		if several {
			suffix += fmt.Sprintf("-seed%d", seed)
		}
		path = insertSuffix(v, suffix)
	}
	for k, base := 2, path; traces[path]; k++ {
		path = insertSuffix(base, fmt.Sprintf("-%d", k))
	}
	traces[path] = true
	tracesMu.Unlock()

	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: creating the trace file: %v; set it to a writable file, or to a directory ending in /", EnvTrace, v, err)
	}
	tf := &traceFile{f: f, path: path}
	if err := tf.write(traceLine{Kind: "meta", Seed: seed, Test: test, Program: program}); err != nil {
		f.Close()
		return nil, err
	}
	return tf, nil
}

func (tf *traceFile) write(l traceLine) error {
	line, err := json.Marshal(l)
	if err == nil {
		_, err = tf.f.Write(append(line, '\n'))
	}
	if err != nil {
		return fmt.Errorf("writing the trace %s: %w", tf.path, err)
	}
	return nil
}

// finish writes the run's result line, closes the file and says where the trace is.
func (tf *traceFile) finish(r Result, rec RunRecord) error {
	outcome := "ok"
	switch {
	case rec.Error != "":
		outcome = rec.Error
	case rec.Kind == KindTest:
		outcome = "test failed"
	}
	err := tf.write(traceLine{Step: r.Steps, T: int64(r.Elapsed), Kind: "result", Detail: outcome, Seed: r.Seed, Strategy: r.Strategy, Hash: rec.Hash})
	if cerr := tf.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing the trace %s: %w", tf.path, cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "simgen: trace written to %s\n", tf.path)
	return nil
}

// insertSuffix inserts suffix before path's extension (trace.jsonl -> trace-seed3.jsonl), or
// appends it when there is none.
func insertSuffix(path, suffix string) string {
	ext := filepath.Ext(path)
	if strings.ContainsAny(ext, `/\`) {
		ext = ""
	}
	return strings.TrimSuffix(path, ext) + suffix + ext
}

// sanitizeFileName makes a test or program name usable as a file name: / (subtests) and
// other characters that file systems or shells dislike become _.
func sanitizeFileName(name string) string {
	if name == "" {
		return "run"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>| '`+"`$", r) {
			return '_'
		}
		return r
	}, name)
}

// programName is the name of the running program, for the trace files of Main.
func programName() string {
	name := filepath.Base(os.Args[0])
	for _, ext := range []string{".exe", ".test"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}
