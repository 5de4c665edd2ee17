package netsim_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
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

type seqSource struct{ v uint64 }

func (s *seqSource) Uint64() uint64 {
	s.v = s.v*6364136223846793005 + 1442695040888963407
	return s.v
}

func TestDists(t *testing.T) {
	src := &seqSource{}
	assert.Equal(t, 3*time.Millisecond, netsim.Fixed(3*time.Millisecond).Sample(src))
	u := netsim.Uniform(time.Millisecond, 2*time.Millisecond)
	e := netsim.Exponential(time.Millisecond, 4*time.Millisecond)
	var sum time.Duration
	const n = 20000
	for range n {
		d := u.Sample(src)
		require.True(t, d >= time.Millisecond && d <= 2*time.Millisecond, d)
		d = e.Sample(src)
		require.True(t, d >= time.Millisecond && d <= 81*time.Millisecond, d)
		sum += d
	}
	assert.InDelta(t, float64(5*time.Millisecond), float64(sum/n), float64(200*time.Microsecond))
	assert.Equal(t, time.Millisecond, netsim.Uniform(time.Millisecond, 0).Sample(src))
	assert.Equal(t, "Uniform(1ms, 2ms)", u.String())
	assert.Equal(t, "Exponential(1ms, 4ms)", e.String())
}

// TestLookupPort compares the simulation's port parsing with net's, for
// every input that does not depend on the machine's /etc/services.
func TestLookupPort(t *testing.T) {
	for _, c := range []struct{ network, service string }{
		{"tcp", ""}, {"tcp", "0"}, {"tcp", "80"}, {"tcp", "+80"}, {"tcp", "-1"}, {"udp", "65535"},
		{"tcp", "65536"}, {"tcp", "99999999999999"}, {"tcp", "-99999999999"}, {"foo", "http"},
		{"tcp", "http"}, {"tcp", "HTTPS"}, {"udp", "domain"}, {"tcp4", "ssh"},
	} {
		want, werr := net.LookupPort(c.network, c.service)
		got, gerr := netsim.LookupPort(c.network, c.service)
		assert.Equal(t, want, got, "%v", c)
		assert.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "%v", c)
	}
	_, err := netsim.LookupPort("tcp", "nosuchservice")
	var de *net.DNSError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "lookup tcp/nosuchservice: unknown port", err.Error())
	assert.True(t, de.IsNotFound)
}

// TestResolve compares the simulation's address resolution with net's for
// addresses that need no lookup, and checks node names.
func TestResolve(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		n := netsim.Of(kernel.Current().Sim())
		for _, c := range []struct{ network, address string }{
			{"tcp", "127.0.0.1:80"}, {"tcp", "[::1]:80"}, {"tcp", ":80"}, {"tcp", ""}, {"tcp6", "[fe80::1%eth0]:53"},
			{"tcp", "1.2.3.4"}, {"tcp", "1.2.3.4:http"}, {"tcp", "1.2.3.4:99999"}, {"tcp4", "[::1]:80"},
			{"tcp6", "127.0.0.1:80"}, {"tcp", "[::1"}, {"tcp", "1.2.3.4:80:90"},
		} {
			want, werr := net.ResolveTCPAddr(c.network, c.address)
			ip, port, zone, gerr := n.Resolve(c.network, c.address)
			if werr != nil || gerr != nil {
				if fmt.Sprint(werr) != fmt.Sprint(gerr) {
					panic(fmt.Sprintf("%v: error %v, want %v", c, gerr, werr))
				}
				continue
			}
			got := &net.TCPAddr{IP: ip, Port: port, Zone: zone}
			if got.String() != want.String() || !got.IP.Equal(want.IP) {
				panic(fmt.Sprintf("%v: %v, want %v", c, got, want))
			}
		}
		simstd.NewNode("db-1", nil)
		ip, port, _, err := n.Resolve("tcp", "DB-1:5432")
		if err != nil || ip.String() != "10.0.0.2" || port != 5432 {
			panic(fmt.Sprint(ip, port, err))
		}
		_, _, _, err = n.Resolve("tcp6", "db-1:5432")
		if err == nil || err.Error() != "address db-1: no suitable address found" {
			panic(err)
		}
		_, _, _, err = n.Resolve("tcp", "db-2:5432")
		var de *net.DNSError
		if !errors.As(err, &de) || !de.IsNotFound || err.Error() != "lookup db-2: no such host" {
			panic(err)
		}
	})
	require.NoError(t, r.Err)
}

// TestSYNACKAfterDialGaveUp: a handshake answer that arrives after the
// client gave up resets the connection the server accepted.
func TestSYNACKAfterDialGaveUp(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 2}, func() {
		srvErr := simstd.NewChan[error](1)
		srv := simstd.NewNode("srv", func() {
			ln, _ := snet.Listen("tcp", ":80")
			c, err := ln.Accept()
			if err != nil {
				panic(err)
			}
			_, err = c.Read(make([]byte, 1))
			srvErr.Send(err)
		})
		simtime.Sleep(time.Millisecond)
		n := netsim.Of(kernel.Current().Sim())
		n.Clog(srv.Kernel(), simstd.CurrentNode().Kernel(), true)
		_, err := snet.DialTimeout("tcp", "srv:80", time.Second)
		if !errors.Is(err, netsim.ErrDialTimeout) {
			panic(err)
		}
		n.Clog(srv.Kernel(), simstd.CurrentNode().Kernel(), false)
		if err := srvErr.Recv(); !errors.Is(err, syscall.ECONNRESET) {
			panic(err)
		}
	})
	require.NoError(t, r.Err)
}

// TestListenerCloseResets: connections a listener never accepted are reset
// when it closes.
func TestListenerCloseResets(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 3}, func() {
		ln, _ := snet.Listen("tcp", "127.0.0.1:0")
		c, err := snet.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		ln.Close()
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
			panic(err)
		}
	})
	require.NoError(t, r.Err)
}

// TestSeeded: ephemeral ports, latencies and the trace come from the seed.
func TestSeeded(t *testing.T) {
	run := func(seed uint64) (string, uint64) {
		var out string
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			simstd.NewNode("srv", func() {
				ln, _ := snet.Listen("tcp", ":80")
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					simstd.Go(func() { io.Copy(c, c) })
				}
			})
			simtime.Sleep(time.Millisecond)
			for range 3 {
				start := simtime.Now()
				c, err := snet.Dial("tcp", "srv:80")
				if err != nil {
					panic(err)
				}
				out += fmt.Sprintf("%v %v|", c.LocalAddr(), simtime.Since(start))
			}
			out += fmt.Sprint(netsim.Of(kernel.Current().Sim()).Stats())
		})
		require.NoError(t, r.Err)
		return out, r.Hash
	}
	a, ha := run(1)
	b, hb := run(1)
	c, hc := run(2)
	assert.Equal(t, a, b)
	assert.Equal(t, ha, hb)
	assert.NotEqual(t, a, c)
	assert.NotEqual(t, ha, hc)
}

// TestDeterministicIteration: kill tears down many connections, and the
// order of the resets it sends is part of the trace.
func TestDeterministicIteration(t *testing.T) {
	run := func() uint64 {
		r := simstd.Run(simstd.Config{Seed: 7}, func() {
			srv := simstd.NewNode("srv", func() {
				ln, _ := snet.Listen("tcp", ":80")
				for {
					if _, err := ln.Accept(); err != nil {
						return
					}
				}
			})
			simtime.Sleep(time.Millisecond)
			var conns []snet.Conn
			for range 50 {
				c, err := snet.Dial("tcp", "srv:80")
				if err != nil {
					panic(err)
				}
				conns = append(conns, c)
			}
			conns[10].Close()
			conns[30].Close()
			srv.Kill()
			for _, c := range conns {
				c.Read(make([]byte, 1))
			}
		})
		require.NoError(t, r.Err)
		return r.Hash
	}
	h := run()
	for range 5 {
		require.Equal(t, h, run())
	}
}
