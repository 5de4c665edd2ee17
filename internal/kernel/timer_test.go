package kernel

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sleep parks the current goroutine for d of virtual time.
func sleep(d time.Duration) {
	g := Current()
	t := g.sim.NewTimer(func() { g.sim.Ready(g) })
	t.ScheduleAfter(d)
	g.Park("sleep")
}

func TestClockAdvancesOnlyWhenAllBlocked(t *testing.T) {
	var log []string
	r := Run(Config{Seed: 1}, func() {
		s := Current().sim
		done := NewChan[bool](0)
		Current().Go(func() {
			sleep(time.Second)
			log = append(log, fmt.Sprint("b woke at ", s.Now()))
			done.Send(true)
		})
		for range 100 {
			Current().Sync() // busy but cooperative: time must not move
		}
		log = append(log, fmt.Sprint("a at ", s.Now()))
		done.Recv()
	})
	require.NoError(t, r.Err)
	assert.Equal(t, []string{"a at 0s", "b woke at 1s"}, log)
	assert.Equal(t, time.Second, r.Elapsed)
}

func TestTimersFireInTimeOrder(t *testing.T) {
	var order []time.Duration
	r := Run(Config{Seed: 7}, func() {
		s := Current().sim
		for _, d := range []time.Duration{5, 1, 4, 2, 3} {
			s.NewTimer(func() { order = append(order, s.Now()) }).ScheduleAfter(d * time.Second)
		}
		sleep(10 * time.Second)
	})
	require.NoError(t, r.Err)
	assert.Equal(t, []time.Duration{1e9, 2e9, 3e9, 4e9, 5e9}, order)
	assert.Equal(t, 10*time.Second, r.Elapsed)
}

func TestSameInstantOrderComesFromSeed(t *testing.T) {
	run := func(seed uint64) string {
		var order []int
		r := Run(Config{Seed: seed}, func() {
			s := Current().sim
			for i := range 6 {
				s.NewTimer(func() { order = append(order, i) }).ScheduleAfter(time.Second)
			}
			sleep(2 * time.Second)
		})
		require.NoError(t, r.Err)
		return fmt.Sprint(order)
	}
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		a := run(seed)
		assert.Equal(t, a, run(seed), "same seed, same order")
		seen[a] = true
	}
	assert.Greater(t, len(seen), 10)
}

func TestTimerCancelAndReschedule(t *testing.T) {
	fired := 0
	r := Run(Config{Seed: 1}, func() {
		s := Current().sim
		tm := s.NewTimer(func() { fired++ })
		tm.ScheduleAfter(time.Second)
		assert.True(t, tm.Pending())
		assert.True(t, tm.Cancel())
		assert.False(t, tm.Cancel())
		tm.ScheduleAfter(3 * time.Second)
		tm.ScheduleAfter(2 * time.Second) // reschedule replaces
		sleep(5 * time.Second)
		assert.Equal(t, 2*time.Second, tm.When())
	})
	require.NoError(t, r.Err)
	assert.Equal(t, 1, fired)
}

func TestVirtualTimeLimit(t *testing.T) {
	r := Run(Config{Seed: 1, MaxTime: time.Minute}, func() {
		for {
			sleep(time.Second)
		}
	})
	var le *LimitError
	require.ErrorAs(t, r.Err, &le)
	assert.Equal(t, "virtual time", le.What)
	assert.Contains(t, le.Error(), "1m0s")
	assert.Equal(t, time.Minute, r.Elapsed)
}

func TestPendingTimerIsNotDeadlock(t *testing.T) {
	r := Run(Config{Seed: 1}, func() { sleep(time.Hour) })
	require.NoError(t, r.Err)
	assert.Equal(t, time.Hour, r.Elapsed)
}

func TestTimerHeapManyRandom(t *testing.T) {
	s := newSim(Config{Seed: 3})
	var ts []*Timer
	for range 1000 {
		tm := s.NewTimer(func() {})
		tm.Schedule(int64(s.rng.Intn(100)))
		ts = append(ts, tm)
	}
	for i := 0; i < len(ts); i += 3 {
		ts[i].Cancel()
	}
	prev := int64(-1)
	for len(s.timers) > 0 {
		tm := s.timers.pop()
		require.GreaterOrEqual(t, tm.when, prev)
		prev = tm.when
	}
}

// TestInitTimer checks that an embedded timer works like a new one and can
// be reused once idle, but not while pending.
func TestInitTimer(t *testing.T) {
	var log []string
	r := Run(Config{Seed: 1}, func() {
		s := Current().sim
		var tm Timer
		s.InitTimer(&tm, func() { log = append(log, fmt.Sprint("a ", s.Now())) })
		assert.False(t, tm.Pending())
		assert.Same(t, s, tm.Sim())
		assert.Same(t, Current().node, tm.node)
		tm.ScheduleAfter(time.Second)
		assert.Panics(t, func() { s.InitTimer(&tm, func() {}) })
		sleep(2 * time.Second)
		s.InitTimer(&tm, func() { log = append(log, fmt.Sprint("b ", s.Now())) })
		tm.ScheduleAfter(time.Second)
		sleep(2 * time.Second)
	})
	require.NoError(t, r.Err)
	assert.Equal(t, []string{"a 1s", "b 3s"}, log)
}

// BenchmarkTimerReschedule keeps 256 timers pending and reschedules one per
// op, in turn, to a random instant, as deadlines and retransmission timers
// are: ns/op is a cancel plus a schedule in a heap of that size.
func BenchmarkTimerReschedule(b *testing.B) {
	s := newSim(Config{Seed: 1})
	ts := make([]*Timer, 256)
	for i := range ts {
		ts[i] = s.NewTimer(func() {})
		ts[i].Schedule(int64(s.rng.Uint64() % uint64(time.Hour)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ts[i%len(ts)].Schedule(int64(s.rng.Uint64() % uint64(time.Hour)))
	}
}
