package atomic

import "sync/atomic"

// A Bool is an atomic boolean value. The zero value is false.
// Bool must not be copied after first use.
type Bool struct{ v atomic.Bool }

// Load atomically loads and returns the value stored in x.
func (x *Bool) Load() bool { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Bool) Store(val bool) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Bool) Swap(new bool) (old bool) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for the boolean value x.
func (x *Bool) CompareAndSwap(old, new bool) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// A Pointer is an atomic pointer of type *T. The zero value is a nil *T.
// Pointer must not be copied after first use.
type Pointer[T any] struct{ v atomic.Pointer[T] }

// Load atomically loads and returns the value stored in x.
func (x *Pointer[T]) Load() *T { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Pointer[T]) Store(val *T) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Pointer[T]) Swap(new *T) (old *T) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// A Value provides an atomic load and store of a consistently typed value.
// The zero value for a Value returns nil from Load. A Value must not be
// copied after first use. Its panics are sync/atomic's.
type Value struct{ v atomic.Value }

// Load returns the value set by the most recent Store; nil if there has
// been no call to Store for this Value.
func (v *Value) Load() (val any) { point(); return v.v.Load() }

// Store sets the value of the Value v to val. All calls to Store for a
// given Value must use values of the same concrete type; Store of an
// inconsistent type panics, as does Store(nil).
func (v *Value) Store(val any) { point(); v.v.Store(val) }

// Swap stores new into Value and returns the previous value. It returns nil
// if the Value is empty.
func (v *Value) Swap(new any) (old any) { point(); return v.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for the Value.
func (v *Value) CompareAndSwap(old, new any) (swapped bool) {
	point()
	return v.v.CompareAndSwap(old, new)
}

// An Int32 is an atomic int32. The zero value is zero.
// Int32 must not be copied after first use.
type Int32 struct{ v atomic.Int32 }

// Load atomically loads and returns the value stored in x.
func (x *Int32) Load() int32 { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Int32) Store(val int32) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Int32) Swap(new int32) (old int32) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int32) CompareAndSwap(old, new int32) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Int32) Add(delta int32) (new int32) { point(); return x.v.Add(delta) }

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) And(mask int32) (old int32) { point(); return x.v.And(mask) }

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) Or(mask int32) (old int32) { point(); return x.v.Or(mask) }

// An Int64 is an atomic int64. The zero value is zero.
// Int64 must not be copied after first use.
type Int64 struct{ v atomic.Int64 }

// Load atomically loads and returns the value stored in x.
func (x *Int64) Load() int64 { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Int64) Store(val int64) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Int64) Swap(new int64) (old int64) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int64) CompareAndSwap(old, new int64) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Int64) Add(delta int64) (new int64) { point(); return x.v.Add(delta) }

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) And(mask int64) (old int64) { point(); return x.v.And(mask) }

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) Or(mask int64) (old int64) { point(); return x.v.Or(mask) }

// A Uint32 is an atomic uint32. The zero value is zero.
// Uint32 must not be copied after first use.
type Uint32 struct{ v atomic.Uint32 }

// Load atomically loads and returns the value stored in x.
func (x *Uint32) Load() uint32 { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uint32) Store(val uint32) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Uint32) Swap(new uint32) (old uint32) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint32) CompareAndSwap(old, new uint32) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint32) Add(delta uint32) (new uint32) { point(); return x.v.Add(delta) }

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) And(mask uint32) (old uint32) { point(); return x.v.And(mask) }

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) Or(mask uint32) (old uint32) { point(); return x.v.Or(mask) }

// A Uint64 is an atomic uint64. The zero value is zero.
// Uint64 must not be copied after first use.
type Uint64 struct{ v atomic.Uint64 }

// Load atomically loads and returns the value stored in x.
func (x *Uint64) Load() uint64 { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uint64) Store(val uint64) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Uint64) Swap(new uint64) (old uint64) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint64) CompareAndSwap(old, new uint64) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint64) Add(delta uint64) (new uint64) { point(); return x.v.Add(delta) }

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) And(mask uint64) (old uint64) { point(); return x.v.And(mask) }

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) Or(mask uint64) (old uint64) { point(); return x.v.Or(mask) }

// A Uintptr is an atomic uintptr. The zero value is zero.
// Uintptr must not be copied after first use.
type Uintptr struct{ v atomic.Uintptr }

// Load atomically loads and returns the value stored in x.
func (x *Uintptr) Load() uintptr { point(); return x.v.Load() }

// Store atomically stores val into x.
func (x *Uintptr) Store(val uintptr) { point(); x.v.Store(val) }

// Swap atomically stores new into x and returns the previous value.
func (x *Uintptr) Swap(new uintptr) (old uintptr) { point(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uintptr) CompareAndSwap(old, new uintptr) (swapped bool) {
	point()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uintptr) Add(delta uintptr) (new uintptr) { point(); return x.v.Add(delta) }

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) And(mask uintptr) (old uintptr) { point(); return x.v.And(mask) }

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) Or(mask uintptr) (old uintptr) { point(); return x.v.Or(mask) }
