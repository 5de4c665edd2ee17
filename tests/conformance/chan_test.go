// Package conformance holds plain-Go tests of Go's concurrency and testing
// semantics. Each test asserts only what the Go spec and standard library
// guarantee, so it passes natively under any schedule and must pass in a
// simgen variant under every seed.
package conformance

import (
	"sync"
	"testing"
)

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s: no panic", name)
		}
	}()
	f()
}

func TestUnbufferedHandoff(t *testing.T) {
	c := make(chan int)
	go func() { c <- 42 }()
	if v := <-c; v != 42 {
		t.Fatalf("got %d", v)
	}
}

func TestUnbufferedSendHappensBeforeReceiveCompletes(t *testing.T) {
	c := make(chan struct{})
	x := 0
	go func() { x = 1; c <- struct{}{} }()
	<-c
	if x != 1 {
		t.Fatal("write before send not visible after receive")
	}
}

func TestBufferedFIFO(t *testing.T) {
	c := make(chan int, 5)
	for i := range 5 {
		c <- i
	}
	for i := range 5 {
		if v := <-c; v != i {
			t.Fatalf("got %d want %d", v, i)
		}
	}
}

func TestLenCap(t *testing.T) {
	c := make(chan int, 3)
	c <- 1
	c <- 2
	if len(c) != 2 || cap(c) != 3 {
		t.Fatalf("len %d cap %d", len(c), cap(c))
	}
	var n chan int
	if len(n) != 0 || cap(n) != 0 {
		t.Fatal("nil chan len/cap")
	}
	u := make(chan int)
	if cap(u) != 0 {
		t.Fatal("unbuffered cap")
	}
}

func TestReceiveFromClosedDrainsThenZero(t *testing.T) {
	c := make(chan int, 2)
	c <- 7
	close(c)
	v, ok := <-c
	if v != 7 || !ok {
		t.Fatalf("got %d %v", v, ok)
	}
	v, ok = <-c
	if v != 0 || ok {
		t.Fatalf("got %d %v", v, ok)
	}
}

func TestCloseWakesAllReceivers(t *testing.T) {
	c := make(chan int)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := <-c; ok {
				t.Error("ok after close")
			}
		}()
	}
	close(c)
	wg.Wait()
}

func TestRangeOverChannel(t *testing.T) {
	c := make(chan int)
	go func() {
		for i := range 10 {
			c <- i
		}
		close(c)
	}()
	sum := 0
	for v := range c {
		sum += v
	}
	if sum != 45 {
		t.Fatalf("sum %d", sum)
	}
}

func TestSendOnClosedPanics(t *testing.T) {
	c := make(chan int, 1)
	close(c)
	mustPanic(t, "send on closed", func() { c <- 1 })
}

func TestCloseOfClosedPanics(t *testing.T) {
	c := make(chan int)
	close(c)
	mustPanic(t, "close of closed", func() { close(c) })
}

func TestCloseOfNilPanics(t *testing.T) {
	var c chan int
	mustPanic(t, "close of nil", func() { close(c) })
}

func TestBufferedSendDoesNotBlock(t *testing.T) {
	c := make(chan int, 3)
	c <- 1
	c <- 2
	c <- 3
	select {
	case c <- 4:
		t.Fatal("send on full buffer succeeded")
	default:
	}
}

func TestClosedChannelLenKeepsBuffered(t *testing.T) {
	c := make(chan int, 3)
	c <- 1
	c <- 2
	close(c)
	if len(c) != 2 {
		t.Fatalf("len %d", len(c))
	}
}

func TestManyProducersOneConsumer(t *testing.T) {
	c := make(chan int)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				c <- i*10 + j
			}
		}()
	}
	go func() { wg.Wait(); close(c) }()
	seen := make(map[int]bool)
	for v := range c {
		if seen[v] {
			t.Fatalf("dup %d", v)
		}
		seen[v] = true
	}
	if len(seen) != 100 {
		t.Fatalf("got %d", len(seen))
	}
}

func TestPerSenderOrderPreserved(t *testing.T) {
	c := make(chan [2]int, 4)
	var wg sync.WaitGroup
	for s := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				c <- [2]int{s, i}
			}
		}()
	}
	go func() { wg.Wait(); close(c) }()
	last := map[int]int{0: -1, 1: -1, 2: -1}
	for v := range c {
		if v[1] != last[v[0]]+1 {
			t.Fatalf("sender %d: %d after %d", v[0], v[1], last[v[0]])
		}
		last[v[0]] = v[1]
	}
}
