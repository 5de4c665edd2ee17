package simstd

import "github.com/simgen/simgen/internal/kernel"

// Chan is a channel; *Chan[T] stands for chan T, <-chan T and chan<- T in
// generated code, and a nil *Chan is a nil channel. Its methods follow the
// Go specification: Send (c <- v), Recv (<-c), Recv2 (v, ok := <-c), Close,
// Len, Cap and Range (for v := range c); TrySend and TryRecv are a select of
// one case and a default, SelectSend and SelectRecv one without. The messages of the panics they raise
// are the Go runtime's ("send on closed channel", "close of nil channel", …).
type Chan[T any] = kernel.Chan[T]

// NewChan returns a new channel with the given buffer size: make(chan T, size).
func NewChan[T any](size int) *Chan[T] { return kernel.NewChan[T](size) }

// SelectCase is one case of Select, made by Chan.RecvCase (case v, ok := <-c),
// Chan.DiscardCase (case <-c) or Chan.SendCase (case c <- v). A case serves
// one Select, which hands it back for reuse when done with it: only the case
// that proceeded may be used afterwards, and only if made by RecvCase; its
// Take or Take2 returns the value received and hands it back in turn.
type SelectCase = kernel.SelectCase

// RecvCase and SendCase are the two kinds of select case.
type (
	RecvCase[T any] = kernel.RecvCase[T]
	SendCase[T any] = kernel.SendCase[T]
)

// Polled is what Chan.TryRecv and Chan.SelectRecv return: a select with one
// receive case, with a default and without.
type Polled[T any] = kernel.Polled[T]

// Select runs a select statement: it returns the index of the case that
// proceeded, or -1 (hasDefault only) for the default case. With no case and
// no default it blocks forever, like select {}.
func Select(hasDefault bool, cases ...SelectCase) int { return kernel.Select(hasDefault, cases...) }

// OkAs passes on the value and ok of a two-value receive with ok converted to
// B, for v, ok = <-c where ok is a variable of a named boolean type: Go's ok is
// an untyped boolean, which such a variable takes, but Recv2 and Take2 return
// a bool.
func OkAs[B ~bool, T any](v T, ok bool) (T, B) { return v, B(ok) }

// ChanIterator is the state of a rewritten range statement over a channel,
// made by ChanIter: the channel, evaluated once as range evaluates it.
type ChanIterator[T any] struct{ c *Chan[T] }

// ChanIter starts the iteration of a rewritten range statement over c:
//
//	for v := range c { body }
//	=>
//	for it, v := simstd.ChanIter(c); it.Next(&v); { body }
//
// It returns the zero value too, so that the init statement declares the
// loop's variable with c's element type without spelling it.
func ChanIter[T any](c *Chan[T]) (it ChanIterator[T], zero T) {
	return ChanIterator[T]{c}, zero
}

// Next receives from the channel and stores the value in *v (v may be nil);
// it reports false, storing nothing, once the channel is closed and drained.
// As in Go, a nil channel blocks forever.
func (it ChanIterator[T]) Next(v *T) bool {
	x, ok := it.c.Recv2()
	if ok && v != nil {
		*v = x
	}
	return ok
}
