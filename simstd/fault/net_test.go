package fault_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// netSim runs f in a simulation for seeds 1..n (unless the environment
// chooses seeds).
func netSim(t *testing.T, n int, f func(t *testing.T)) {
	t.Helper()
	if os.Getenv(simstd.EnvSeed) == "" && os.Getenv(simstd.EnvSeeds) == "" {
		t.Setenv(simstd.EnvSeeds, fmt.Sprint(n))
	}
	simstd.Test(t, f)
}

// netPeer is one end of a TCP connection driven by two goroutines of its
// node: everything read goes to got (then "ERR <error>"), and every string
// sent to send is written.
type netPeer struct {
	conn snet.Conn
	got  *simstd.Chan[string]
	send *simstd.Chan[string]
	buf  string // received by expect but not yet matched
}

func attachPeer(c snet.Conn) *netPeer {
	p := &netPeer{conn: c, got: simstd.NewChan[string](1000), send: simstd.NewChan[string](100)}
	simstd.Go(func() {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				p.got.Send(string(buf[:n]))
			}
			if err == io.EOF {
				p.got.Send("EOF")
				return
			}
			if err != nil {
				p.got.Send("ERR " + err.Error())
				return
			}
		}
	})
	simstd.Go(func() {
		for m := range p.send.Range() {
			if _, err := io.WriteString(c, m); err != nil {
				return
			}
		}
	})
	return p
}

// recvWithin receives from ch unless d passes first.
func recvWithin[T any](ch *simstd.Chan[T], d time.Duration) (T, bool) {
	timer := simtime.NewTimer(d)
	defer timer.Stop()
	rc := ch.RecvCase()
	if simstd.Select(false, rc, timer.C.RecvCase()) == 0 {
		return rc.Value, true
	}
	var zero T
	return zero, false
}

// expect waits up to d for the peer to have read exactly want next.
func (p *netPeer) expect(t *testing.T, want string, d time.Duration) {
	t.Helper()
	deadline := simtime.Now().Add(d)
	for len(p.buf) < len(want) {
		s, ok := recvWithin(p.got, simtime.Until(deadline))
		if !ok {
			t.Fatalf("after %v: read %q, want %q", d, p.buf, want)
		}
		p.buf += s
	}
	require.Equal(t, want, p.buf[:len(want)])
	p.buf = p.buf[len(want):]
}

// expectNothing checks that the peer reads nothing for d.
func (p *netPeer) expectNothing(t *testing.T, d time.Duration) {
	t.Helper()
	if s, ok := recvWithin(p.got, d); ok {
		t.Fatalf("read %q, want nothing for %v", s, d)
	}
}

// setup starts a node "srv" that accepts one connection on port 7000 and
// returns both ends, the client's on the default node.
func setup(t *testing.T) (srv *simstd.Node, client, server *netPeer) {
	t.Helper()
	peers := simstd.NewChan[*netPeer](1)
	srv = simstd.NewNode("srv", func() {
		ln, err := snet.Listen("tcp", ":7000")
		if err != nil {
			panic(err)
		}
		c, err := ln.Accept()
		if err != nil {
			return
		}
		peers.Send(attachPeer(c))
	})
	c, err := snet.DialTimeout("tcp", "srv:7000", time.Second)
	require.NoError(t, err)
	return srv, attachPeer(c), peers.Recv()
}

func me() []*simstd.Node { return []*simstd.Node{simstd.CurrentNode()} }

func TestPartitionAndHeal(t *testing.T) {
	netSim(t, 20, func(t *testing.T) {
		srv, cl, sp := setup(t)
		cl.send.Send("a")
		sp.expect(t, "a", time.Second)

		fault.Partition(me(), []*simstd.Node{srv})
		cl.send.Send("b")
		sp.send.Send("c")
		sp.expectNothing(t, 5*time.Second)
		cl.expectNothing(t, time.Second)
		_, err := snet.DialTimeout("tcp", "srv:7000", time.Second)
		var ne snet.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		stalled := fault.Stats().Stalled
		assert.NotZero(t, stalled)

		fault.Heal()
		sp.expect(t, "b", 100*time.Millisecond)
		cl.expect(t, "c", 100*time.Millisecond)
		cl.send.Send("d")
		sp.expect(t, "d", 100*time.Millisecond)
	})
}

func TestPartitionOneWay(t *testing.T) {
	netSim(t, 20, func(t *testing.T) {
		srv, cl, sp := setup(t)
		fault.PartitionOneWay(me(), []*simstd.Node{srv})
		cl.send.Send("to-srv")
		sp.send.Send("to-client")
		cl.expect(t, "to-client", time.Second)
		sp.expectNothing(t, 5*time.Second)
		fault.Heal()
		sp.expect(t, "to-srv", 100*time.Millisecond)

		fault.PartitionOneWay([]*simstd.Node{srv}, me())
		cl.send.Send("x")
		sp.send.Send("y")
		sp.expect(t, "x", time.Second)
		cl.expectNothing(t, 5*time.Second)
		fault.Heal()
		cl.expect(t, "y", 100*time.Millisecond)
	})
}

// TestTCPTimeout: a connection whose data waits behind a partition for
// longer than the TCP timeout gives up with ETIMEDOUT; its peer, idle
// meanwhile, learns it when it next sends (and gets a reset).
func TestTCPTimeout(t *testing.T) {
	netSim(t, 10, func(t *testing.T) {
		srv, cl, sp := setup(t)
		fault.Partition(me(), []*simstd.Node{srv})
		start := simtime.Now()
		cl.send.Send("x")
		msg, ok := recvWithin(cl.got, time.Minute)
		require.True(t, ok)
		assert.Contains(t, msg, ": read: connection timed out")
		elapsed := simtime.Since(start)
		assert.True(t, elapsed >= 30*time.Second && elapsed < 31*time.Second, "timed out after %v", elapsed)

		fault.Heal()
		sp.expectNothing(t, 5*time.Second)
		sp.send.Send("anyone?")
		msg, ok = recvWithin(sp.got, time.Second)
		require.True(t, ok)
		assert.Contains(t, msg, "connection reset by peer")

		fault.SetNetwork(fault.Network{TCPTimeout: -1})
		_, cl2, sp2 := connectAgain(t)
		fault.Partition(me(), []*simstd.Node{srv})
		cl2.send.Send("patient")
		sp2.expectNothing(t, 10*time.Minute)
		fault.Heal()
		sp2.expect(t, "patient", 100*time.Millisecond)
	})
}

// TestOneWayAckLoss: across a one-way partition, data still arrives the
// other way, but its ACKs cannot come back, so its sender gives up after
// the TCP timeout; the receiver, which sent nothing, is unaware until it
// sends after the partition heals (and is reset).
func TestOneWayAckLoss(t *testing.T) {
	netSim(t, 10, func(t *testing.T) {
		srv, cl, sp := setup(t)
		fault.PartitionOneWay(me(), []*simstd.Node{srv})
		sp.send.Send("z")
		cl.expect(t, "z", time.Second)
		msg, ok := recvWithin(sp.got, 31*time.Second)
		require.True(t, ok, "the sender whose ACKs are lost did not give up")
		assert.Contains(t, msg, "connection timed out")
		cl.expectNothing(t, time.Second)

		fault.Heal()
		cl.send.Send("after")
		msg, ok = recvWithin(cl.got, time.Second)
		require.True(t, ok)
		assert.Contains(t, msg, "connection reset by peer")
	})
}

// connectAgain dials srv again, which must accept in its own goroutine: it
// restarts srv's main first.
func connectAgain(t *testing.T) (*simstd.Node, *netPeer, *netPeer) {
	srv := simstd.NodeNamed("srv")
	peers := simstd.NewChan[*netPeer](1)
	srv.Go(func() {
		ln, err := snet.Listen("tcp", ":7001")
		if err != nil {
			panic(err)
		}
		c, err := ln.Accept()
		if err == nil {
			peers.Send(attachPeer(c))
		}
	})
	var c snet.Conn
	var err error
	for range 10 {
		if c, err = snet.DialTimeout("tcp", "srv:7001", time.Second); err == nil {
			break
		}
		simtime.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, err)
	return srv, attachPeer(c), peers.Recv()
}

func TestPartitionUDP(t *testing.T) {
	netSim(t, 10, func(t *testing.T) {
		got := simstd.NewChan[string](100)
		srv := simstd.NewNode("srv", func() {
			u, err := snet.ListenPacket("udp", ":9000")
			if err != nil {
				panic(err)
			}
			buf := make([]byte, 100)
			for {
				n, _, err := u.ReadFrom(buf)
				if err != nil {
					return
				}
				got.Send(string(buf[:n]))
			}
		})
		c, err := snet.Dial("udp", "srv:9000")
		require.NoError(t, err)
		simtime.Sleep(time.Millisecond)
		send := func(s string) {
			_, err := io.WriteString(c, s)
			require.NoError(t, err)
		}
		send("before")
		msg, ok := recvWithin(got, time.Second)
		require.True(t, ok)
		assert.Equal(t, "before", msg)

		fault.Isolate(srv)
		send("lost")
		_, ok = recvWithin(got, 5*time.Second)
		assert.False(t, ok, "a datagram crossed a partition")
		fault.Heal()
		_, ok = recvWithin(got, 5*time.Second)
		assert.False(t, ok, "a datagram lost to a partition arrived after it healed")
		send("after")
		msg, ok = recvWithin(got, time.Second)
		require.True(t, ok)
		assert.Equal(t, "after", msg)
		assert.NotZero(t, fault.Stats().Dropped)
	})
}

func TestHoldRelease(t *testing.T) {
	netSim(t, 20, func(t *testing.T) {
		udp := simstd.NewChan[string](100)
		srv, cl, sp := setup(t)
		srv.Go(func() {
			u, _ := snet.ListenPacket("udp", ":9000")
			buf := make([]byte, 100)
			for {
				n, _, err := u.ReadFrom(buf)
				if err != nil {
					return
				}
				udp.Send(string(buf[:n]))
			}
		})
		simtime.Sleep(time.Millisecond)
		u, err := snet.Dial("udp", "srv:9000")
		require.NoError(t, err)

		fault.Hold(simstd.CurrentNode(), srv)
		for _, s := range []string{"1", "2", "3"} {
			cl.send.Send(s)
			io.WriteString(u, "u"+s)
			simtime.Sleep(10 * time.Millisecond)
		}
		sp.send.Send("back")
		sp.expectNothing(t, 5*time.Second)
		cl.expectNothing(t, time.Millisecond)
		_, ok := recvWithin(udp, time.Millisecond)
		assert.False(t, ok)

		fault.Release(simstd.CurrentNode(), srv)
		sp.expect(t, "123", 100*time.Millisecond)
		cl.expect(t, "back", 100*time.Millisecond)
		for _, want := range []string{"u1", "u2", "u3"} {
			msg, ok := recvWithin(udp, 100*time.Millisecond)
			require.True(t, ok, "held datagram %s lost", want)
			assert.Equal(t, want, msg)
		}
	})
}

func TestClog(t *testing.T) {
	netSim(t, 20, func(t *testing.T) {
		srv, cl, sp := setup(t)
		fault.Clog(srv)
		cl.send.Send("a")
		sp.send.Send("b")
		sp.expectNothing(t, 2*time.Second)
		cl.expectNothing(t, time.Millisecond)
		fault.Unclog(srv)
		sp.expect(t, "a", 100*time.Millisecond)
		cl.expect(t, "b", 100*time.Millisecond)

		fault.ClogLink(srv, simstd.CurrentNode())
		cl.send.Send("c")
		sp.send.Send("d")
		sp.expect(t, "c", 100*time.Millisecond)
		cl.expectNothing(t, 2*time.Second)
		fault.UnclogLink(srv, simstd.CurrentNode())
		cl.expect(t, "d", 100*time.Millisecond)
	})
}

func TestResetConns(t *testing.T) {
	netSim(t, 20, func(t *testing.T) {
		srv, cl, sp := setup(t)
		cl.send.Send("a")
		sp.expect(t, "a", time.Second)
		fault.ResetConns(simstd.CurrentNode(), srv)
		for _, p := range []*netPeer{cl, sp} {
			msg, ok := recvWithin(p.got, time.Second)
			require.True(t, ok)
			assert.True(t, strings.HasSuffix(msg, ": read: connection reset by peer"), msg)
		}
	})
}

func TestLatencySpike(t *testing.T) {
	netSim(t, 5, func(t *testing.T) {
		_, cl, sp := setup(t)
		rtt := func() time.Duration {
			start := simtime.Now()
			cl.send.Send("p")
			sp.expect(t, "p", time.Minute)
			sp.send.Send("q")
			cl.expect(t, "q", time.Minute)
			return simtime.Since(start)
		}
		assert.Less(t, rtt(), 2*time.Millisecond)
		fault.LatencySpike(100, 10*time.Second)
		assert.GreaterOrEqual(t, rtt(), 20*time.Millisecond)
		simtime.Sleep(10 * time.Second)
		assert.Less(t, rtt(), 2*time.Millisecond)
	})
}

// TestUDPRates: loss, duplication and reordering happen at about the rates
// asked for, and not at all by default.
func TestUDPRates(t *testing.T) {
	netSim(t, 3, func(t *testing.T) {
		got := simstd.NewChan[int](4000)
		simstd.NewNode("sink", func() {
			u, _ := snet.ListenPacket("udp", ":9000")
			buf := make([]byte, 8)
			for {
				n, _, err := u.ReadFrom(buf)
				if err != nil {
					return
				}
				var v int
				fmt.Sscan(string(buf[:n]), &v)
				got.Send(v)
			}
		})
		c, err := snet.Dial("udp", "sink:9000")
		require.NoError(t, err)
		simtime.Sleep(time.Millisecond)
		const n = 1000
		run := func(net fault.Network) (count, dups, inversions int) {
			fault.SetNetwork(net)
			for i := range n {
				fmt.Fprint(c, i)
				simtime.Sleep(50 * time.Microsecond)
			}
			seen := map[int]bool{}
			last := -1
			for {
				v, ok := recvWithin(got, time.Second)
				if !ok {
					return
				}
				count++
				if seen[v] {
					dups++
				}
				seen[v] = true
				if v < last {
					inversions++
				}
				last = v
			}
		}
		count, dups, inv := run(fault.Network{})
		assert.Equal(t, [3]int{n, 0, 0}, [3]int{count, dups, inv})
		count, _, _ = run(fault.Network{Loss: 0.3})
		assert.InDelta(t, 700, count, 60)
		count, dups, _ = run(fault.Network{Duplicate: 0.2})
		assert.InDelta(t, 200, dups, 50)
		assert.Equal(t, n+dups, count)
		count, _, inv = run(fault.Network{Reorder: 0.2})
		assert.Equal(t, n, count)
		assert.Greater(t, inv, 50)
	})
}

// TestConnected: Connected sees cuts (one-way too), isolation and clogs,
// and Heal lifts them all.
func TestConnected(t *testing.T) {
	netSim(t, 1, func(t *testing.T) {
		a, b, c := simstd.NewNode("a", nil), simstd.NewNode("b", nil), simstd.NewNode("c", nil)
		assert.True(t, fault.Connected(a, b))
		fault.PartitionOneWay([]*simstd.Node{a}, []*simstd.Node{b})
		assert.False(t, fault.Connected(a, b))
		assert.True(t, fault.Connected(b, a))
		fault.Heal()
		fault.ClogLink(b, c)
		assert.False(t, fault.Connected(b, c))
		assert.True(t, fault.Connected(c, b))
		fault.Isolate(a)
		assert.False(t, fault.Connected(c, a))
		assert.False(t, fault.Connected(a, c))
		fault.Heal()
		for _, x := range []*simstd.Node{a, b, c} {
			for _, y := range []*simstd.Node{a, b, c} {
				assert.True(t, fault.Connected(x, y), "%s -> %s", x, y)
			}
		}
	})
}
