package context

import (
	stdctx "context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
)

// stdDone reports whether a context's real Done channel is closed, without
// blocking (allowed in a simulation: it never waits).
func stdDone(c stdctx.Context) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

func TestStdKeyProbe(t *testing.T) {
	require.NotNil(t, stdCancelKey, "the standard library's cancelCtx key was not found")
}

// Our contexts are std contexts: their real Done channel closes in the call
// that cancels them, and maps back to the simulated one.
func TestRealDone(t *testing.T) {
	dual(t, func(t *testing.T) {
		var std stdctx.Context
		ours, cancel := WithCancelCause(Background())
		std = ours
		d := std.Done()
		require.NotNil(t, d)
		assert.Same(t, DoneOf(ours), ChanOf(d))
		assert.Equal(t, d, ours.Done(), "one real channel per context")
		assert.False(t, stdDone(ours))
		cancel(errCause)
		assert.True(t, stdDone(ours))
		assert.True(t, isDone(ours))
		assert.Equal(t, errCause, stdctx.Cause(ours), "std's Cause sees our cause")

		late, cancelLate := WithCancel(Background())
		cancelLate()
		assert.True(t, stdDone(late), "asked for after the cancel")
		assert.Nil(t, ChanOf(nil))
		assert.Nil(t, Background().Done())
	})
}

// A std context derived from ours is cancelled by the call that cancels ours,
// through the AfterFunc method std looks for, not a moment later by a native
// goroutine: inside a simulation, at a point the seed fixes.
func TestStdChild(t *testing.T) {
	dual(t, func(t *testing.T) {
		ours, cancel := WithCancelCause(Background())
		mid := WithValue(ours, key("k"), 1)
		child, stdCancel := stdctx.WithCancel(mid)
		defer stdCancel()
		grandchild, gcCancel := WithTimeout(child, time.Hour)
		defer gcCancel()
		assert.Equal(t, 1, grandchild.Value(key("k")))
		assert.False(t, stdDone(child))
		cancel(errCause)
		assert.True(t, stdDone(child))
		assert.Equal(t, stdctx.Canceled, child.Err())
		assert.Equal(t, errCause, stdctx.Cause(child))
		// std's child is adopted: seen when the run next polls (natively,
		// by a goroutine)
		DoneOf(grandchild).Recv()
		assert.Equal(t, errCause, Cause(grandchild))
	})
}

// std layers that only add values share our Done channel, so a select on
// them waits on our simulated channel.
func TestStdMiddleware(t *testing.T) {
	dual(t, func(t *testing.T) {
		ours, cancel := WithCancelCause(Background())
		back := stdctx.WithValue(ours, key("mw"), "x")
		assert.Same(t, DoneOf(ours), DoneOf(back))
		type wrapper struct{ Context }
		assert.Same(t, DoneOf(ours), DoneOf(wrapper{back}))
		child, cancelChild := WithCancel(wrapper{back})
		defer cancelChild()
		woke := kernel.NewChan[error](0)
		simstd.Go(func() {
			DoneOf(back).Recv()
			woke.Send(Cause(back))
		})
		simtime.Sleep(tick)
		cancel(errCause)
		assert.True(t, isDone(child), "registered with ours directly")
		assert.Equal(t, errCause, woke.Recv())
		assert.Equal(t, Canceled, back.Err())
	})
}

// A std context is a valid parent: ours follow its cancellation.
func TestStdParent(t *testing.T) {
	dual(t, func(t *testing.T) {
		std, stdCancel := stdctx.WithCancelCause(stdctx.Background())
		ours, cancel := WithCancel(WithValue(std, key("k"), 2))
		defer cancel()
		assert.False(t, isDone(ours))
		simstd.Go(func() {
			simtime.Sleep(tick)
			stdCancel(errCause)
		})
		DoneOf(ours).Recv()
		assert.Equal(t, Canceled, ours.Err())
		assert.Equal(t, errCause, Cause(ours))
		assert.Equal(t, errCause, Cause(std))

		done, cancelDone := stdctx.WithCancel(stdctx.Background())
		cancelDone()
		already, cancel2 := WithCancel(done)
		defer cancel2()
		assert.True(t, isDone(already), "a cancelled std parent cancels at once")
		assert.Same(t, closedchan, ChanOf(done.Done()))
	})
}

// Waiting on a std context that nothing cancels is a deadlock report, not a
// hang; adopted channels are polled, not waited on by a native goroutine.
func TestStdNeverCancelled(t *testing.T) {
	res := simstd.Run(simstd.Config{Seed: 1}, func() {
		std, cancel := stdctx.WithCancel(stdctx.Background())
		defer cancel()
		for range 3 {
			DoneOf(std) // adopted once, not once per call
		}
		DoneOf(std).Recv()
	})
	var dl *kernel.DeadlockError
	require.ErrorAs(t, res.Err, &dl)
}

// stdStorm cancels a tree mixing our contexts and std ones, with goroutines
// waiting on each.
func stdStorm() {
	root, cancel := WithCancel(Background())
	results := kernel.NewChan[int](0)
	for i := range 4 {
		std, c := stdctx.WithTimeout(root, time.Hour)
		defer c()
		ours, cc := WithCancel(std)
		defer cc()
		simstd.Go(func() { DoneOf(std).Recv(); results.Send(i) })
		simstd.Go(func() { DoneOf(ours).Recv(); results.Send(10 + i) })
	}
	simtime.Sleep(time.Millisecond)
	cancel()
	for range 8 {
		results.Recv()
	}
}

func TestStdDeterminism(t *testing.T) {
	a := simstd.Run(simstd.Config{Seed: 4}, stdStorm)
	b := simstd.Run(simstd.Config{Seed: 4}, stdStorm)
	require.NoError(t, a.Err)
	require.NoError(t, b.Err)
	assert.Equal(t, a.Hash, b.Hash)
	assert.Equal(t, a.Steps, b.Steps)
}

// The table from real Done channels to simulated ones drops a context's
// entry once the context is collected.
func TestNativeDoneReleased(t *testing.T) {
	before := nativesCount()
	for range 100 {
		ctx, _ := WithCancel(Background()) //nolint:govet // never cancelled, on purpose
		ctx.Done()
	}
	released := false
	for range 400 { // cleanups run on their own goroutine: bounded generously for busy machines
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if nativesCount() <= before {
			released = true
			break
		}
	}
	assert.True(t, released, "entries of collected contexts were not released")
}

func TestErrorsIs(t *testing.T) {
	dual(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		cancel()
		assert.True(t, errors.Is(ctx.Err(), stdctx.Canceled))
		to, cancel2 := WithTimeout(Background(), -1)
		defer cancel2()
		assert.True(t, errors.Is(to.Err(), stdctx.DeadlineExceeded))
		assert.Same(t, stdctx.Canceled, Canceled)
		assert.Equal(t, stdctx.DeadlineExceeded, DeadlineExceeded)
	})
}

// std calls AfterFunc holding its child's lock: registering through a
// watching goroutine (a parent of a user type beneath a WithValue) must not
// park the registering goroutine, or a cancellation racing with it deadlocks
// on that lock (found by review: seed 4403 hung).
func TestStdChildRegistrationDoesNotPark(t *testing.T) {
	for seed := range 4500 { // 4403 hung
		res := simstd.Run(simstd.Config{Seed: uint64(seed), MaxTime: time.Hour}, func() {
			parent := custom{done: kernel.NewChan[struct{}](0)}
			v := WithValue(parent, key("k"), 1)
			simstd.Go(func() {
				for range seed % 7 {
					simstd.Gosched()
				}
				parent.done.Close()
			})
			child, cancel := stdctx.WithCancel(v)
			defer cancel()
			DoneOf(child).Recv()
		})
		require.NoError(t, res.Err, "seed %d", seed)
	}
}

// Cause of a std child of ours is the child's own cause, not our ancestor's.
func TestCauseOfStdChild(t *testing.T) {
	dual(t, func(t *testing.T) {
		parent, pc := WithCancelCause(Background())
		defer pc(nil)
		child, cancel := stdctx.WithCancelCause(parent)
		errX := errors.New("x")
		cancel(errX)
		assert.Equal(t, errX, Cause(child))
		pc(errCause)
		assert.Equal(t, errX, Cause(child))
		assert.Equal(t, errCause, Cause(parent))
	})
}

// doner is a user type's variant with its own Done (SimgenDone and the twin).
type doner struct{ ch *kernel.Chan[struct{}] }

func (d *doner) SimgenDone() *kernel.Chan[struct{}] { return d.ch }
func (d *doner) Done() <-chan struct{}              { return NativeDone(d.SimgenDone()) }

type innerHolder struct{ *doner }

// job's Done is its context's (depth 1), though a SimgenDone is promoted
// from deeper: DoneOf must follow Done (found by review).
type job struct {
	Context
	innerHolder
}

func TestDoneOfFollowsDone(t *testing.T) {
	dual(t, func(t *testing.T) {
		ctx, cancel := WithCancel(Background())
		j := job{ctx, innerHolder{&doner{kernel.NewChan[struct{}](0)}}}
		cancel()
		assert.True(t, stdDone(j))
		assert.True(t, isDone(j))
		assert.Same(t, j.doner.ch, DoneOf(j.doner))
	})
}

// A std context derived from a user context type (by std or native code) is
// cancelled through the type's AfterFunc (UserAfterFunc) by a simulated
// goroutine, not by std's native watcher: every seed ends, and one seed
// replays with the same hash and the same number of timer wake-ups (found by
// review: 24 distinct hashes in 30 runs of one seed).
func TestStdChildOfUserContext(t *testing.T) {
	hashes := map[uint64]bool{}
	counts := map[int]bool{}
	for seed := range 20 {
		for range 3 {
			n := 0
			res := simstd.Run(simstd.Config{Seed: uint64(seed % 2)}, func() {
				parent := custom{done: kernel.NewChan[struct{}](0)}
				child, cancel := stdctx.WithCancel(parent)
				defer cancel()
				simstd.Go(func() { parent.done.Close() })
				for kernel.Select(false, DoneOf(child).RecvCase(), simtime.After(time.Microsecond).RecvCase()) != 0 {
					n++
				}
			})
			require.NoError(t, res.Err)
			if seed == 1 {
				hashes[res.Hash], counts[n] = true, true
			}
		}
	}
	assert.Len(t, hashes, 1)
	assert.Len(t, counts, 1)
}

type wrapCtx struct{ Context }

// A std context derived from ours beneath std layers that only add values
// (std's WithValue, a struct embedding the context) registers with our
// shadow and is cancelled in the call that cancels ours: one seed replays
// with one hash and one count of timer wake-ups, and its Err is a deadline's
// when ours expired (found by review: 16 hashes in 20 replays before).
func TestStdChildBeneathStdLayers(t *testing.T) {
	for _, mk := range []struct {
		name string
		f    func(Context) Context
	}{
		{"std WithValue", func(c Context) Context { return stdctx.WithValue(c, key("k"), 1) }},
		{"embedding wrapper", func(c Context) Context { return wrapCtx{c} }},
	} {
		hashes, counts := map[uint64]bool{}, map[int]bool{}
		for range 20 {
			n := 0
			var err, cause error
			res := simstd.Run(simstd.Config{Seed: 1}, func() {
				ours, oc := WithTimeoutCause(Background(), time.Millisecond, errCause)
				defer oc()
				child, cancel := stdctx.WithCancel(mk.f(ours))
				defer cancel()
				for kernel.Select(false, DoneOf(child).RecvCase(), simtime.After(time.Microsecond).RecvCase()) != 0 {
					n++
				}
				err, cause = child.Err(), stdctx.Cause(child)
			})
			require.NoError(t, res.Err, mk.name)
			assert.Equal(t, DeadlineExceeded, err, mk.name)
			assert.Equal(t, errCause, cause, mk.name)
			hashes[res.Hash], counts[n] = true, true
		}
		assert.Len(t, hashes, 1, mk.name)
		assert.Len(t, counts, 1, mk.name)
	}
}

// std cancelling its child of a user context type from a native goroutine
// (its timer, or native code) stops the registration made through the
// type's AfterFunc without waking the simulated goroutine that watches the
// parent for it (found by review: the process died with ErrCrossWake).
func TestStdChildOfUserContextCancelledNatively(t *testing.T) {
	for seed := range 20 {
		testStdChildCancelledNatively(t, uint64(seed))
	}
}

func testStdChildCancelledNatively(t *testing.T, seed uint64) {
	res := simstd.Run(simstd.Config{Seed: seed}, func() {
		parent := custom{done: kernel.NewChan[struct{}](0)}
		child, cancel := stdctx.WithCancel(parent)
		simtime.Sleep(time.Millisecond) // the watcher is waiting
		done := make(chan struct{})
		go func() { // a native goroutine
			cancel()
			close(done)
		}()
		<-done
		assert.Equal(t, Canceled, child.Err())
		parent.done.Close() // the watcher ends; the stopped registration does nothing
		simstd.Gosched()
	})
	require.NoError(t, res.Err)
}

// A context cancelled before anything asked for its real Done channel adds
// nothing to the table of real channels (found by review: every such Done
// registered the shared closed channel, a cleanup that never runs).
func TestDoneAfterCancelNotRegistered(t *testing.T) {
	before := nativesCount()
	for range 100 {
		ctx, cancel := WithCancel(Background())
		cancel()
		assert.True(t, stdDone(ctx))
	}
	assert.LessOrEqual(t, nativesCount(), before)
}

// nativesCount returns the number of entries in the table of real channels.
func nativesCount() (n int) {
	natives.Range(func(any, any) bool { n++; return true })
	return n
}
