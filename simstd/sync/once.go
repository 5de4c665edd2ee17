package sync

import "sync/atomic"

// Once is an object that will perform exactly one action. A Once must not be
// copied after first use.
//
// Goroutines that call Do while the first call's f runs wait on an internal
// Mutex, so in a simulation they park as "sync.Mutex.Lock", as in Go's dumps.
// Do is a scheduling point only until the action has run.
type Once struct {
	done atomic.Bool // set once f has returned (or panicked)
	m    Mutex       // serializes the first calls; held while f runs
}

// Do calls the function f if and only if Do is being called for the first
// time for this instance of Once. No call to Do returns until the one call to
// f returns; if f panics, Do considers it to have returned.
func (o *Once) Do(f func()) {
	if !o.done.Load() {
		o.doSlow(f)
	}
}

func (o *Once) doSlow(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if !o.done.Load() {
		defer o.done.Store(true)
		f()
	}
}

// OnceFunc returns a function that invokes f only once. The returned function
// may be called concurrently. If f panics, the returned function will panic
// with the same value on every call.
func OnceFunc(f func()) func() {
	d := struct {
		f     func()
		once  Once
		valid bool // f returned normally
		p     any  // the value f panicked with
	}{f: f}
	return func() {
		d.once.Do(func() {
			defer func() {
				d.f = nil // do not keep f alive after invoking it
				d.p = recover()
				if !d.valid {
					panic(d.p) // re-panic at once: the first caller sees f's stack
				}
			}()
			d.f()
			d.valid = true
		})
		if !d.valid {
			panic(d.p)
		}
	}
}

// OnceValue returns a function that invokes f only once and returns the value
// returned by f. The returned function may be called concurrently. If f
// panics, the returned function will panic with the same value on every call.
func OnceValue[T any](f func() T) func() T {
	d := struct {
		f      func() T
		once   Once
		valid  bool
		p      any
		result T
	}{f: f}
	return func() T {
		d.once.Do(func() {
			defer func() {
				d.f = nil
				d.p = recover()
				if !d.valid {
					panic(d.p)
				}
			}()
			d.result = d.f()
			d.valid = true
		})
		if !d.valid {
			panic(d.p)
		}
		return d.result
	}
}

// OnceValues returns a function that invokes f only once and returns the
// values returned by f. The returned function may be called concurrently. If
// f panics, the returned function will panic with the same value on every
// call.
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	d := struct {
		f     func() (T1, T2)
		once  Once
		valid bool
		p     any
		r1    T1
		r2    T2
	}{f: f}
	return func() (T1, T2) {
		d.once.Do(func() {
			defer func() {
				d.f = nil
				d.p = recover()
				if !d.valid {
					panic(d.p)
				}
			}()
			d.r1, d.r2 = d.f()
			d.valid = true
		})
		if !d.valid {
			panic(d.p)
		}
		return d.r1, d.r2
	}
}
