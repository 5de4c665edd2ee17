package simstd_test

import (
	"runtime"
	"testing"

	"github.com/simgen/simgen/simstd"
)

// inSim runs body in one simulation, so that the run's setup is amortized
// over b.N operations and the ratio to native measures the operation.
func inSim(b *testing.B, body func()) {
	r := simstd.Run(simstd.Config{Seed: 1, Watchdog: -1}, body)
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}

func pingPong(n int) {
	ping, pong := simstd.NewChan[int](0), simstd.NewChan[int](0)
	simstd.Go(func() {
		for v := range ping.Range() {
			pong.Send(v)
		}
	})
	for i := range n {
		ping.Send(i)
		pong.Recv()
	}
	ping.Close()
}

// BenchmarkPingPong is one round trip over two unbuffered channels.
func BenchmarkPingPong(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		for i := 0; i < b.N; i++ {
			ping <- i
			<-pong
		}
		close(ping)
	})
	b.Run("sim", func(b *testing.B) { inSim(b, func() { pingPong(b.N) }) })
}

// BenchmarkYield is the cost of one scheduling point: alone (the strategy
// picks the same goroutine) and with a second runnable goroutine (half the
// points switch).
func BenchmarkYield(b *testing.B) {
	b.Run("alone", func(b *testing.B) {
		inSim(b, func() {
			for i := 0; i < b.N; i++ {
				simstd.Gosched()
			}
		})
	})
	b.Run("two", func(b *testing.B) {
		inSim(b, func() {
			stop := false
			simstd.Go(func() {
				for !stop {
					simstd.Gosched()
				}
			})
			for i := 0; i < b.N; i++ {
				simstd.Gosched()
			}
			stop = true
		})
	})
	b.Run("native-two", func(b *testing.B) {
		stop := make(chan bool)
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
					runtime.Gosched()
				}
			}
		}()
		for i := 0; i < b.N; i++ {
			runtime.Gosched()
		}
		close(stop)
	})
}

// BenchmarkSpawn starts a goroutine and waits for it to finish.
func BenchmarkSpawn(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		done := make(chan struct{})
		for i := 0; i < b.N; i++ {
			go func() { done <- struct{}{} }()
			<-done
		}
	})
	b.Run("sim", func(b *testing.B) {
		inSim(b, func() {
			done := simstd.NewChan[struct{}](0)
			for i := 0; i < b.N; i++ {
				simstd.Go(func() { done.Send(struct{}{}) })
				done.Recv()
			}
		})
	})
}

// BenchmarkGoroutineMemory reports the memory held per blocked simulated
// goroutine (coroutine stack plus scheduler state), with 10,000 alive.
func BenchmarkGoroutineMemory(b *testing.B) {
	const n = 10_000
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		inSim(b, func() {
			runtime.GC()
			runtime.ReadMemStats(&before)
			c := simstd.NewChan[int](0)
			for range n {
				simstd.Go(func() { c.Recv() })
			}
			simstd.Gosched()
			for simstd.NumGoroutine() < n+1 {
				simstd.Gosched()
			}
			// Every goroutine has run once and blocked.
			for range n {
				simstd.Gosched()
			}
			runtime.ReadMemStats(&after)
			c.Close()
		})
		b.ReportMetric(float64(after.Sys+after.StackSys-before.Sys-before.StackSys)/n, "sysB/goroutine")
		b.ReportMetric(float64(after.HeapAlloc+after.StackInuse-before.HeapAlloc-before.StackInuse)/n, "B/goroutine")
	}
}

// BenchmarkSelect is a server loop's select over three channels (quit, a
// request channel, a wake-up channel) that blocks until a client's send: one
// op is one request served.
func BenchmarkSelect(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		quit, req, wake := make(chan struct{}), make(chan int), make(chan struct{})
		done := make(chan int)
		go func() {
			for {
				select {
				case <-quit:
					return
				case v := <-req:
					done <- v
				case <-wake:
				}
			}
		}()
		for i := 0; i < b.N; i++ {
			req <- i
			<-done
		}
		close(quit)
	})
	b.Run("sim", func(b *testing.B) {
		b.ReportAllocs() // cases are recycled (see SelectCase): none once warm
		inSim(b, func() {
			quit, req, wake := simstd.NewChan[struct{}](0), simstd.NewChan[int](0), simstd.NewChan[struct{}](0)
			done := simstd.NewChan[int](0)
			simstd.Go(func() {
				for {
					// As simgen writes the select above.
					switch c0, c1, c2 := quit.DiscardCase(), req.RecvCase(), wake.DiscardCase(); simstd.Select(false, c0, c1, c2) {
					case 0:
						return
					case 1:
						v := c1.Take()
						done.Send(v)
					case 2:
					}
				}
			})
			for i := 0; i < b.N; i++ {
				req.Send(i)
				done.Recv()
			}
			quit.Close()
		})
	})
}
