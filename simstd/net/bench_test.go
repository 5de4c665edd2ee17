package net_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// The benchmarks run the same code over real loopback TCP (native) and over
// the simulated network (sim), side by side. Wall-clock rates are reported
// with b.ReportMetric: msgs/s for ping-pong, MB/s (b.SetBytes) for streams.

// inMode runs body natively, or in one simulation (setup included: it is
// small next to b.N operations).
func inMode(b *testing.B, sim bool, body func()) {
	b.Helper()
	if !sim {
		body()
		return
	}
	r := simstd.Run(simstd.Config{Seed: 1}, body)
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}

func benchPair(b *testing.B) (snet.Conn, snet.Conn) {
	ln, err := snet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	accepted := simstd.NewChan[snet.Conn](1)
	simstd.Go(func() {
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		accepted.Send(c)
	})
	c, err := snet.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	return c, accepted.Recv()
}

// BenchmarkPingPong64: 64-byte request, 64-byte response, over one
// connection; a round trip is two messages.
func BenchmarkPingPong64(b *testing.B) {
	for _, mode := range []string{"native", "sim"} {
		b.Run(mode, func(b *testing.B) {
			inMode(b, mode == "sim", func() {
				c, s := benchPair(b)
				defer c.Close()
				simstd.Go(func() {
					buf := make([]byte, 64)
					for {
						if _, err := io.ReadFull(s, buf); err != nil {
							s.Close()
							return
						}
						if _, err := s.Write(buf); err != nil {
							return
						}
					}
				})
				msg := make([]byte, 64)
				b.ResetTimer()
				for range b.N {
					if _, err := c.Write(msg); err != nil {
						b.Fatal(err)
					}
					if _, err := io.ReadFull(c, msg); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		})
	}
}

// BenchmarkStream64K: one-way stream of 64 KiB writes to a reader that
// discards them.
func BenchmarkStream64K(b *testing.B) {
	for _, mode := range []string{"native", "sim"} {
		b.Run(mode, func(b *testing.B) {
			inMode(b, mode == "sim", func() {
				c, s := benchPair(b)
				done := simstd.NewChan[int64](1)
				simstd.Go(func() {
					n, _ := io.Copy(io.Discard, s)
					done.Send(n)
				})
				chunk := make([]byte, 64<<10)
				b.SetBytes(int64(len(chunk)))
				b.ResetTimer()
				for range b.N {
					if _, err := c.Write(chunk); err != nil {
						b.Fatal(err)
					}
				}
				c.Close()
				if n := done.Recv(); n != int64(b.N*len(chunk)) {
					b.Fatalf("received %d bytes, want %d", n, b.N*len(chunk))
				}
				b.StopTimer()
			})
		})
	}
}

// BenchmarkKillRestart: crash a node serving a connection, restart it and
// reconnect; an op is the whole cycle. Cycles run in batches of at most
// 1000 per simulation, outside the timed region setup and the end of the
// run, which unwinds every goroutine the crashes left behind.
func BenchmarkKillRestart(b *testing.B) {
	b.StopTimer()
	for done := 0; done < b.N; {
		batch := min(1000, b.N-done)
		done += batch
		inMode(b, true, func() {
			srv := simstd.NewNode("srv", echoServer)
			connect := func() snet.Conn {
				for {
					c, err := snet.Dial("tcp", "srv:7000")
					if err == nil {
						return c
					}
					simtime.Sleep(time.Millisecond)
				}
			}
			c := connect()
			buf := make([]byte, 4)
			b.StartTimer()
			for range batch {
				srv.Kill()
				if _, err := c.Read(buf); err == nil {
					b.Fatal("read from a killed node's connection succeeded")
				}
				c.Close()
				srv.Restart()
				c = connect()
				if _, err := roundTrip(c, "ping"); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		})
	}
}

// BenchmarkPartitionSchedule5: five nodes each sending a 64-byte request to
// another every 10 ms (virtual) while a schedule partitions a random
// minority for 500 ms every second; an op is one virtual second.
func BenchmarkPartitionSchedule5(b *testing.B) {
	inMode(b, true, func() {
		var nodes []*simstd.Node
		for i := range 5 {
			nodes = append(nodes, simstd.NewNode(fmt.Sprintf("n%d", i), echoServer))
		}
		for i, x := range nodes {
			x.Go(func() {
				peer := nodes[(i+1)%5].Name() + ":7000"
				var c snet.Conn
				msg := make([]byte, 64)
				for {
					simtime.Sleep(10 * time.Millisecond)
					if c == nil {
						var err error
						if c, err = snet.DialTimeout("tcp", peer, time.Second); err != nil {
							continue
						}
					}
					c.SetDeadline(simtime.Now().Add(time.Second))
					if _, err := c.Write(msg); err != nil {
						c.Close()
						c = nil
						continue
					}
					if _, err := io.ReadFull(c, msg); err != nil {
						c.Close()
						c = nil
					}
				}
			})
		}
		b.ResetTimer()
		for i := range b.N {
			minority := []*simstd.Node{nodes[i%5], nodes[(i+2)%5]}
			var majority []*simstd.Node
			for _, x := range nodes {
				if x != minority[0] && x != minority[1] {
					majority = append(majority, x)
				}
			}
			fault.Partition(minority, majority)
			simtime.Sleep(500 * time.Millisecond)
			fault.Heal()
			simtime.Sleep(500 * time.Millisecond)
		}
		b.StopTimer()
		b.ReportMetric(float64(fault.Stats().Delivered)/float64(b.N), "pkts/virtual-s")
	})
}
