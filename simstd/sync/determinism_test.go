package sync_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

// workload uses every primitive with contention and logs what happened in
// which order.
func workload(log *[]string) {
	var (
		mu   sync.Mutex
		rw   sync.RWMutex
		wg   sync.WaitGroup
		once sync.Once
		m    sync.Map
		pool = sync.Pool{New: func() any { return new(int) }}
		c    = sync.NewCond(&mu)
	)
	add := func(format string, args ...any) {
		*log = append(*log, fmt.Sprintf(format, args...))
	}
	turn := 0
	for id := range 6 {
		wg.Go(func() {
			once.Do(func() { add("once by %d", id) })
			for i := range 5 {
				mu.Lock()
				add("mutex %d.%d", id, i)
				mu.Unlock()
				rw.RLock()
				add("read %d.%d", id, i)
				rw.RUnlock()
				rw.Lock()
				m.Store(fmt.Sprint(id, i), i)
				rw.Unlock()
				p := pool.Get().(*int)
				*p += id
				pool.Put(p)
			}
			mu.Lock()
			for turn != id%3 {
				c.Wait()
			}
			turn = (turn + 1) % 3
			add("turn %d", id)
			c.Broadcast()
			mu.Unlock()
		})
	}
	wg.Wait()
	m.Range(func(k, _ any) bool { add("key %v", k); return true })
}

func TestDeterminism(t *testing.T) {
	trace := func(seed uint64) (simstd.Result, []string) {
		var log []string
		r := run(seed, func() { workload(&log) })
		require.NoError(t, r.Err)
		return r, log
	}
	r1, log1 := trace(7)
	r2, log2 := trace(7)
	assert.Equal(t, r1.Hash, r2.Hash)
	assert.Equal(t, log1, log2)

	hashes := map[uint64]bool{r1.Hash: true}
	logs := map[string]bool{fmt.Sprint(log1): true}
	for seed := uint64(8); seed < 12; seed++ {
		r, log := trace(seed)
		hashes[r.Hash] = true
		logs[fmt.Sprint(log)] = true
	}
	assert.Len(t, hashes, 5, "different seeds gave equal hashes")
	assert.Len(t, logs, 5, "different seeds gave the same interleaving")
}

// TestVirtualTime checks that waiting on these primitives for a long virtual
// time costs no real time.
func TestVirtualTime(t *testing.T) {
	start := time.Now()
	r := run(1, func() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		done := false
		wg.Go(func() {
			sleep(time.Hour)
			mu.Lock()
			done = true
			mu.Unlock()
			c.Signal()
		})
		mu.Lock()
		for !done {
			c.Wait()
		}
		mu.Unlock()
		wg.Wait()
	})
	require.NoError(t, r.Err)
	assert.Equal(t, time.Hour, r.Elapsed)
	assert.Less(t, time.Since(start), time.Minute, "a virtual hour costs little wall time (bounded generously: the machine may be busy)")
}
