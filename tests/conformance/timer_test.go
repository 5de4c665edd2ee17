package conformance

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestTimerFires(t *testing.T) {
	tm := time.NewTimer(5 * time.Millisecond)
	<-tm.C
}

func TestTimerStopBeforeFire(t *testing.T) {
	tm := time.NewTimer(time.Hour)
	if !tm.Stop() {
		t.Fatal("Stop of pending timer returned false")
	}
	if tm.Stop() {
		t.Fatal("second Stop returned true")
	}
}

func TestTimerStopAfterReceive(t *testing.T) {
	tm := time.NewTimer(time.Millisecond)
	<-tm.C
	if tm.Stop() {
		t.Fatal("Stop after fire+receive returned true")
	}
}

func TestTimerStopNoStaleValue(t *testing.T) {
	// Go 1.23+: after Stop, no stale value is received.
	tm := time.NewTimer(time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	tm.Stop()
	select {
	case <-tm.C:
		t.Fatal("stale value after Stop")
	default:
	}
}

func TestTimerResetNoStaleValue(t *testing.T) {
	tm := time.NewTimer(time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	tm.Reset(time.Hour)
	select {
	case <-tm.C:
		t.Fatal("stale value after Reset")
	default:
	}
	tm.Stop()
}

func TestTimerResetReturn(t *testing.T) {
	tm := time.NewTimer(time.Hour)
	if !tm.Reset(time.Millisecond) {
		t.Fatal("Reset of pending timer returned false")
	}
	<-tm.C
	if tm.Reset(time.Millisecond) {
		t.Fatal("Reset of fired timer returned true")
	}
	<-tm.C
}

func TestTimerChanUnbufferedCap(t *testing.T) {
	// Go 1.23+: timer channels are synchronous (cap 0).
	tm := time.NewTimer(time.Hour)
	defer tm.Stop()
	if cap(tm.C) != 0 {
		t.Fatalf("cap %d", cap(tm.C))
	}
}

func TestAfterFuncRuns(t *testing.T) {
	done := make(chan struct{})
	time.AfterFunc(time.Millisecond, func() { close(done) })
	<-done
}

func TestAfterFuncStop(t *testing.T) {
	var ran atomic.Bool
	tm := time.AfterFunc(time.Hour, func() { ran.Store(true) })
	if !tm.Stop() {
		t.Fatal("Stop returned false")
	}
	if ran.Load() {
		t.Fatal("ran")
	}
}

func TestAfterFuncReset(t *testing.T) {
	done := make(chan struct{})
	tm := time.AfterFunc(time.Hour, func() { close(done) })
	tm.Reset(time.Millisecond)
	<-done
}

func TestSleepAdvancesNow(t *testing.T) {
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("slept %v", d)
	}
}

func TestSleepOrdering(t *testing.T) {
	c := make(chan int, 2)
	go func() { time.Sleep(200 * time.Millisecond); c <- 2 }()
	go func() { time.Sleep(time.Millisecond); c <- 1 }()
	// Natively the 1ms sleeper could in principle lose to the 200ms one on a
	// stalled machine only if it was not scheduled for 200ms; assert on the set.
	a, b := <-c, <-c
	if a+b != 3 {
		t.Fatal(a, b)
	}
}

func TestTimeAfterDuration(t *testing.T) {
	start := time.Now()
	<-time.After(20 * time.Millisecond)
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("early")
	}
}

func TestTickerTicks(t *testing.T) {
	tk := time.NewTicker(time.Millisecond)
	defer tk.Stop()
	prev := time.Time{}
	for range 3 {
		now := <-tk.C
		if !now.After(prev) {
			t.Fatal("tick times not increasing")
		}
		prev = now
	}
}

func TestTickerStopNoMoreTicks(t *testing.T) {
	tk := time.NewTicker(time.Millisecond)
	<-tk.C
	tk.Stop()
	select {
	case <-tk.C:
		t.Fatal("tick after Stop")
	default:
	}
}

func TestTickerReset(t *testing.T) {
	tk := time.NewTicker(time.Hour)
	defer tk.Stop()
	tk.Reset(time.Millisecond)
	<-tk.C
}

func TestNewTickerNonPositivePanics(t *testing.T) {
	mustPanic(t, "NewTicker(0)", func() { time.NewTicker(0) })
}

func TestUnreferencedTimerDoesNotBlock(t *testing.T) {
	for range 10 {
		time.NewTimer(time.Hour)
	}
}
