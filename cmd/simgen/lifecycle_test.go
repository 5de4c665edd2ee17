package main

import (
	"path/filepath"
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

// numGoroutine is alone in its package: goroutines that other tests leave finishing would
// count natively.
const numGoroutine = `package ng

import (
	"runtime"
	"testing"
)

func TestNumGoroutine(t *testing.T) {
	if n := runtime.NumGoroutine(); n != 2 {
		t.Errorf("NumGoroutine = %d, want 2: the test binary's main goroutine and the test's", n)
	}
	stop := make(chan struct{})
	go func() { <-stop }()
	if n := runtime.NumGoroutine(); n != 3 {
		t.Errorf("NumGoroutine = %d after go, want 3", n)
	}
	close(stop)
	t.Run("sub", func(t *testing.T) {
		if n := runtime.NumGoroutine(); n < 3 {
			t.Errorf("NumGoroutine = %d in a subtest, want at least 3: main, the test's, the subtest's", n)
		}
	})
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
		"ng/ng.go":          "package ng\n",
		"ng/ng_test.go":     numGoroutine,
	})
	out, err := rewritetest.Go(t, dir, nil, "test", "-count=1", "./life", "./ng")
	require.NoError(t, err, "natively: %s", out)
	r := simgen(t, dir, nil, "test", "./life", "./ng", "--seeds", "1-20")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)

	out, err = rewritetest.Go(t, dir, nil, "test", "-count=1", "./bug")
	require.Error(t, err)
	assert.Contains(t, out, "db torn down before the parallel subtest ran")
	r = simgen(t, dir, nil, "test", "./bug", "--", "-count=1")
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "db torn down before the parallel subtest ran")
}

// exitingTest ends the test binary natively; simulated, each seed is a run that failed by
// exiting.
const exitingTest = `package ex

import (
	"log"
	"testing"
	"time"
)

func TestFatal(t *testing.T) {
	res := make(chan int)
	for i := range 3 {
		go func() {
			time.Sleep(time.Duration(i) * time.Millisecond)
			res <- i
		}()
	}
	log.Fatalf("cannot go on: got %d", <-res)
}
`

func TestExitIsAFailureKind(t *testing.T) {
	dir := module(t, map[string]string{"ex/ex.go": "package ex\n", "ex/ex_test.go": exitingTest})
	out := filepath.Join(dir, "out.json")
	r := simgen(t, dir, nil, "test", "./ex", "--seeds", "1-3", "--keep-going", "--check-determinism", "--json", out)
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "log.Fatal at ex_test.go:17: cannot go on: got 0 (goroutine 1)")
	recs := readRecords(t, out)
	require.Len(t, recs, 3)
	for _, rec := range recs {
		assert.Equal(t, "exit", rec.Kind, "seed %d: not nondeterministic: both runs exited with the same hash", rec.Seed)
		require.Len(t, rec.Runs, 1)
		assert.Equal(t, "exit", rec.Runs[0].Kind)
		assert.Equal(t, "log.Fatal at ex_test.go:17: cannot go on: got 0 (goroutine 1)", rec.Error)
		assert.Len(t, rec.Hash, 16)
	}
}

// synctestTests use testing/synctest as Go's documentation does; simulated, the run is the
// bubble.
const synctestTests = `package st

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		time.Sleep(4 * time.Second)
		synctest.Wait()
		if err := ctx.Err(); err != nil {
			t.Fatalf("before the timeout: %v", err)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if err := ctx.Err(); err != context.DeadlineExceeded {
			t.Fatalf("after the timeout: %v", err)
		}
	})
}

func TestWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := make(chan int, 3)
		for i := range 3 {
			go func() { got <- i }()
		}
		synctest.Wait()
		if len(got) != 3 {
			t.Fatalf("%d goroutines ran before Wait returned, want 3", len(got))
		}
	})
}
`

func TestSynctestNativeAndSimulated(t *testing.T) {
	dir := module(t, map[string]string{"st/st.go": "package st\n", "st/st_test.go": synctestTests})
	out, err := rewritetest.Go(t, dir, nil, "test", "-count=1", "./st")
	require.NoError(t, err, "natively: %s", out)
	r := simgen(t, dir, nil, "test", "./st", "--seeds", "1-20")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
}

// exitingMain exits from a goroutine: with status 0 (a success) or through log.Fatal.
const exitingMain = `package main

import (
	"fmt"
	"log"
	"os"
	"time"
)

func main() {
	done := make(chan struct{})
	go func() {
		time.Sleep(time.Second)
		if len(os.Args) > 1 {
			log.Fatal("cannot go on")
		}
		fmt.Println("exiting")
		os.Exit(0)
	}()
	<-done
}
`

func TestMainExit(t *testing.T) {
	dir := module(t, map[string]string{"cmd/z/main.go": exitingMain})
	r := simgen(t, dir, nil, "run", "--seeds", "1-3", "./cmd/z")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: 3 seeds run (1-3, ./cmd/z): 3 passed, 0 failed\n")

	r = simgen(t, dir, nil, "run", "--seed", "2", "./cmd/z", "--", "fatal")
	assert.Equal(t, 1, r.code, "log.Fatal's exit status")
	assert.Contains(t, r.stderr, "2025/01/01 00:00:01 cannot go on\nlog.Fatal at main.go:15: cannot go on (goroutine 2)\nsimgen: seed 2 failed (strategy ")
	assert.Contains(t, r.stderr, "reproduce: simgen run --seed 2 ./cmd/z -- fatal\n")
}

// smallDivergences are plain Go tests of time.Now's monotonic reading and of log's time
// stamps, which pass natively and must pass simulated.
const smallDivergences = `package small

import (
	"bytes"
	"log"
	"strings"
	"testing"
	"time"
)

func TestNowHasMonotonicReading(t *testing.T) {
	if s := time.Now().String(); !strings.Contains(s, " m=+") {
		t.Fatalf("time.Now() = %s, without a monotonic reading", s)
	}
}

func TestLogTimeStampIsNow(t *testing.T) {
	var buf bytes.Buffer
	l := log.New(&buf, "", log.LstdFlags)
	now := time.Now()
	l.Print("x")
	stamp, err := time.ParseInLocation("2006/01/02 15:04:05", buf.String()[:19], now.Location())
	if err != nil {
		t.Fatal(err)
	}
	if d := stamp.Sub(now.Round(0).Truncate(time.Second)); d < 0 || d > 10*time.Second {
		t.Fatalf("log stamped %v at %v", stamp, now)
	}
}
`

// poolReliance wrongly relies on a sync.Pool keeping what was put: natively it passes unless a
// garbage collection comes between Put and Get; simulated, some seeds drop the value.
const poolReliance = `package pool

import (
	"sync"
	"testing"
)

func TestPoolKeeps(t *testing.T) {
	p := sync.Pool{New: func() any { return 0 }}
	p.Put(42)
	if v := p.Get(); v != 42 {
		t.Fatalf("Get = %v: the pool dropped the value", v)
	}
}
`

// unlockUnlocked is a fatal error natively, which no recover stops; simulated, the run fails
// with kind fatal.
const unlockUnlocked = `package unlock

import (
	"sync"
	"testing"
)

func TestUnlockUnlocked(t *testing.T) {
	defer func() { recover() }()
	var mu sync.Mutex
	mu.Unlock()
}
`

func TestSmallDivergences(t *testing.T) {
	dir := module(t, map[string]string{
		"small/small.go": "package small\n", "small/small_test.go": smallDivergences,
		"pool/pool.go": "package pool\n", "pool/pool_test.go": poolReliance,
		"unlock/unlock.go": "package unlock\n", "unlock/unlock_test.go": unlockUnlocked,
	})
	out, err := rewritetest.Go(t, dir, nil, "test", "-count=1", "./small")
	require.NoError(t, err, "natively: %s", out)
	r := simgen(t, dir, nil, "test", "./small", "--seeds", "1-5")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)

	r = simgen(t, dir, nil, "test", "./pool", "--seeds", "1-50", "--keep-going")
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "the pool dropped the value")
	assert.NotContains(t, r.stdout, "0 passed", "most seeds keep the value")

	out, err = rewritetest.Go(t, dir, nil, "test", "-count=1", "./unlock")
	require.Error(t, err)
	assert.Contains(t, out, "fatal error: sync: unlock of unlocked mutex")
	jsonOut := filepath.Join(dir, "unlock.json")
	r = simgen(t, dir, nil, "test", "./unlock", "--seeds", "1-2", "--json", jsonOut)
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "fatal error: sync: unlock of unlocked mutex")
	recs := readRecords(t, jsonOut)
	require.NotEmpty(t, recs)
	assert.Equal(t, "fatal", recs[0].Kind)
}
