// Package tests holds simulation suites that run simgen end to end on the
// example programs: the bugs they contain must be found, and replayed exactly.
package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// simgen builds the CLI once for the suite.
func simgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "simgen")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/simgen/simgen/cmd/simgen").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

func run(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var (
	failedSeed = regexp.MustCompile(`seed (\d+) of 1-300 failed; reproduce: simgen test --seed (\d+) ./example/bank`)
	hashLine   = regexp.MustCompile(`simgen: seed=(\d+) steps=(\d+) elapsed=\S+ hash=([0-9a-f]{16})`)
	overdrawn  = regexp.MustCompile(`account \w+ overdrawn: -\d+`)
)

// The bank's check-then-act bug hides from go test but a seed sweep finds it,
// and replaying the seed reproduces the same failure with the same trace hash.
func TestSweepFindsAndReplaysBankBug(t *testing.T) {
	bin := simgen(t)
	out, err := run(t, bin, nil, "test", "./example/bank", "--seeds", "1-300")
	require.Error(t, err, "the sweep must fail:\n%s", out)
	m := failedSeed.FindStringSubmatch(out)
	require.NotNil(t, m, "no failing seed reported:\n%s", out)
	seed := m[1]
	require.Regexp(t, overdrawn, out)

	var first []string
	for range 2 {
		out, err := run(t, bin, []string{"SIMGEN_REPORT=1"}, "test", "--seed", seed, "./example/bank", "--", "-count=1", "-v")
		require.Error(t, err, "seed %s must fail again:\n%s", seed, out)
		h := hashLine.FindStringSubmatch(out)
		require.NotNil(t, h, "no report line:\n%s", out)
		require.Equal(t, seed, h[1])
		failure := overdrawn.FindString(out)
		require.NotEmpty(t, failure)
		if first == nil {
			first = []string{h[2], h[3], failure}
			continue
		}
		require.Equal(t, first, []string{h[2], h[3], failure}, "replay differs")
	}
}
