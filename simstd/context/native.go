package context

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/simgen/simgen/internal/kernel"
)

// DoneOf returns x's Done channel as the simulated channel variants wait on:
// simgen rewrites a call x.Done() of an interface's method Done() <-chan
// struct{} to DoneOf(x). For this package's contexts it is their simulated
// channel; otherwise ChanOf(x.Done()), which maps the real channel of a user
// type's variant (NativeDone) back to its simulated one.
func DoneOf(x interface{ Done() <-chan struct{} }) *kernel.Chan[struct{}] {
	if d, ok := x.(ownDoner); ok {
		return d.doneChan()
	}
	return ChanOf(x.Done())
}

// ChanOf returns the simulated channel that stands for done, a real channel
// that is only ever closed (a context's Done): nil for nil, the simulated
// channel of this package's contexts for their real Done channels, and
// otherwise a channel adopted for done (see adopt).
func ChanOf(done <-chan struct{}) *kernel.Chan[struct{}] {
	if done == nil {
		return nil
	}
	if w, ok := natives.Load(done); ok {
		if k := w.(weak.Pointer[kernel.Chan[struct{}]]).Value(); k != nil {
			return k
		}
	}
	select {
	case <-done:
		return closedchan
	default:
	}
	return adopt(done)
}

// NativeDone returns a real channel closed when done is, for code that was
// not rewritten: what the variant of a Done() <-chan struct{} method returns.
// ChanOf maps it back to done. Only the
// close reaches the real channel, as a Done channel is only ever closed.
func NativeDone(done *kernel.Chan[struct{}]) <-chan struct{} {
	if done == nil {
		return nil
	}
	return kernel.Mirror(done, func(m <-chan struct{}) { registerNative(m, done) })
}

// registerNative records that the real channel m stands for done, until done
// is collected.
func registerNative(m <-chan struct{}, done *kernel.Chan[struct{}]) {
	natives.Store(m, weak.Make(done))
	runtime.AddCleanup(done, func(m <-chan struct{}) { natives.Delete(m) }, m)
}

// natives maps the real channels NativeDone made to their simulated
// channels, weakly: an entry is dropped when its simulated channel is
// collected, after which nothing can close the real one.
var natives sync.Map // <-chan struct{} -> weak.Pointer[kernel.Chan[struct{}]]

// adoptKey keys, in a run's shim state, the channels adopted in that run.
type adoptKey struct{}

// adopted maps the foreign Done channels a run adopted to their simulated
// channels, so that a select in a loop waits on one channel, not on a new one
// per iteration.
type adopted map[<-chan struct{}]*kernel.Chan[struct{}]

// nativeAdopted is adopted for code outside any simulation.
var nativeAdopted sync.Map // <-chan struct{} -> *kernel.Chan[struct{}]

// adopt returns a simulated channel closed once done, a real channel this
// package did not make (a std context's, or a user type's that was not
// rewritten), is closed. Inside a simulation the run polls done whenever no
// goroutine is runnable or a timer is due (kernel.Sim.Watch): a close made by
// the run's own goroutines (a std context derived from one of this package's)
// is seen at a point the seed fixes, before the clock moves on. Outside, a
// native goroutine waits for it.
func adopt(done <-chan struct{}) *kernel.Chan[struct{}] {
	g := kernel.Current()
	if g == nil {
		k := kernel.NewChan[struct{}](0)
		if prev, loaded := nativeAdopted.LoadOrStore(done, k); loaded {
			return prev.(*kernel.Chan[struct{}])
		}
		go func() {
			<-done
			kernel.CloseBy(k, nil)
			nativeAdopted.Delete(done)
		}()
		return k
	}
	s := g.Sim()
	m := s.Ext(adoptKey{}, func() any { return adopted{} }).(adopted)
	if k, ok := m[done]; ok {
		return k
	}
	k := kernel.NewChan[struct{}](0)
	m[done] = k
	s.Watch(func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}, func() { kernel.CloseBy(k, s) })
	return k
}

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

// shadowRoot is the parent of a cancelCtx's shadow (see cancelCtx.shadow): a
// context whose cancellation this package controls. std's WithCancel
// registers the shadow through AfterFunc, the method std looks for on a
// parent, and root.cancel runs that registration in the cancelling goroutine.
type shadowRoot struct {
	done chan struct{} // closed by cancel; immutable

	mu    sync.Mutex
	err   error    // nil until cancelled
	cause error    // the cancellation cause, non-nil once err is
	fs    []func() // the registered functions; nil once cancelled
	// stdCause, once cancelled and asked for, is a cancelled std context
	// carrying cause, for std's context.Cause of the root.
	stdCause context.Context
}

func (r *shadowRoot) Deadline() (time.Time, bool) { return time.Time{}, false }
func (r *shadowRoot) Done() <-chan struct{}       { return r.done }

func (r *shadowRoot) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Value answers only std's cancelCtx key, for context.Cause: nothing while r
// is not cancelled, then a std cancelCtx carrying r's cause.
func (r *shadowRoot) Value(key any) any {
	if !isStdCancelKey(key) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		return nil
	}
	if r.stdCause == nil {
		std, cancel := context.WithCancelCause(context.Background())
		cancel(r.cause)
		r.stdCause = std
	}
	return r.stdCause.Value(stdCancelKey)
}

// AfterFunc registers f, std's cancellation of the shadow, to run in cancel.
// std calls it holding the shadow's lock, which f takes: if r is already
// cancelled (only in a race, as std checks Done first) f runs in a new
// goroutine.
func (r *shadowRoot) AfterFunc(f func()) func() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		go f()
		return func() bool { return false }
	}
	r.fs = append(r.fs, f)
	return func() bool { return false } // the shadow is never removed
}

// cancel records err and cause, closes Done and runs the registered
// functions (cancelling the shadow and its std children), once.
func (r *shadowRoot) cancel(err, cause error) {
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return
	}
	r.err, r.cause = err, cause
	fs := r.fs
	r.fs = nil
	close(r.done)
	r.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
