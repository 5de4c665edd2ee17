package rewrite

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// diffSeeds are the seeds every variant of the differential corpus runs with.
var diffSeeds = []string{"1", "2", "3", "42"}

// TestDifferential runs each program of testdata/diff natively and as a variant with several
// seeds: the programs' output does not depend on the schedule, so every run must print exactly
// what the native program prints and exit with the same status. Panic traces are compared up
// to the first "goroutine" line, since goroutine numbers and addresses differ.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs programs")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "diff", "*.txtar"))
	require.NoError(t, err)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			dir := t.TempDir()
			files := map[string][]byte{}
			for _, f := range ar.Files {
				files[f.Name] = f.Data
			}
			rewritetest.WriteModule(t, dir, "example.com/diff/"+name, files)
			native := buildAndRun(t, dir, ".", nil)

			prog, err := Load(LoadConfig{Dir: dir, Patterns: []string{"."}})
			require.NoError(t, err)
			res, err := Generate(prog, Options{Out: filepath.Join(dir, "sim")})
			require.NoError(t, err)
			_, err = res.Write()
			require.NoError(t, err)
			bin := build(t, dir, "./sim")
			for _, seed := range diffSeeds {
				got := run(t, bin, []string{"SIMGEN_SEED=" + seed})
				assert.Equal(t, native.code, got.code, "seed %s: exit status\n%s", seed, got.out)
				assert.Equal(t, comparable(native.out), comparable(got.out), "seed %s: output", seed)
			}
		})
	}
}

type runResult struct {
	out  string
	code int
}

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prog")
	out, err := rewritetest.Go(t, dir, nil, "build", "-o", bin, pkg)
	require.NoError(t, err, out)
	return bin
}

func buildAndRun(t *testing.T, dir, pkg string, env []string) runResult {
	return run(t, build(t, dir, pkg), env)
}

func run(t *testing.T, bin string, env []string) runResult {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return runResult{string(out), code}
}

var goroutineLine = regexp.MustCompile(`(?s)\n(\[signal|goroutine \d+).*`)

// comparable keeps the part of a program's output that does not depend on the runtime: what
// it printed and the panic message, without the goroutine dump or simgen's seed report.
func comparable(out string) string {
	return goroutineLine.ReplaceAllString(out, "\n")
}
