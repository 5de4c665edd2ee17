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

// stdDone reports whether a std context's Done channel is closed, without
// blocking (allowed in a simulation: it never waits).
func stdDone(c stdctx.Context) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// soonDone reports whether c is done within a second, polling on the
// caller's clock (free on the virtual one).
func soonDone(c stdctx.Context) bool {
	for range 1000 {
		if stdDone(c) {
			return true
		}
		simtime.Sleep(time.Millisecond)
	}
	return false
}

func TestStdKeyProbe(t *testing.T) {
	require.NotNil(t, stdCancelKey, "the standard library's cancelCtx key was not found")
}

func TestRoundTrips(t *testing.T) {
	dual(t, func(t *testing.T) {
		//lint:ignore SA1012 the nil case is what this test checks
		assert.Nil(t, FromStd(nil))
		assert.Nil(t, ToStd(nil))
		assert.Equal(t, Background(), FromStd(stdctx.Background()))
		assert.Equal(t, TODO(), FromStd(stdctx.TODO()))
		assert.Equal(t, stdctx.Background(), ToStd(Background()))
		assert.Equal(t, stdctx.TODO(), ToStd(TODO()))

		ours, cancel := WithCancel(Background())
		defer cancel()
		assert.Same(t, ours, FromStd(ToStd(ours)).(*cancelCtx))
		std, stdCancel := stdctx.WithCancel(stdctx.Background())
		defer stdCancel()
		assert.Equal(t, std, ToStd(FromStd(std)))
	})
}

func TestToStd(t *testing.T) {
	dual(t, func(t *testing.T) {
		ours, cancel := WithCancelCause(WithValue(Background(), key("k"), "v"))
		std := ToStd(ours)
		assert.Equal(t, "v", std.Value(key("k")))
		stdChild, stdCancel := stdctx.WithCancel(std)
		defer stdCancel()
		// Behind a std wrapper the standard library watches from a native
		// goroutine instead: cancellation arrives shortly after.
		wrapped, wrappedCancel := stdctx.WithCancel(stdctx.WithValue(std, key("s"), "w"))
		defer wrappedCancel()
		assert.Equal(t, "v", wrapped.Value(key("k")))
		ran := make(chan struct{})
		stdctx.AfterFunc(std, func() { close(ran) })
		assert.False(t, stdDone(std))
		assert.NoError(t, std.Err())
		assert.NoError(t, stdctx.Cause(std))

		cancel(errCause)
		// Synchronous: the std side is done when cancel returns, even in a
		// simulation, with no native goroutine involved.
		assert.True(t, stdDone(std))
		assert.True(t, stdDone(stdChild))
		assert.ErrorIs(t, std.Err(), stdctx.Canceled)
		assert.Equal(t, stdctx.Canceled, stdChild.Err())
		assert.Equal(t, errCause, stdctx.Cause(std))
		assert.Equal(t, errCause, stdctx.Cause(stdChild))
		<-ran // std's AfterFunc runs f in a native goroutine
		<-wrapped.Done()
		assert.Equal(t, errCause, stdctx.Cause(wrapped))

		late, lateCancel := stdctx.WithCancel(std)
		defer lateCancel()
		assert.True(t, stdDone(late), "a std child of a cancelled adapter starts cancelled")
	})
}

func TestToStdDeadline(t *testing.T) {
	dual(t, func(t *testing.T) {
		ours, cancel := WithTimeout(Background(), tick)
		defer cancel()
		std := ToStd(ours)
		d, ok := std.Deadline()
		require.True(t, ok)
		od, _ := ours.Deadline()
		assert.Equal(t, od, d)
		stdChild, stdCancel := stdctx.WithCancel(std)
		defer stdCancel()
		ours.Done().Recv()
		// The timer's cancel closes ours.Done() before it cancels the
		// children, as std's own cancelCtx does: natively, a goroutine woken
		// by Done can look at a child a moment too early.
		assert.True(t, soonDone(stdChild))
		assert.Equal(t, stdctx.DeadlineExceeded, std.Err())
		assert.Equal(t, stdctx.DeadlineExceeded, stdChild.Err(), "std children see the deadline, not Canceled")
		assert.Equal(t, stdctx.DeadlineExceeded, stdctx.Cause(stdChild))
	})
}

func TestToStdUnderStdCancelled(t *testing.T) {
	// A std ancestor's cancelCtx must not answer Cause for the adapter.
	dual(t, func(t *testing.T) {
		base, baseCancel := stdctx.WithCancelCause(stdctx.Background())
		defer baseCancel(nil)
		ours, cancel := WithCancelCause(FromStd(base))
		adapter := ToStd(ours)
		adapter.Done()
		cancel(errCause)
		assert.Equal(t, errCause, stdctx.Cause(adapter))
		assert.NoError(t, base.Err())
	})
}

func TestFromStd(t *testing.T) {
	// The std side is cancelled natively here, with only native waiters.
	std, cancel := stdctx.WithCancelCause(stdctx.WithValue(stdctx.Background(), key("k"), "v"))
	ours := FromStd(std)
	assert.Equal(t, "v", ours.Value(key("k")))
	child, cancelChild := WithTimeout(ours, time.Hour)
	defer cancelChild()
	assert.NoError(t, ours.Err())
	assert.NoError(t, Cause(ours))
	assert.False(t, isDone(ours))

	cancel(errCause)
	ours.Done().Recv()
	child.Done().Recv()
	assert.Equal(t, stdctx.Canceled, ours.Err())
	assert.Equal(t, errCause, Cause(ours))
	assert.Equal(t, errCause, Cause(child))
	assert.Equal(t, Canceled, child.Err())
}

func TestFromStdCancelledBeforeSimulation(t *testing.T) {
	std, cancel := stdctx.WithTimeout(stdctx.Background(), time.Hour)
	cancel()
	dual(t, func(t *testing.T) {
		ours := FromStd(std)
		ours.Done().Recv()
		assert.Equal(t, Canceled, ours.Err())
		d, ok := ours.Deadline()
		assert.True(t, ok, "the std deadline is reported as is")
		sd, _ := std.Deadline()
		assert.Equal(t, sd, d)
		child, cancelChild := WithCancel(ours)
		defer cancelChild()
		assert.True(t, isDone(child))
	})
}

func TestFromStdUncancellable(t *testing.T) {
	dual(t, func(t *testing.T) {
		std := stdctx.WithoutCancel(stdctx.WithValue(stdctx.Background(), key("k"), 1))
		ours := FromStd(std)
		assert.Nil(t, ours.Done())
		assert.NoError(t, ours.Err())
		assert.Equal(t, 1, ours.Value(key("k")))
		assert.Nil(t, ours.Value(&cancelCtxKey))
	})
}

// TestStdMiddleware passes a Context through std code that only adds values
// (as middleware does) and back: cancellation stays inside the simulation.
func TestStdMiddleware(t *testing.T) {
	dual(t, func(t *testing.T) {
		ours, cancel := WithCancelCause(Background())
		back := FromStd(stdctx.WithValue(ToStd(ours), key("mw"), "x"))
		assert.Same(t, ours.Done(), back.Done())
		assert.Equal(t, "x", back.Value(key("mw")))
		woke := kernel.NewChan[error](0)
		simstd.Go(func() {
			back.Done().Recv()
			woke.Send(Cause(back))
		})
		simtime.Sleep(tick)
		cancel(errCause)
		assert.Equal(t, errCause, woke.Recv())
		assert.Equal(t, Canceled, back.Err())
	})
}

func TestFromStdRegistrationReleased(t *testing.T) {
	// Each FromStd registers with the std context; dropping the result must
	// release the registration, or a long-lived std context would leak.
	std, cancel := stdctx.WithCancel(stdctx.Background())
	defer cancel()
	for range 100 {
		FromStd(std).Done()
	}
	released := false
	for range 20 {
		runtime.GC()
		time.Sleep(time.Millisecond)
		if liveBridges.Load() == 0 {
			released = true
			break
		}
	}
	assert.True(t, released, "FromStd registrations were not released")
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
