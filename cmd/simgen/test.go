package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/simgen/simgen/simstd"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/simgen/simgen/rewrite"
	"github.com/spf13/cobra"
)

const testLong = `Generate the simulated variants of PACKAGES (default ".") into a cache directory, not the
module's tree, and run go test on them: the variants stand in for the original files through
go test -overlay, so tests keep their import paths, run in their own directories (testdata
works) and see the variants of each other.

Seeds: without a flag each test runs seed 1 (or SIMGEN_SEED). --seed N runs seed N. --seeds N
(seeds 1 to N) or --seeds A-B runs every seed, each in a fresh process of the test binary, so
package-level state and init start afresh for every seed; setting SIMGEN_SEEDS yourself instead
runs the seeds one after another in one process. A failing seed is printed with the command
that reproduces it.

Arguments after -- go to go test, for example: simgen test ./... --seeds 100 -- -run TestX -v`

type testFlags struct {
	seed  string
	seeds string
	tags  []string
	allow bool
}

func newTestCmd(stdout, stderr io.Writer) *cobra.Command {
	var f testFlags
	cmd := &cobra.Command{
		Use:   "test [PACKAGES] [--seed N | --seeds N|A-B] [-- go test flags]",
		Short: "Run the tests of packages' simulated variants",
		Long:  testLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			patterns, goArgs := splitDash(cmd, args)
			return runTest(f, patterns, goArgs, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&f.seed, "seed", "", "run seed `N`")
	cmd.Flags().StringVar(&f.seeds, "seeds", "", "run seeds 1..N (`N`) or A..B (A-B), each in a fresh process")
	cmd.Flags().StringSliceVar(&f.tags, "tags", nil, "extra build tags")
	cmd.Flags().BoolVar(&f.allow, "allow", false, "report unsupported constructs as warnings instead of errors")
	cmd.MarkFlagsMutuallyExclusive("seed", "seeds")
	return cmd
}

// splitDash separates the package patterns from the arguments after "--".
func splitDash(cmd *cobra.Command, args []string) (before, after []string) {
	if i := cmd.ArgsLenAtDash(); i >= 0 {
		return args[:i], args[i:]
	}
	return args, nil
}

func runTest(f testFlags, patterns, goArgs []string, stdout, stderr io.Writer) error {
	// simstd.Test prints reproduce commands for simgen test, not plain go test,
	// when it sees this variable.
	env := append(os.Environ(), simstd.EnvUnderSimgenTest+"=1")
	var execArg []string
	switch {
	case f.seed != "":
		if _, err := strconv.ParseUint(f.seed, 10, 64); err != nil {
			return fmt.Errorf("--seed %q: not a seed (a non-negative integer)", f.seed)
		}
		env = append(env, "SIMGEN_SEED="+f.seed)
	case f.seeds != "":
		if _, err := parseSeeds(f.seeds); err != nil {
			return err
		}
		self, err := os.Executable()
		if err != nil {
			return err
		}
		execArg = []string{"-exec", quoteArg(self) + " " + seedsExecCmd + " --seeds=" + f.seeds}
	}
	res, err := generate(patterns, f.tags, rewrite.Options{InPlace: true, Allow: f.allow}, stderr)
	if err != nil {
		return err
	}
	overlay, err := writeOverlay(res)
	if err != nil {
		return err
	}
	args := append([]string{"test", "-overlay=" + overlay}, execArg...)
	if len(f.tags) > 0 {
		args = append(args, "-tags="+strings.Join(f.tags, ","))
	}
	args = append(append(args, goArgs...), patterns...)
	cmd := exec.Command("go", args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return exitStatus(cmd.Run())
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

// writeOverlay writes the variants into the cache and returns the go build -overlay file that
// puts them in place of the original files. Files are named by their content, so concurrent
// runs never see each other's half-written files.
func writeOverlay(res *rewrite.Result) (string, error) {
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	ov := struct{ Replace map[string]string }{Replace: map[string]string{}}
	for _, f := range res.Files {
		p, err := writeCached(dir, filepath.Base(f.Path), f.Data)
		if err != nil {
			return "", err
		}
		ov.Replace[f.Path] = p
	}
	for _, p := range res.Dropped {
		ov.Replace[p] = ""
	}
	data, err := json.MarshalIndent(ov, "", "\t")
	if err != nil {
		return "", err
	}
	return writeCached(dir, "overlay.json", data)
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
