package netsim_test

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	"github.com/simgen/simgen/simstd"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// patternByte is byte i of the stream numbered k: no two streams nor two
// nearby offsets look alike, so bytes delivered to the wrong socket, twice,
// out of order or from a reused buffer do not go unnoticed.
func patternByte(k, i int) byte {
	return byte((uint64(i)*0x9e3779b97f4a7c15 ^ uint64(k+1)*0xbf58476d1ce4e5b9) >> 56)
}

// checker verifies that what a socket reads is a prefix of stream k.
type checker struct{ k, off int }

func (c *checker) check(b []byte) {
	for j, x := range b {
		if want := patternByte(c.k, c.off+j); x != want {
			panic(fmt.Sprintf("stream %d: byte %d is %#x, want %#x", c.k, c.off+j, x, want))
		}
	}
	c.off += len(b)
}

// writeStream writes total bytes of stream k to c in chunks, with pauses,
// of sizes and lengths drawn from src; it stops at the first error.
func writeStream(c snet.Conn, k, total int, src netsim.Source) {
	buf := make([]byte, 3000)
	for off := 0; off < total; {
		m := min(1+int(src.Uint64()%uint64(len(buf))), total-off)
		for j := range m {
			buf[j] = patternByte(k, off+j)
		}
		if _, err := c.Write(buf[:m]); err != nil {
			return
		}
		clear(buf) // the socket must have copied what it sent
		off += m
		simtime.Sleep(time.Duration(src.Uint64() % uint64(5*time.Millisecond)))
	}
}

// readStream checks what c delivers of stream k, up to total bytes, until
// an error or a long silence; it returns the bytes checked.
func readStream(c snet.Conn, k, total int) int {
	ck := checker{k: k}
	buf := make([]byte, 2500)
	for ck.off < total {
		c.SetReadDeadline(simtime.Now().Add(5 * time.Minute))
		m, err := c.Read(buf[:min(len(buf), total-ck.off)])
		ck.check(buf[:m])
		if err != nil {
			break
		}
	}
	return ck.off
}

// TestStreamsUnderFaults runs many TCP streams in both directions while
// links are clogged, cut (some past TCPTimeout) and healed and a server
// node is killed and restarted, with small receive windows and CloseRead
// on some connections: every byte that arrives must be the next one sent on
// its connection. Packets, wait queues and stream buffers are reused, so a
// packet or buffer reused while still referenced shows up as corrupt or
// misdirected data (or as the netsim's own use-after-release panic).
func TestStreamsUnderFaults(t *testing.T) {
	const (
		clients = 24
		total   = 50000
	)
	for seed := uint64(1); seed <= 4; seed++ {
		var checked, complete int
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			serve := func() {
				ln, err := snet.Listen("tcp", ":80")
				if err != nil {
					panic(err)
				}
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					simstd.Go(func() {
						defer c.Close()
						id := make([]byte, 1)
						if _, err := c.Read(id); err != nil {
							return
						}
						k := int(id[0])
						tc := c.(*snet.TCPConn)
						if k%4 == 2 {
							tc.SetReadBuffer(700) // the client's writes wait for the window
						}
						src := &seqSource{v: uint64(k)}
						simstd.Go(func() { writeStream(c, k+100, total, src) })
						switch k % 4 {
						case 1:
							readStream(c, k, total/2)
							return // closed with data unread or to come: a reset
						case 3:
							readStream(c, k, total/2)
							tc.CloseRead() // the rest is discarded as it arrives
							simtime.Sleep(time.Hour)
							return
						}
						readStream(c, k, total)
					})
				}
			}
			servers := []*simstd.Node{simstd.NewNode("a", serve), simstd.NewNode("b", serve)}
			simtime.Sleep(time.Millisecond)
			n := netsim.Of(kernel.Current().Sim())
			rnd := &seqSource{v: seed}
			faultsDone := simstd.NewChan[struct{}](1)
			simstd.Go(func() {
				nodes := []*kernel.Node{simstd.CurrentNode().Kernel(), servers[0].Kernel(), servers[1].Kernel()}
				pick := func() *kernel.Node { return nodes[rnd.Uint64()%uint64(len(nodes))] }
				for range 40 {
					simtime.Sleep(time.Duration(rnd.Uint64()%uint64(20*time.Millisecond)) + time.Millisecond)
					from, to := pick(), pick()
					hold := time.Duration(rnd.Uint64()%uint64(30*time.Millisecond)) + time.Millisecond
					switch rnd.Uint64() % 8 {
					case 0:
						n.Clog(from, to, true)
						simtime.Sleep(hold)
						n.Clog(from, to, false)
					case 1:
						n.Cut(from, to, true)
						simtime.Sleep(hold)
						n.Cut(from, to, false)
					case 2:
						n.Cut(from, to, true)
						simtime.Sleep(netsim.DefaultTCPTimeout + time.Second) // its senders time out
						n.Cut(from, to, false)
					case 3:
						n.CutNode(to, true)
						n.Clog(from, to, true)
						simtime.Sleep(hold)
						n.Heal()
					case 4:
						// What the link held while clogged is lost, or waits for
						// retransmission, once it is only cut.
						n.Clog(from, to, true)
						simtime.Sleep(hold)
						n.Cut(from, to, true)
						n.Clog(from, to, false)
						simtime.Sleep(hold)
						n.Cut(from, to, false)
					case 5:
						s := servers[rnd.Uint64()%2]
						s.Kill()
						simtime.Sleep(hold)
						s.Restart()
					case 6:
						servers[rnd.Uint64()%2].Restart() // what it had in flight is lost
					case 7:
						n.Spike(5, hold)
					}
				}
				n.Heal()
				faultsDone.Send(struct{}{})
			})
			done := simstd.NewChan[[2]int](clients)
			clientNode := simstd.NewNode("c", nil)
			for k := range clients {
				client := func() {
					var got [2]int
					defer func() { done.Send(got) }()
					c, err := snet.Dial("tcp", servers[k%2].Name()+":80")
					if err != nil {
						return
					}
					defer c.Close()
					if _, err := c.Write([]byte{byte(k)}); err != nil {
						return
					}
					src := &seqSource{v: uint64(1000 + k)}
					simstd.Go(func() { writeStream(c, k, total, src) })
					got[0] = readStream(c, k+100, total)
					if got[0] == total {
						got[1] = 1
					}
				}
				if k%3 == 0 {
					simstd.Go(client) // on the main node, with the faults
				} else {
					clientNode.Go(client)
				}
				simtime.Sleep(40 * time.Millisecond)
			}
			for range clients {
				got := done.Recv()
				checked += got[0]
				complete += got[1]
			}
			faultsDone.Recv()
		})
		require.NoError(t, r.Err, "seed %d", seed)
		t.Logf("seed %d: %d bytes checked, %d of %d streams complete", seed, checked, complete, clients)
		assert.Greater(t, complete, 0, "seed %d", seed)
		assert.Less(t, complete, clients, "seed %d: the faults broke no connection", seed)
	}
}

// A connection that times out behind a cut loses the segments still in
// flight along with the lost ones they follow: after the heal its peer reads
// nothing more (a receiver delivers no byte past a gap). The writer sends a
// byte a millisecond, so segments are in flight when the timeout fires.
func TestNoBytesAfterTimeout(t *testing.T) {
	tr := timeoutRun(t, false)
	assert.Equal(t, tr.atHeal, len(tr.got), "bytes read after the heal, from a connection that had timed out")
	assert.Less(t, len(tr.got), tr.written)
}

// When only the way back is cut, every segment arrives and only the ACKs
// are lost: the writer times out, but its peer reads every byte written,
// those in flight at the timeout included.
func TestAcklessTimeoutLosesNoBytes(t *testing.T) {
	tr := timeoutRun(t, true)
	assert.Equal(t, tr.written, len(tr.got))
}

// timeoutTrace is what timeoutRun saw.
type timeoutTrace struct {
	written int    // bytes the writer's Writes accepted
	got     []byte // bytes the reader read, in order
	atHeal  int    // len(got) when the cut healed
}

// timeoutRun has a client write byte i%251 every millisecond to a server
// over 3 ms of latency and cuts the way to the server (or, if back, only the
// way back) for 50 ms longer than the 1 s TCP timeout; the reader reads
// until its deadline, 5 s in. Every byte read must be the next one written,
// and the writer must have timed out.
func timeoutRun(t *testing.T, back bool) timeoutTrace {
	var tr timeoutTrace
	var werr error
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		n := netsim.Of(kernel.Current().Sim())
		n.SetConfig(netsim.Config{Latency: netsim.Fixed(3 * time.Millisecond), TCPTimeout: time.Second})
		srv := simstd.NewNode("a", func() {
			c := acceptOne(":80")
			c.SetReadDeadline(simtime.Now().Add(5 * time.Second))
			buf := make([]byte, 100)
			for {
				m, err := c.Read(buf)
				tr.got = append(tr.got, buf[:m]...)
				if err != nil {
					return
				}
			}
		})
		cli := simstd.NewNode("c", nil)
		simtime.Sleep(time.Millisecond)
		cli.Go(func() {
			c, err := snet.Dial("tcp", "a:80")
			if err != nil {
				panic(err)
			}
			for i := 0; ; i++ {
				if _, werr = c.Write([]byte{byte(i % 251)}); werr != nil {
					return
				}
				tr.written++
				simtime.Sleep(time.Millisecond)
			}
		})
		from, to := cli.Kernel(), srv.Kernel()
		if back {
			from, to = to, from
		}
		simtime.Sleep(100 * time.Millisecond)
		n.Cut(from, to, true)
		simtime.Sleep(time.Second + 50*time.Millisecond) // past the client's timeout
		tr.atHeal = len(tr.got)
		n.Cut(from, to, false)
		simtime.Sleep(10 * time.Second)
	})
	require.NoError(t, r.Err)
	require.Error(t, werr, "the writer's connection timed out")
	for i, b := range tr.got {
		require.Equal(t, byte(i%251), b, "byte %d", i)
	}
	return tr
}

// acceptOne listens on addr and returns the first connection accepted. A
// failure panics, which fails the run: the test's setup went wrong.
func acceptOne(addr string) net.Conn {
	ln, err := snet.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	c, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	return c
}
