package simstd

import (
	"reflect"
	"slices"

	"github.com/simgen/simgen/internal/kernel"
)

// ReflectMapKeys stands for v.MapKeys() in a variant. Inside a simulation the
// keys come in the seeded order of MapIter (the canonical order of the keys,
// shuffled with the run's seed); outside, in reflect's own order.
func ReflectMapKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	if g := kernel.Current(); g != nil {
		seedValues(g.Sim(), keys)
	}
	return keys
}

// ReflectMapIter stands for reflect.MapIter in a variant, and
// ReflectMapRange for reflect.Value.MapRange: inside a simulation it yields
// the entries in the seeded order of MapIter, outside in reflect's own order.
// As with reflect.MapIter, an entry deleted before it is reached is not
// produced, and the zero ReflectMapIter is usable after Reset.
type ReflectMapIter struct {
	// m is the map iterated over; the zero Value when the iterator has none.
	m reflect.Value
	// native iterates outside a simulation; nil inside one.
	native *reflect.MapIter
	// keys are the keys still to visit, in order, and key, val the entry Next
	// moved to, inside a simulation.
	keys     []reflect.Value
	key, val reflect.Value
	// started is set by the first Next; done once Next returned false.
	started, done bool
}

// ReflectMapRange stands for v.MapRange().
func ReflectMapRange(v reflect.Value) *ReflectMapIter {
	if v.Kind() != reflect.Map {
		v.MapRange() // reflect's own panic for a value that is not a map
	}
	it := &ReflectMapIter{}
	it.Reset(v)
	return it
}

// Reset makes it iterate over v, as reflect.MapIter.Reset does; the zero
// Value leaves it without a map.
func (it *ReflectMapIter) Reset(v reflect.Value) {
	*it = ReflectMapIter{m: v}
	if !v.IsValid() {
		return
	}
	if kernel.Current() == nil {
		it.native = v.MapRange()
		return
	}
	it.keys = ReflectMapKeys(v)
}

// Next advances to the next entry, and reports whether there is one.
func (it *ReflectMapIter) Next() bool {
	switch {
	case !it.m.IsValid():
		panic("MapIter.Next called on an iterator that does not have an associated map Value")
	case it.done:
		panic("MapIter.Next called on exhausted iterator")
	case it.native != nil:
		it.started = true
		it.done = !it.native.Next()
		return !it.done
	}
	it.started = true
	for len(it.keys) > 0 {
		k := it.keys[0]
		it.keys = it.keys[1:]
		if v := it.m.MapIndex(k); v.IsValid() {
			it.key, it.val = k, v
			return true
		}
		// deleted since the iteration started (or a NaN key, which no lookup finds)
	}
	it.done = true
	return false
}

// Key returns the key of the current entry.
func (it *ReflectMapIter) Key() reflect.Value {
	it.mustHaveEntry("Key")
	if it.native != nil {
		return it.native.Key()
	}
	return it.key
}

// Value returns the value of the current entry.
func (it *ReflectMapIter) Value() reflect.Value {
	it.mustHaveEntry("Value")
	if it.native != nil {
		return it.native.Value()
	}
	return it.val
}

func (it *ReflectMapIter) mustHaveEntry(method string) {
	if !it.started {
		panic("MapIter." + method + " called before Next")
	}
	if it.done {
		panic("MapIter." + method + " called on exhausted iterator")
	}
}

// ReflectSetIterKey stands for v.SetIterKey(it).
func ReflectSetIterKey(v reflect.Value, it *ReflectMapIter) { v.Set(it.Key()) }

// ReflectSetIterValue stands for v.SetIterValue(it).
func ReflectSetIterValue(v reflect.Value, it *ReflectMapIter) { v.Set(it.Value()) }

// seedValues is seedOrder for keys held in reflect.Values.
func seedValues(s *kernel.Sim, keys []reflect.Value) {
	byAddr := false
	slices.SortFunc(keys, func(a, b reflect.Value) int { return compareValues(a, b, 0, &byAddr) })
	shuffleSorted(s, keys, byAddr, func() uint64 {
		h := uint64(14695981039346656037)
		for _, k := range keys {
			h = hashAddrs(h, k, 0)
		}
		return h
	})
}
