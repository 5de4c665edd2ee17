// Package testhook connects simstd/context's TestContext, which generated
// tests call for t.Context(), and simstd/testing/synctest with the tests that
// simstd runs: simstd's shims cannot import simstd, which imports them.
package testhook

import (
	"sync"
	"testing"
)

// Bubble is set by simstd: it runs synctest.Test(t, f) in the caller's
// simulation.
var Bubble func(t *testing.T, f func(*testing.T))

// Context is set by simstd. For t, a test of the calling simulated
// goroutine's run, it returns the context kept for t, made by mk on first
// use, whose cancel simstd calls just before t's cleanups run; ok is false
// when the caller is not simulated or t is not a test of its run.
var Context func(t any, mk func() (ctx any, cancel func())) (ctx any, ok bool)

// native holds the contexts made outside a simulation, by test, until the
// test's cleanups are done.
var native struct {
	sync.Mutex
	m map[any]nativeContext
}

type nativeContext struct {
	ctx    any
	cancel func()
}

// NativeContext returns the context kept for t outside a simulation, made
// by mk on first use (made is then true, and the caller must arrange for
// DropNative when t's cleanups are done).
func NativeContext(t any, mk func() (ctx any, cancel func())) (ctx any, made bool) {
	native.Lock()
	defer native.Unlock()
	if c, ok := native.m[t]; ok {
		return c.ctx, false
	}
	ctx, cancel := mk()
	if native.m == nil {
		native.m = map[any]nativeContext{}
	}
	native.m[t] = nativeContext{ctx, cancel}
	return ctx, true
}

// CancelNative cancels the context kept for t outside a simulation, if any:
// Go cancels a test's context before its first cleanup runs.
func CancelNative(t any) {
	native.Lock()
	c, ok := native.m[t]
	native.Unlock()
	if ok {
		c.cancel()
	}
}

// DropNative cancels and forgets the context kept for t.
func DropNative(t any) {
	CancelNative(t)
	native.Lock()
	delete(native.m, t)
	native.Unlock()
}
