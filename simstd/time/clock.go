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
	if g := kernel.Current(); g != nil {
		return virtualTime(g.Sim().Now()).Sub(t)
	}
	return time.Since(t)
}

// Until returns the duration until t, measured on the clock Now uses.
func Until(t Time) Duration {
	if g := kernel.Current(); g != nil {
		return t.Sub(virtualTime(g.Sim().Now()))
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
	idle := g.Sim().Ext(sleepersKey{}, newSleepers).(*sleepers)
	sl := idle.get()
	sl.sleep(g, d)
	idle.put(sl)
}

// sleeper is a kernel timer that wakes a sleeping goroutine. A simulation
// keeps its idle sleepers for reuse, saving Sleep its allocations.
type sleeper struct {
	kt   kernel.Timer
	g    *kernel.G // the goroutine asleep; nil while the sleeper is idle
	wake func()    // kt's callback, made with the sleeper: readies g
}

// sleep parks g, the running goroutine, for d > 0.
func (sl *sleeper) sleep(g *kernel.G, d Duration) {
	s := g.Sim()
	sl.g = g
	s.InitTimer(&sl.kt, sl.wake) // on g's node, as if new
	sl.kt.Describe("time.Sleep")
	sl.kt.ScheduleAfter(d)
	// Only the timer readies a sleeping goroutine, so when Park returns kt
	// has fired and is idle. A goroutine that never returns (its node was
	// killed, or the run ended) never puts its sleeper back.
	g.Park("sleep")
	sl.g = nil
}

// sleepers is a simulation's idle sleepers, stored with Sim.Ext under
// sleepersKey. Only the simulation's running goroutine uses it.
type sleepers struct {
	idle []*sleeper // a stack: the sleeper used last is the warmest
}

type sleepersKey struct{}

func newSleepers() any { return new(sleepers) }

// get returns an idle sleeper, making one if none is left.
func (p *sleepers) get() *sleeper {
	if n := len(p.idle); n > 0 {
		sl := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		return sl
	}
	sl := new(sleeper)
	sl.wake = func() { sl.g.Sim().Ready(sl.g) }
	return sl
}

// put makes sl, which is idle, available again.
func (p *sleepers) put(sl *sleeper) { p.idle = append(p.idle, sl) }
