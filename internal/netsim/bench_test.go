package netsim_test

import (
	"io"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// benchTCP runs one simulation in which a client on one node sends b.N
// messages of size bytes to an echo server on another and reads the echoes
// back: one message at a time (an RPC), or streamed (as many in flight as
// the window allows).
func benchTCP(b *testing.B, size int, stream bool) {
	b.ReportAllocs()
	b.SetBytes(int64(2 * size))
	b.ResetTimer()
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		simstd.NewNode("srv", func() {
			c := acceptOne(":80")
			io.Copy(c, c)
		})
		simtime.Sleep(time.Millisecond)
		c, err := snet.Dial("tcp", "srv:80")
		if err != nil {
			panic(err)
		}
		out, in := make([]byte, size), make([]byte, size)
		read := func() {
			if _, err := io.ReadFull(c, in); err != nil {
				panic(err)
			}
		}
		done := simstd.NewChan[struct{}](0)
		if stream {
			simstd.Go(func() {
				for range b.N {
					read()
				}
				done.Send(struct{}{})
			})
		}
		for range b.N {
			if _, err := c.Write(out); err != nil {
				panic(err)
			}
			if !stream {
				read()
			}
		}
		if stream {
			done.Recv()
		}
	})
	if r.Err != nil {
		b.Fatal(r.Err)
	}
}

// BenchmarkTCPEcho is the traffic of an RPC: small messages, one at a time.
func BenchmarkTCPEcho(b *testing.B) { benchTCP(b, 200, false) }

// BenchmarkTCPStream keeps as many larger messages in flight as the window
// allows.
func BenchmarkTCPStream(b *testing.B) { benchTCP(b, 4096, true) }
