package simstd

import (
	"cmp"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// MapRange iterates over m in the order MapIter produces: a seeded order
// inside a simulation, Go's own map order outside. Library code written for
// the simulation ranges over it; rewritten range statements use MapIter, which
// needs no range-over-func.
func MapRange[M ~map[K]V, K comparable, V any](m M) iter.Seq2[K, V] {
	if kernel.Current() == nil {
		return func(yield func(K, V) bool) {
			for k, v := range m {
				if !yield(k, v) {
					return
				}
			}
		}
	}
	it, _, _ := MapIter(m)
	return func(yield func(K, V) bool) {
		var k K
		var v V
		for it.Next(&k, &v) {
			if !yield(k, v) {
				return
			}
		}
	}
}

// MapIterator is the state of a rewritten map range statement, made by
// MapIter. Its entries are those of m in keys' order, each value read from m
// when its entry is reached; nan holds, outside a simulation, the values of
// the keys that cannot be looked up again (NaN), at their keys' index (nil when
// there are none). next indexes the entry Next considers next.
type MapIterator[K comparable, V any] struct {
	m    map[K]V
	keys []K
	nan  []V
	next int
}

// MapIter starts the iteration of a rewritten range statement over m:
//
//	for k, v := range m { body }
//	=>
//	for it, k, v := simstd.MapIter(m); it.Next(&k, &v); { body }
//
// It returns the zero key and value too, so that the init statement declares
// the loop's variables with m's key and value types without spelling them.
// Inside a simulation the order is a seeded shuffle of the keys in a canonical
// order, so it does not depend on hashing or memory addresses; outside, it is
// Go's own map order. As in Go, an entry deleted before it is reached is not
// produced, values are read when their entry is reached, and entries added
// during the iteration are not produced.
//
// The canonical order compares keys by value: numbers, strings and booleans
// naturally, arrays and structs field by field, interfaces by dynamic type
// name then value, and pointers by the values they point to (up to a small
// depth). Two distinct pointers to equal values, and channels, fall back to
// their addresses: that order is not reproducible, so then the keys'
// addresses, in the order produced, are mixed into the run's trace hash, and
// a replay in which they differ (and with them, possibly, the order) is caught
// by a determinism check. The number of entries is mixed in on every call.
func MapIter[M ~map[K]V, K comparable, V any](m M) (it *MapIterator[K, V], zeroKey K, zeroVal V) {
	it = &MapIterator[K, V]{m: m, keys: make([]K, 0, len(m))}
	g := kernel.Current()
	for k, v := range m {
		it.keys = append(it.keys, k)
		if k != k && g == nil {
			if it.nan == nil {
				it.nan = make([]V, len(m))
			}
			it.nan[len(it.keys)-1] = v
		}
	}
	if g != nil {
		// A NaN key's value is then the zero value, as MapRange has always
		// produced: its entry cannot be told from other NaN entries to give
		// the values a reproducible order.
		seedOrder(g.Sim(), it.keys)
	}
	return it, zeroKey, zeroVal
}

// Next moves to the next entry still in the map and stores its key in *k and
// its value in *v, either of which may be nil; it reports false, storing
// nothing, when no entry is left.
func (it *MapIterator[K, V]) Next(k *K, v *V) bool {
	for it.next < len(it.keys) {
		i := it.next
		it.next++
		key := it.keys[i]
		var val V
		if key != key { // NaN keys cannot be looked up again
			if it.nan != nil {
				val = it.nan[i]
			}
		} else {
			var ok bool
			if val, ok = it.m[key]; !ok {
				continue
			}
		}
		if k != nil {
			*k = key
		}
		if v != nil {
			*v = val
		}
		return true
	}
	return false
}

// seedOrder puts keys into the canonical order, then shuffles them with the
// simulation's seed, recording the events that make the order checkable.
func seedOrder[K comparable](s *kernel.Sim, keys []K) {
	byAddr := sortKeys(keys)
	shuffleSorted(s, keys, byAddr, func() uint64 { return addrHash(keys) })
}

// shuffleSorted shuffles keys, in the canonical order, with the simulation's
// seed and records the events that make the order checkable: the number of
// keys, and, when two keys were ordered by address (byAddr), the hash of the
// addresses in the order produced.
func shuffleSorted[K any](s *kernel.Sim, keys []K, byAddr bool, hash func() uint64) {
	for i := len(keys) - 1; i > 0; i-- {
		j := s.Intn(i + 1)
		keys[i], keys[j] = keys[j], keys[i]
	}
	s.Event(uint64(len(keys)))
	if byAddr {
		h := hash()
		s.Event(h)
		if s.Tracing() {
			// A determinism check then points at the range statement.
			s.Trace(kernel.TraceEvent{Kind: "maprange", Detail: fmt.Sprintf("%d keys ordered by address, addresses hash %016x", len(keys), h)})
		}
	}
}

// sortKeys sorts keys into the canonical order, and reports whether two keys
// were ordered by their addresses.
func sortKeys[K comparable](keys []K) (byAddr bool) {
	switch ks := any(keys).(type) {
	case []string:
		slices.Sort(ks)
	case []int:
		slices.Sort(ks)
	case []int64:
		slices.Sort(ks)
	case []int32:
		slices.Sort(ks)
	case []uint64:
		slices.Sort(ks)
	case []uint32:
		slices.Sort(ks)
	case []uint:
		slices.Sort(ks)
	default:
		slices.SortFunc(keys, func(a, b K) int {
			return compareValues(reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem(), 0, &byAddr)
		})
	}
	return byAddr
}

// addrHash hashes the addresses held by keys (FNV-1a, seeded with nothing but
// the constants), in order.
func addrHash[K comparable](keys []K) uint64 {
	h := uint64(14695981039346656037)
	for i := range keys {
		h = hashAddrs(h, reflect.ValueOf(&keys[i]).Elem(), 0)
	}
	return h
}

// hashAddrs mixes into h the addresses compareValues may order v by.
func hashAddrs(h uint64, v reflect.Value, depth int) uint64 {
	switch v.Kind() {
	case reflect.Array:
		for i := range v.Len() {
			h = hashAddrs(h, v.Index(i), depth)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			h = hashAddrs(h, v.Field(i), depth)
		}
	case reflect.Interface:
		if !v.IsNil() {
			h = hashAddrs(h, v.Elem(), depth)
		}
	case reflect.Pointer:
		h = (h ^ uint64(v.Pointer())) * 1099511628211
		if !v.IsNil() && depth < maxPointerDepth {
			h = hashAddrs(h, v.Elem(), depth+1)
		}
	case reflect.Chan, reflect.UnsafePointer:
		h = (h ^ uint64(addr(v))) * 1099511628211
	}
	return h
}

// maxPointerDepth bounds how many pointers compareValues follows, so that
// cyclic structures terminate.
const maxPointerDepth = 4

var typeNames sync.Map // reflect.Type -> string, to avoid rebuilding names

func typeName(t reflect.Type) string {
	if n, ok := typeNames.Load(t); ok {
		return n.(string)
	}
	n := t.PkgPath() + "." + t.String()
	typeNames.Store(t, n)
	return n
}

// compareValues orders two values of the same type by content. It sets
// *byAddr when it orders them by their addresses.
func compareValues(a, b reflect.Value, depth int, byAddr *bool) int {
	switch a.Kind() {
	case reflect.Bool:
		return cmp.Compare(b2i(a.Bool()), b2i(b.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Complex64, reflect.Complex128:
		ca, cb := a.Complex(), b.Complex()
		return cmp.Or(cmp.Compare(real(ca), real(cb)), cmp.Compare(imag(ca), imag(cb)))
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Array:
		for i := range a.Len() {
			if c := compareValues(a.Index(i), b.Index(i), depth, byAddr); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Struct:
		for i := range a.NumField() {
			if c := compareValues(a.Field(i), b.Field(i), depth, byAddr); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp.Compare(b2i(!a.IsNil()), b2i(!b.IsNil()))
		}
		ea, eb := a.Elem(), b.Elem()
		if ta, tb := ea.Type(), eb.Type(); ta != tb {
			return strings.Compare(typeName(ta), typeName(tb))
		}
		return compareValues(ea, eb, depth, byAddr)
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() || a.Pointer() == b.Pointer() {
			return cmp.Compare(a.Pointer(), b.Pointer())
		}
		if depth < maxPointerDepth {
			if c := compareValues(a.Elem(), b.Elem(), depth+1, byAddr); c != 0 {
				return c
			}
		}
	}
	c := cmp.Compare(addr(a), addr(b))
	if c != 0 {
		*byAddr = true
	}
	return c
}

func addr(v reflect.Value) uintptr {
	switch v.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer, reflect.Map, reflect.Func, reflect.Slice:
		return v.Pointer()
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
