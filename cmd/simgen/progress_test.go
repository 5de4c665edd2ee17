package main

import (
	"regexp"
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Plain Go programs and tests whose runs make progress natively make it
// simulated too: busy goroutines let timers fire, default limits do not
// stop a long program, atomics interleave, and a run that can never end is
// reported as a livelock, naming where it spins.

// busyTest spins on runtime.Gosched and on a select with a default while
// the test's own timer runs out; natively, time passes while they spin.
const busyTest = `package busy

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestGosched(t *testing.T) {
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		for !stop.Load() {
			runtime.Gosched()
		}
		close(done)
	}()
	time.Sleep(50 * time.Millisecond)
	stop.Store(true)
	<-done
}

func TestSelectDefault(t *testing.T) {
	deadline := time.After(20 * time.Millisecond)
	polls := 0
	for {
		select {
		case <-deadline:
			if polls == 0 {
				t.Fatal("no poll")
			}
			return
		default:
			polls++
		}
	}
}

// A replication loop over an in-process transport: the leader re-sends
// while it has work, the follower answers at once, so some goroutine is
// always runnable. The test's timer must fire all the same.
func TestReplicationLoop(t *testing.T) {
	req, resp := make(chan int), make(chan int)
	go func() {
		for v := range req {
			resp <- v
		}
	}()
	timeout := time.NewTimer(100 * time.Millisecond)
	defer timeout.Stop()
	sent := 0
	for {
		select {
		case req <- sent:
			<-resp
			sent++
		case <-timeout.C:
			close(req)
			if sent == 0 {
				t.Fatal("nothing replicated")
			}
			return
		}
	}
}
`

func TestBusyGoroutinesLetTimersFire(t *testing.T) {
	dir := module(t, map[string]string{"busy/busy_test.go": busyTest})
	gr, err := rewritetest.Go(t, dir, nil, "test", "-count=1", "./busy")
	require.NoError(t, err, "natively: %s", gr)

	// The step limit bounds the test should the clock freeze (it would
	// spin for ever); none of these runs comes near it.
	r := simgen(t, dir, nil, "test", "./busy", "--seeds", "1-5", "--step-limit", "20000000", "--", "-count=1")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "5 passed, 0 failed")
}

// dayLongMain runs timers for a day of virtual time: natively it just runs.
const dayLongMain = `package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for range 24 {
		<-tick.C
	}
	fmt.Println("after", time.Since(start).Round(time.Hour))
}
`

func TestDefaultLimitsDoNotStopALongProgram(t *testing.T) {
	dir := module(t, map[string]string{"cmd/day/main.go": dayLongMain})
	r := simgen(t, dir, nil, "run", "--seed", "1", "./cmd/day")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Equal(t, "after 24h0m0s\n", r.stdout)

	// An explicit limit still applies.
	r = simgen(t, dir, nil, "run", "--seed", "1", "--time-limit", "2h", "./cmd/day")
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stdout+r.stderr, "virtual time limit 2h0m0s exceeded")
}

// lostUpdateTest increments a counter with an atomic load and store: two
// goroutines may lose each other's increments (Go shows it).
const lostUpdateTest = `package lost

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestCount(t *testing.T) {
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				n.Store(n.Load() + 1)
			}
		}()
	}
	wg.Wait()
	if got := n.Load(); got != 100 {
		t.Fatalf("lost %d updates", 100-got)
	}
}
`

func TestAtomicLostUpdateIsFound(t *testing.T) {
	dir := module(t, map[string]string{"lost/lost_test.go": lostUpdateTest})
	r := simgen(t, dir, nil, "test", "./lost", "--seeds", "1-30", "--", "-count=1")
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Regexp(t, regexp.MustCompile(`simgen: seed \d+ of 1-30 failed`), r.stdout)
	assert.Contains(t, r.stdout, "lost ")
}

// spinTest waits for a flag that nothing ever sets: natively it hangs.
const spinTest = `package spin

import (
	"runtime"
	"testing"
)

var ready bool

func TestSpin(t *testing.T) {
	done := make(chan bool)
	go func() {
		for !ready {
			runtime.Gosched() // spin_test.go:14
		}
		done <- true
	}()
	<-done
}
`

func TestLivelockIsReported(t *testing.T) {
	dir := module(t, map[string]string{"spin/spin_test.go": spinTest})
	r := simgen(t, dir, []string{"SIMGEN_LIVELOCK=1000000"}, "test", "./spin", "--seed", "1", "--", "-count=1")
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	out := r.stdout + r.stderr
	assert.Contains(t, out, "livelock: ")
	assert.Regexp(t, `goroutine 2 \(\d+ of the last \d+ decisions\) at spin_test.go:14`, out)
	assert.Contains(t, out, "SIMGEN_LIVELOCK=1000000 simgen test --seed 1", "the reproduce command keeps the bound")
}
