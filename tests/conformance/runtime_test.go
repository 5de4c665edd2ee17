package conformance

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func runtimeGosched() { runtime.Gosched() }

func TestGoexitRunsDefers(t *testing.T) {
	done := make(chan bool)
	go func() {
		ran := false
		defer func() { done <- ran }()
		defer func() { ran = true }()
		runtime.Goexit()
		t.Error("after Goexit")
	}()
	if !<-done {
		t.Fatal("defer not run")
	}
}

func TestGoexitNotRecoverable(t *testing.T) {
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		runtime.Goexit()
	}()
	if r := <-done; r != nil {
		t.Fatal(r)
	}
}

func TestRecoverInSameGoroutine(t *testing.T) {
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		panic("p")
	}()
	if r := <-done; r != "p" {
		t.Fatal(r)
	}
}

func TestRecoverReturnsNilOutsidePanic(t *testing.T) {
	if recover() != nil {
		t.Fatal("recover outside panic")
	}
}

func TestNestedPanicRecoverLatest(t *testing.T) {
	var got any
	func() {
		defer func() { got = recover() }()
		defer func() { panic("second") }()
		panic("first")
	}()
	if got != "second" {
		t.Fatal(got)
	}
}

func TestDeferLIFO(t *testing.T) {
	var order []int
	func() {
		for i := range 3 {
			defer func() { order = append(order, i) }()
		}
	}()
	if len(order) != 3 || order[0] != 2 || order[2] != 0 {
		t.Fatal(order)
	}
}

func TestGoschedLetsOthersRun(t *testing.T) {
	var mu sync.Mutex
	done := false
	go func() { mu.Lock(); done = true; mu.Unlock() }()
	for {
		mu.Lock()
		d := done
		mu.Unlock()
		if d {
			return
		}
		runtime.Gosched()
	}
}

func TestNumGoroutineCountsStarted(t *testing.T) {
	base := runtime.NumGoroutine()
	stop := make(chan struct{})
	started := make(chan struct{})
	for range 3 {
		go func() { started <- struct{}{}; <-stop }()
	}
	for range 3 {
		<-started
	}
	if n := runtime.NumGoroutine(); n < base+3 {
		t.Fatalf("base %d now %d", base, n)
	}
	close(stop)
}

func TestNumGoroutineInTestAtLeastTwo(t *testing.T) {
	// The test goroutine plus the testing main goroutine waiting for it.
	if n := runtime.NumGoroutine(); n < 2 {
		t.Fatal(n)
	}
}

func TestTimeNowMonotonic(t *testing.T) {
	a := time.Now()
	time.Sleep(time.Millisecond)
	b := time.Now()
	if !b.After(a) || b.Sub(a) <= 0 {
		t.Fatal(a, b)
	}
	// A reading from time.Now carries a monotonic clock reading: Round(0) strips it.
	if a.String() == a.Round(0).String() {
		t.Fatal("no monotonic reading in", a)
	}
}
