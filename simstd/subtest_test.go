package simstd_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubtestRunsInTheSimulation(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		start := time.Now()
		var order []string
		ok := simstd.Subtest(t, "outer", func(t *testing.T) {
			require.True(t, simstd.InSimulation(), "a subtest body runs as a simulated goroutine")
			time.Sleep(time.Hour) // virtual: returns at once
			order = append(order, "outer")
			simstd.Subtest(t, "inner", func(t *testing.T) {
				c := simstd.NewChan[int](0)
				simstd.Go(func() { c.Send(1) })
				assert.Equal(t, 1, c.Recv())
				order = append(order, "inner")
			})
		})
		assert.True(t, ok)
		assert.Equal(t, []string{"outer", "inner"}, order)
		assert.Equal(t, time.Hour, time.Since(start))
	})
}

func TestSubtestNative(t *testing.T) {
	ran := false
	assert.True(t, simstd.Subtest(t, "native", func(t *testing.T) { ran = !simstd.InSimulation() }))
	assert.True(t, ran)
}

// TestSubtestFailure runs the child test below in a process of its own and
// checks that a failing simulated subtest is reported as failed, ends at its
// FailNow, and leaves its siblings running.
func TestSubtestFailure(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSubtestFailureChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "--- FAIL: TestSubtestFailureChild/fails")
	assert.Contains(t, s, "--- PASS: TestSubtestFailureChild/passes")
	assert.Contains(t, s, "deliberate")
	assert.NotContains(t, s, "after FailNow")
	assert.Contains(t, s, "sibling ran")
	assert.Contains(t, s, "reproduce: SIMGEN_SEED=1 go test -run '^TestSubtestFailureChild$'")
}

// A run that ends inside a subtest (here a deadlock) still ends the subtest,
// as failed, and the process goes on.
func TestSubtestDeadlock(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSubtestDeadlockChild$", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "--- FAIL: TestSubtestDeadlockChild/stuck")
	assert.Contains(t, s, "deadlock")
	assert.NotContains(t, s, "panic: test timed out")
}

func TestSubtestDeadlockChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestSubtestDeadlock")
	}
	simstd.Test(t, func(t *testing.T) {
		simstd.Subtest(t, "stuck", func(t *testing.T) {
			simstd.NewChan[int](0).Recv()
		})
	})
}

func TestSubtestFailureChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestSubtestFailure")
	}
	simstd.Test(t, func(t *testing.T) {
		simstd.Subtest(t, "fails", func(t *testing.T) {
			time.Sleep(time.Second)
			t.Fatal("deliberate")
			t.Log("after FailNow")
		})
		simstd.Subtest(t, "passes", func(t *testing.T) {
			t.Log("sibling ran")
		})
	})
}
