package context

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// FromStd returns a std context.Context as a Context, for a context that
// comes from code that was not rewritten (a testing.T's Context, a request's
// context, ...). Values and the deadline are the std context's. nil stays nil,
// ToStd's adapters are unwrapped, and context.Background and context.TODO
// become Background and TODO.
//
// Cancellation is bridged three ways:
//   - A std context that cannot be cancelled (Done is nil) gives a Context
//     that cannot be either.
//   - A std context whose Done is that of a ToStd adapter (it only adds values
//     to the adapter, as middleware does) is cancelled exactly when the
//     adapted Context is: the result shares its Done channel, so a
//     cancellation inside a simulation stays inside it.
//   - Otherwise the result has a Done channel of its own, closed from a native
//     goroutine registered with context.AfterFunc when the std context is
//     done; Err and Cause are then the std context's. That goroutine runs on
//     real time: a simulated goroutine must not be blocked on this Done
//     channel at that moment (it would panic with kernel.ErrCrossWake), so
//     inside a simulation poll Err, or cancel such contexts only after the
//     run. The registration is dropped when the result becomes unreachable.
//
// A deadline of a std context is on the real clock; inside a simulation it is
// reported as is, and nothing enforces it on the virtual clock.
func FromStd(ctx context.Context) Context {
	switch c := ctx.(type) {
	case nil:
		return nil
	case *toStd:
		return c.ctx
	}
	switch ctx {
	case context.Background():
		return Background()
	case context.TODO():
		return TODO()
	}
	f := &fromStd{std: ctx}
	done := ctx.Done()
	if done == nil {
		return f
	}
	if a, ok := ctx.Value(&toStdKey).(*toStd); ok && done == a.Done() {
		f.src = a.ctx
		return f
	}
	f.bridge()
	return f
}

// fromStd is a std context.Context seen as a Context.
type fromStd struct {
	std context.Context // the wrapped context; immutable

	// src, when set, is the Context whose ToStd adapter std's cancellation
	// is: std is done exactly when src is. Immutable.
	src Context

	// c, when set, is cancelled (by a context.AfterFunc registration on std)
	// when std is done, and provides Done, Err and Cause. Immutable.
	c *cancelCtx
}

// bridge makes f.c follow std's cancellation.
func (f *fromStd) bridge() {
	std := f.std
	c := &cancelCtx{Context: stdParent{std}}
	f.c = c
	if err := std.Err(); err != nil {
		c.cancel(false, err, context.Cause(std))
		return
	}
	// The registration refers to c, not f, so f can become unreachable and
	// the cleanup unregister it; children of f keep f reachable.
	liveBridges.Add(1)
	stop := context.AfterFunc(std, func() {
		liveBridges.Add(-1)
		c.cancel(false, std.Err(), context.Cause(std))
	})
	runtime.AddCleanup(f, func(stop func() bool) {
		if stop() {
			liveBridges.Add(-1)
		}
	}, stop)
}

// liveBridges counts FromStd registrations with std contexts that are
// neither fired nor released, so tests can check that none leak.
var liveBridges atomic.Int64

func (f *fromStd) Deadline() (time.Time, bool) { return f.std.Deadline() }

func (f *fromStd) Done() *kernel.Chan[struct{}] {
	switch {
	case f.src != nil:
		return f.src.Done()
	case f.c != nil:
		return f.c.Done()
	}
	return nil
}

func (f *fromStd) Err() error {
	switch {
	case f.src != nil:
		return f.src.Err()
	case f.c != nil:
		return f.c.Err()
	}
	return f.std.Err()
}

func (f *fromStd) Value(key any) any {
	if key == &cancelCtxKey && f.src == nil {
		// A Cause lookup must not reach a cancelCtx hidden behind std layers
		// that may have been cancelled on their own.
		if f.c == nil {
			return nil
		}
		return f.c
	}
	return f.std.Value(key)
}

func (f *fromStd) String() string { return stdContextName(f.std) }

// stdParent is the parent of a bridged fromStd's cancelCtx: it provides the
// std context's values and deadline, while the bridge provides cancellation.
type stdParent struct{ std context.Context }

func (p stdParent) Deadline() (time.Time, bool) { return p.std.Deadline() }
func (stdParent) Done() *kernel.Chan[struct{}]  { return nil }
func (stdParent) Err() error                    { return nil }
func (p stdParent) Value(key any) any           { return p.std.Value(key) }
func (p stdParent) String() string              { return stdContextName(p.std) }
func stdContextName(c context.Context) string {
	if s, ok := c.(stringer); ok {
		return s.String()
	}
	return reflect.TypeOf(c).String()
}

// ToStd returns a Context as a std context.Context, for passing it to code
// that was not rewritten. nil stays nil, FromStd's results are unwrapped, and
// Background and TODO become context.Background and context.TODO.
//
// The adapter's values and deadline are ctx's (inside a simulation the
// deadline is on the virtual clock, which the std code cannot know). Its Done
// is a real channel, made on first use and closed by whichever goroutine
// cancels ctx, before that cancel returns, so cancellation inside a
// simulation reaches the std code without any native goroutine. Err returns
// nil until that channel is closed. context.Cause of the adapter returns
// Cause(ctx), and std contexts derived from it are cancelled along with ctx
// (with the same Err and Cause).
func ToStd(ctx Context) context.Context {
	switch c := ctx.(type) {
	case nil:
		return nil
	case *fromStd:
		return c.std
	case backgroundCtx:
		return context.Background()
	case todoCtx:
		return context.TODO()
	}
	return &toStd{ctx: ctx}
}

// toStdKey's address is the key under which a ToStd adapter returns itself,
// so that FromStd can recognise one beneath std layers.
var toStdKey int

// toStd is a Context seen as a std context.Context.
type toStd struct {
	ctx Context // the adapted context; immutable

	mu sync.Mutex // guards the fields below; held only briefly
	// doneMade is set by the first Done call, which made done: a real
	// channel closed once ctx is done, or nil if ctx can never be.
	doneMade bool
	done     chan struct{}
	closed   bool // done has been closed
	// cause is a cancelled std context whose std cancelCtx carries
	// Cause(ctx), made on demand once ctx is done (see stdCancelKey).
	cause context.Context
}

func (a *toStd) Deadline() (time.Time, bool) { return a.ctx.Deadline() }

func (a *toStd) Done() <-chan struct{} {
	ctxDone := a.ctx.Done()
	a.mu.Lock()
	if a.doneMade {
		defer a.mu.Unlock()
		return a.done
	}
	a.doneMade = true
	if ctxDone == nil {
		a.mu.Unlock()
		return nil
	}
	d := make(chan struct{})
	a.done = d
	a.mu.Unlock()
	afterFunc(a.ctx, a.closeDone, true)
	return d
}

// closeDone closes the real Done channel, if it was made and is open. It
// runs when ctx is done, before any registered std child is cancelled.
func (a *toStd) closeDone() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done != nil && !a.closed {
		close(a.done)
		a.closed = true
	}
}

// Err is ctx's error, but nil while the real Done channel handed out is
// still open, as context.Context requires.
func (a *toStd) Err() error {
	a.mu.Lock()
	open := a.done != nil && !a.closed
	a.mu.Unlock()
	if open {
		return nil
	}
	return a.ctx.Err()
}

func (a *toStd) Value(key any) any {
	switch {
	case key == &toStdKey:
		return a
	case stdCancelKey != nil && key == stdCancelKey:
		return a.stdCancelCtx()
	}
	return a.ctx.Value(key)
}

// stdCancelCtx answers context.Cause's lookup: nothing while ctx is not
// done, then a std cancelCtx carrying Cause(ctx). Without it the lookup
// would fall through to whatever std context lies beneath ctx, whose cause
// may be unrelated (or nil).
func (a *toStd) stdCancelCtx() any {
	if a.Err() == nil {
		return nil
	}
	cause := Cause(a.ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cause == nil {
		c, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		a.cause = c
	}
	return a.cause.Value(stdCancelKey)
}

// AfterFunc lets std contexts derived from the adapter register with ctx
// directly (the standard library looks for this method) instead of watching
// it from a goroutine. f runs in the goroutine that cancels ctx, or in a new
// goroutine if ctx is already done: the standard library calls AfterFunc
// with a lock held that f takes.
func (a *toStd) AfterFunc(f func()) func() bool {
	var registered atomic.Bool
	stop := afterFunc(a.ctx, func() {
		a.closeDone() // f reads Err, which must be set by then
		if registered.Load() {
			f()
			return
		}
		go f()
	}, true)
	registered.Store(true)
	return stop
}

func (a *toStd) String() string { return contextName(a.ctx) }

// stdCancelKey is the key under which the standard library's contexts return
// their cancelCtx (the address of its private cancelCtxKey), or nil if it
// could not be found. context.Cause asks a cancelled context for it, so a
// probe context passed to Cause learns it.
var stdCancelKey = probeStdCancelKey()

var errProbe = errors.New("simgen: probe cause")

func probeStdCancelKey() any {
	p := &keyProbe{}
	context.Cause(p)
	if p.key == nil || !reflect.TypeOf(p.key).Comparable() {
		return nil
	}
	// Check that the key works both ways before relying on it.
	c, cancel := context.WithCancelCause(context.Background())
	cancel(errProbe)
	v := c.Value(p.key)
	if v == nil || context.Cause(&keyProbe{key: p.key, val: v}) != errProbe {
		return nil
	}
	return p.key
}

// keyProbe is a cancelled std context that records the first key it is asked
// for, and answers that key with val.
type keyProbe struct{ key, val any }

func (*keyProbe) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*keyProbe) Done() <-chan struct{}       { return nil }
func (*keyProbe) Err() error                  { return context.Canceled }
func (p *keyProbe) Value(key any) any {
	if p.key == nil {
		p.key = key
	}
	if key == p.key {
		return p.val
	}
	return nil
}
