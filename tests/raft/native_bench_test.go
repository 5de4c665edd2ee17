package raftsuite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	nativeraft "github.com/simgen/simgen/example/raft"
)

// BenchmarkNativeCluster5 runs the program the simulation runs, natively: five
// example/raft servers on loopback with real files and fsync, and three clients
// with BenchmarkCluster5's load (a random Get, Put or Append, then a pause of
// 0-19 ms), for one second of real time per op. It reports the client ops per
// second and the process CPU time they cost ("cpu-µs/op"), to set against the
// simulation's wall time per op: the program's own work is the floor of what a
// simulated second can cost.
func BenchmarkNativeCluster5(b *testing.B) {
	var ops atomic.Int64
	var cpu time.Duration
	for range b.N {
		addrs := freeLoopbackAddrs(b, 5)
		var servers []*nativeraft.Server
		for i := range addrs {
			s, err := nativeraft.StartServer(nativeraft.Config{ID: i, Peers: addrs, DataDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			servers = append(servers, s)
		}
		// Let a leader emerge before measuring.
		warm := nativeraft.NewClient(addrs, 1000)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := warm.Put(ctx, "warm", "up"); err != nil {
			b.Fatal(err)
		}
		cancel()
		warm.Close()

		before := cpuTime()
		stop := time.Now().Add(time.Second)
		var wg sync.WaitGroup
		for id := range 3 {
			wg.Go(func() { nativeClient(addrs, int64(id+1), stop, &ops) })
		}
		wg.Wait()
		cpu += cpuTime() - before
		for _, s := range servers {
			s.Close()
		}
	}
	b.ReportMetric(float64(ops.Load())/float64(b.N), "ops/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(ops.Load()), "cpu-µs/op")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/s")
}

// nativeClient issues operations like the simulated clients until stop.
func nativeClient(addrs []string, id int64, stop time.Time, ops *atomic.Int64) {
	cl := nativeraft.NewClient(addrs, id)
	defer cl.Close()
	for seq := 0; time.Now().Before(stop); seq++ {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		key := fmt.Sprintf("k%d", rand.IntN(3))
		var err error
		switch rand.IntN(3) {
		case 0:
			_, err = cl.Get(ctx, key)
		case 1:
			err = cl.Put(ctx, key, fmt.Sprintf("%d.%d", id, seq))
		default:
			err = cl.Append(ctx, key, fmt.Sprintf("[%d.%d]", id, seq))
		}
		cancel()
		if err == nil {
			ops.Add(1)
		}
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
	}
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// freeLoopbackAddrs returns n loopback addresses whose ports were free a
// moment ago.
func freeLoopbackAddrs(b *testing.B, n int) []string {
	var addrs []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addrs = append(addrs, ln.Addr().String())
		defer ln.Close()
	}
	return addrs
}
