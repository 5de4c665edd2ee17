// Package initialization inside the simulation (issue 15 item 3): what a package's variable
// initializers and init functions make belongs to the run, on its clock, as it does to the
// program natively.

package conformance

import (
	"sync"
	"testing"
	"time"
)

var (
	pkgStart = time.Now()
	pkgTimer = time.NewTimer(20 * time.Millisecond)
	initReq  = make(chan chan int)
	initVal  int
)

func init() {
	initVal = 5
	go func() {
		for r := range initReq {
			r <- initVal * 2
		}
	}()
}

func TestInitPackageTimeInPast(t *testing.T) {
	d := time.Since(pkgStart)
	if d < 0 || d > 24*time.Hour {
		t.Fatal(d)
	}
}

// pkgTimerFired receives from pkgTimer once per process, so the test also
// passes with -count=N (the timer fires only once).
var pkgTimerFired = sync.OnceFunc(func() { <-pkgTimer.C })

func TestInitTimerFires(t *testing.T) {
	pkgTimerFired()
}

func TestInitGoroutineServes(t *testing.T) {
	r := make(chan int)
	initReq <- r
	if v := <-r; v != 10 {
		t.Fatal(v)
	}
}

func TestInitRanBeforeTests(t *testing.T) {
	if initVal != 5 {
		t.Fatal(initVal)
	}
}
