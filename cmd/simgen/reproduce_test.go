package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reproFiles make a run whose replay needs every option: the test needs build tag foo,
// lib needs --allow, app's test uses lib (which runs natively unless it is in the run
// too), and -vet=off and -count=1 come after --.
var reproFiles = map[string]string{
	"lib/lib.go": `package lib

import "runtime"

func init() {
	runtime.LockOSThread() // an unsupported construct: needs --allow
	runtime.UnlockOSThread()
}

// Order returns the order in which n goroutines deliver their numbers.
func Order(n int) []int {
	c := make(chan int)
	for i := range n {
		go func() { c <- i }()
	}
	var got []int
	for range n {
		got = append(got, <-c)
	}
	return got
}
`,
	"app/n_foo.go": "//go:build foo\n\npackage app\n\nconst N = 3\n",
	"app/app_test.go": `package app

import (
	"slices"
	"testing"

	"example.com/m/lib"
)

func TestRace(t *testing.T) {
	if got := lib.Order(N); !slices.IsSorted(got) {
		t.Fatalf("order %v", got)
	}
}

func TestOther(t *testing.T) {}
`,
}

// Every reproduce line carries every option that affects the run, and running it replays
// the failing seed: same trace hash.
func TestReproduceReplays(t *testing.T) {
	dir := module(t, reproFiles)
	strategy := []string{"SIMGEN_STRATEGY=pct"}
	r := simgen(t, dir, strategy, "test", "--seeds", "1-20", "--tags", "foo", "--allow", "--step-limit", "100000", "--json", "out.json", "./app", "./lib", "--", "-vet=off", "-run", "Race|Other", "-count=1")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	var failed []string
	for _, rec := range readRecords(t, filepath.Join(dir, "out.json")) {
		if rec.Failed() {
			failed = append(failed, rec.Reproduce)
			require.Equal(t, "TestRace", rec.Test)
			want := "SIMGEN_STRATEGY=pct simgen test --seed " + strconv.FormatUint(rec.Seed, 10) + " --tags foo --allow --step-limit 100000 ./app ./lib -- -vet=off -count=1 -run '^TestRace$'"
			require.Equal(t, want, rec.Reproduce)
			assert.Contains(t, r.stdout, "reproduce: "+want+"\n", "simstd prints the same line inside the failing test")

			// Run the line as a user would, from the module root.
			r2 := shell(t, dir, []string{"SIMGEN_REPORT=1"}, rec.Reproduce)
			assert.Equal(t, 1, r2.code, r2.stdout+r2.stderr)
			var hash string // the failing run's: the record's combines every test's
			for _, run := range rec.Runs {
				if run.Test == rec.Test {
					hash = run.Hash
				}
			}
			require.NotEmpty(t, hash)
			assert.Contains(t, r2.stdout+r2.stderr, "hash="+hash, "the replay has the failing run's trace hash")
			assert.Contains(t, r2.stdout, "reproduce: "+want+"\n")
			break
		}
	}
	require.NotEmpty(t, failed, "some seed delivers out of order")

	// A failure with no test to name keeps the run's own -run.
	t.Chdir(dir)
	repro := newTestRepro(testFlags{tags: []string{"foo"}}, []string{"./app"}, []string{"-run", "Race", "-v"}, []string{"SIMGEN_WATCHDOG=1s", "SIMGEN_WATCHDOG=off"})
	assert.Equal(t, "simgen test --seed 3 --tags foo --watchdog off ./app -- -v -run Race", repro.command(3, "", ""))
	assert.Equal(t, "simgen test --seed 3 --check-determinism --tags foo --watchdog off ./app -- -v -run '^TestX$'", repro.command(3, " --check-determinism", "TestX/sub"))
	assert.Equal(t, " --tags foo --watchdog off ./app -- -v", repro.simstdArgs())
}

// shell runs a command line through sh in dir, with the simgen under test first in PATH.
func shell(t *testing.T, dir string, env []string, line string) result {
	t.Helper()
	path := "PATH=" + filepath.Dir(simgenBin) + string(filepath.ListSeparator) + os.Getenv("PATH")
	return runCmd(t, exec.Command("sh", "-c", line), dir, append([]string{path}, env...))
}
