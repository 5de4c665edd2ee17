package main

import (
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lifecycleTests are plain Go tests of the testing package's lifecycle: cleanups run after
// the test function with its goroutines alive, t.Context is cancelled before them, parallel
// subtests start after the parent's function returned and its cleanups wait for them.
const lifecycleTests = `package life

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestWorkerStoppedByCleanup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	time.Sleep(5 * time.Millisecond)
}

func TestContextCancelledBeforeCleanups(t *testing.T) {
	ctx := t.Context()
	stopped := make(chan struct{})
	go func() {
		<-ctx.Done()
		close(stopped)
	}()
	t.Cleanup(func() { <-stopped })
	if ctx.Err() != nil {
		t.Fatal("t.Context cancelled while the test runs")
	}
}

func helperServer(tb testing.TB) chan int {
	reqs := make(chan int)
	go func() {
		for range reqs {
		}
	}()
	tb.Cleanup(func() { reqs <- 1; close(reqs) })
	return reqs
}

func TestHelperCleanupThroughTB(t *testing.T) {
	reqs := helperServer(t)
	reqs <- 0
}

func TestParallelSubtestsAfterParent(t *testing.T) {
	state := "open"
	defer func() { state = "closed" }()
	var mu sync.Mutex
	var seen []string
	t.Cleanup(func() {
		if len(seen) != 2 || seen[0] != "closed" || seen[1] != "closed" {
			t.Errorf("parallel subtests saw %v, want closed twice", seen)
		}
	})
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, state)
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 0 {
		t.Errorf("parallel subtests ran before the parent's function returned: %v", seen)
	}
}
`

// classicBug is the parent whose defer tears down what its parallel subtests use: it fails
// natively, and must fail simulated too.
const classicBug = `package bug

import "testing"

func TestTeardownBeforeParallel(t *testing.T) {
	db := map[string]int{"x": 1}
	defer func() { db = nil }()
	t.Run("reader", func(t *testing.T) {
		t.Parallel()
		if db == nil {
			t.Fatal("db torn down before the parallel subtest ran")
		}
	})
}
`

func TestLifecycleNativeAndSimulated(t *testing.T) {
	dir := module(t, map[string]string{
		"life/life.go":      "package life\n",
		"life/life_test.go": lifecycleTests,
		"bug/bug.go":        "package bug\n",
		"bug/bug_test.go":   classicBug,
	})
	out, err := rewritetest.Go(t, dir, nil, "test", "-count=1", "./life")
	require.NoError(t, err, "natively: %s", out)
	r := simgen(t, dir, nil, "test", "./life", "--seeds", "1-20")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)

	out, err = rewritetest.Go(t, dir, nil, "test", "-count=1", "./bug")
	require.Error(t, err)
	assert.Contains(t, out, "db torn down before the parallel subtest ran")
	r = simgen(t, dir, nil, "test", "./bug", "--", "-count=1")
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "db torn down before the parallel subtest ran")
}
