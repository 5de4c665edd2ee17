package synctest_test

import (
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/context"
	"github.com/simgen/simgen/simstd/sync"
	"github.com/simgen/simgen/simstd/testing/synctest"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shim declares every name of std testing/synctest, so rewritten imports compile.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("testing/synctest", "github.com/simgen/simgen/simstd/testing/synctest", nil)
	require.NoError(t, err)
	assert.Empty(t, diffs)
}

// After Go's documentation's example: Wait lets the timer's goroutine run
// before the test looks, and the clock moves with the test's sleeps.
func TestContextTimeout(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			time.Sleep(4 * time.Second)
			synctest.Wait()
			require.NoError(t, ctx.Err(), "before the timeout")
			time.Sleep(2 * time.Second)
			synctest.Wait()
			require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, "after the timeout")
			assert.GreaterOrEqual(t, time.Since(start), 6*time.Second)
			assert.Less(t, time.Since(start), 7*time.Second)
		})
	})
}

// Wait returns once the other goroutines are blocked, having let them run.
func TestWaitLetsOthersRun(t *testing.T) {
	simtest.DualSeeds(t, 20, func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := simstd.NewChan[int](0)
			var mu sync.Mutex
			n := 0
			for range 3 {
				simstd.Go(func() {
					mu.Lock()
					n++
					mu.Unlock()
					c.Recv()
				})
			}
			synctest.Wait()
			mu.Lock()
			assert.Equal(t, 3, n)
			mu.Unlock()
			c.Close()
		})
	})
}

// Test returns once the goroutines started in it exit; the cleanups f
// registers run before it returns, after f's context is cancelled.
func TestWaitsForGoroutinesAndRunsCleanups(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		var log []string
		synctest.Test(t, func(t *testing.T) {
			ctx := context.TestContext(t)
			stop := simstd.NewChan[struct{}](0)
			simstd.Cleanup(t, func() {
				if ctx.Err() != nil {
					log = append(log, "cleanup after cancel")
				}
				stop.Close()
			})
			simstd.Go(func() {
				stop.Recv()
				log = append(log, "goroutine exited")
			})
		})
		log = append(log, "Test returned")
		assert.Equal(t, []string{"cleanup after cancel", "goroutine exited", "Test returned"}, log)
	})
}

// Goroutines left blocked for good make Test panic, as Go's does.
func TestLeftBlockedPanics(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		synctest.Test(t, func(t *testing.T) {
			simstd.Go(func() { simstd.NewChan[int](0).Recv() })
		})
	})
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Equal(t, "deadlock: main bubble goroutine has exited but blocked goroutines remain", pe.Value)
}
