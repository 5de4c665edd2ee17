package raftsuite

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simgen/simgen/rewrite"
	"github.com/simgen/simgen/tests/raftmut"
	"github.com/stretchr/testify/require"
)

// huntRE matches the hunt's failure line: seed, seeds run, trace hash.
var huntRE = regexp.MustCompile(`hunt: seed (\d+) failed after (\d+) seeds in \S+ \(\S+, hash ([0-9a-f]+)\)`)

// violations returns the lines naming broken properties in a hunt's output
// (the visualization paths differ between runs, so they are cut).
func violations(out []byte) []string {
	var vs []string
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "porcupine's visualization"); i >= 0 {
			line = line[:i]
		}
		if strings.Contains(line, ": ") && !strings.HasPrefix(line, "hunt:") && !strings.HasPrefix(line, "---") && !strings.Contains(line, "raft_test.go") {
			vs = append(vs, line)
		}
	}
	return vs
}

// mutantSeeds bounds the seeds the hunt may take to catch one mutant
// (SIMGEN_MUTANT_SEEDS overrides it).
var mutantSeeds = envInt("SIMGEN_MUTANT_SEEDS", 400)

// mutantFrom is the hunt's first seed (SIMGEN_MUTANT_FROM): other values
// give independent samples of the seeds a mutant takes to be caught.
var mutantFrom = envInt("SIMGEN_MUTANT_FROM", 1)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestMutants measures the suite's bug-finding power: each realistic Raft
// bug of tests/raftmut is applied to a copy of example/raft, the copy's
// simulated variant replaces example/raft/sim (go test -overlay), and the
// hunt (the mixed scenario over seeds 1, 2, ...) must fail within
// mutantSeeds seeds, every one of them. Survivors are reported with the
// seeds they withstood. Seeds-to-failure and wall time go
// to the log (BENCHMARKS.md records them). SIMGEN_MUTANTS=a,b hunts only
// the mutants named (all, the default, hunts every one).
func TestMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary per mutant")
	}
	ms, err := raftmut.Load("../raftmut/mutations.txt")
	require.NoError(t, err)
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	var mu sync.Mutex
	caught := 0
	if only := os.Getenv("SIMGEN_MUTANTS"); only != "" && only != "all" {
		names := strings.Split(only, ",")
		ms = slices.DeleteFunc(ms, func(m raftmut.Mutation) bool { return !slices.Contains(names, m.Name) })
		require.NotEmpty(t, ms, "SIMGEN_MUTANTS=%s names no mutant", only)
	}
	want := len(ms)
	t.Cleanup(func() {
		if caught < want {
			t.Errorf("only %d of the %d mutants caught", caught, want)
		}
	})
	for _, m := range ms {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			bin := buildMutant(t, root, m)
			start := time.Now()
			cmd := exec.Command(bin, "-test.run=^TestHunt$", "-test.count=1")
			cmd.Dir = filepath.Join(root, "tests", "raft")
			cmd.Env = append(os.Environ(), "SIMGEN_HUNT=1", fmt.Sprintf("SIMGEN_SEEDS=%d-%d", mutantFrom, mutantFrom+mutantSeeds-1), "SIMGEN_OUT="+t.TempDir())
			out, err := cmd.CombinedOutput()
			wall := time.Since(start)
			if err == nil {
				// Report it with the others, and fail once all are done:
				// the log then shows every mutant's outcome.
				t.Logf("mutant %-26s NOT caught in %d seeds (%v wall): %s", m.Name, mutantSeeds, wall.Round(time.Millisecond), m.Desc)
				return
			}
			found := huntRE.FindSubmatch(out)
			require.NotNil(t, found, "the hunt did not fail the way a caught mutant does:\n%s", out)
			first := ""
			if vs := violations(out); len(vs) > 0 {
				first = vs[0]
			}
			t.Logf("mutant %-26s caught at seed %s (%s seeds, %v wall): %s", m.Name, found[1], found[2], wall.Round(time.Millisecond), first)
			mu.Lock()
			caught++
			mu.Unlock()

			// The failure reproduces: its seed alone fails again, with the
			// same trace hash and the same violations.
			again := exec.Command(bin, "-test.run=^TestHunt$", "-test.count=1")
			again.Dir = cmd.Dir
			again.Env = append(os.Environ(), "SIMGEN_HUNT=1", "SIMGEN_SEED="+string(found[1]), "SIMGEN_OUT="+t.TempDir())
			out2, err := again.CombinedOutput()
			require.Error(t, err, "seed %s passed when run again:\n%s", found[1], out2)
			found2 := huntRE.FindSubmatch(out2)
			require.NotNil(t, found2, "%s", out2)
			require.Equal(t, string(found[3]), string(found2[3]), "the same seed gave another trace hash")
			require.Equal(t, violations(out), violations(out2), "the same seed broke other properties")
		})
	}
}

// buildMutant writes m applied to example/raft into a directory of this
// package (named with a leading "_" so ./... patterns skip it), generates
// its simulated variant, and builds this package's test binary with the
// mutant's variant standing in for example/raft/sim.
func buildMutant(t *testing.T, root string, m raftmut.Mutation) string {
	src := filepath.Join(root, "example", "raft")
	dir, err := os.MkdirTemp(filepath.Join(root, "tests", "raft"), "_mut-"+m.Name+"-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if filepath.Base(f) == m.File {
			data, err = m.Apply(data)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644))
	}

	prog, err := rewrite.Load(rewrite.LoadConfig{Dir: root, Patterns: []string{"./" + filepath.ToSlash(mustRel(t, root, dir))}})
	require.NoError(t, err)
	res, err := rewrite.Generate(prog, rewrite.Options{Out: filepath.Join(dir, "sim")})
	require.NoError(t, err)
	_, err = res.Write()
	require.NoError(t, err)

	// The overlay: each file of example/raft/sim becomes the mutant's
	// variant of the same name, or disappears.
	ov := map[string]string{}
	simDir := filepath.Join(src, "sim")
	old, err := filepath.Glob(filepath.Join(simDir, "*.go"))
	require.NoError(t, err)
	for _, f := range old {
		ov[f] = ""
	}
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, "_test.go") {
			continue
		}
		ov[filepath.Join(simDir, filepath.Base(f.Path))] = f.Path
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{ov})
	require.NoError(t, err)
	ovFile := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, os.WriteFile(ovFile, data, 0o644))

	bin := filepath.Join(t.TempDir(), "suite.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "-overlay", ovFile, "./tests/raft")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the suite against mutant %s:\n%s", m.Name, out)
	return bin
}

func mustRel(t *testing.T, base, p string) string {
	r, err := filepath.Rel(base, p)
	require.NoError(t, err)
	return r
}
