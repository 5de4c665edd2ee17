// Package atomic mirrors sync/atomic for simulated variants: every function
// and method does what its sync/atomic counterpart does, with the same memory
// effects (it calls it), and in a simulation it is also a light scheduling
// point (kernel.G.Preempt): one operation in 32 or so, drawn from the seed,
// lets the strategy switch goroutines just before it. A lost update between
// two goroutines' Load and Store can thus happen, as it can natively, while
// a loop of atomic operations is not a switch at every step. Outside a
// simulation the functions are sync/atomic's, plus one nil check.
package atomic

import (
	"sync/atomic"
	"unsafe"

	"github.com/simgen/simgen/internal/kernel"
)

// point is the light scheduling point of every operation in a simulation.
func point() {
	if g := kernel.Current(); g != nil {
		g.Preempt()
	}
}

// SwapInt32 atomically stores new into *addr and returns the previous *addr value.
func SwapInt32(addr *int32, new int32) (old int32) {
	point()
	return atomic.SwapInt32(addr, new)
}

// SwapInt64 atomically stores new into *addr and returns the previous *addr value.
func SwapInt64(addr *int64, new int64) (old int64) {
	point()
	return atomic.SwapInt64(addr, new)
}

// SwapUint32 atomically stores new into *addr and returns the previous *addr value.
func SwapUint32(addr *uint32, new uint32) (old uint32) {
	point()
	return atomic.SwapUint32(addr, new)
}

// SwapUint64 atomically stores new into *addr and returns the previous *addr value.
func SwapUint64(addr *uint64, new uint64) (old uint64) {
	point()
	return atomic.SwapUint64(addr, new)
}

// SwapUintptr atomically stores new into *addr and returns the previous *addr value.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) {
	point()
	return atomic.SwapUintptr(addr, new)
}

// SwapPointer atomically stores new into *addr and returns the previous *addr value.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	point()
	return atomic.SwapPointer(addr, new)
}

// CompareAndSwapInt32 executes the compare-and-swap operation for an int32 value.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	point()
	return atomic.CompareAndSwapInt32(addr, old, new)
}

// CompareAndSwapInt64 executes the compare-and-swap operation for an int64 value.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	point()
	return atomic.CompareAndSwapInt64(addr, old, new)
}

// CompareAndSwapUint32 executes the compare-and-swap operation for a uint32 value.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	point()
	return atomic.CompareAndSwapUint32(addr, old, new)
}

// CompareAndSwapUint64 executes the compare-and-swap operation for a uint64 value.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	point()
	return atomic.CompareAndSwapUint64(addr, old, new)
}

// CompareAndSwapUintptr executes the compare-and-swap operation for a uintptr value.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	point()
	return atomic.CompareAndSwapUintptr(addr, old, new)
}

// CompareAndSwapPointer executes the compare-and-swap operation for an unsafe.Pointer value.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	point()
	return atomic.CompareAndSwapPointer(addr, old, new)
}

// AddInt32 atomically adds delta to *addr and returns the new value.
func AddInt32(addr *int32, delta int32) (new int32) {
	point()
	return atomic.AddInt32(addr, delta)
}

// AddInt64 atomically adds delta to *addr and returns the new value.
func AddInt64(addr *int64, delta int64) (new int64) {
	point()
	return atomic.AddInt64(addr, delta)
}

// AddUint32 atomically adds delta to *addr and returns the new value.
func AddUint32(addr *uint32, delta uint32) (new uint32) {
	point()
	return atomic.AddUint32(addr, delta)
}

// AddUint64 atomically adds delta to *addr and returns the new value.
func AddUint64(addr *uint64, delta uint64) (new uint64) {
	point()
	return atomic.AddUint64(addr, delta)
}

// AddUintptr atomically adds delta to *addr and returns the new value.
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) {
	point()
	return atomic.AddUintptr(addr, delta)
}

// AndInt32 atomically performs a bitwise AND operation on *addr using the bitmask provided as mask and returns the old value.
func AndInt32(addr *int32, mask int32) (old int32) {
	point()
	return atomic.AndInt32(addr, mask)
}

// AndInt64 atomically performs a bitwise AND operation on *addr using the bitmask provided as mask and returns the old value.
func AndInt64(addr *int64, mask int64) (old int64) {
	point()
	return atomic.AndInt64(addr, mask)
}

// AndUint32 atomically performs a bitwise AND operation on *addr using the bitmask provided as mask and returns the old value.
func AndUint32(addr *uint32, mask uint32) (old uint32) {
	point()
	return atomic.AndUint32(addr, mask)
}

// AndUint64 atomically performs a bitwise AND operation on *addr using the bitmask provided as mask and returns the old value.
func AndUint64(addr *uint64, mask uint64) (old uint64) {
	point()
	return atomic.AndUint64(addr, mask)
}

// AndUintptr atomically performs a bitwise AND operation on *addr using the bitmask provided as mask and returns the old value.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	point()
	return atomic.AndUintptr(addr, mask)
}

// OrInt32 atomically performs a bitwise OR operation on *addr using the bitmask provided as mask and returns the old value.
func OrInt32(addr *int32, mask int32) (old int32) {
	point()
	return atomic.OrInt32(addr, mask)
}

// OrInt64 atomically performs a bitwise OR operation on *addr using the bitmask provided as mask and returns the old value.
func OrInt64(addr *int64, mask int64) (old int64) {
	point()
	return atomic.OrInt64(addr, mask)
}

// OrUint32 atomically performs a bitwise OR operation on *addr using the bitmask provided as mask and returns the old value.
func OrUint32(addr *uint32, mask uint32) (old uint32) {
	point()
	return atomic.OrUint32(addr, mask)
}

// OrUint64 atomically performs a bitwise OR operation on *addr using the bitmask provided as mask and returns the old value.
func OrUint64(addr *uint64, mask uint64) (old uint64) {
	point()
	return atomic.OrUint64(addr, mask)
}

// OrUintptr atomically performs a bitwise OR operation on *addr using the bitmask provided as mask and returns the old value.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	point()
	return atomic.OrUintptr(addr, mask)
}

// LoadInt32 atomically loads *addr.
func LoadInt32(addr *int32) (val int32) {
	point()
	return atomic.LoadInt32(addr)
}

// LoadInt64 atomically loads *addr.
func LoadInt64(addr *int64) (val int64) {
	point()
	return atomic.LoadInt64(addr)
}

// LoadUint32 atomically loads *addr.
func LoadUint32(addr *uint32) (val uint32) {
	point()
	return atomic.LoadUint32(addr)
}

// LoadUint64 atomically loads *addr.
func LoadUint64(addr *uint64) (val uint64) {
	point()
	return atomic.LoadUint64(addr)
}

// LoadUintptr atomically loads *addr.
func LoadUintptr(addr *uintptr) (val uintptr) {
	point()
	return atomic.LoadUintptr(addr)
}

// LoadPointer atomically loads *addr.
func LoadPointer(addr *unsafe.Pointer) (val unsafe.Pointer) {
	point()
	return atomic.LoadPointer(addr)
}

// StoreInt32 atomically stores val into *addr.
func StoreInt32(addr *int32, val int32) {
	point()
	atomic.StoreInt32(addr, val)
}

// StoreInt64 atomically stores val into *addr.
func StoreInt64(addr *int64, val int64) {
	point()
	atomic.StoreInt64(addr, val)
}

// StoreUint32 atomically stores val into *addr.
func StoreUint32(addr *uint32, val uint32) {
	point()
	atomic.StoreUint32(addr, val)
}

// StoreUint64 atomically stores val into *addr.
func StoreUint64(addr *uint64, val uint64) {
	point()
	atomic.StoreUint64(addr, val)
}

// StoreUintptr atomically stores val into *addr.
func StoreUintptr(addr *uintptr, val uintptr) {
	point()
	atomic.StoreUintptr(addr, val)
}

// StorePointer atomically stores val into *addr.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) {
	point()
	atomic.StorePointer(addr, val)
}
