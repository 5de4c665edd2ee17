package net

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
)

// TCPConn is a TCP connection: a real one (wrapping *net.TCPConn) when
// created outside a simulation, a simulated one inside. Its methods are
// those of net.TCPConn, with the same errors.
type TCPConn struct {
	std *net.TCPConn
	sim *netsim.Conn
}

func (c *TCPConn) ok() bool { return c != nil && (c.std != nil || c.sim != nil) }

// errRealInSim is the panic of a simulated goroutine that would block on a
// real socket (made outside the simulation): the run would then depend on
// real timing, and the simulation's driver would hang with it.
const errRealInSim = "simgen: a real socket (created outside the simulation) was used by a simulated goroutine; " +
	"create sockets inside the simulation to use the simulated network"

// noRealInSim panics when a simulated goroutine is about to block on a real
// socket.
func noRealInSim() {
	if kernel.Current() != nil {
		panic(errRealInSim)
	}
}

// Read reads data from the connection.
func (c *TCPConn) Read(b []byte) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		return c.sim.Read(b)
	}
	noRealInSim()
	return c.std.Read(b)
}

// Write writes data to the connection.
func (c *TCPConn) Write(b []byte) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		return c.sim.Write(b)
	}
	noRealInSim()
	return c.std.Write(b)
}

// Close closes the connection.
func (c *TCPConn) Close() error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.Close()
	}
	return c.std.Close()
}

// CloseRead shuts down the reading side of the connection.
func (c *TCPConn) CloseRead() error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.CloseRead()
	}
	return c.std.CloseRead()
}

// CloseWrite shuts down the writing side of the connection.
func (c *TCPConn) CloseWrite() error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.CloseWrite()
	}
	return c.std.CloseWrite()
}

// LocalAddr returns the local network address.
func (c *TCPConn) LocalAddr() Addr {
	switch {
	case !c.ok():
		return nil
	case c.sim != nil:
		return c.sim.LocalAddr()
	}
	return c.std.LocalAddr()
}

// RemoteAddr returns the remote network address.
func (c *TCPConn) RemoteAddr() Addr {
	switch {
	case !c.ok():
		return nil
	case c.sim != nil:
		return c.sim.RemoteAddr()
	}
	return c.std.RemoteAddr()
}

// SetDeadline sets the read and write deadlines (on the virtual clock in a
// simulation).
func (c *TCPConn) SetDeadline(t time.Time) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		if err := c.sim.SetReadDeadline(t); err != nil {
			return err
		}
		return c.sim.SetWriteDeadline(t)
	}
	return c.std.SetDeadline(t)
}

// SetReadDeadline sets the deadline for Read.
func (c *TCPConn) SetReadDeadline(t time.Time) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetReadDeadline(t)
	}
	return c.std.SetReadDeadline(t)
}

// SetWriteDeadline sets the deadline for Write.
func (c *TCPConn) SetWriteDeadline(t time.Time) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetWriteDeadline(t)
	}
	return c.std.SetWriteDeadline(t)
}

// SetLinger sets SO_LINGER; in a simulation 0 makes Close reset the
// connection and other values are accepted.
func (c *TCPConn) SetLinger(sec int) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetLinger(sec)
	}
	return c.std.SetLinger(sec)
}

// SetNoDelay sets TCP_NODELAY (accepted and ignored in a simulation, which
// sends every Write at once).
func (c *TCPConn) SetNoDelay(noDelay bool) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetNoDelay(noDelay)
}

// SetKeepAlive enables keep-alive probes (accepted and ignored in a
// simulation).
func (c *TCPConn) SetKeepAlive(keepalive bool) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetKeepAlive(keepalive)
}

// SetKeepAlivePeriod sets the keep-alive period (accepted and ignored in a
// simulation).
func (c *TCPConn) SetKeepAlivePeriod(d time.Duration) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetKeepAlivePeriod(d)
}

// SetKeepAliveConfig configures keep-alive probes (accepted and ignored in a
// simulation).
func (c *TCPConn) SetKeepAliveConfig(config KeepAliveConfig) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetKeepAliveConfig(config)
}

// SetReadBuffer sets the receive buffer; in a simulation it bounds the data
// the peer may have in flight and unread.
func (c *TCPConn) SetReadBuffer(bytes int) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetReadBuffer(bytes)
	}
	return c.std.SetReadBuffer(bytes)
}

// SetWriteBuffer sets the send buffer (accepted and ignored in a
// simulation).
func (c *TCPConn) SetWriteBuffer(bytes int) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetWriteBuffer(bytes)
}

// MultipathTCP reports whether the connection uses MPTCP (never in a
// simulation).
func (c *TCPConn) MultipathTCP() (bool, error) {
	switch {
	case !c.ok():
		return false, syscall.EINVAL
	case c.sim != nil:
		return false, nil
	}
	return c.std.MultipathTCP()
}

// File returns a copy of the underlying os.File; a simulated connection has
// none.
func (c *TCPConn) File() (f *os.File, err error) {
	switch {
	case !c.ok():
		return nil, syscall.EINVAL
	case c.sim != nil:
		return nil, &OpError{Op: "file", Net: c.sim.Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: netsim.NotSimulated("File")}
	}
	return c.std.File()
}

// SyscallConn returns a raw network connection; a simulated connection has
// none.
func (c *TCPConn) SyscallConn() (syscall.RawConn, error) {
	switch {
	case !c.ok():
		return nil, syscall.EINVAL
	case c.sim != nil:
		return nil, netsim.NotSimulated("SyscallConn")
	}
	return c.std.SyscallConn()
}

// ReadFrom implements io.ReaderFrom (io.Copy to the connection uses it).
func (c *TCPConn) ReadFrom(r io.Reader) (int64, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		n, err := io.Copy(writerOnly{c}, r)
		if err != nil && err != io.EOF {
			err = &OpError{Op: "readfrom", Net: c.sim.Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
		}
		return n, err
	}
	if rc, ok := r.(*TCPConn); ok && rc.std != nil {
		r = rc.std // lets the kernel splice
	}
	return c.std.ReadFrom(r)
}

// WriteTo implements io.WriterTo (io.Copy from the connection uses it).
func (c *TCPConn) WriteTo(w io.Writer) (int64, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		n, err := io.Copy(w, readerOnly{c})
		if err != nil && err != io.EOF {
			err = &OpError{Op: "writeto", Net: c.sim.Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
		}
		return n, err
	}
	if wc, ok := w.(*TCPConn); ok && wc.std != nil {
		w = wc.std
	}
	return c.std.WriteTo(w)
}

// writerOnly and readerOnly hide ReadFrom and WriteTo from io.Copy.
type writerOnly struct{ io.Writer }
type readerOnly struct{ io.Reader }

// TCPListener is a TCP listener: a real one (wrapping *net.TCPListener)
// outside a simulation, a simulated one inside.
type TCPListener struct {
	std *net.TCPListener
	sim *netsim.Listener
}

func (l *TCPListener) ok() bool { return l != nil && (l.std != nil || l.sim != nil) }

// Accept waits for and returns the next connection (a *TCPConn).
func (l *TCPListener) Accept() (Conn, error) {
	c, err := l.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptTCP waits for and returns the next connection.
func (l *TCPListener) AcceptTCP() (*TCPConn, error) {
	switch {
	case !l.ok():
		return nil, syscall.EINVAL
	case l.sim != nil:
		c, err := l.sim.Accept()
		if err != nil {
			return nil, err
		}
		return &TCPConn{sim: c}, nil
	}
	noRealInSim()
	c, err := l.std.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return &TCPConn{std: c}, nil
}

// Addr returns the listener's network address.
func (l *TCPListener) Addr() Addr {
	switch {
	case !l.ok():
		return nil
	case l.sim != nil:
		return l.sim.Addr()
	}
	return l.std.Addr()
}

// Close stops listening; connections not accepted yet are reset.
func (l *TCPListener) Close() error {
	switch {
	case !l.ok():
		return syscall.EINVAL
	case l.sim != nil:
		return l.sim.Close()
	}
	return l.std.Close()
}

// SetDeadline sets the deadline for Accept (on the virtual clock in a
// simulation).
func (l *TCPListener) SetDeadline(t time.Time) error {
	switch {
	case !l.ok():
		return syscall.EINVAL
	case l.sim != nil:
		return l.sim.SetDeadline(t)
	}
	return l.std.SetDeadline(t)
}

// File returns a copy of the underlying os.File; a simulated listener has
// none.
func (l *TCPListener) File() (f *os.File, err error) {
	switch {
	case !l.ok():
		return nil, syscall.EINVAL
	case l.sim != nil:
		return nil, &OpError{Op: "file", Net: l.sim.Network(), Addr: l.Addr(), Err: netsim.NotSimulated("File")}
	}
	return l.std.File()
}

// SyscallConn returns a raw network connection; a simulated listener has
// none.
func (l *TCPListener) SyscallConn() (syscall.RawConn, error) {
	switch {
	case !l.ok():
		return nil, syscall.EINVAL
	case l.sim != nil:
		return nil, netsim.NotSimulated("SyscallConn")
	}
	return l.std.SyscallConn()
}
