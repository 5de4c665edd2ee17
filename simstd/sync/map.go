package sync

import (
	"sync"

	"github.com/simgen/simgen/internal/kernel"
)

// Map is like a Go map[any]any but is safe for concurrent use by multiple
// goroutines without additional locking or coordination. Loads, stores, and
// deletes run in amortized constant time. The zero Map is empty and ready for
// use. A Map must not be copied after first use.
//
// Entries live in a standard sync.Map, so loads never block. Writers are
// serialized to keep a second, deterministic record of the keys (in insertion
// order, with swap-removal), from which Range draws its order inside a
// simulation: Go's own order depends on a per-process hash seed.
type Map struct {
	m sync.Map // the entries

	// mu serializes the writes to m with the updates of keys and index, so
	// that keys lists exactly m's keys whenever mu is free.
	mu    sync.Mutex
	keys  []any       // m's keys, in insertion order except where Delete moved the last one
	index map[any]int // position of each key in keys
}

// Load returns the value stored in the map for a key, or nil if no value is
// present. The ok result indicates whether value was found in the map.
func (m *Map) Load(key any) (value any, ok bool) { return m.m.Load(key) }

// Store sets the value for a key.
func (m *Map) Store(key, value any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m.Store(key, value)
	m.added(key)
}

// Clear deletes all the entries, resulting in an empty Map.
func (m *Map) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m.Clear()
	m.keys, m.index = nil, nil
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	if v, ok := m.m.Load(key); ok {
		return v, true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	actual, loaded = m.m.LoadOrStore(key, value)
	if !loaded {
		m.added(key)
	}
	return actual, loaded
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	value, loaded = m.m.LoadAndDelete(key)
	if loaded {
		m.removed(key)
	}
	return value, loaded
}

// Delete deletes the value for a key. If the key is not in the map, Delete
// does nothing.
func (m *Map) Delete(key any) { m.LoadAndDelete(key) }

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	previous, loaded = m.m.Swap(key, value)
	if !loaded {
		m.added(key)
	}
	return previous, loaded
}

// CompareAndSwap swaps the old and new values for key if the value stored in
// the map is equal to old. The old value must be of a comparable type.
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m.CompareAndSwap(key, old, new) // never adds or removes a key
}

// CompareAndDelete deletes the entry for key if its value is equal to old.
// The old value must be of a comparable type. If there is no current value
// for key in the map, CompareAndDelete returns false (even if the old value
// is the nil interface value).
func (m *Map) CompareAndDelete(key, old any) (deleted bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	deleted = m.m.CompareAndDelete(key, old)
	if deleted {
		m.removed(key)
	}
	return deleted
}

// Range calls f sequentially for each key and value present in the map. If f
// returns false, range stops the iteration. As in Go, Range does not
// correspond to a consistent snapshot and f may call any method on m.
//
// Inside a simulation the order is a permutation of the keys drawn from the
// seed; Range then takes O(N) time and space even if f returns false early.
func (m *Map) Range(f func(key, value any) bool) {
	g := kernel.Current()
	if g == nil {
		m.m.Range(f)
		return
	}
	m.mu.Lock()
	keys := append([]any(nil), m.keys...)
	m.mu.Unlock()
	shuffle(g.Sim(), keys)
	for _, k := range keys {
		if v, ok := m.m.Load(k); ok && !f(k, v) {
			return
		}
	}
}

// shuffle permutes keys with one draw from the run's generator.
func shuffle(s *kernel.Sim, keys []any) {
	if len(keys) < 2 {
		return
	}
	r := kernel.NewRand(s.Rand())
	for i := len(keys) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		keys[i], keys[j] = keys[j], keys[i]
	}
}

// added records a key just stored; m.mu is held.
func (m *Map) added(key any) {
	if _, ok := m.index[key]; ok {
		return
	}
	if m.index == nil {
		m.index = make(map[any]int)
	}
	m.index[key] = len(m.keys)
	m.keys = append(m.keys, key)
}

// removed forgets a key just deleted, moving the last key into its place;
// m.mu is held.
func (m *Map) removed(key any) {
	i, ok := m.index[key]
	if !ok {
		return
	}
	last := len(m.keys) - 1
	if i != last {
		m.keys[i] = m.keys[last]
		m.index[m.keys[i]] = i
	}
	m.keys[last] = nil
	m.keys = m.keys[:last]
	delete(m.index, key)
}
