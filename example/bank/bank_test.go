package bank

import (
	"math/rand"
	"sync"
	"testing"
	"time"
)

// Clients transfer concurrently, pausing between requests; no balance may
// ever go negative and money is neither created nor destroyed.
func TestConcurrentTransfers(t *testing.T) {
	b := New(map[string]int{"alice": 30, "bob": 30, "carol": 30})
	names := []string{"alice", "bob", "carol"}
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for burst := 0; burst < 4; burst++ {
				time.Sleep(time.Duration(rand.Intn(5)) * time.Millisecond)
				for i := 0; i < 5; i++ {
					from, to := names[rand.Intn(3)], names[rand.Intn(3)]
					_ = b.Transfer(from, to, 1+rand.Intn(20))
				}
			}
		}()
	}
	wg.Wait()
	b.Close()
	total := 0
	for name, v := range b.Snapshot() {
		if v < 0 {
			t.Fatalf("account %s overdrawn: %d", name, v)
		}
		total += v
	}
	if total != 90 {
		t.Fatalf("total %d, want 90", total)
	}
}
