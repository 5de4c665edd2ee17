package net_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	"github.com/simgen/simgen/simstd"
	simctx "github.com/simgen/simgen/simstd/context"
	"github.com/simgen/simgen/simstd/fault"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// simOnly runs f in a simulation for seeds 1..n (unless the environment
// chooses seeds).
func simOnly(t *testing.T, n int, f func(t *testing.T)) {
	t.Helper()
	if os.Getenv(simstd.EnvSeed) == "" && os.Getenv(simstd.EnvSeeds) == "" {
		t.Setenv(simstd.EnvSeeds, fmt.Sprint(n))
	}
	simstd.Test(t, f)
}

// echoServer is a node's main: it echoes every connection on port 7000.
func echoServer() {
	ln, err := snet.Listen("tcp", ":7000")
	if err != nil {
		panic(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		simstd.Go(func() {
			io.Copy(c, c)
			c.Close()
		})
	}
}

// dialRetry dials until it connects (a restarted server may not listen
// yet).
func dialRetry(t *testing.T, addr string) snet.Conn {
	t.Helper()
	for range 100 {
		c, err := snet.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c
		}
		simtime.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("could not connect to %s", addr)
	return nil
}

func roundTrip(c snet.Conn, msg string) (string, error) {
	if _, err := io.WriteString(c, msg); err != nil {
		return "", err
	}
	buf := make([]byte, len(msg))
	_, err := io.ReadFull(c, buf)
	return string(buf), err
}

func TestNodesAndNames(t *testing.T) {
	simOnly(t, 5, func(t *testing.T) {
		db := simstd.NewNode("db", echoServer)
		simstd.NewNode("private", func() {
			ln, err := snet.Listen("tcp", "127.0.0.1:7000")
			if err != nil {
				panic(err)
			}
			ln.Accept()
		})
		assert.Equal(t, "10.0.0.2", db.Addr().String())
		for _, name := range []string{"db", "DB", "db."} {
			addrs, err := snet.LookupHost(name)
			require.NoError(t, err)
			assert.Equal(t, []string{"10.0.0.2"}, addrs)
		}
		names, err := snet.LookupAddr("10.0.0.2")
		require.NoError(t, err)
		assert.Equal(t, []string{"db"}, names)
		cname, err := snet.LookupCNAME("DB")
		require.NoError(t, err)
		assert.Equal(t, "db.", cname)
		ips, err := snet.LookupIP("main")
		require.NoError(t, err)
		assert.Equal(t, "10.0.0.1", ips[0].String())

		_, err = snet.Dial("tcp", "nosuch:80")
		var de *snet.DNSError
		require.ErrorAs(t, err, &de)
		assert.True(t, de.IsNotFound)
		assert.Equal(t, "dial tcp: lookup nosuch: no such host", err.Error())
		_, err = snet.LookupMX("db")
		require.ErrorAs(t, err, &de)

		web := simstd.NewNode("web", nil)
		done := simstd.NewChan[error](1)
		web.Go(func() {
			done.Send(func() error {
				c := dialRetry(t, "db:7000")
				defer c.Close()
				if got := c.LocalAddr().(*snet.TCPAddr).IP.String(); got != "10.0.0.4" {
					return fmt.Errorf("web's local address is %s", got)
				}
				if got := c.RemoteAddr().String(); got != "10.0.0.2:7000" {
					return fmt.Errorf("remote address %s", got)
				}
				if got, err := roundTrip(c, "hello"); err != nil || got != "hello" {
					return fmt.Errorf("round trip: %q, %v", got, err)
				}
				// web's loopback is web's own, and private listens on its
				// loopback only.
				for _, addr := range []string{"127.0.0.1:7000", "private:7000"} {
					_, err := snet.Dial("tcp", addr)
					if !errors.Is(err, syscall.ECONNREFUSED) {
						return fmt.Errorf("dial %s: %v, want connection refused", addr, err)
					}
				}
				return nil
			}())
		})
		require.NoError(t, done.Recv())

		// The default node reaches db by address too, and db's own
		// loopback reaches its wildcard listener.
		c := dialRetry(t, "10.0.0.2:7000")
		defer c.Close()
		db.Go(func() {
			c, err := snet.Dial("tcp", "localhost:7000")
			if err == nil {
				c.Close()
			}
			done.Send(err)
		})
		require.NoError(t, done.Recv())
	})
}

func TestAcceptedAddrs(t *testing.T) {
	simOnly(t, 1, func(t *testing.T) {
		addrs := simstd.NewChan[string](1)
		simstd.NewNode("srv", func() {
			ln, _ := snet.Listen("tcp", "srv:80")
			c, err := ln.Accept()
			if err != nil {
				panic(err)
			}
			addrs.Send(c.LocalAddr().String() + " " + c.RemoteAddr().String() + " " + ln.Addr().String())
		})
		c := dialRetry(t, "srv:80")
		defer c.Close()
		assert.Equal(t, "10.0.0.2:80 "+c.LocalAddr().String()+" 10.0.0.2:80", addrs.Recv())
	})
}

func TestKillRestart(t *testing.T) {
	simOnly(t, 10, func(t *testing.T) {
		srv := simstd.NewNode("srv", echoServer)
		c := dialRetry(t, "srv:7000")
		got, err := roundTrip(c, "before")
		require.NoError(t, err)
		assert.Equal(t, "before", got)

		srv.Kill()
		_, err = c.Read(make([]byte, 8))
		requireSyscall(t, err, "read", "read", syscall.ECONNRESET)
		require.NoError(t, c.Close())
		_, err = snet.Dial("tcp", "srv:7000")
		requireSyscall(t, err, "dial", "connect", syscall.ECONNREFUSED)

		srv.Restart()
		c = dialRetry(t, "srv:7000")
		defer c.Close()
		got, err = roundTrip(c, "after")
		require.NoError(t, err)
		assert.Equal(t, "after", got)
	})
}

// TestKillDropsInFlight: what a node sent just before it died never
// arrives; its peer sees the reset instead.
func TestKillDropsInFlight(t *testing.T) {
	simOnly(t, 10, func(t *testing.T) {
		simstd.NewNode("srv", func() {
			ln, _ := snet.Listen("tcp", ":7000")
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "sent")
			simtime.Sleep(time.Second)
			io.WriteString(c, "lost")
			simstd.CurrentNode().Kill()
		})
		c := dialRetry(t, "srv:7000")
		defer c.Close()
		got, err := io.ReadAll(c)
		assert.Equal(t, "sent", string(got))
		requireSyscall(t, err, "read", "read", syscall.ECONNRESET)
	})
}

func TestPauseResume(t *testing.T) {
	simOnly(t, 10, func(t *testing.T) {
		srv := simstd.NewNode("srv", echoServer)
		c := dialRetry(t, "srv:7000")
		defer c.Close()
		srv.Pause()

		// The paused node's kernel still completes handshakes and buffers
		// data; nothing is processed.
		c2, err := snet.DialTimeout("tcp", "srv:7000", time.Second)
		require.NoError(t, err, "a paused node's kernel accepts connections into the backlog")
		defer c2.Close()
		_, err = io.WriteString(c, "hello")
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(simtime.Now().Add(time.Second)))
		_, err = c.Read(make([]byte, 5))
		requireOpError(t, err, "read", os.ErrDeadlineExceeded)

		// Flow control stops a writer to the paused node.
		written := 0
		w := goRun(func() error {
			buf := make([]byte, 16<<10)
			for written < 4<<20 {
				n, err := c2.Write(buf)
				written += n
				if err != nil {
					return err
				}
			}
			return nil
		})
		simtime.Sleep(2 * time.Second)
		assert.LessOrEqual(t, written, netsim.DefaultWindow+16<<10)

		srv.Resume()
		require.NoError(t, c.SetReadDeadline(time.Time{}))
		buf := make([]byte, 5)
		_, err = io.ReadFull(c, buf)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(buf))
		go2 := goRun(func() error { _, err := io.Copy(io.Discard, c2); return err })
		require.NoError(t, w.Recv())
		c2.(*snet.TCPConn).CloseWrite()
		require.NoError(t, go2.Recv())
	})
}

func TestDialTimeouts(t *testing.T) {
	simOnly(t, 5, func(t *testing.T) {
		far := simstd.NewNode("far", echoServer)
		dialRetry(t, "far:7000").Close()
		fault.Isolate(far)

		start := simtime.Now()
		_, err := snet.DialTimeout("tcp", "far:7000", 2*time.Second)
		assert.Equal(t, 2*time.Second, simtime.Since(start))
		assert.Equal(t, "dial tcp 10.0.0.2:7000: i/o timeout", err.Error())
		var ne snet.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		assert.ErrorIs(t, err, simctx.DeadlineExceeded)

		ctx, cancel := simctx.WithTimeout(simctx.Background(), 3*time.Second)
		defer cancel()
		var d snet.Dialer
		start = simtime.Now()
		_, err = d.DialContext(ctx, "tcp", "far:7000")
		assert.Equal(t, 3*time.Second, simtime.Since(start))
		assert.ErrorIs(t, err, simctx.DeadlineExceeded)

		ctx, cancel = simctx.WithCancel(simctx.Background())
		simtime.AfterFunc(time.Second, cancel)
		start = simtime.Now()
		_, err = d.DialContext(ctx, "tcp", "far:7000")
		assert.Equal(t, time.Second, simtime.Since(start))
		assert.Equal(t, "dial tcp 10.0.0.2:7000: operation was canceled", err.Error())
		assert.ErrorIs(t, err, simctx.Canceled)

		stop := simstd.NewChan[struct{}](0)
		simtime.AfterFunc(1500*time.Millisecond, stop.Close)
		d = snet.Dialer{Cancel: stop}
		start = simtime.Now()
		_, err = d.Dial("tcp", "far:7000")
		assert.Equal(t, 1500*time.Millisecond, simtime.Since(start))
		assert.ErrorIs(t, err, simctx.Canceled)

		// With no timeout, Linux gives up after six SYN retransmissions.
		start = simtime.Now()
		_, err = snet.DialTCP("tcp", nil, &snet.TCPAddr{IP: far.Addr().AsSlice(), Port: 7000})
		assert.Equal(t, 127*time.Second, simtime.Since(start))
		requireSyscall(t, err, "dial", "connect", syscall.ETIMEDOUT)

		// A SYN retransmitted after the partition heals connects.
		simtime.AfterFunc(2*time.Second, fault.Heal)
		start = simtime.Now()
		c, err := snet.Dial("tcp", "far:7000")
		require.NoError(t, err)
		c.Close()
		elapsed := simtime.Since(start)
		assert.True(t, elapsed > 3*time.Second && elapsed < 3*time.Second+10*time.Millisecond, "connected after %v, want the SYN sent at 3s", elapsed)
	})
}

func TestBacklog(t *testing.T) {
	simOnly(t, 5, func(t *testing.T) {
		n := netsim.Of(kernel.Current().Sim())
		cfg := n.Config()
		cfg.Backlog = 2
		n.SetConfig(cfg)
		ln, err := snet.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		times := simstd.NewChan[time.Duration](3)
		start := simtime.Now()
		for range 3 {
			simstd.Go(func() {
				c, err := snet.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
				if err != nil {
					panic(err)
				}
				times.Send(simtime.Since(start))
				c.Close()
			})
		}
		simtime.Sleep(2 * time.Second)
		var fast []time.Duration
		for range 2 {
			fast = append(fast, times.Recv())
		}
		assert.Zero(t, times.Len(), "a third connection got past a full backlog")
		for range 3 {
			c, err := ln.Accept()
			require.NoError(t, err)
			c.Close()
		}
		slow := times.Recv()
		assert.Less(t, fast[1], 10*time.Millisecond)
		assert.True(t, slow >= 3*time.Second && slow < 3*time.Second+time.Millisecond, "the third connection took %v, want its SYN retransmitted at 3s", slow)
	})
}

// TestDeadlockReport: a goroutine blocked on the network says so.
func TestDeadlockReport(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		ln, err := snet.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		simstd.Go(func() {
			ln.Accept()
			ln.Accept()
		})
		c, err := snet.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		c.Read(make([]byte, 1))
	})
	var de *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &de)
	var waits []string
	for _, g := range de.Goroutines {
		waits = append(waits, g.Wait)
	}
	report := strings.Join(waits, "\n")
	assert.Contains(t, report, "IO wait (net.Conn.Read 127.0.0.1:")
	assert.Contains(t, report, "IO wait (accept on 127.0.0.1:")
}

// TestOutsideTheRun: sockets of a finished run are dead; a socket of one
// run used in another panics.
func TestOutsideTheRun(t *testing.T) {
	var c snet.Conn
	var ln snet.Listener
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		var err error
		ln, err = snet.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		simstd.Go(func() { ln.Accept() })
		if c, err = snet.Dial("tcp", ln.Addr().String()); err != nil {
			panic(err)
		}
	})
	require.NoError(t, r.Err)
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, snet.ErrClosed)
	assert.NoError(t, c.Close())
	assert.NoError(t, ln.Close())

	r = simstd.Run(simstd.Config{Seed: 1}, func() { c.Write([]byte("x")) })
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Contains(t, fmt.Sprint(pe.Value), "used from outside it")
}

// TestNotSimulated: what has no simulated counterpart fails cleanly.
func TestNotSimulated(t *testing.T) {
	simOnly(t, 1, func(t *testing.T) {
		_, err := snet.Dial("unix", "/tmp/sock")
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		_, err = snet.Listen("unix", "/tmp/sock")
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		_, err = snet.ListenPacket("ip4:icmp", "0.0.0.0")
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		_, err = snet.Interfaces()
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		_, err = snet.FileConn(nil)
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		_, err = snet.DialUnix("unix", nil, &snet.UnixAddr{Name: "/tmp/sock", Net: "unix"})
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		c, s := pair(t)
		defer c.Close()
		defer s.Close()
		_, err = c.File()
		assert.ErrorIs(t, err, errors.ErrUnsupported)
	})
}

// TestRealSocketInSimulation: blocking on a real socket from a simulated
// goroutine panics instead of hanging the run.
func TestRealSocketInSimulation(t *testing.T) {
	ln, err := snet.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	r := simstd.Run(simstd.Config{Seed: 1}, func() { ln.Accept() })
	var pe *simstd.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Contains(t, fmt.Sprint(pe.Value), "a real socket (created outside the simulation)")
}
