package conformance

import (
	"testing"
	"time"
)

func TestSelectDefaultWhenNothingReady(t *testing.T) {
	c := make(chan int)
	select {
	case <-c:
		t.Fatal("received")
	default:
	}
}

func TestSelectNilCasesNeverChosen(t *testing.T) {
	var nilc chan int
	ready := make(chan int, 1)
	ready <- 1
	for range 100 {
		select {
		case <-nilc:
			t.Fatal("nil recv chosen")
		case nilc <- 1:
			t.Fatal("nil send chosen")
		case v := <-ready:
			ready <- v
		}
	}
}

func TestSelectEmptyNilBlocksUntilOther(t *testing.T) {
	var nilc chan int
	done := make(chan struct{})
	go func() { close(done) }()
	select {
	case <-nilc:
		t.Fatal("nil chosen")
	case <-done:
	}
}

func TestSelectReadyCaseChosenOverDefault(t *testing.T) {
	c := make(chan int, 1)
	c <- 3
	select {
	case v := <-c:
		if v != 3 {
			t.Fatal(v)
		}
	default:
		t.Fatal("default chosen with ready case")
	}
}

func TestSelectClosedChannelAlwaysReady(t *testing.T) {
	c := make(chan int)
	close(c)
	select {
	case _, ok := <-c:
		if ok {
			t.Fatal("ok")
		}
	default:
		t.Fatal("default chosen")
	}
}

func TestSelectBothReadyBothEventuallyChosen(t *testing.T) {
	// Go chooses uniformly at random among ready cases; the chance that one
	// case is never chosen in 1000 tries is 2^-999.
	a := make(chan int, 1)
	b := make(chan int, 1)
	var na, nb int
	for range 1000 {
		a <- 1
		b <- 1
		select {
		case <-a:
			na++
			<-b
		case <-b:
			nb++
			<-a
		}
	}
	if na == 0 || nb == 0 {
		t.Fatalf("a %d b %d", na, nb)
	}
}

func TestSelectSendAndReceive(t *testing.T) {
	in := make(chan int)
	out := make(chan int)
	go func() { in <- 5 }()
	go func() { <-out }()
	got := 0
	for got < 2 {
		select {
		case <-in:
			got++
		case out <- 1:
			got++
		}
	}
}

func TestSelectTimeoutFires(t *testing.T) {
	c := make(chan int)
	select {
	case <-c:
		t.Fatal("received")
	case <-time.After(10 * time.Millisecond):
	}
}

func TestSelectEmptyForBlocksGoroutineOnly(t *testing.T) {
	done := make(chan struct{})
	go func() {
		close(done)
		select {}
	}()
	<-done
}
