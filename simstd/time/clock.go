package time

import (
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// Now returns the current time: the virtual time (simstd.Epoch plus the
// virtual time elapsed, in UTC, without a monotonic reading) inside a
// simulation, time.Now outside.
func Now() Time {
	if g := kernel.Current(); g != nil {
		return virtualTime(g.Sim().Now())
	}
	return time.Now()
}

// virtualTime converts a virtual instant (time since Epoch) to a Time.
func virtualTime(d Duration) Time { return kernel.Epoch.Add(d) }

// Since returns the time elapsed since t, measured on the clock Now uses.
func Since(t Time) Duration {
	if kernel.Current() != nil {
		return Now().Sub(t)
	}
	return time.Since(t)
}

// Until returns the duration until t, measured on the clock Now uses.
func Until(t Time) Duration {
	if kernel.Current() != nil {
		return t.Sub(Now())
	}
	return time.Until(t)
}

// Sleep pauses the calling goroutine for at least d; d <= 0 returns at once.
// In a simulation the goroutine parks ("sleep") until the virtual clock has
// advanced by d, and even a non-positive d is a scheduling point, as any call
// into the runtime may let other goroutines run.
func Sleep(d Duration) {
	g := kernel.Current()
	if g == nil {
		time.Sleep(d)
		return
	}
	if d <= 0 {
		g.Sync()
		return
	}
	s := g.Sim()
	wake := s.NewTimer(func() { s.Ready(g) })
	wake.Describe("time.Sleep")
	wake.ScheduleAfter(d)
	g.Park("sleep")
}
