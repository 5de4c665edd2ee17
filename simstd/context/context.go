// Package context is the simulated variant of the standard library's context
// package: simgen rewrites an import of "context" to this package.
//
// It is the standard library's implementation ported to the simulation's
// primitives. Its contexts are std context.Context values (Context is an
// alias), so they cross every package boundary unchanged: std and native code
// take them, and std contexts are valid parents. Each of this package's
// contexts has two Done channels closed at the same moment: the simulated one
// that variants wait on (reached through DoneOf, to which simgen
// rewrites every x.Done() call) and a real one, made only when code that was
// not rewritten asks for it (Done). Everything else keeps the standard
// library's meaning.
// Deadlines are measured with simstd/time: on the virtual clock inside a
// simulation, where WithTimeout(ctx, time.Hour) expires after an hour of
// virtual time and no wall time, and on the real clock outside. The errors
// are the standard library's own values (Canceled, DeadlineExceeded) and
// CancelFunc and CancelCauseFunc are its types, so errors.Is and cancel
// functions work unchanged across rewritten and non-rewritten code.
//
// Cancelling is a scheduling point in a simulation, as closing a channel is.
// Children are cancelled, and AfterFunc functions started, in the order they
// were registered (the standard library walks a map), so a seed replays the
// same wake-ups. As in the standard library, a context whose parent is of an
// unknown Context type is watched by a goroutine of its own (simulated when
// created in a simulation).
//
// A std context (or any other implementation) whose Done channel is not one
// of this package's is adopted by DoneOf: inside a simulation, a simulated
// channel closed when the run, polling before it moves its clock, finds the
// real one closed (see kernel.Sim.Watch); std contexts derived from this
// package's are cancelled in the goroutine that cancels their parent, through
// the AfterFunc method the standard library looks for, so a cancellation made
// inside a simulation reaches them at a point the seed fixes.
//
// Locks inside this package are real mutexes held only for non-blocking work,
// never across a scheduling point, so simulated and native goroutines can
// share contexts. A native goroutine may not, however, cancel a context a
// simulated goroutine is waiting on: closing Done would wake it, and that
// panics with kernel.ErrCrossWake (the run would otherwise depend on real
// timing).
package context

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	simtime "github.com/simgen/simgen/simstd/time"
)

// Context is context.Context: variants and native code share contexts.
type Context = context.Context

// ownDoner is implemented by this package's contexts only: doneChan is the
// simulated channel that Done's real one mirrors. (The variants of user types
// with a Done method have an exported SimgenDone, which DoneOf does not trust:
// a type can embed a context beside a deeper SimgenDone, and then its Done is
// the context's.)
type ownDoner interface {
	doneChan() *kernel.Chan[struct{}]
}

// Canceled is context.Canceled: the error Err returns when the context was
// cancelled.
var Canceled = context.Canceled

// DeadlineExceeded is context.DeadlineExceeded: the error Err returns when the
// context's deadline passed.
var DeadlineExceeded = context.DeadlineExceeded

// CancelFunc is context.CancelFunc: it tells an operation to abandon its work.
type CancelFunc = context.CancelFunc

// CancelCauseFunc is context.CancelCauseFunc: a CancelFunc that records a
// cause, returned by Cause.
type CancelCauseFunc = context.CancelCauseFunc

// emptyCtx is never cancelled, has no values and no deadline.
type emptyCtx struct{}

func (emptyCtx) Deadline() (deadline time.Time, ok bool) { return }
func (emptyCtx) Done() <-chan struct{}                   { return nil }
func (emptyCtx) doneChan() *kernel.Chan[struct{}]        { return nil }
func (emptyCtx) Err() error                              { return nil }
func (emptyCtx) Value(key any) any                       { return nil }

type backgroundCtx struct{ emptyCtx }

func (backgroundCtx) String() string { return "context.Background" }

type todoCtx struct{ emptyCtx }

func (todoCtx) String() string { return "context.TODO" }

// Background returns a non-nil, empty Context that is never cancelled: the
// root of a tree of contexts.
func Background() Context { return backgroundCtx{} }

// TODO returns a non-nil, empty Context, for when it is unclear which
// Context to use.
func TODO() Context { return todoCtx{} }

// closedchan is the Done channel of contexts cancelled before anyone asked
// for their channel. Closed at initialization, when no goroutine can wait on
// it; receiving from it never wakes anyone, so every simulation shares it.
var closedchan = func() *kernel.Chan[struct{}] {
	c := kernel.NewChan[struct{}](0)
	kernel.CloseBy(c, nil)
	return c
}()

// WithCancel returns a copy of parent with a new Done channel, closed when
// cancel is called or when parent's Done is closed, whichever is first.
func WithCancel(parent Context) (ctx Context, cancel CancelFunc) {
	c := withCancel(parent)
	return c, func() {
		kernel.SyncPoint()
		c.cancel(true, Canceled, nil)
	}
}

// WithCancelCause is WithCancel, but cancel records a cause that Cause
// returns (Err still returns Canceled). cancel(nil) sets the cause to
// Canceled.
func WithCancelCause(parent Context) (ctx Context, cancel CancelCauseFunc) {
	c := withCancel(parent)
	return c, func(cause error) {
		kernel.SyncPoint()
		c.cancel(true, Canceled, cause)
	}
}

func withCancel(parent Context) *cancelCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &cancelCtx{}
	c.propagateCancel(parent, c, false)
	return c
}

// Cause returns why c was cancelled: the cause given to a CancelCauseFunc or
// to a ...Cause constructor by c or an ancestor, else c.Err(). It returns
// nil while c is not cancelled.
func Cause(c Context) error {
	err := c.Err()
	if err == nil {
		return nil
	}
	if _, ours := c.(ownDoner); !ours {
		// a std context (its own cause first, ours through stdCancelKey)
		return context.Cause(c)
	}
	if cc, ok := c.Value(&cancelCtxKey).(*cancelCtx); ok {
		cc.mu.Lock()
		cause := cc.cause
		cc.mu.Unlock()
		if cause != nil {
			return cause
		}
		return err
	}
	return context.Cause(c) // ours above std layers
}

// AfterFunc arranges to call f in its own goroutine (simulated if the
// cancellation happens in a simulation) after ctx is cancelled; if ctx is
// already cancelled, f starts at once. stop unregisters f: it returns true if
// that kept f from being started, false if f had been started or stop had
// already been called. stop does not wait for f.
func AfterFunc(ctx Context, f func()) (stop func() bool) {
	return afterFunc(&afterFuncCtx{f: f}, ctx)
}

// afterFunc registers a, whose f is set, with ctx; a.inline runs f in the
// goroutine that cancels ctx, once its locks are released (registrations on
// the standard library's behalf, see stdAfterFunc).
func afterFunc(a *afterFuncCtx, ctx Context) (stop func() bool) {
	a.cancelCtx.propagateCancel(ctx, a, a.inline)
	return func() bool {
		stopped := a.started.CompareAndSwap(false, true)
		if stopped && a.stoppableHere() {
			a.cancel(true, Canceled, nil)
		}
		return stopped
	}
}

// stoppableHere reports whether the caller may cancel a to unregister it:
// not when a goroutine of a simulation watches a's parent for it and the
// caller is outside that simulation (std's timer or native code stopping a
// registration made on std's behalf), as closing a's Done would wake the
// watcher from outside (kernel.ErrCrossWake). a is then left registered: f,
// marked started, never runs, and the watcher ends when the parent is done
// or with its run.
func (a *afterFuncCtx) stoppableHere() bool {
	a.mu.Lock()
	w := a.watcher
	a.mu.Unlock()
	if w == nil {
		return true
	}
	g := kernel.Current()
	return g != nil && g.Sim() == w
}

// isStdCancelKey reports whether key is std's cancelCtx key (see
// stdCancelKey): std asks for it to find its cancelCtx beneath a context.
func isStdCancelKey(key any) bool { return stdCancelKey != nil && key == stdCancelKey }

// isUserRegistration reports whether child is UserAfterFunc's registration.
func isUserRegistration(child canceler) bool {
	a, ok := child.(*afterFuncCtx)
	return ok && a.user
}

// afterFuncer is implemented by contexts that can register a function to run
// when they are done; propagateCancel prefers it to a watching goroutine.
type afterFuncer interface {
	AfterFunc(func()) func() bool
}

// afterFuncCtx is the child context through which AfterFunc waits.
type afterFuncCtx struct {
	cancelCtx
	f      func() // run once when the parent is done
	inline bool   // run f in the cancelling goroutine instead of a new one
	// user marks the registration behind a user type's AfterFunc method
	// (UserAfterFunc): propagateCancel must not call that method again.
	user    bool
	started atomic.Bool // set by whichever comes first: starting f, or stop
}

func (a *afterFuncCtx) cancel(removeFromParent bool, err, cause error) {
	a.cancelCtx.cancel(false, err, cause)
	if removeFromParent {
		removeChild(a.parent(), a)
	}
	if !a.started.CompareAndSwap(false, true) {
		return
	}
	if a.inline {
		a.f()
		return
	}
	goStart(a.f)
}

// goStart runs f in a new goroutine of the caller's kind, as a go statement
// in a variant does.
func goStart(f func()) {
	if g := kernel.Current(); g != nil {
		g.Go(f)
		return
	}
	go f()
}

// spawn is goStart without the scheduling point of a go statement, for
// goroutines started on the standard library's behalf (stdAfterFunc): std
// calls AfterFunc holding a real lock, which a simulated goroutine must not
// keep while it is parked.
func spawn(f func()) {
	if g := kernel.Current(); g != nil {
		g.Sim().Spawn(f, g.Node())
		return
	}
	go f()
}

// stopCtx is the parent of a cancelCtx registered through the parent's
// AfterFunc; stop unregisters it.
type stopCtx struct {
	Context
	stop func() bool
}

// doneChan is the parent's simulated Done channel.
func (s stopCtx) doneChan() *kernel.Chan[struct{}] { return DoneOf(s.Context) }

// cancelCtxKey's address is the key under which a cancelCtx returns itself.
var cancelCtxKey int

// parentCancelCtx returns the *cancelCtx underlying parent, if parent's Done
// is that cancelCtx's own channel (a wrapper could have replaced it).
func parentCancelCtx(parent Context) (*cancelCtx, bool) {
	done := DoneOf(parent)
	if done == closedchan || done == nil {
		return nil, false
	}
	p, ok := parent.Value(&cancelCtxKey).(*cancelCtx)
	if !ok {
		return nil, false
	}
	p.mu.Lock()
	pdone := p.done
	p.mu.Unlock()
	if pdone != done {
		return nil, false
	}
	return p, true
}

// removeChild removes a context from its parent.
func removeChild(parent Context, child canceler) {
	if s, ok := parent.(stopCtx); ok {
		s.stop()
		return
	}
	p, ok := parentCancelCtx(parent)
	if !ok {
		return
	}
	p.mu.Lock()
	delete(p.children, child)
	p.mu.Unlock()
}

// canceler is a context that can be cancelled directly: *cancelCtx,
// *timerCtx and *afterFuncCtx.
type canceler interface {
	cancel(removeFromParent bool, err, cause error)
	doneChan() *kernel.Chan[struct{}]
}

// cancelCtx can be cancelled; cancelling it cancels its children.
type cancelCtx struct {
	// Context is the parent. propagateCancel sets it before the context is
	// shared, to a stopCtx when the parent's AfterFunc is used.
	Context

	mu sync.Mutex // guards the fields below; never held across a scheduling point

	// done is created lazily by doneChan (or Done); the first cancel
	// closes it, or sets it to closedchan if nobody asked for it yet.
	done *kernel.Chan[struct{}]
	// shadow, made when code that was not rewritten first asks for Done or
	// for std's cancelCtx (shadowCtx), is c as std sees it: a std cancelCtx
	// whose Done is c's real Done channel, cancelled with c's error and
	// cause in the call that cancels c (through root, by markCancelled).
	// std contexts derived from c, even beneath std layers that only add
	// values, register with it as with any std parent, and so are cancelled
	// at that moment.
	shadow     context.Context
	shadowStop context.CancelFunc // never called: c's cancellation reaches shadow through root
	root       *shadowRoot        // shadow's parent
	// watcher is the simulation of the goroutine propagateCancel started to
	// watch a parent it cannot register with, if any (see afterFunc's stop).
	watcher *kernel.Sim
	// children are the registered child contexts, each with its registration
	// number, so that cancelling visits them in a replayable order. Set to
	// nil by the first cancel.
	children map[canceler]uint64
	nextID   uint64 // registration number of the next child
	err      error  // nil until cancelled, then Canceled or DeadlineExceeded
	cause    error  // the cancellation cause; non-nil once err is
}

func (c *cancelCtx) Value(key any) any {
	switch {
	case key == &cancelCtxKey:
		return c
	case isStdCancelKey(key):
		return c.shadowCtx().Value(stdCancelKey)
	}
	return value(c.parent(), key)
}

// doneChan is Done as the simulated channel variants wait on.
func (c *cancelCtx) doneChan() *kernel.Chan[struct{}] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.simDone()
}

// simDone returns done, creating it. c.mu is held.
func (c *cancelCtx) simDone() *kernel.Chan[struct{}] {
	if c.done == nil {
		c.done = kernel.NewChan[struct{}](0)
	}
	return c.done
}

// Done returns a real channel closed together with the simulated one, for
// code that was not rewritten (the shadow's); DoneOf maps it back.
func (c *cancelCtx) Done() <-chan struct{} { return c.shadowCtx().Done() }

// shadowCtx returns c's shadow, making it on first use.
func (c *cancelCtx) shadowCtx() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shadow == nil {
		c.root = &shadowRoot{done: make(chan struct{})}
		if c.err != nil {
			c.root.cancel(c.err, c.cause) // std cancels the shadow at once: it sees root's Done closed
		}
		c.shadow, c.shadowStop = context.WithCancel(c.root)
		if c.err == nil { // a cancelled one's closed channel maps to closedchan anyway
			registerNative(c.shadow.Done(), c.simDone())
		}
	}
	return c.shadow
}

// AfterFunc runs f in the goroutine that cancels c, once c's locks are
// released (in a new goroutine if c is already done). The standard library
// looks for this method when it does not find its own cancelCtx beneath a
// parent: std children of c find the shadow instead, unless stdCancelKey
// could not be probed, and then this method keeps their cancellation at the
// moment c is cancelled rather than a moment later, from a native goroutine.
func (c *cancelCtx) AfterFunc(f func()) func() bool { return stdAfterFunc(c, f, false) }

// UserAfterFunc is the AfterFunc method simgen gives the variant of a user
// context type with its own Done method (func (x T) AfterFunc(f func()) func()
// bool { return context.UserAfterFunc(x, f) }), as this package's contexts
// have one: a std context derived from x is then cancelled by a simulated
// goroutine watching x's simulated channel, at a moment the seed fixes,
// instead of by std's native goroutine.
func UserAfterFunc(ctx Context, f func()) (stop func() bool) { return stdAfterFunc(ctx, f, true) }

// stdAfterFunc registers f, for the standard library, to run when ctx is
// done: in the goroutine that cancels ctx, or in a new goroutine if ctx is
// already done, because the standard library calls AfterFunc holding a lock
// that f takes.
func stdAfterFunc(ctx Context, f func(), user bool) func() bool {
	var registered atomic.Bool
	stop := afterFunc(&afterFuncCtx{inline: true, user: user, f: func() {
		if registered.Load() {
			f()
			return
		}
		spawn(f)
	}}, ctx)
	registered.Store(true)
	return stop
}

func (c *cancelCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// parent returns the parent context, read under the lock that
// propagateCancel sets it under.
func (c *cancelCtx) parent() Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Context
}

// propagateCancel makes child (c or a context embedding c) be cancelled when
// parent is. quiet starts a watching goroutine without a scheduling point
// (see spawn).
func (c *cancelCtx) propagateCancel(parent Context, child canceler, quiet bool) {
	c.Context = parent

	done := DoneOf(parent)
	if done == nil {
		return // parent is never cancelled
	}
	if isClosed(done) {
		child.cancel(false, parent.Err(), Cause(parent))
		return
	}
	if p, ok := parentCancelCtx(parent); ok {
		p.addChild(child)
		return
	}
	if a, ok := parent.(afterFuncer); ok && !isUserRegistration(child) {
		// Outside c.mu: a foreign AfterFunc may run arbitrary code.
		stop := a.AfterFunc(func() {
			child.cancel(false, parent.Err(), Cause(parent))
		})
		c.mu.Lock()
		c.Context = stopCtx{Context: parent, stop: stop}
		c.mu.Unlock()
		return
	}
	start := goStart
	if quiet {
		start = spawn
	}
	if g := kernel.Current(); g != nil {
		c.mu.Lock()
		c.watcher = g.Sim()
		c.mu.Unlock()
	}
	start(func() {
		pdone, cdone := DoneOf(parent).RecvCase(), child.doneChan().RecvCase()
		if kernel.Select(false, pdone, cdone) == 0 {
			child.cancel(false, parent.Err(), Cause(parent))
		}
	})
}

// addChild registers child with p, or cancels it at once if p already is.
func (p *cancelCtx) addChild(child canceler) {
	p.mu.Lock()
	if p.err != nil {
		err, cause := p.err, p.cause
		p.mu.Unlock()
		child.cancel(false, err, cause)
		return
	}
	if p.children == nil {
		p.children = make(map[canceler]uint64)
	}
	p.children[child] = p.nextID
	p.nextID++
	p.mu.Unlock()
}

// isClosed reports whether a receive from done would proceed now.
func isClosed(done *kernel.Chan[struct{}]) bool {
	_, _, ok := kernel.TryRecv(done, kernel.Actor(kernel.Current()))
	return ok
}

// stringer is implemented by the package's contexts and by many others.
type stringer interface {
	String() string
}

func contextName(c Context) string {
	if s, ok := c.(stringer); ok {
		return s.String()
	}
	return reflect.TypeOf(c).String()
}

func (c *cancelCtx) String() string {
	return contextName(c.Context) + ".WithCancel"
}

// cancel closes c.done, cancels each of c's children, and, if
// removeFromParent, removes c from its parent's children. A cause of nil
// means err.
func (c *cancelCtx) cancel(removeFromParent bool, err, cause error) {
	if err == nil {
		panic("context: internal error: missing cancel error")
	}
	if cause == nil {
		cause = err
	}
	children, ok := c.markCancelled(err, cause)
	if !ok {
		return // already cancelled
	}
	// Outside c.mu, unlike the standard library: a child's cancel may start
	// a simulated goroutine (AfterFunc), which is a scheduling point.
	for _, child := range children {
		child.cancel(false, err, cause)
	}
	if removeFromParent {
		removeChild(c.parent(), c)
	}
}

// markCancelled records the cancellation and closes Done, unless c was
// already cancelled. It returns the children to cancel, in registration
// order. If closing Done would wake a goroutine of another simulation, it
// panics with kernel.ErrCrossWake and leaves c unchanged.
func (c *cancelCtx) markCancelled(err, cause error) ([]canceler, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, false
	}
	if c.done == nil {
		c.done = closedchan
	} else {
		kernel.CloseBy(c.done, kernel.Actor(kernel.Current()))
	}
	c.err, c.cause = err, cause
	if c.root != nil {
		// Under c.mu, so that std never sees c's Err set and its Cause not
		// yet: std's code it runs (cancelling the shadow and its std
		// children) never calls back into c.
		c.root.cancel(err, cause)
	}
	children := make([]canceler, 0, len(c.children))
	for child := range c.children {
		children = append(children, child)
	}
	slices.SortFunc(children, func(a, b canceler) int { return cmp.Compare(c.children[a], c.children[b]) })
	c.children = nil
	return children, true
}

// WithoutCancel returns a copy of parent that is not cancelled when parent
// is: it keeps parent's values but has no deadline, no Done channel and no
// error.
func WithoutCancel(parent Context) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	return withoutCancelCtx{parent}
}

type withoutCancelCtx struct {
	c Context // the parent, consulted only for values
}

func (withoutCancelCtx) Deadline() (deadline time.Time, ok bool) { return }
func (withoutCancelCtx) Done() <-chan struct{}                   { return nil }
func (withoutCancelCtx) doneChan() *kernel.Chan[struct{}]        { return nil }
func (withoutCancelCtx) Err() error                              { return nil }
func (c withoutCancelCtx) Value(key any) any                     { return value(c, key) }
func (c withoutCancelCtx) String() string                        { return contextName(c.c) + ".WithoutCancel" }

// WithDeadline returns a copy of parent whose deadline is no later than d:
// its Done closes when d passes (on the simulation's virtual clock inside a
// simulation), when cancel is called, or when parent's Done closes,
// whichever happens first. If parent's deadline is already earlier than d,
// it is WithCancel(parent).
func WithDeadline(parent Context, d time.Time) (Context, CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause is WithDeadline, recording cause (returned by Cause)
// when the deadline passes.
func WithDeadlineCause(parent Context, d time.Time, cause error) (Context, CancelFunc) {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		return WithCancel(parent) // the current deadline is already sooner
	}
	c := &timerCtx{deadline: d, cause: cause}
	c.cancelCtx.propagateCancel(parent, c, false)
	dur := simtime.Until(d)
	if dur <= 0 {
		c.cancel(true, DeadlineExceeded, cause) // deadline has already passed
		return c, func() { c.cancel(false, Canceled, nil) }
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.arm(dur)
	}
	return c, func() {
		kernel.SyncPoint()
		c.cancel(true, Canceled, nil)
	}
}

// timerCtx is a cancelCtx with a deadline. Made in a simulation, it is
// enforced by a kernel timer of its own, which does exactly what a
// simstd/time AfterFunc would (the same timer operations, and a new
// goroutine to cancel the context) without that timer's allocations;
// otherwise by a simstd/time AfterFunc on the real clock.
type timerCtx struct {
	cancelCtx
	// The fields below are guarded by cancelCtx.mu.

	timer *simtime.Timer // the real-clock timer, if made natively; nil once cancelled
	// kt is the virtual-clock timer, if made in a simulation. It belongs
	// to that simulation, and only its goroutines may cancel it.
	kt kernel.Timer
	// ktArmed says kt is to expire c when it fires; false once c is
	// cancelled (kt is then cancelled too, or left to fire as a no-op when
	// cancelled from outside its simulation) or kt has fired.
	ktArmed bool
	node    *kernel.Node // where kt's goroutine runs: the node of the goroutine that made c

	cause    error     // the cause recorded when the deadline passes; immutable
	deadline time.Time // immutable
}

// arm starts the timer that cancels c after dur > 0, on the caller's clock.
// c.mu is held.
func (c *timerCtx) arm(dur time.Duration) {
	g := kernel.Current()
	if g == nil {
		c.timer = simtime.AfterFunc(dur, c.expire)
		return
	}
	s := g.Sim()
	s.InitTimer(&c.kt, c.fire)
	c.kt.Describe("time.AfterFunc") // what it was, for unchanged traces
	c.kt.ScheduleAfter(dur)
	c.ktArmed, c.node = true, g.Node()
}

// fire is kt's callback, on the simulation's driver: like an AfterFunc
// timer, it starts a goroutine that expires c.
func (c *timerCtx) fire() {
	c.mu.Lock()
	armed, node := c.ktArmed, c.node
	c.ktArmed = false
	c.mu.Unlock()
	if armed {
		c.kt.Sim().Spawn(c.expire, node)
	}
}

// expire cancels c because its deadline passed.
func (c *timerCtx) expire() { c.cancel(true, DeadlineExceeded, c.cause) }

func (c *timerCtx) Deadline() (deadline time.Time, ok bool) { return c.deadline, true }

func (c *timerCtx) String() string {
	return contextName(c.cancelCtx.Context) + ".WithDeadline(" +
		c.deadline.String() + " [" +
		simtime.Until(c.deadline).String() + "])"
}

func (c *timerCtx) cancel(removeFromParent bool, err, cause error) {
	c.cancelCtx.cancel(false, err, cause)
	if removeFromParent {
		removeChild(c.cancelCtx.parent(), c)
	}
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if c.ktArmed {
		c.ktArmed = false
		if g := kernel.Current(); g != nil && g.Sim() == c.kt.Sim() {
			c.kt.Cancel()
		}
	}
	c.mu.Unlock()
}

// WithTimeout is WithDeadline(parent, time.Now().Add(timeout)), with the
// clock of simstd/time.
func WithTimeout(parent Context, timeout time.Duration) (Context, CancelFunc) {
	return WithDeadline(parent, simtime.Now().Add(timeout))
}

// WithTimeoutCause is WithDeadlineCause(parent, time.Now().Add(timeout),
// cause), with the clock of simstd/time.
func WithTimeoutCause(parent Context, timeout time.Duration, cause error) (Context, CancelFunc) {
	return WithDeadlineCause(parent, simtime.Now().Add(timeout), cause)
}

// WithValue returns a copy of parent in which Value(key) returns val. key
// must be comparable and should be of a type of its own.
func WithValue(parent Context, key, val any) Context {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if key == nil {
		panic("nil key")
	}
	if !reflect.TypeOf(key).Comparable() {
		panic("key is not comparable")
	}
	return &valueCtx{parent, key, val}
}

// valueCtx carries one key-value pair and delegates everything else to its
// parent.
type valueCtx struct {
	Context
	key, val any
}

// stringify avoids fmt (as the standard library does) for String.
func stringify(v any) string {
	switch s := v.(type) {
	case stringer:
		return s.String()
	case string:
		return s
	case nil:
		return "<nil>"
	}
	return reflect.TypeOf(v).String()
}

func (c *valueCtx) String() string {
	return contextName(c.Context) + ".WithValue(" + stringify(c.key) + ", " + stringify(c.val) + ")"
}

// doneChan is the parent's simulated Done channel.
func (c *valueCtx) doneChan() *kernel.Chan[struct{}] { return DoneOf(c.Context) }

// AfterFunc is cancelCtx's, for std contexts derived from c that find no
// shadow beneath it (a user context type beneath, or no stdCancelKey): that
// of the cancelCtx beneath c, else a registration with the parent.
func (c *valueCtx) AfterFunc(f func()) func() bool {
	if p, ok := parentCancelCtx(c); ok {
		return p.AfterFunc(f)
	}
	return stdAfterFunc(c.Context, f, false)
}

func (c *valueCtx) Value(key any) any {
	if c.key == key {
		return c.val
	}
	return value(c.Context, key)
}

// value looks key up along the chain of parents iteratively, as the standard
// library does, so that deep chains do not grow the stack.
func value(c Context, key any) any {
	for {
		switch ctx := c.(type) {
		case *valueCtx:
			if key == ctx.key {
				return ctx.val
			}
			c = ctx.Context
		case *cancelCtx:
			switch {
			case key == &cancelCtxKey:
				return c
			case isStdCancelKey(key):
				return ctx.shadowCtx().Value(stdCancelKey)
			}
			c = ctx.parent()
		case withoutCancelCtx:
			if key == &cancelCtxKey || isStdCancelKey(key) {
				return nil // a Cause lookup must not see past WithoutCancel
			}
			c = ctx.c
		case *timerCtx:
			switch {
			case key == &cancelCtxKey:
				return &ctx.cancelCtx
			case isStdCancelKey(key):
				return ctx.shadowCtx().Value(stdCancelKey)
			}
			c = ctx.cancelCtx.parent()
		case backgroundCtx, todoCtx:
			return nil
		default:
			return c.Value(key)
		}
	}
}
