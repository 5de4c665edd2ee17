package conformance

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestMutexExclusion(t *testing.T) {
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				mu.Lock()
				v := n
				n = v + 1
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if n != 800 {
		t.Fatal(n)
	}
}

func TestMutexTryLock(t *testing.T) {
	var mu sync.Mutex
	if !mu.TryLock() {
		t.Fatal("TryLock on free")
	}
	if mu.TryLock() {
		t.Fatal("TryLock on held")
	}
	mu.Unlock()
}

func TestRWMutexReadersShare(t *testing.T) {
	var rw sync.RWMutex
	rw.RLock()
	if !rw.TryRLock() {
		t.Fatal("second reader refused")
	}
	if rw.TryLock() {
		t.Fatal("writer acquired with readers")
	}
	rw.RUnlock()
	rw.RUnlock()
	if !rw.TryLock() {
		t.Fatal("writer refused when free")
	}
	if rw.TryRLock() {
		t.Fatal("reader acquired with writer")
	}
	rw.Unlock()
}

func TestRWMutexWriterExcludes(t *testing.T) {
	var rw sync.RWMutex
	var readers, writers atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if i%2 == 0 {
					rw.Lock()
					if writers.Add(1) != 1 || readers.Load() != 0 {
						t.Error("writer not exclusive")
					}
					writers.Add(-1)
					rw.Unlock()
				} else {
					rw.RLock()
					readers.Add(1)
					if writers.Load() != 0 {
						t.Error("reader with writer")
					}
					readers.Add(-1)
					rw.RUnlock()
				}
			}
		}()
	}
	wg.Wait()
}

func TestWaitGroupWaitsAll(t *testing.T) {
	var wg sync.WaitGroup
	var n atomic.Int32
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); n.Add(1) }()
	}
	wg.Wait()
	if n.Load() != 10 {
		t.Fatal(n.Load())
	}
}

func TestWaitGroupGo(t *testing.T) {
	var wg sync.WaitGroup
	var n atomic.Int32
	for range 5 {
		wg.Go(func() { n.Add(1) })
	}
	wg.Wait()
	if n.Load() != 5 {
		t.Fatal(n.Load())
	}
}

func TestWaitGroupNegativePanics(t *testing.T) {
	var wg sync.WaitGroup
	mustPanic(t, "negative counter", func() { wg.Done() })
}

func TestOnceRunsOnce(t *testing.T) {
	var once sync.Once
	var n atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); once.Do(func() { n.Add(1) }) }()
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Fatal(n.Load())
	}
}

func TestOnceDoCompletesBeforeReturn(t *testing.T) {
	var once sync.Once
	var x atomic.Int32
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { x.Store(7) })
			if x.Load() != 7 {
				t.Error("Do returned before f completed")
			}
		}()
	}
	wg.Wait()
}

func TestOnceFuncPanicRepeats(t *testing.T) {
	f := sync.OnceFunc(func() { panic("boom") })
	mustPanic(t, "first", f)
	mustPanic(t, "second", f)
}

func TestOnceValue(t *testing.T) {
	n := 0
	f := sync.OnceValue(func() int { n++; return 42 })
	if f() != 42 || f() != 42 || n != 1 {
		t.Fatal(n)
	}
}

func TestOnceValues(t *testing.T) {
	f := sync.OnceValues(func() (int, error) { return 1, nil })
	a, err := f()
	if a != 1 || err != nil {
		t.Fatal(a, err)
	}
}

func TestCondSignalBroadcast(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			for !ready {
				c.Wait()
			}
			mu.Unlock()
		}()
	}
	mu.Lock()
	ready = true
	c.Broadcast()
	mu.Unlock()
	wg.Wait()
}

func TestCondProducerConsumer(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var q []int
	done := make(chan int)
	go func() {
		sum := 0
		for range 10 {
			mu.Lock()
			for len(q) == 0 {
				c.Wait()
			}
			sum += q[0]
			q = q[1:]
			mu.Unlock()
		}
		done <- sum
	}()
	for i := range 10 {
		mu.Lock()
		q = append(q, i)
		c.Signal()
		mu.Unlock()
	}
	if s := <-done; s != 45 {
		t.Fatal(s)
	}
}

func TestSyncMap(t *testing.T) {
	var m sync.Map
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); m.Store(i, i*i) }()
	}
	wg.Wait()
	n := 0
	m.Range(func(k, v any) bool { n++; return true })
	if n != 10 {
		t.Fatal(n)
	}
	v, loaded := m.LoadOrStore(3, -1)
	if !loaded || v != 9 {
		t.Fatal(v, loaded)
	}
	m.Delete(3)
	if _, ok := m.Load(3); ok {
		t.Fatal("not deleted")
	}
	if !m.CompareAndSwap(4, 16, 0) {
		t.Fatal("CAS")
	}
}

func TestPoolNewOnEmpty(t *testing.T) {
	p := sync.Pool{New: func() any { return new(int) }}
	if p.Get() == nil {
		t.Fatal("Get returned nil with New")
	}
	var q sync.Pool
	if q.Get() != nil {
		t.Fatal("empty pool without New returned a value")
	}
}

func TestPoolGetReturnsPutOrNew(t *testing.T) {
	// Go guarantees nothing about retention: only that Get returns a Put
	// value or New's.
	p := sync.Pool{New: func() any { return "new" }}
	p.Put("put")
	if v := p.Get(); v != "put" && v != "new" {
		t.Fatal(v)
	}
}
