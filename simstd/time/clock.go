package time

import (
	"strings"
	"time"
	"unsafe"

	"github.com/simgen/simgen/internal/kernel"
)

// Now returns the current time: the virtual time (simstd.Epoch plus the
// virtual time elapsed, in UTC, with a monotonic reading of the virtual time
// elapsed, m=+..., as time.Now's has one) inside a simulation, time.Now
// outside.
func Now() Time {
	if g := kernel.Current(); g != nil {
		return virtualTime(g.Sim().Now())
	}
	return time.Now()
}

// virtualTime converts a virtual instant (time since Epoch) to a Time with a
// monotonic reading: d, the virtual time since the run started, as Go's is
// the time since the process started. Comparisons and Sub between two such
// Times use the readings, as between two of time.Now's; Round(0) strips it.
func virtualTime(d Duration) Time {
	t := kernel.Epoch.Add(d)
	if !monotonicLayout {
		return t
	}
	return withMonotonic(t, int64(d))
}

// The layout of time.Time (wall uint64, ext int64, loc *Location) as the
// standard library documents it in its source: with the hasMonotonic bit set
// in wall, wall holds 33 bits of seconds since January 1, 1885 and 30 bits of
// nanoseconds, and ext the monotonic reading. No API sets a reading, so
// withMonotonic writes these fields; monotonicLayout checks at start-up that
// the layout is the one expected, or Times go without a reading.
type timeLayout struct {
	wall uint64
	ext  int64
	loc  *time.Location
}

const (
	hasMonotonic = 1 << 63
	nsecShift    = 30
)

// wallEpoch is January 1, 1885 in Unix seconds: the zero of wall's seconds.
var wallEpoch = time.Date(1885, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()

func withMonotonic(t Time, mono int64) Time {
	sec := uint64(t.Unix() - wallEpoch)
	if sec >= 1<<33 {
		return t // past 2157: the seconds do not fit beside a reading
	}
	var out Time
	l := (*timeLayout)(unsafe.Pointer(&out))
	l.wall = hasMonotonic | sec<<nsecShift | uint64(t.Nanosecond())
	l.ext = mono
	l.loc = (*timeLayout)(unsafe.Pointer(&t)).loc
	return out
}

// monotonicLayout reports whether withMonotonic makes Times that the time
// package reads back as intended.
var monotonicLayout = func() bool {
	if unsafe.Sizeof(Time{}) != unsafe.Sizeof(timeLayout{}) {
		return false
	}
	base := kernel.Epoch.Add(1500 * time.Millisecond)
	a, b := withMonotonic(base, 7), withMonotonic(base, 10)
	return a.Equal(base) && a.Round(0) == base && b.Sub(a) == 3 && a.Sub(base) == 0 &&
		strings.HasSuffix(a.String(), " m=+0.000000007")
}()

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
