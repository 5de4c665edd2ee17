package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/simgen/simgen/internal/sweep"
	"github.com/simgen/simgen/rewrite"
	"github.com/simgen/simgen/simstd"
	"github.com/spf13/cobra"
)

const runLong = `Generate the simulated variants of PACKAGES (default ".") as simgen test does (into the cache,
leaving the module's tree alone), build the one main package among them with go build -overlay,
and run it. Its main function runs in a simulation seeded by --seed N (default SIMGEN_SEED, else
1); the program's arguments follow --. Name the module's packages that the main package uses
alongside it, as in simgen run ./cmd/x ./internal/..., so that they are simulated too; the
packages not named run natively inside the simulation.

--seeds N or A-B runs the program once per seed, each seed in a fresh process, with the flags of
simgen test's sweeps (-j, --keep-going, --json, --shard i/n; see simgen help test). A seed fails
when its simulation fails (a panic, deadlock, limit or the watchdog) or the program exits with a
non-zero status. Reproduce commands are relative to the current directory.

--trace DIR writes the event trace of every run to DIR/<program>-seed<N>.jsonl, and
--check-determinism runs each seed twice and compares, as for simgen test (see simgen help
test and docs/traces.md).

Example: simgen run --seeds 1-1000 -j 8 ./cmd/server ./internal/... -- --port 8080`

type runFlags struct {
	sweep  sweepFlags
	limits limitFlags
	tags   []string
	native []string // import path patterns of dependencies left native
	allow  bool
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [PACKAGES] [--seed N | --seeds N|A-B [-j N] [--keep-going] [--json FILE] [--shard i/n]] [--trace DIR] [--check-determinism] [-- program arguments]",
		Short: "Build a main package's simulated variant and run it, on one seed or many",
		Long:  runLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			patterns, progArgs := splitDash(cmd, args)
			set, err := f.sweep.check(cmd)
			if err != nil {
				return err
			}
			return runRun(f, set, patterns, progArgs, stdout, stderr)
		},
	}
	f.sweep.register(cmd)
	f.limits.register(cmd)
	cmd.Flags().StringSliceVar(&f.tags, "tags", nil, "extra build tags")
	registerNative(cmd, &f.native)
	cmd.Flags().BoolVar(&f.allow, "allow", false, "report unsupported constructs as warnings instead of errors, except those whose variant would not compile")
	return cmd
}

func runRun(f runFlags, set sweep.Set, patterns, progArgs []string, stdout, stderr io.Writer) error {
	limits, err := f.limits.env()
	if err != nil {
		return err
	}
	c, err := generateCached(genConfig{patterns: patterns, tags: f.tags, native: f.native, deps: true}, rewrite.Options{InPlace: true, Allow: f.allow}, stderr)
	if err != nil {
		return err
	}
	res := &c.Result
	main, err := theMain(c.Mains, patterns)
	if err != nil {
		return err
	}
	flags, buildEnv, err := variantBuild(res)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "simgen-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, filepath.Base(main.Dir))
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	args := append(append([]string{"build"}, flags...), "-o", bin)
	if len(f.tags) > 0 {
		args = append(args, "-tags="+strings.Join(f.tags, ","))
	}
	build := exec.Command("go", append(args, main.PkgPath)...)
	build.Env = withEnv(buildEnv...)
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(stderr, "simgen: building the variant of %s failed\n", main.PkgPath)
		return exitStatus(err)
	}
	// simstd.Main prints "simgen run --seed N" and the rest of this command to reproduce a failure.
	rest := reproduceRest(f, patterns, progArgs)
	env := append(os.Environ(), limits...)
	env = append(env, simstd.EnvUnderSimgenRun+"="+rest)

	if !f.sweep.sweeping() {
		if f.sweep.seed != "" {
			env = append(env, simstd.EnvSeed+"="+f.sweep.seed)
		}
		env = append(env, f.sweep.traceEnv()...)
		cmd := exec.Command(bin, progArgs...)
		cmd.Env = env
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
		// An interrupt reaches the program too; let it decide, and report its status.
		signal.Ignore(os.Interrupt)
		defer signal.Reset(os.Interrupt)
		return exitStatus(cmd.Run())
	}

	jsonOut, err := openJSON(f.sweep.json, stdout)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	prefix := strategyPrefix()
	job := sweep.Job{
		Package: dirPattern(wd, main.Dir, main.PkgPath),
		Path:    bin,
		Args:    progArgs,
		Dir:     wd,
		Env:     env,
		Reproduce: func(seed uint64, _ string) string {
			return fmt.Sprintf("%ssimgen run --seed %d%s", prefix, seed, rest)
		},
		ReproduceCheck: func(seed uint64, _ string) string {
			return fmt.Sprintf("%ssimgen run --seed %d --check-determinism%s", prefix, seed, rest)
		},
	}
	return runSweep(&f.sweep, set, []sweep.Job{job}, stdout, stderr, jsonOut)
}

// reproduceRest returns the arguments of a reproduce command after "simgen run --seed N".
func reproduceRest(f runFlags, patterns, progArgs []string) string {
	var b strings.Builder
	b.WriteString(reproduceFlags(f.tags, f.native, f.allow, &f.limits))
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	for _, p := range patterns {
		b.WriteString(" " + shellQuote(p))
	}
	if len(progArgs) > 0 {
		b.WriteString(" --")
		for _, a := range progArgs {
			b.WriteString(" " + shellQuote(a))
		}
	}
	return b.String()
}

// theMain returns the one main package among the targets.
func theMain(mains []commandPkg, patterns []string) (commandPkg, error) {
	var paths []string
	for _, m := range mains {
		paths = append(paths, m.PkgPath)
	}
	what := strings.Join(patterns, " ")
	if what == "" {
		what = "."
	}
	switch len(mains) {
	case 0:
		return commandPkg{}, fmt.Errorf("no main package in %s: simgen run builds and runs a command; use simgen test for other packages", what)
	case 1:
		return mains[0], nil
	}
	return commandPkg{}, fmt.Errorf("%d main packages in %s (%s): name the one to run, and the non-main packages it uses", len(mains), what, strings.Join(paths, ", "))
}

// dirPattern names dir as a go command pattern relative to wd (./cmd/x), or by its import path
// when it is outside wd.
func dirPattern(wd, dir, pkgPath string) string {
	rel, err := filepath.Rel(wd, dir)
	switch {
	case err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return pkgPath
	case rel == ".":
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}
