package net_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// These tests run the same code against real loopback sockets and against
// the simulated network (internal/simtest.Dual): the simulation must behave,
// and fail, as the real stack on this machine does.

// goRun runs f in a goroutine (simulated inside a simulation) and returns a
// channel that receives its error.
func goRun(f func() error) *simstd.Chan[error] {
	done := simstd.NewChan[error](1)
	simstd.Go(func() { done.Send(f()) })
	return done
}

func listen(t *testing.T) snet.Listener {
	t.Helper()
	ln, err := snet.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// pair returns the two ends of a TCP connection over the loopback.
func pair(t *testing.T) (client, server *snet.TCPConn) {
	t.Helper()
	ln := listen(t)
	defer ln.Close()
	accepted := simstd.NewChan[snet.Conn](1)
	simstd.Go(func() {
		c, _ := ln.Accept()
		accepted.Send(c)
	})
	c, err := snet.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	s := accepted.Recv()
	require.NotNil(t, s)
	return c.(*snet.TCPConn), s.(*snet.TCPConn)
}

// requireOpError checks that err is an *OpError of op wrapping target.
func requireOpError(t *testing.T, err error, op string, target error) *snet.OpError {
	t.Helper()
	var oe *snet.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, op, oe.Op)
	assert.ErrorIs(t, err, target)
	return oe
}

func requireSyscall(t *testing.T, err error, op, call string, errno syscall.Errno) {
	t.Helper()
	requireOpError(t, err, op, errno)
	var se *os.SyscallError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, call, se.Syscall)
}

func TestEcho(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		ln := listen(t)
		defer ln.Close()
		srv := goRun(func() error {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = io.Copy(c, c)
			return err
		})
		c, err := snet.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		assert.Equal(t, ln.Addr().String(), c.RemoteAddr().String())
		_, ok := c.(*snet.TCPConn)
		require.True(t, ok, "Dial returns a *TCPConn")

		br := bufio.NewReader(c)
		for i := range 3 {
			_, err := io.WriteString(c, "line "+strconv.Itoa(i)+"\n")
			require.NoError(t, err)
			line, err := br.ReadString('\n')
			require.NoError(t, err)
			assert.Equal(t, "line "+strconv.Itoa(i)+"\n", line)
		}

		type msg struct {
			N    int
			Text string
			Tags []string
		}
		enc, dec := gob.NewEncoder(c), gob.NewDecoder(br)
		for i := range 3 {
			in := msg{N: i, Text: "gob", Tags: []string{"a", strconv.Itoa(i)}}
			require.NoError(t, enc.Encode(in))
			var out msg
			require.NoError(t, dec.Decode(&out))
			assert.Equal(t, in, out)
		}
		jenc, jdec := json.NewEncoder(c), json.NewDecoder(br)
		for i := range 3 {
			in := msg{N: i, Text: "json"}
			require.NoError(t, jenc.Encode(in))
			var out msg
			require.NoError(t, jdec.Decode(&out))
			assert.Equal(t, in, out)
		}

		require.NoError(t, c.(*snet.TCPConn).CloseWrite())
		rest, err := io.ReadAll(br)
		require.NoError(t, err)
		assert.Empty(t, rest)
		require.NoError(t, srv.Recv())
		require.NoError(t, c.Close())
	})
}

func TestHalfClose(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer c.Close()
		defer s.Close()
		_, err := c.Write([]byte("ping"))
		require.NoError(t, err)
		require.NoError(t, c.CloseWrite())

		got, err := io.ReadAll(s)
		require.NoError(t, err)
		assert.Equal(t, "ping", string(got))
		_, err = s.Write([]byte("pong"))
		require.NoError(t, err, "the half-closed peer can still be written to")
		require.NoError(t, s.Close())

		got, err = io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "pong", string(got))

		_, err = c.Write([]byte("more"))
		requireSyscall(t, err, "write", "write", syscall.EPIPE)
	})
}

func TestEOF(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer c.Close()
		_, err := s.Write([]byte("bye"))
		require.NoError(t, err)
		require.NoError(t, s.Close())
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "bye", string(got))
		n, err := c.Read(make([]byte, 8))
		assert.Equal(t, 0, n)
		assert.Same(t, io.EOF, err, "io.EOF itself, unwrapped")
	})
}

func TestDeadlines(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer c.Close()
		defer s.Close()
		buf := make([]byte, 8)

		// A read deadline expires.
		start := simtime.Now()
		require.NoError(t, c.SetReadDeadline(start.Add(50*time.Millisecond)))
		_, err := c.Read(buf)
		oe := requireOpError(t, err, "read", os.ErrDeadlineExceeded)
		assert.Equal(t, c.LocalAddr().String(), oe.Source.String())
		assert.Equal(t, c.RemoteAddr().String(), oe.Addr.String())
		var ne snet.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		assert.GreaterOrEqual(t, simtime.Since(start), 50*time.Millisecond)

		// A deadline in the past fails at once, even with data ready.
		_, err = s.Write([]byte("x"))
		require.NoError(t, err)
		simtime.Sleep(50 * time.Millisecond)
		require.NoError(t, c.SetReadDeadline(simtime.Now().Add(-time.Second)))
		_, err = c.Read(buf)
		requireOpError(t, err, "read", os.ErrDeadlineExceeded)
		require.NoError(t, c.SetReadDeadline(time.Time{}))
		n, err := c.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "x", string(buf[:n]))

		require.NoError(t, c.SetWriteDeadline(simtime.Now().Add(-time.Second)))
		n, err = c.Write(buf)
		assert.Equal(t, 0, n)
		requireOpError(t, err, "write", os.ErrDeadlineExceeded)
		require.NoError(t, c.SetWriteDeadline(time.Time{}))

		// Extending the deadline of a blocked read keeps it waiting past the
		// first deadline.
		start = simtime.Now()
		require.NoError(t, c.SetReadDeadline(start.Add(300*time.Millisecond)))
		writer := goRun(func() error {
			simtime.Sleep(30 * time.Millisecond)
			if err := c.SetReadDeadline(start.Add(10 * time.Second)); err != nil {
				return err
			}
			simtime.Sleep(500 * time.Millisecond)
			_, err := s.Write([]byte("late"))
			return err
		})
		n, err = c.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "late", string(buf[:n]))
		assert.GreaterOrEqual(t, simtime.Since(start), 500*time.Millisecond)
		require.NoError(t, writer.Recv())

		// Moving the deadline of a blocked read into the past wakes it.
		require.NoError(t, c.SetReadDeadline(time.Time{}))
		shortener := goRun(func() error {
			simtime.Sleep(30 * time.Millisecond)
			return c.SetReadDeadline(simtime.Now())
		})
		_, err = c.Read(buf)
		requireOpError(t, err, "read", os.ErrDeadlineExceeded)
		require.NoError(t, shortener.Recv())
	})
}

func TestRefused(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		ln := listen(t)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		for _, dial := range []func() (snet.Conn, error){
			func() (snet.Conn, error) { return snet.Dial("tcp", addr) },
			func() (snet.Conn, error) { return snet.DialTimeout("tcp", addr, 5*time.Second) },
		} {
			c, err := dial()
			require.Nil(t, c)
			requireSyscall(t, err, "dial", "connect", syscall.ECONNREFUSED)
			var oe *snet.OpError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "tcp", oe.Net)
			assert.Nil(t, oe.Source)
			assert.Equal(t, addr, oe.Addr.String())
			assert.Equal(t, "dial tcp "+addr+": connect: connection refused", err.Error())
		}
	})
}

func TestReset(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		buf := make([]byte, 8)

		// SetLinger(0) makes Close send a reset.
		c, s := pair(t)
		require.NoError(t, s.SetLinger(0))
		require.NoError(t, s.Close())
		_, err := c.Read(buf)
		requireSyscall(t, err, "read", "read", syscall.ECONNRESET)
		assert.True(t, errors.Is(err, syscall.ECONNRESET))
		_, err = c.Read(buf)
		assert.Same(t, io.EOF, err, "the reset is reported once")
		_, err = c.Write(buf)
		requireSyscall(t, err, "write", "write", syscall.EPIPE)
		require.NoError(t, c.Close())

		// Closing with unread data resets too; data received before the
		// reset is still read.
		c, s = pair(t)
		_, err = s.Write([]byte("hi"))
		require.NoError(t, err)
		_, err = c.Write([]byte("unread"))
		require.NoError(t, err)
		simtime.Sleep(100 * time.Millisecond)
		require.NoError(t, s.Close())
		simtime.Sleep(100 * time.Millisecond)
		n, err := c.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "hi", string(buf[:n]))
		_, err = c.Write(buf)
		requireSyscall(t, err, "write", "write", syscall.ECONNRESET)
		require.NoError(t, c.Close())
	})
}

func TestUseAfterClose(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer s.Close()
		buf := make([]byte, 8)

		blocked := goRun(func() error { _, err := c.Read(buf); return err })
		simtime.Sleep(20 * time.Millisecond)
		require.NoError(t, c.Close())
		requireOpError(t, blocked.Recv(), "read", snet.ErrClosed)

		_, err := c.Read(buf)
		requireOpError(t, err, "read", snet.ErrClosed)
		_, err = c.Write(buf)
		requireOpError(t, err, "write", snet.ErrClosed)
		requireOpError(t, c.Close(), "close", snet.ErrClosed)
		requireOpError(t, c.SetDeadline(simtime.Now()), "set", snet.ErrClosed)
		requireOpError(t, c.CloseWrite(), "close", snet.ErrClosed)

		ln := listen(t)
		accept := goRun(func() error { _, err := ln.Accept(); return err })
		simtime.Sleep(20 * time.Millisecond)
		require.NoError(t, ln.Close())
		requireOpError(t, accept.Recv(), "accept", snet.ErrClosed)
		_, err = ln.Accept()
		oe := requireOpError(t, err, "accept", snet.ErrClosed)
		assert.Equal(t, ln.Addr().String(), oe.Addr.String())
		requireOpError(t, ln.Close(), "close", snet.ErrClosed)
	})
}

func TestPortZeroAndAddrInUse(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		a, b := listen(t), listen(t)
		defer a.Close()
		defer b.Close()
		pa, pb := a.Addr().(*snet.TCPAddr).Port, b.Addr().(*snet.TCPAddr).Port
		assert.NotZero(t, pa)
		assert.NotEqual(t, pa, pb)

		_, err := snet.Listen("tcp", a.Addr().String())
		requireSyscall(t, err, "listen", "bind", syscall.EADDRINUSE)
		var oe *snet.OpError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, a.Addr().String(), oe.Addr.String())
		_, err = snet.Listen("tcp", ":"+strconv.Itoa(pa))
		requireSyscall(t, err, "listen", "bind", syscall.EADDRINUSE)

		u, err := snet.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		defer u.Close()
		assert.NotZero(t, u.LocalAddr().(*snet.UDPAddr).Port)
		_, err = snet.ListenPacket("udp", u.LocalAddr().String())
		requireSyscall(t, err, "listen", "bind", syscall.EADDRINUSE)

		// Every address: reachable over the loopback.
		w, err := snet.Listen("tcp", ":0")
		require.NoError(t, err)
		defer w.Close()
		port := strconv.Itoa(w.Addr().(*snet.TCPAddr).Port)
		accepted := goRun(func() error {
			c, err := w.Accept()
			if err == nil {
				c.Close()
			}
			return err
		})
		c, err := snet.Dial("tcp", "localhost:"+port)
		require.NoError(t, err)
		require.NoError(t, accepted.Recv())
		c.Close()
	})
}

func TestUDP(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		srv, err := snet.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		echo := goRun(func() error {
			buf := make([]byte, 1500)
			for {
				n, from, err := srv.ReadFrom(buf)
				if err != nil {
					return err
				}
				if _, err := srv.WriteTo(buf[:n], from); err != nil {
					return err
				}
			}
		})

		// Connected.
		c, err := snet.Dial("udp", srv.LocalAddr().String())
		require.NoError(t, err)
		require.IsType(t, &snet.UDPConn{}, c)
		buf := make([]byte, 1500)
		require.NoError(t, c.SetReadDeadline(simtime.Now().Add(5*time.Second)))
		for i := range 3 {
			msg := "datagram " + strconv.Itoa(i)
			_, err := c.Write([]byte(msg))
			require.NoError(t, err)
			n, err := c.Read(buf)
			require.NoError(t, err)
			assert.Equal(t, msg, string(buf[:n]))
		}
		// A datagram longer than the buffer is truncated.
		_, err = c.Write(bytes.Repeat([]byte("y"), 100))
		require.NoError(t, err)
		n, err := c.Read(buf[:10])
		require.NoError(t, err)
		assert.Equal(t, 10, n)
		uc := c.(*snet.UDPConn)
		_, err = uc.WriteTo([]byte("x"), srv.LocalAddr())
		requireOpError(t, err, "write", snet.ErrWriteToConnected)
		require.NoError(t, c.Close())

		// Unconnected.
		u, err := snet.ListenUDP("udp", &snet.UDPAddr{IP: snet.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		require.NoError(t, u.SetReadDeadline(simtime.Now().Add(5*time.Second)))
		_, err = u.WriteToUDP([]byte("hello"), srv.LocalAddr().(*snet.UDPAddr))
		require.NoError(t, err)
		n, from, err := u.ReadFromUDP(buf)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(buf[:n]))
		assert.Equal(t, srv.LocalAddr().String(), from.String())
		_, err = u.Write([]byte("x"))
		requireSyscall(t, err, "write", "write", syscall.EDESTADDRREQ)
		require.NoError(t, u.Close())
		_, _, err = u.ReadFrom(buf)
		requireOpError(t, err, "read", snet.ErrClosed)

		require.NoError(t, srv.Close())
		requireOpError(t, echo.Recv(), "read", snet.ErrClosed)

		// Nothing listens: a connected socket learns it from ICMP.
		c, err = snet.Dial("udp", srv.LocalAddr().String())
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Write([]byte("anyone?"))
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(simtime.Now().Add(5*time.Second)))
		_, err = c.Read(buf)
		requireSyscall(t, err, "read", "read", syscall.ECONNREFUSED)
	})
}

// TestFlowControl checks that a writer cannot run ahead of a slow reader by
// more than the buffers (here made small on both ends), and that
// everything still arrives in order.
func TestFlowControl(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer c.Close()
		defer s.Close()
		require.NoError(t, s.SetReadBuffer(64<<10))
		require.NoError(t, c.SetWriteBuffer(64<<10))

		const total, chunk = 8 << 20, 32 << 10
		data := make([]byte, total)
		for i := range data {
			data[i] = byte(i * 7 / 5)
		}
		var written atomic.Int64
		writer := goRun(func() error {
			for off := 0; off < total; off += chunk {
				if _, err := c.Write(data[off : off+chunk]); err != nil {
					return err
				}
				written.Add(chunk)
			}
			return c.CloseWrite()
		})
		simtime.Sleep(200 * time.Millisecond)
		ahead := written.Load()
		assert.Less(t, ahead, int64(total/2), "the writer ran %d bytes ahead of a reader that read nothing", ahead)

		got := make([]byte, 0, total)
		buf := make([]byte, 8<<10)
		for {
			n, err := s.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			if len(got)%(1<<20) < 8<<10 {
				simtime.Sleep(time.Millisecond) // a slow reader
			}
		}
		require.NoError(t, writer.Recv())
		require.Equal(t, len(data), len(got))
		require.True(t, bytes.Equal(data, got), "data arrived out of order or corrupted")
	})
}

func TestCopy1MiB(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		c, s := pair(t)
		defer s.Close()
		data := make([]byte, 1<<20)
		for i := range data {
			data[i] = byte(i ^ i>>8)
		}
		sum := simstd.NewChan[[32]byte](1)
		simstd.Go(func() {
			h := sha256.New()
			n, err := io.Copy(h, s)
			if err != nil || n != int64(len(data)) {
				sum.Send([32]byte{})
				return
			}
			sum.Send([32]byte(h.Sum(nil)))
		})
		n, err := io.Copy(c, bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, int64(len(data)), n)
		require.NoError(t, c.Close())
		assert.Equal(t, sha256.Sum256(data), sum.Recv())
	})
}

func TestLookupLocal(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		addrs, err := snet.LookupHost("localhost")
		require.NoError(t, err)
		assert.Contains(t, addrs, "127.0.0.1")
		port, err := snet.LookupPort("tcp", "http")
		require.NoError(t, err)
		assert.Equal(t, 80, port)
		_, err = snet.LookupPort("tcp", "no-such-service-here")
		var de *snet.DNSError
		require.ErrorAs(t, err, &de)
		assert.True(t, de.IsNotFound)
		a, err := snet.ResolveTCPAddr("tcp", "127.0.0.1:8080")
		require.NoError(t, err)
		assert.Equal(t, "127.0.0.1:8080", a.String())
		_, err = snet.ResolveTCPAddr("tcp", "localhost")
		var ae *snet.AddrError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "missing port in address", ae.Err)
		_, err = snet.Dial("foo", "localhost:80")
		assert.Equal(t, "dial foo: unknown network foo", err.Error())
	})
}

func TestPipe(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		a, b := snet.Pipe()
		done := goRun(func() error {
			_, err := io.Copy(b, b)
			b.Close()
			return err
		})
		br := bufio.NewReader(a)
		for i := range 3 {
			_, err := io.WriteString(a, "msg "+strconv.Itoa(i)+"\n")
			require.NoError(t, err)
			line, err := br.ReadString('\n')
			require.NoError(t, err)
			assert.Equal(t, "msg "+strconv.Itoa(i)+"\n", line)
		}
		require.NoError(t, a.SetReadDeadline(simtime.Now().Add(20*time.Millisecond)))
		_, err := a.Read(make([]byte, 1))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		require.NoError(t, a.Close())
		require.NoError(t, done.Recv())
		_, err = a.Read(make([]byte, 1))
		assert.Equal(t, io.ErrClosedPipe, err)
	})
}

func TestAcceptDeadlineAndLocalAddr(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		ln := listen(t)
		defer ln.Close()
		tl := ln.(*snet.TCPListener)
		require.NoError(t, tl.SetDeadline(simtime.Now().Add(30*time.Millisecond)))
		_, err := tl.Accept()
		requireOpError(t, err, "accept", os.ErrDeadlineExceeded)
		require.NoError(t, tl.SetDeadline(time.Time{}))

		// A dial from a chosen local address.
		free := listen(t)
		port := free.Addr().(*snet.TCPAddr).Port
		require.NoError(t, free.Close())
		accepted := simstd.NewChan[string](1)
		simstd.Go(func() {
			c, err := tl.AcceptTCP()
			if err != nil {
				accepted.Send(err.Error())
				return
			}
			accepted.Send(c.RemoteAddr().String())
			c.Close()
		})
		d := snet.Dialer{LocalAddr: &snet.TCPAddr{IP: snet.IPv4(127, 0, 0, 1), Port: port}, KeepAlive: time.Minute}
		c, err := d.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port), c.LocalAddr().String())
		assert.Equal(t, c.LocalAddr().String(), accepted.Recv())
		d.LocalAddr = &snet.UDPAddr{}
		_, err = d.Dial("tcp", ln.Addr().String())
		var ae *snet.AddrError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "mismatched local address type", ae.Err)
	})
}
