package simstd_test

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/context"
	"github.com/simgen/simgen/simstd/sync"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The usual way to stop a background worker: its cleanup cancels it and
// waits for it, which needs the worker alive and the simulation running.
func TestCleanupStopsWorker(t *testing.T) {
	simtest.DualSeeds(t, 20, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := simstd.NewChan[struct{}](0)
		simstd.Go(func() {
			defer done.Close()
			for ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
		})
		simstd.Cleanup(t, func() {
			cancel()
			done.Recv()
		})
		time.Sleep(10 * time.Millisecond)
	})
}

// Go's order: the test function and its defers, then the context is
// cancelled, then the cleanups run last registered first (including one
// registered by a cleanup), with the test's goroutines alive.
func TestCleanupOrder(t *testing.T) {
	dual(t, func(t *testing.T) {
		var log []string
		ctx := context.TestContext(t)
		req := simstd.NewChan[string](0)
		reply := simstd.NewChan[string](0)
		simstd.Go(func() {
			for s := range req.Range() {
				reply.Send("served " + s)
			}
		})
		simstd.Cleanup(t, func() {
			assert.Equal(t, []string{"body", "defer", "ctx canceled", "second", "nested", "served first"}, log)
			req.Close()
		})
		simstd.Cleanup(t, func() {
			req.Send("first")
			log = append(log, reply.Recv())
		})
		simstd.Cleanup(t, func() {
			if ctx.Err() != nil {
				log = append(log, "ctx canceled")
			}
			log = append(log, "second")
			simstd.Cleanup(t, func() { log = append(log, "nested") })
		})
		defer func() { log = append(log, "defer") }()
		require.NoError(t, ctx.Err())
		log = append(log, "body")
	})
}

// A cleanup that calls t.FailNow does not keep the others from running.
func TestCleanupAfterFailNowInCleanup(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCleanupFailNowChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "--- FAIL: TestCleanupFailNowChild/native")
	assert.Contains(t, s, "--- FAIL: TestCleanupFailNowChild/sim")
	assert.Contains(t, s, "deliberate")
	assert.Equal(t, 2, strings.Count(s, "earlier cleanup ran"), "%s", s)
}

func TestCleanupFailNowChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestCleanupAfterFailNowInCleanup")
	}
	dual(t, func(t *testing.T) {
		simstd.Cleanup(t, func() { t.Log("earlier cleanup ran") })
		simstd.Cleanup(t, func() {
			time.Sleep(time.Millisecond)
			t.Fatal("deliberate")
		})
	})
}

// Go's order for parallel subtests: t.Run returns when the subtest calls
// t.Parallel; the parallel subtests start once the parent's function has
// returned (its defers ran: the classic bug of a parent's defer tearing
// down what its parallel subtests use shows in both), and the parent's
// cleanups wait for them.
func TestParallelSubtestsOrder(t *testing.T) {
	simtest.DualSeeds(t, 20, func(t *testing.T) {
		var mu sync.Mutex
		var log []string
		record := func(s string) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, s)
		}
		state := "open"
		simstd.Cleanup(t, func() {
			require.Len(t, log, 6)
			assert.Equal(t, []string{"a returned", "b returned", "sequential ran", "body end"}, log[:4])
			subs := slices.Clone(log[4:])
			slices.Sort(subs)
			assert.Equal(t, []string{"a saw closed", "b saw closed"}, subs)
		})
		defer func() { state = "closed" }()
		for _, name := range []string{"a", "b"} {
			simstd.Subtest(t, name, func(t *testing.T) {
				simstd.Parallel(t)
				record(name + " saw " + state)
			})
			record(name + " returned")
		}
		// A sequential subtest after the parallel ones runs at once.
		simstd.Subtest(t, "late", func(t *testing.T) { record("sequential ran") })
		record("body end")
	})
}

// In a simulation, parallel subtests run concurrently: both start at virtual
// time zero, and a seed decides which goes first.
func TestParallelSubtestsConcurrent(t *testing.T) {
	firsts := map[string]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		t.Setenv(simstd.EnvSeeds, "")
		t.Setenv(simstd.EnvSeed, strconv.FormatUint(seed, 10))
		t.Run("seed", func(t *testing.T) {
			simstd.Test(t, func(t *testing.T) {
				start := time.Now()
				var order []string
				for _, name := range []string{"a", "b"} {
					simstd.Subtest(t, name, func(t *testing.T) {
						simstd.Parallel(t)
						// (the compute model may move the clock by microseconds)
						assert.Less(t, time.Since(start), time.Millisecond, "%s started late", name)
						order = append(order, name)
						time.Sleep(time.Second)
					})
				}
				simstd.Cleanup(t, func() {
					assert.Less(t, time.Since(start), time.Second+time.Millisecond, "the parallel subtests slept together")
					require.Len(t, order, 2)
					firsts[order[0]] = true
				})
			})
		})
	}
	assert.Len(t, firsts, 2, "the seeds explore both orders")
}

// A parallel subtest that fails is reported as failed, and so is its parent.
func TestParallelSubtestFailure(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestParallelSubtestFailureChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "--- FAIL: TestParallelSubtestFailureChild/sim/fails")
	assert.Contains(t, s, "--- PASS: TestParallelSubtestFailureChild/sim/passes")
	assert.Contains(t, s, "--- FAIL: TestParallelSubtestFailureChild/sim ")
	assert.Contains(t, s, "parent cleanup ran")
}

func TestParallelSubtestFailureChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestParallelSubtestFailure")
	}
	dual(t, func(t *testing.T) {
		simstd.Cleanup(t, func() { t.Log("parent cleanup ran") })
		simstd.Subtest(t, "fails", func(t *testing.T) {
			simstd.Parallel(t)
			time.Sleep(time.Millisecond)
			t.Fatal("deliberate")
		})
		simstd.Subtest(t, "passes", func(t *testing.T) {
			simstd.Parallel(t)
		})
	})
}

// A run that ends while parallel subtests wait (here a deadlock in one of
// them) still hands every subtest back to the testing package, as failed,
// and the process goes on.
func TestParallelSubtestDeadlock(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestParallelSubtestDeadlockChild$", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "--- FAIL: TestParallelSubtestDeadlockChild/stuck")
	assert.Contains(t, s, "--- FAIL: TestParallelSubtestDeadlockChild/nested")
	assert.Contains(t, s, "deadlock")
	assert.NotContains(t, s, "panic: test timed out")
	assert.NotContains(t, s, "has completed")
}

func TestParallelSubtestDeadlockChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestParallelSubtestDeadlock")
	}
	simstd.Test(t, func(t *testing.T) {
		simstd.Subtest(t, "stuck", func(t *testing.T) {
			simstd.Parallel(t)
			simstd.NewChan[int](0).Recv()
		})
		simstd.Subtest(t, "nested", func(t *testing.T) {
			simstd.Parallel(t)
			simstd.Subtest(t, "inner", func(t *testing.T) {
				simstd.Parallel(t)
				simstd.NewChan[int](0).Recv()
			})
		})
	})
}

// A panicking test function still has its cleanups run in the simulation
// (Go runs them before reporting the panic), and the run fails with the
// panic.
func TestCleanupsRunOnPanic(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") == "1" {
		t.Skip("child mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCleanupsRunOnPanicChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SIMGEN_SUBTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	s := string(out)
	assert.Contains(t, s, "cleanup ran in the simulation after 1s")
	assert.Contains(t, s, "panic: boom")
	assert.Contains(t, s, "lifecycle_test.go:")
}

func TestCleanupsRunOnPanicChild(t *testing.T) {
	if os.Getenv("SIMGEN_SUBTEST_CHILD") != "1" {
		t.Skip("run by TestCleanupsRunOnPanic")
	}
	simstd.Test(t, func(t *testing.T) {
		start := time.Now()
		simstd.Cleanup(t, func() {
			time.Sleep(time.Second)
			if simstd.InSimulation() {
				t.Logf("cleanup ran in the simulation after %v", time.Since(start))
			}
		})
		panic("boom")
	})
}
