package kernel

import (
	"iter"
	"testing"
	"time"
)

// BenchmarkDesign compares the two ways to run one goroutine at a time that
// the scheduler could be built on: resuming a runtime coroutine (iter.Pull)
// from a driver, and handing a baton between goroutines over channels. Each
// op is one hand-off to another goroutine and back.
func BenchmarkDesign(b *testing.B) {
	b.Run("coroutine", func(b *testing.B) {
		next, stop := iter.Pull(func(yield func(struct{}) bool) {
			for yield(struct{}{}) {
			}
		})
		defer stop()
		for i := 0; i < b.N; i++ {
			next()
		}
	})
	b.Run("baton", func(b *testing.B) {
		to, back := make(chan struct{}), make(chan struct{})
		go func() {
			for range to {
				back <- struct{}{}
			}
		}()
		for i := 0; i < b.N; i++ {
			to <- struct{}{}
			<-back
		}
		close(to)
	})
}

// BenchmarkTimers schedules b.N timers at random instants within an hour and
// fires them all: ns/op is the cost per timer.
func BenchmarkTimers(b *testing.B) {
	r := Run(Config{Seed: 1, Watchdog: -1}, func() {
		g := Current()
		s := g.sim
		fired := 0
		for i := 0; i < b.N; i++ {
			s.NewTimer(func() { fired++ }).ScheduleAfter(time.Duration(s.rng.Uint64() % uint64(time.Hour)))
		}
		t := s.NewTimer(func() { s.Ready(g) })
		t.ScheduleAfter(2 * time.Hour)
		g.Park("sleep")
		if fired != b.N {
			b.Fatal(fired)
		}
	})
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}
