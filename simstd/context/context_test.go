package context

import (
	stdctx "context"
	"errors"
	"github.com/simgen/simgen/internal/simtest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
)

// dual runs the behaviour test f natively and in a simulation.
func dual(t *testing.T, f func(t *testing.T)) { simtest.Dual(t, f) }

func simulated() bool { return kernel.Current() != nil }

const tick = 20 * time.Millisecond // long enough for the real clock, free on the virtual one

type key string

var errCause = errors.New("the cause")

// isDone reports whether ctx's Done channel is closed (or would proceed).
func isDone(ctx Context) bool {
	return kernel.Select(true, DoneOf(ctx).RecvCase()) == 0
}

func TestBackgroundAndTODO(t *testing.T) {
	dual(t, func(t *testing.T) {
		for _, c := range []Context{Background(), TODO()} {
			assert.Nil(t, c.Done())
			assert.Nil(t, DoneOf(c))
			assert.NoError(t, c.Err())
			assert.Nil(t, c.Value("k"))
			_, ok := c.Deadline()
			assert.False(t, ok)
			assert.NoError(t, Cause(c))
		}
		assert.Equal(t, "context.Background", contextName(Background()))
		assert.Equal(t, "context.TODO", contextName(TODO()))
	})
}

func TestWithCancel(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent, cancelParent := WithCancel(Background())
		child, cancelChild := WithCancel(parent)
		grandchild, _ := WithCancel(child)
		sibling, cancelSibling := WithCancel(parent)
		defer cancelSibling()
		assert.Equal(t, "context.Background.WithCancel.WithCancel", contextName(child))

		cancelChild()
		assert.True(t, isDone(child))
		assert.True(t, isDone(grandchild), "cancellation reaches grandchildren")
		assert.False(t, isDone(parent), "a child does not cancel its parent")
		assert.NoError(t, parent.Err())

		waiting := kernel.NewChan[error](0)
		simstd.Go(func() {
			DoneOf(sibling).Recv()
			waiting.Send(sibling.Err())
		})
		cancelParent()
		cancelParent() // idempotent
		assert.ErrorIs(t, waiting.Recv(), stdctx.Canceled)
		assert.Same(t, stdctx.Canceled, parent.Err())
		assert.Equal(t, Canceled, Cause(grandchild))
	})
}

func TestWithCancelCause(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent, cancel := WithCancelCause(Background())
		child, cancelChild := WithCancel(parent)
		defer cancelChild()
		assert.NoError(t, Cause(parent), "no cause before cancellation")
		cancel(errCause)
		cancel(errors.New("too late"))
		assert.Equal(t, Canceled, parent.Err())
		assert.Equal(t, errCause, Cause(parent))
		assert.Equal(t, errCause, Cause(child), "children inherit the cause")
		assert.Equal(t, Canceled, child.Err())

		nilCause, cancel2 := WithCancelCause(Background())
		cancel2(nil)
		assert.Equal(t, Canceled, Cause(nilCause))

		late, cancelLate := WithCancel(parent)
		defer cancelLate()
		assert.True(t, isDone(late), "a child of a cancelled parent starts cancelled")
		assert.Equal(t, errCause, Cause(late))
	})
}

func TestWithTimeout(t *testing.T) {
	dual(t, func(t *testing.T) {
		start := simtime.Now()
		ctx, cancel := WithTimeout(Background(), tick)
		defer cancel()
		d, ok := ctx.Deadline()
		require.True(t, ok)
		assert.WithinDuration(t, start.Add(tick), d, tick/2)
		if simulated() {
			assert.Equal(t, start.Add(tick), d)
		}
		DoneOf(ctx).Recv()
		assert.GreaterOrEqual(t, simtime.Since(start), tick)
		if simulated() {
			assert.Equal(t, tick, simtime.Since(start), "the deadline fires on the virtual clock")
		}
		assert.ErrorIs(t, ctx.Err(), stdctx.DeadlineExceeded)
		assert.Equal(t, DeadlineExceeded, Cause(ctx))
		var timeout interface{ Timeout() bool }
		require.ErrorAs(t, ctx.Err(), &timeout)
		assert.True(t, timeout.Timeout())

		withCause, cancel2 := WithTimeoutCause(Background(), tick, errCause)
		defer cancel2()
		DoneOf(withCause).Recv()
		assert.Equal(t, DeadlineExceeded, withCause.Err())
		assert.Equal(t, errCause, Cause(withCause))

		early, cancel3 := WithTimeoutCause(Background(), time.Hour, errCause)
		cancel3()
		assert.Equal(t, Canceled, early.Err())
		assert.Equal(t, Canceled, Cause(early), "the cause applies to the deadline only")
	})
}

func TestDeadlineOrdering(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent, cancel := WithTimeout(Background(), time.Hour)
		pd, _ := parent.Deadline()
		later, cancelLater := WithTimeout(parent, 2*time.Hour)
		defer cancelLater()
		ld, ok := later.Deadline()
		require.True(t, ok)
		assert.Equal(t, pd, ld, "a later deadline yields to the parent's")

		sooner, cancelSooner := WithTimeout(parent, tick)
		defer cancelSooner()
		sd, _ := sooner.Deadline()
		assert.True(t, sd.Before(pd))
		DoneOf(sooner).Recv()
		assert.Equal(t, DeadlineExceeded, sooner.Err())
		assert.NoError(t, parent.Err(), "a child's deadline does not cancel the parent")

		cancel()
		assert.Equal(t, Canceled, later.Err())

		past, cancelPast := WithDeadline(Background(), simtime.Now().Add(-time.Second))
		defer cancelPast()
		assert.True(t, isDone(past))
		assert.Equal(t, DeadlineExceeded, past.Err())
	})
}

func TestVirtualTimeout(t *testing.T) {
	wall := time.Now()
	var err error
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		ctx, cancel := WithTimeout(Background(), time.Hour)
		defer cancel()
		DoneOf(ctx).Recv()
		err = ctx.Err()
	})
	require.NoError(t, r.Err)
	assert.Equal(t, DeadlineExceeded, err)
	assert.Equal(t, time.Hour, r.Elapsed)
	assert.Less(t, time.Since(wall), time.Minute, "a virtual hour costs no wall time (bounded generously: the machine may be busy)")
}

func TestAfterFunc(t *testing.T) {
	dual(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		ran := kernel.NewChan[*kernel.G](1)
		caller := kernel.Current()
		stop := AfterFunc(ctx, func() { ran.Send(kernel.Current()) })
		stopped := AfterFunc(ctx, func() { ran.Send(nil) })
		assert.True(t, stopped(), "stop before cancellation")
		assert.False(t, stopped(), "second stop")
		cancel()
		g := ran.Recv()
		if simulated() {
			require.NotNil(t, g)
			assert.NotEqual(t, caller, g, "f runs in its own goroutine")
		}
		assert.False(t, stop(), "stop after f started")
		simtime.Sleep(tick)
		assert.Equal(t, 0, ran.Len(), "a stopped AfterFunc never runs")

		AfterFunc(ctx, func() { ran.Send(nil) })
		ran.Recv() // already cancelled: starts at once
	})
}

func TestWithoutCancel(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent, cancel := WithTimeout(WithValue(Background(), key("k"), "v"), time.Hour)
		detached := WithoutCancel(parent)
		cancel()
		assert.Equal(t, "v", detached.Value(key("k")))
		assert.Nil(t, detached.Done())
		assert.Nil(t, DoneOf(detached))
		assert.NoError(t, detached.Err())
		assert.NoError(t, Cause(detached))
		_, ok := detached.Deadline()
		assert.False(t, ok)
		child, cancelChild := WithCancel(detached)
		defer cancelChild()
		assert.False(t, isDone(child))
		assert.Nil(t, child.Value(&cancelCtxKey).(*cancelCtx).Context.Value(&cancelCtxKey),
			"Cause lookups stop at WithoutCancel")
		assert.PanicsWithValue(t, "cannot create context from nil parent", func() { WithoutCancel(nil) })
	})
}

func TestWithValue(t *testing.T) {
	dual(t, func(t *testing.T) {
		a := WithValue(Background(), key("a"), 1)
		c, cancel := WithCancel(a)
		defer cancel()
		b := WithValue(c, key("b"), 2)
		shadow := WithValue(b, key("a"), 3)
		assert.Equal(t, 1, b.Value(key("a")))
		assert.Equal(t, 2, b.Value(key("b")))
		assert.Equal(t, 3, shadow.Value(key("a")))
		assert.Nil(t, shadow.Value(key("c")))
		assert.Nil(t, shadow.Value("a"), "keys of different types differ")
		assert.Equal(t, contextName(stdctx.WithValue(stdctx.Background(), key("a"), 1)), contextName(a))
		assert.Equal(t, "context.Background.WithValue(context.key, int)", contextName(a))
		assert.PanicsWithValue(t, "nil key", func() { WithValue(Background(), nil, 1) })
		assert.PanicsWithValue(t, "key is not comparable", func() { WithValue(Background(), []int{}, 1) })
		assert.PanicsWithValue(t, "cannot create context from nil parent", func() { WithValue(nil, key("a"), 1) })
		assert.PanicsWithValue(t, "cannot create context from nil parent", func() { WithCancel(nil) })
	})
}

// custom is a Context of a type this package does not know, as simgen
// rewrites a user's (a Done() <-chan struct{} method becomes SimgenDone, a
// Done returning NativeDone of it, and an AfterFunc through UserAfterFunc):
// children of it are watched by a goroutine.
type custom struct {
	done *kernel.Chan[struct{}]
}

func (c custom) Deadline() (time.Time, bool)        { return time.Time{}, false }
func (c custom) SimgenDone() *kernel.Chan[struct{}] { return c.done }
func (c custom) Done() <-chan struct{}              { return NativeDone(c.SimgenDone()) }
func (c custom) AfterFunc(f func()) func() bool     { return UserAfterFunc(c, f) }
func (c custom) Err() error {
	if kernel.Select(true, c.done.RecvCase()) == 0 {
		return Canceled
	}
	return nil
}
func (c custom) Value(any) any { return nil }

func TestCustomParent(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent := custom{done: kernel.NewChan[struct{}](0)}
		child, cancel := WithCancel(parent)
		defer cancel()
		parent.done.Close()
		DoneOf(child).Recv()
		assert.Equal(t, Canceled, child.Err())
	})
}

// cancelStorm starts goroutines waiting on a tree of contexts, some with
// AfterFunc and deadlines, and cancels the root.
func cancelStorm() {
	root, cancel := WithCancel(Background())
	results := kernel.NewChan[int](0)
	for i := range 6 {
		ctx, c := WithTimeout(root, time.Duration(i+1)*time.Millisecond)
		defer c()
		child, cc := WithCancel(ctx)
		defer cc()
		AfterFunc(child, func() { results.Send(100 + i) })
		simstd.Go(func() {
			DoneOf(child).Recv()
			results.Send(i)
		})
	}
	simtime.Sleep(3 * time.Millisecond)
	cancel()
	for range 12 {
		results.Recv()
	}
}

func TestDeterminism(t *testing.T) {
	a := simstd.Run(simstd.Config{Seed: 9}, cancelStorm)
	b := simstd.Run(simstd.Config{Seed: 9}, cancelStorm)
	require.NoError(t, a.Err)
	require.NoError(t, b.Err)
	assert.Equal(t, a.Hash, b.Hash)
	assert.Equal(t, a.Steps, b.Steps)
}

// withTimeoutViaAfterFunc is WithTimeout as it was before deadlines in a
// simulation had kernel timers of their own: enforced by a simstd/time
// AfterFunc. TestDeadlineTimerLikeAfterFunc holds the two to the same
// scheduling.
func withTimeoutViaAfterFunc(parent Context, d time.Duration) (Context, CancelFunc) {
	c := &timerCtx{deadline: simtime.Now().Add(d)}
	c.cancelCtx.propagateCancel(parent, c, false)
	c.mu.Lock()
	c.timer = simtime.AfterFunc(d, c.expire)
	c.mu.Unlock()
	return c, func() {
		kernel.SyncPoint()
		c.cancel(true, Canceled, nil)
	}
}

// deadlines has goroutines on several nodes race deadlines against early
// cancels and against each other, with withTimeout.
func deadlines(withTimeout func(Context, time.Duration) (Context, CancelFunc)) func() {
	return func() {
		s := kernel.Current().Sim()
		out := kernel.NewChan[int](0)
		for n := range 3 {
			_, err := s.NewNode(string(rune('a'+n)), func() {
				for i := range 4 {
					simstd.Go(func() {
						ctx, cancel := withTimeout(Background(), time.Duration(i%3+1)*time.Millisecond)
						if i%2 == 0 {
							simtime.Sleep(time.Millisecond)
							cancel()
						}
						DoneOf(ctx).Recv()
						out.Send(n*10 + i)
					})
				}
			})
			if err != nil {
				panic(err)
			}
		}
		for range 12 {
			out.Recv()
		}
	}
}

func TestDeadlineTimerLikeAfterFunc(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		a := simstd.Run(simstd.Config{Seed: seed}, deadlines(WithTimeout))
		b := simstd.Run(simstd.Config{Seed: seed}, deadlines(withTimeoutViaAfterFunc))
		require.NoError(t, a.Err)
		require.NoError(t, b.Err)
		assert.Equal(t, b.Hash, a.Hash, "seed %d", seed)
		assert.Equal(t, b.Steps, a.Steps, "seed %d", seed)
	}
}

// TestDeadlineGoroutineOnNode checks that the goroutine expiring a context
// runs on the node of the goroutine that made it, as AfterFunc's does.
func TestDeadlineGoroutineOnNode(t *testing.T) {
	var want, got *kernel.Node
	r := simstd.Run(simstd.Config{Seed: 3}, func() {
		on := kernel.NewChan[*kernel.Node](1)
		var err error
		want, err = kernel.Current().Sim().NewNode("a", func() {
			ctx, cancel := WithTimeout(Background(), time.Second)
			defer cancel()
			AfterFunc(ctx, func() { on.Send(kernel.Current().Node()) })
			DoneOf(ctx).Recv()
		})
		if err != nil {
			panic(err)
		}
		got = on.Recv()
	})
	require.NoError(t, r.Err)
	assert.Same(t, want, got)
}

// TestCancelTakesDeadlineOffClock checks that cancelling in the simulation
// unschedules the deadline: with nothing else pending, a blocked run is
// deadlocked at once instead of first running the clock to the deadline.
func TestCancelTakesDeadlineOffClock(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		_, cancel := WithTimeout(Background(), time.Hour)
		cancel()
		kernel.NewChan[int](0).Recv()
	})
	require.Error(t, r.Err)
	assert.Zero(t, r.Elapsed)
}

// TestDeadlineCancelledNatively cancels a simulation's context from a native
// goroutine, which may not touch the simulation's timers: the deadline timer
// still fires, but starts no goroutine.
func TestDeadlineCancelledNatively(t *testing.T) {
	var err error
	var next uint64
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		ctx, cancel := WithTimeout(Background(), time.Second)
		done := make(chan struct{})
		go func() { cancel(); close(done) }()
		<-done
		simtime.Sleep(2 * time.Second)
		err = ctx.Err()
		ids := kernel.NewChan[uint64](1)
		simstd.Go(func() { ids.Send(kernel.Current().ID()) })
		next = ids.Recv()
	})
	require.NoError(t, r.Err)
	assert.Equal(t, Canceled, err)
	assert.Equal(t, uint64(2), next, "no goroutine was started before this one")
}

// BenchmarkWithTimeout is a context with a timeout per op, cancelled before
// it expires: a request's deadline.
func BenchmarkWithTimeout(b *testing.B) {
	b.ReportAllocs()
	r := simstd.Run(simstd.Config{Seed: 1, Watchdog: -1}, func() {
		for range b.N {
			_, cancel := WithTimeout(Background(), time.Second)
			cancel()
		}
	})
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}
