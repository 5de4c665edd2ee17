package conformance

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestAtomicAdd(t *testing.T) {
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if n.Load() != 800 {
		t.Fatal(n.Load())
	}
}

func TestAtomicCASCounter(t *testing.T) {
	var n int32
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				for {
					old := atomic.LoadInt32(&n)
					if atomic.CompareAndSwapInt32(&n, old, old+1) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if n != 200 {
		t.Fatal(n)
	}
}

func TestAtomicSwapValue(t *testing.T) {
	var v atomic.Value
	v.Store(1)
	if old := v.Swap(2); old != 1 || v.Load() != 2 {
		t.Fatal(old, v.Load())
	}
	mustPanic(t, "inconsistent type", func() { v.Store("x") })
}

func TestAtomicPointer(t *testing.T) {
	var p atomic.Pointer[int]
	x, y := 1, 2
	if p.Load() != nil {
		t.Fatal("non-nil")
	}
	p.Store(&x)
	if !p.CompareAndSwap(&x, &y) || *p.Load() != 2 {
		t.Fatal("CAS")
	}
}

func TestAtomicPublish(t *testing.T) {
	var ready atomic.Bool
	data := 0
	go func() { data = 42; ready.Store(true) }()
	for !ready.Load() {
		runtimeGosched()
	}
	if data != 42 {
		t.Fatal(data)
	}
}

func TestAtomicAndOr(t *testing.T) {
	var u atomic.Uint32
	u.Store(0b1100)
	if old := u.And(0b0100); old != 0b1100 || u.Load() != 0b0100 {
		t.Fatal(old, u.Load())
	}
	if old := u.Or(0b0011); old != 0b0100 || u.Load() != 0b0111 {
		t.Fatal(old, u.Load())
	}
}
