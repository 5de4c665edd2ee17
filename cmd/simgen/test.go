package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/simgen/simgen/internal/sweep"
	"github.com/simgen/simgen/rewrite"
	"github.com/simgen/simgen/simstd"
	"github.com/spf13/cobra"
)

const testLong = `Generate the simulated variants of PACKAGES (default ".") into a cache directory, not the
module's tree, and run go test on them: the variants stand in for the original files through
go test -overlay, so tests keep their import paths, run in their own directories (testdata
works) and see the variants of each other. The rewrite is kept in the cache too: a second run
whose packages, dependencies, go.mod files, options, Go and simgen are unchanged reuses it.

Seeds: without a flag each test runs seed 1 (or SIMGEN_SEED). --seed N runs seed N.

--seeds N (seeds 1 to N) or --seeds A-B sweeps the seeds: go test builds the test binaries, then
simgen runs each package's binary once per seed, each seed in a fresh process (package-level
state and init start afresh), -j processes at a time. It stops at the first failure unless
--keep-going, and ends with a summary: seeds run, passed and failed by kind (test failure,
panic, deadlock, step limit, virtual time limit, watchdog, hang), virtual and wall time,
seeds/s, and every failing seed with the command that reproduces it. A seed whose process is
still running after --seed-timeout of wall time (default 12 times the watchdog, at least 1m) is
blocked outside the simulation: it fails with kind hang, its output shows every goroutine's
stack (the process gets SIGQUIT), and the sweep goes on. The summary does not depend on
-j: a stopped sweep reports every seed up to the smallest failing one. --json FILE writes one
JSON line per seed; --shard i/n runs seeds A+i, A+i+n, A+i+2n, ... so that n machines
share a range, and simgen merge combines their --json files (see docs/sweeps.md). Setting
SIMGEN_SEEDS yourself instead runs the seeds one after another in one process.

--trace DIR writes the event trace of every run to DIR/<test>-seed<N>.jsonl (in a sweep of
several packages, DIR/<package>/...), for simgen trace view and simgen trace diff.
--check-determinism runs each seed (--seeds, --seed, or seed 1) twice, each time in a fresh
process with tracing on, and fails the seeds whose two runs differ in outcome or trace hash
(kind nondeterministic), showing where their traces first diverge: step, goroutine, operation
and source position in each run. See docs/traces.md.

--as-is runs suites written against simstd itself (tests that call simstd.Run and judge the
runs, such as tests/raft) over seeds without generating variants of them; such suites read
SIMGEN_SEED and report each run with simstd.Record.

Arguments after -- go to go test, for example: simgen test ./... --seeds 100 -- -run TestX -v`

type testFlags struct {
	sweep  sweepFlags
	limits limitFlags
	tags   []string
	native []string // import path patterns of dependencies left native
	allow  bool
	asIs   bool // the packages are simulation suites: run them without generating variants
}

func newTestCmd(stdout, stderr io.Writer) *cobra.Command {
	var f testFlags
	cmd := &cobra.Command{
		Use:   "test [PACKAGES] [--seed N | --seeds N|A-B [-j N] [--keep-going] [--json FILE] [--shard i/n]] [--trace DIR] [--check-determinism] [-- go test flags]",
		Short: "Run the tests of packages' simulated variants",
		Long:  testLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			patterns, goArgs := splitDash(cmd, args)
			set, err := f.sweep.check(cmd)
			if err != nil {
				return err
			}
			return runTest(f, set, patterns, goArgs, stdout, stderr)
		},
	}
	f.sweep.register(cmd)
	f.limits.register(cmd)
	cmd.Flags().StringSliceVar(&f.tags, "tags", nil, "extra build tags")
	registerNative(cmd, &f.native)
	cmd.Flags().BoolVar(&f.allow, "allow", false, "report unsupported constructs as warnings instead of errors, except those whose variant would not compile")
	cmd.Flags().BoolVar(&f.asIs, "as-is", false, "run the packages' tests as they are, without generating variants: for suites written against simstd that run their own simulations (like tests/raft)")
	cmd.MarkFlagsMutuallyExclusive("as-is", "allow")
	return cmd
}

// splitDash separates the package patterns from the arguments after "--".
func splitDash(cmd *cobra.Command, args []string) (before, after []string) {
	if i := cmd.ArgsLenAtDash(); i >= 0 {
		return args[:i], args[i:]
	}
	return args, nil
}

func runTest(f testFlags, set sweep.Set, patterns, goArgs []string, stdout, stderr io.Writer) error {
	limits, err := f.limits.env()
	if err != nil {
		return err
	}
	// simstd.Test prints reproduce commands for simgen test, not plain go test,
	// when it sees this variable.
	env := append(os.Environ(), simstd.EnvUnderSimgenTest+"=1")
	env = append(env, limits...)
	if f.sweep.seed != "" {
		env = append(env, simstd.EnvSeed+"="+f.sweep.seed)
	}
	// simstd.ReproduceTest repeats every option that affects the run.
	repro := newTestRepro(f, patterns, goArgs, env)
	env = append(env, simstd.EnvUnderSimgenTestArgs+"="+repro.simstdArgs(), simstd.EnvUnderSimgenTestRun+"="+joinArgs(repro.run))
	sweeping := f.sweep.sweeping()
	if !sweeping {
		env = append(env, f.sweep.traceEnv()...)
	}
	if sweeping {
		for _, a := range goArgs {
			if a == "-exec" || a == "--exec" || strings.HasPrefix(a, "-exec=") || strings.HasPrefix(a, "--exec=") {
				return errors.New("--seeds runs the test binaries itself, so go test's -exec cannot be used with it")
			}
		}
	}
	args := []string{"test"}
	if !f.asIs {
		c, err := generateCached(genConfig{patterns: patterns, tags: f.tags, deps: true, native: f.native}, rewrite.Options{InPlace: true, Allow: f.allow}, stderr)
		if err != nil {
			return err
		}
		flags, buildEnv, err := variantBuild(&c.Result)
		if err != nil {
			return err
		}
		args = append(args, flags...)
		env = append(env, buildEnv...)
	}
	ownFlags := len(args)
	if f.sweep.trace != "" && !sweeping {
		// go test would serve a cached result without running the test, and so without
		// writing its trace. A -count of the user's, later, still wins.
		args = append(args, "-count=1")
	}
	if len(f.tags) > 0 {
		args = append(args, "-tags="+strings.Join(f.tags, ","))
	}
	args = append(args, goArgs...)
	if sweeping {
		return sweepTests(f, set, args, ownFlags, patterns, env, repro, stdout, stderr)
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	if f.sweep.trace != "" {
		// go test shows a passing test's "trace written to" lines only with -v.
		fmt.Fprintf(stderr, "simgen: traces in %s (simgen trace view FILE draws one)\n", f.sweep.trace)
	}
	return exitStatus(err)
}

// sweepTests has go test build the test binaries and hand them to the hidden collect command
// instead of running them, then sweeps the seeds over them. goTest is go test's arguments
// without the patterns: "test" and simgen's own build flags (the first own of them), then the
// user's build and test flags.
func sweepTests(f testFlags, set sweep.Set, goTest []string, own int, patterns, env []string, repro testRepro, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "simgen-sweep-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// -count=1 first: the collection must not be served from the test cache. A -count of the
	// user's, later, still wins and goes to the test binary.
	n := own
	args := append(goTest[:n:n], "-count=1", "-exec", quoteArg(self)+" "+collectCmd+" --dir="+quoteArg(dir))
	args = append(append(args, goTest[n:]...), patterns...)
	cmd := exec.Command("go", args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		stdout.Write(out.Bytes())
		return exitStatus(err)
	}
	jobs, err := readJobs(dir)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		stderr.Write(out.Bytes())
		return errors.New("no test binary to sweep: the packages have no test files")
	}
	for i := range jobs {
		jobs[i].Reproduce = func(seed uint64, test string) string { return repro.command(seed, "", test) }
		jobs[i].ReproduceCheck = func(seed uint64, test string) string { return repro.command(seed, " --check-determinism", test) }
	}
	jsonOut, err := openJSON(f.sweep.json, stdout)
	if err != nil {
		return err
	}
	return runSweep(&f.sweep, set, jobs, stdout, stderr, jsonOut)
}

// exitStatus turns a failed child's exit status into simgen's own.
func exitStatus(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitCode(ee.ExitCode())
	}
	return err
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"") {
		return strconv.Quote(s)
	}
	return s
}

// writeVariants writes the variants into the cache and returns the overlay that puts them in
// place of the original files ("" removes one). Files are named by their content, so
// concurrent runs never see each other's half-written files.
func writeVariants(res *rewrite.Result) (map[string]string, error) {
	dir, err := cacheDir()
	if err != nil {
		return nil, err
	}
	ov := map[string]string{}
	for _, f := range res.Files {
		p, err := writeCached(dir, filepath.Base(f.Path), f.Data)
		if err != nil {
			return nil, err
		}
		ov[f.Path] = p
	}
	for _, p := range res.Dropped {
		ov[p] = ""
	}
	return ov, nil
}

func writeCached(dir, name string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	sub := filepath.Join(dir, hex.EncodeToString(sum[:12]))
	p := filepath.Join(sub, name)
	if old, err := os.ReadFile(p); err == nil && string(old) == string(data) {
		return p, nil
	}
	if err := os.MkdirAll(sub, 0o777); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(sub, ".tmp-*")
	if err != nil {
		return "", err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return p, os.Rename(tmp.Name(), p)
}

// cacheDir is where simgen test keeps variants: SIMGEN_CACHE, or simgen/test in the user's
// cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv("SIMGEN_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for simgen test variants (set SIMGEN_CACHE): %w", err)
	}
	return filepath.Join(d, "simgen", "test"), nil
}
