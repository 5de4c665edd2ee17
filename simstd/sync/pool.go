package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// A Pool is a set of temporary objects that may be individually saved and
// retrieved. A Pool must not be copied after first use.
//
// Natively a Pool is a standard sync.Pool, which may drop values at any time
// (at every garbage collection). Inside a simulation the values Put during
// the run are kept on a per-run stack instead, so that what Get returns does
// not depend on the real garbage collector: the value most recently Put in
// the same run and not yet taken, else New() (or nil); but, as if a
// collection had run since the last Put, a Get drops every value the pool
// holds one time in dropOdds, drawn from the seed, so that code that wrongly
// relies on the pool keeping values fails on some seeds. Values Put natively
// are never returned in a simulation, nor values from another run.
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
		if g.Sim().Intn(dropOdds) == 0 {
			clear(*st)
			*st = (*st)[:0]
			return p.newValue()
		}
		n := len(*st) - 1
		x = (*st)[n]
		(*st)[n] = nil
		*st = (*st)[:n]
	}
	if x == nil {
		return p.newValue()
	}
	return x
}

// newValue is what Get returns when the pool has no value.
func (p *Pool) newValue() any {
	if p.New != nil {
		return p.New()
	}
	return nil
}

// dropOdds is the chance, 1 in dropOdds, that a Get in a simulation finds
// the pool emptied by a garbage collection.
const dropOdds = 8
