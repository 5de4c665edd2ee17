package simstd_test

import (
	"testing"

	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/math/rand"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ticker starts a goroutine that counts milliseconds until its node stops it.
func ticker(count *int) {
	simstd.Go(func() {
		for {
			time.Sleep(time.Millisecond)
			*count++
		}
	})
}

func run(t *testing.T, seed uint64, fn func()) simstd.Result {
	t.Helper()
	r := simstd.Run(simstd.Config{Seed: seed, MaxTime: time.Hour}, fn)
	require.NoError(t, r.Err)
	return r
}

func TestKillStopsGoroutinesAndTimers(t *testing.T) {
	var count int
	fired := false
	run(t, 1, func() {
		a := simstd.NewNode("a", func() {
			ticker(&count)
			time.AfterFunc(time.Second, func() { fired = true })
		})
		time.Sleep(10*time.Millisecond + time.Microsecond)
		require.Equal(t, 10, count)
		require.Equal(t, 2, simstd.NumGoroutine(), "main and a's ticker (a's main returned)")
		a.Kill()
		assert.Equal(t, "down", a.State())
		assert.Equal(t, 1, simstd.NumGoroutine(), "a killed goroutine no longer counts")
		time.Sleep(time.Hour / 2)
		assert.Equal(t, 10, count, "a killed node's goroutine ran")
		assert.False(t, fired, "a killed node's timer fired")
	})
}

func TestKilledReceiverIsSkipped(t *testing.T) {
	run(t, 1, func() {
		c := simstd.NewChan[int](0)
		a := simstd.NewNode("a", func() { c.Recv() })
		time.Sleep(time.Millisecond) // a blocks in Recv
		a.Kill()
		sel := c.SendCase(1)
		assert.Equal(t, -1, simstd.Select(true, sel), "a send must not hand its value to a killed receiver")
	})
}

func TestKillDefersRunOnlyWhenTheRunEnds(t *testing.T) {
	deferRan := false
	run(t, 1, func() {
		a := simstd.NewNode("a", func() {
			defer func() { deferRan = true }()
			simstd.NewChan[int](0).Recv()
		})
		time.Sleep(time.Millisecond)
		a.Kill()
		time.Sleep(time.Second)
		assert.False(t, deferRan, "deferred call of a killed goroutine ran during the run")
	})
	assert.True(t, deferRan, "deferred call of a killed goroutine did not run when the run ended")
}

func TestKillSelfStopsAtOnce(t *testing.T) {
	after := false
	run(t, 1, func() {
		simstd.NewNode("a", func() {
			simstd.CurrentNode().Kill()
			after = true
		})
		time.Sleep(time.Second)
		assert.False(t, after, "code after a node killed itself ran")
	})
}

// margin is how long after a tick's instant the tests below look: it leaves
// the ticking goroutine the compute time of its few scheduling decisions.
const margin = 500 * time.Microsecond

func TestRestartRunsMainAgain(t *testing.T) {
	boots := 0
	var count int
	run(t, 1, func() {
		a := simstd.NewNode("a", func() {
			boots++
			ticker(&count)
		})
		time.Sleep(5*time.Millisecond + margin)
		a.Restart()
		time.Sleep(5*time.Millisecond + margin)
		a.Restart()
		assert.Equal(t, "up", a.State())
		time.Sleep(5*time.Millisecond + margin)
		assert.Equal(t, 3, boots)
		assert.Equal(t, 15, count, "only the newest life's ticker runs")
		assert.Equal(t, 2, simstd.NumGoroutine())
	})
}

func TestGoOnDownNodeNeverRuns(t *testing.T) {
	ran := false
	run(t, 1, func() {
		a := simstd.NewNode("a", nil)
		a.Go(func() {})
		assert.Panics(t, func() { a.Restart() }, "a node without main cannot restart")
		a.Kill()
		a.Go(func() { ran = true })
		time.Sleep(time.Second)
	})
	assert.False(t, ran)
}

func TestPauseHoldsGoroutines(t *testing.T) {
	var count int
	run(t, 1, func() {
		a := simstd.NewNode("a", func() { ticker(&count) })
		time.Sleep(5*time.Millisecond + margin)
		a.Pause()
		assert.Equal(t, "paused", a.State())
		time.Sleep(time.Second)
		assert.Equal(t, 5, count, "a paused node ran")
		a.Resume()
		time.Sleep(5*time.Millisecond + margin)
		// The sleep pending across the pause completes at once on resume.
		assert.Equal(t, 5+1+5, count)
	})
}

func TestPausedNodeInDeadlockReport(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		a := simstd.NewNode("a", func() {
			simstd.Gosched()
			c.Send(1)
		})
		a.Pause()
		c.Recv()
	})
	var dl *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &dl)
	assert.Contains(t, r.Err.Error(), "[node paused]")
}

func TestDefaultNodeCannotBeKilledOrPaused(t *testing.T) {
	run(t, 1, func() {
		main := simstd.CurrentNode()
		assert.Equal(t, "main", main.Name())
		assert.Equal(t, "10.0.0.1", main.Addr().String())
		assert.ErrorContains(t, simtest.PanicValue(main.Kill).(error), "cannot be killed")
		assert.ErrorContains(t, simtest.PanicValue(main.Pause).(error), "cannot be paused")
	})
}

func TestNodeNames(t *testing.T) {
	run(t, 1, func() {
		a := simstd.NewNode("a", nil)
		b := simstd.NewNode("b", nil)
		assert.Equal(t, "10.0.0.2", a.Addr().String())
		assert.Equal(t, "10.0.0.3", b.Addr().String())
		assert.Equal(t, b.Kernel(), simstd.NodeNamed("b").Kernel())
		assert.Nil(t, simstd.NodeNamed("c"))
		assert.Len(t, simstd.Nodes(), 3)
		assert.ErrorContains(t, simtest.PanicValue(func() { simstd.NewNode("a", nil) }).(error), "already exists")
		var inner *simstd.Node
		done := simstd.NewChan[int](0)
		a.Go(func() { inner = simstd.CurrentNode(); done.Send(1) })
		done.Recv()
		assert.Equal(t, a.Kernel(), inner.Kernel())
	})
	assert.Panics(t, func() { simstd.NewNode("x", nil) }, "outside a simulation")
}

// churn kills, restarts and pauses nodes at seeded moments while their
// goroutines talk over channels.
func churn() {
	c := simstd.NewChan[int](4)
	var nodes []*simstd.Node
	for _, name := range []string{"a", "b", "c"} {
		nodes = append(nodes, simstd.NewNode(name, func() {
			for i := 0; ; i++ {
				select1(c, i)
				time.Sleep(time.Duration(1+rand.Intn(3)) * time.Millisecond)
			}
		}))
	}
	for i := 0; i < 50; i++ {
		n := nodes[rand.Intn(len(nodes))]
		switch rand.Intn(4) {
		case 0:
			n.Restart()
		case 1:
			n.Pause()
		case 2:
			n.Resume()
		default:
			n.Kill()
		}
		for c.Len() > 0 {
			c.Recv()
		}
		time.Sleep(time.Millisecond)
	}
}

func select1(c *simstd.Chan[int], v int) {
	s := c.SendCase(v)
	simstd.Select(true, s)
}

func TestNodeChurnIsDeterministic(t *testing.T) {
	a := run(t, 7, churn)
	b := run(t, 7, churn)
	c := run(t, 8, churn)
	assert.Equal(t, a.Hash, b.Hash)
	assert.Equal(t, a.Steps, b.Steps)
	assert.NotEqual(t, a.Hash, c.Hash)
}

// A goroutine started on a paused node that never ran does not run when the
// deadlock report records the stacks.
func TestDeadlockReportRunsNoNewGoroutine(t *testing.T) {
	ran := false
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		b := simstd.NewNode("b", nil)
		b.Pause()
		b.Go(func() { ran = true })
		simstd.NewChan[int](0).Recv()
	})
	var dl *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &dl)
	assert.False(t, ran, "the deadlock report ran a goroutine's user code")
	assert.Contains(t, r.Err.Error(), "[node paused]")
}
