package conformance

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCancelPropagatesToChildren(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	child, cc := context.WithCancel(parent)
	defer cc()
	cancel()
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) {
		t.Fatal(child.Err())
	}
}

func TestChildCancelDoesNotAffectParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, cc := context.WithCancel(parent)
	cc()
	if parent.Err() != nil {
		t.Fatal("parent cancelled")
	}
}

func TestDeadlineExceeded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal(ctx.Err())
	}
}

func TestDeadlineReported(t *testing.T) {
	d := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), d)
	defer cancel()
	got, ok := ctx.Deadline()
	if !ok || !got.Equal(d) {
		t.Fatal(got, ok)
	}
}

func TestChildDeadlineNotLaterThanParent(t *testing.T) {
	parent, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	child, cc := context.WithTimeout(parent, time.Hour)
	defer cc()
	pd, _ := parent.Deadline()
	cd, _ := child.Deadline()
	if !cd.Equal(pd) {
		t.Fatal(pd, cd)
	}
}

func TestCancelCause(t *testing.T) {
	errX := errors.New("x")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errX)
	if !errors.Is(ctx.Err(), context.Canceled) || context.Cause(ctx) != errX {
		t.Fatal(ctx.Err(), context.Cause(ctx))
	}
	cancel(errors.New("y"))
	if context.Cause(ctx) != errX {
		t.Fatal("second cause overwrote first")
	}
}

func TestTimeoutCause(t *testing.T) {
	errX := errors.New("slow")
	ctx, cancel := context.WithTimeoutCause(context.Background(), time.Millisecond, errX)
	defer cancel()
	<-ctx.Done()
	if context.Cause(ctx) != errX || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal(ctx.Err(), context.Cause(ctx))
	}
}

func TestCauseWithoutCauseIsErr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if context.Cause(ctx) != context.Canceled {
		t.Fatal(context.Cause(ctx))
	}
}

func TestContextAfterFunc(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	context.AfterFunc(ctx, func() { close(done) })
	cancel()
	<-done
}

func TestContextAfterFuncStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(ctx, func() { t.Error("ran") })
	if !stop() {
		t.Fatal("stop returned false")
	}
	if stop() {
		t.Fatal("second stop returned true")
	}
}

func TestWithoutCancel(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, 1))
	ctx := context.WithoutCancel(parent)
	cancel()
	if ctx.Err() != nil || ctx.Done() != nil {
		t.Fatal("WithoutCancel was cancelled")
	}
	if ctx.Value(key{}) != 1 {
		t.Fatal("value lost")
	}
}

func TestBackgroundNeverDone(t *testing.T) {
	if context.Background().Done() != nil || context.Background().Err() != nil {
		t.Fatal("background done")
	}
}

func TestCancelIdempotent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cancel()
	<-ctx.Done()
}

func TestCancelledBeforeDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	cancel()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal(ctx.Err())
	}
}
