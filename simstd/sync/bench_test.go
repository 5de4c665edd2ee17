package sync_test

import (
	stdsync "sync"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
)

// contend runs b.N Lock/Unlock pairs on one lock, spread over 100 goroutines
// started with start and joined with wg.
func contend(b *testing.B, l stdsync.Locker, start func(func()), wg *sync.WaitGroup) {
	const goroutines = 100
	counter := 0
	per := b.N / goroutines
	for i := range goroutines {
		n := per
		if i == 0 {
			n += b.N % goroutines
		}
		wg.Add(1)
		start(func() {
			defer wg.Done()
			for range n {
				l.Lock()
				counter++
				l.Unlock()
			}
		})
	}
	wg.Wait()
	if counter != b.N {
		b.Fatalf("counter = %d, want %d", counter, b.N)
	}
}

func goNative(f func()) { go f() }

// BenchmarkMutexContention100Std is the reference: the standard sync.Mutex.
func BenchmarkMutexContention100Std(b *testing.B) {
	var mu stdsync.Mutex
	contend(b, &mu, goNative, new(sync.WaitGroup))
}

// BenchmarkMutexContention100Native is this package's Mutex outside a simulation.
func BenchmarkMutexContention100Native(b *testing.B) {
	var mu sync.Mutex
	contend(b, &mu, goNative, new(sync.WaitGroup))
}

// BenchmarkMutexContention100Sim is the same workload inside one simulation.
// Every Lock and Unlock is a scheduling point (steps/op is 2), and with the
// default random walk about half of them switch goroutines, so the kernel's
// coroutine switch, not this package, sets the cost.
func BenchmarkMutexContention100Sim(b *testing.B) {
	b.ReportAllocs()
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		var mu sync.Mutex
		contend(b, &mu, simstd.Go, new(sync.WaitGroup))
	})
	if r.Err != nil {
		b.Fatal(r.Err)
	}
	b.ReportMetric(float64(r.Steps)/float64(b.N), "steps/op")
}

// BenchmarkMutexUncontendedSim measures one Lock/Unlock pair in a
// simulation with a single goroutine; it must not allocate.
func BenchmarkMutexUncontendedSim(b *testing.B) {
	simstd.Run(simstd.Config{Seed: 1}, func() {
		var mu sync.Mutex
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			mu.Lock()
			//lint:ignore SA2001 the benchmark measures Lock+Unlock
			mu.Unlock()
		}
	})
}
