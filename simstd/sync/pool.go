package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// A Pool is a set of temporary objects that may be individually saved and
// retrieved. A Pool must not be copied after first use.
//
// Natively a Pool is a standard sync.Pool, which may drop values at any time.
// Inside a simulation the values Put during the run are kept on a per-run
// stack instead, so that what Get returns does not depend on the garbage
// collector: the value most recently Put in the same run and not yet taken,
// else New() (or nil). Values Put natively are never returned in a
// simulation, nor values from another run.
type Pool struct {
	p sync.Pool // the native pool

	// New optionally specifies a function to generate a value when Get would
	// otherwise return nil. It may not be changed concurrently with calls to
	// Get.
	New func() any
}

// poolKey keys a pool's per-run stack in the simulation's shim state.
type poolKey struct{ p *Pool }

// stack returns p's stack of values for the simulation s.
func (p *Pool) stack(s *kernel.Sim) *[]any {
	return s.Ext(poolKey{p}, func() any { return new([]any) }).(*[]any)
}

// Put adds x to the pool.
func (p *Pool) Put(x any) {
	if x == nil {
		return
	}
	g := kernel.Current()
	if g == nil {
		p.p.Put(x)
		return
	}
	st := p.stack(g.Sim())
	*st = append(*st, x)
}

// Get selects an item from the Pool, removes it from the Pool, and returns it
// to the caller. If Get would otherwise return nil and p.New is non-nil, Get
// returns the result of calling p.New.
func (p *Pool) Get() any {
	var x any
	if g := kernel.Current(); g == nil {
		x = p.p.Get()
	} else if st := p.stack(g.Sim()); len(*st) > 0 {
		n := len(*st) - 1
		x = (*st)[n]
		(*st)[n] = nil
		*st = (*st)[:n]
	}
	if x == nil && p.New != nil {
		x = p.New()
	}
	return x
}
