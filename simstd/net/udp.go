package net

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/netsim"
)

// UDPConn is a UDP socket: a real one (wrapping *net.UDPConn) when created
// outside a simulation, a simulated one inside. Its methods are those of
// net.UDPConn, with the same errors; in a simulation, out-of-band data is
// never sent or received.
type UDPConn struct {
	std *net.UDPConn
	sim *netsim.UDPConn
}

func (c *UDPConn) ok() bool { return c != nil && (c.std != nil || c.sim != nil) }

// Read reads a datagram (from the connected peer, if connected).
func (c *UDPConn) Read(b []byte) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		n, _, err := c.sim.ReadFrom(b, "read")
		return n, err
	}
	noRealInSim()
	return c.std.Read(b)
}

// Write sends a datagram to the connected peer.
func (c *UDPConn) Write(b []byte) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		return c.sim.WriteTo(b, nil, "write")
	}
	return c.std.Write(b)
}

// ReadFrom reads a datagram and returns its sender.
func (c *UDPConn) ReadFrom(b []byte) (int, Addr, error) {
	n, addr, err := c.ReadFromUDP(b)
	if addr == nil {
		return n, nil, err
	}
	return n, addr, err
}

// ReadFromUDP reads a datagram and returns its sender.
func (c *UDPConn) ReadFromUDP(b []byte) (n int, addr *UDPAddr, err error) {
	switch {
	case !c.ok():
		return 0, nil, syscall.EINVAL
	case c.sim != nil:
		n, from, err := c.sim.ReadFrom(b, "recvfrom")
		if err != nil {
			return n, nil, err
		}
		return n, net.UDPAddrFromAddrPort(from), nil
	}
	noRealInSim()
	return c.std.ReadFromUDP(b)
}

// ReadFromUDPAddrPort reads a datagram and returns its sender.
func (c *UDPConn) ReadFromUDPAddrPort(b []byte) (n int, addr netip.AddrPort, err error) {
	switch {
	case !c.ok():
		return 0, netip.AddrPort{}, syscall.EINVAL
	case c.sim != nil:
		return c.sim.ReadFrom(b, "recvfrom")
	}
	noRealInSim()
	return c.std.ReadFromUDPAddrPort(b)
}

// ReadMsgUDP reads a datagram and its out-of-band data (none in a
// simulation).
func (c *UDPConn) ReadMsgUDP(b, oob []byte) (n, oobn, flags int, addr *UDPAddr, err error) {
	if c.ok() && c.sim != nil {
		n, addr, err = c.ReadFromUDP(b)
		return n, 0, 0, addr, err
	}
	if !c.ok() {
		return 0, 0, 0, nil, syscall.EINVAL
	}
	noRealInSim()
	return c.std.ReadMsgUDP(b, oob)
}

// ReadMsgUDPAddrPort is ReadMsgUDP returning a netip.AddrPort.
func (c *UDPConn) ReadMsgUDPAddrPort(b, oob []byte) (n, oobn, flags int, addr netip.AddrPort, err error) {
	if c.ok() && c.sim != nil {
		n, addr, err = c.ReadFromUDPAddrPort(b)
		return n, 0, 0, addr, err
	}
	if !c.ok() {
		return 0, 0, 0, netip.AddrPort{}, syscall.EINVAL
	}
	noRealInSim()
	return c.std.ReadMsgUDPAddrPort(b, oob)
}

// WriteTo sends a datagram to addr, which must be a *UDPAddr.
func (c *UDPConn) WriteTo(b []byte, addr Addr) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	if c.std != nil {
		return c.std.WriteTo(b, addr)
	}
	a, ok := addr.(*UDPAddr)
	if !ok {
		return 0, &OpError{Op: "write", Net: c.sim.Network(), Source: c.LocalAddr(), Addr: addr, Err: syscall.EINVAL}
	}
	return c.WriteToUDP(b, a)
}

// WriteToUDP sends a datagram to addr.
func (c *UDPConn) WriteToUDP(b []byte, addr *UDPAddr) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		if addr == nil {
			if c.sim.RemoteAddr() != nil {
				return 0, &OpError{Op: "write", Net: c.sim.Network(), Source: c.LocalAddr(), Err: ErrWriteToConnected}
			}
			return 0, &OpError{Op: "write", Net: c.sim.Network(), Source: c.LocalAddr(), Err: errMissingAddress}
		}
		return c.sim.WriteTo(b, addr, "sendto")
	}
	return c.std.WriteToUDP(b, addr)
}

// WriteToUDPAddrPort sends a datagram to addr.
func (c *UDPConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	switch {
	case !c.ok():
		return 0, syscall.EINVAL
	case c.sim != nil:
		return c.sim.WriteTo(b, net.UDPAddrFromAddrPort(addr), "sendto")
	}
	return c.std.WriteToUDPAddrPort(b, addr)
}

// WriteMsgUDP sends a datagram to addr (nil for a connected socket), with
// out-of-band data (dropped in a simulation).
func (c *UDPConn) WriteMsgUDP(b, oob []byte, addr *UDPAddr) (n, oobn int, err error) {
	switch {
	case !c.ok():
		return 0, 0, syscall.EINVAL
	case c.sim != nil:
		if addr == nil && c.sim.RemoteAddr() == nil {
			return 0, 0, &OpError{Op: "write", Net: c.sim.Network(), Source: c.LocalAddr(), Err: errMissingAddress}
		}
		call := "sendmsg"
		n, err = c.sim.WriteTo(b, addr, call)
		return n, 0, err
	}
	return c.std.WriteMsgUDP(b, oob, addr)
}

// WriteMsgUDPAddrPort is WriteMsgUDP with a netip.AddrPort (invalid: the
// connected peer).
func (c *UDPConn) WriteMsgUDPAddrPort(b, oob []byte, addr netip.AddrPort) (n, oobn int, err error) {
	switch {
	case !c.ok():
		return 0, 0, syscall.EINVAL
	case c.sim != nil:
		var a *UDPAddr
		if addr.IsValid() {
			a = net.UDPAddrFromAddrPort(addr)
		}
		return c.WriteMsgUDP(b, oob, a)
	}
	return c.std.WriteMsgUDPAddrPort(b, oob, addr)
}

// Close closes the socket.
func (c *UDPConn) Close() error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.Close()
	}
	return c.std.Close()
}

// LocalAddr returns the local network address.
func (c *UDPConn) LocalAddr() Addr {
	switch {
	case !c.ok():
		return nil
	case c.sim != nil:
		return c.sim.LocalAddr()
	}
	return c.std.LocalAddr()
}

// RemoteAddr returns the connected peer's address, or nil.
func (c *UDPConn) RemoteAddr() Addr {
	switch {
	case !c.ok():
		return nil
	case c.sim != nil:
		if a := c.sim.RemoteAddr(); a != nil {
			return a
		}
		return nil
	}
	return c.std.RemoteAddr()
}

// SetDeadline sets the read and write deadlines.
func (c *UDPConn) SetDeadline(t time.Time) error {
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

// SetReadDeadline sets the deadline for reads.
func (c *UDPConn) SetReadDeadline(t time.Time) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetReadDeadline(t)
	}
	return c.std.SetReadDeadline(t)
}

// SetWriteDeadline sets the deadline for writes.
func (c *UDPConn) SetWriteDeadline(t time.Time) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetWriteDeadline(t)
	}
	return c.std.SetWriteDeadline(t)
}

// SetReadBuffer sets the receive buffer (accepted and ignored in a
// simulation, where the queue holds netsim.Config.UDPBuffer bytes).
func (c *UDPConn) SetReadBuffer(bytes int) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetReadBuffer(bytes)
}

// SetWriteBuffer sets the send buffer (accepted and ignored in a
// simulation).
func (c *UDPConn) SetWriteBuffer(bytes int) error {
	switch {
	case !c.ok():
		return syscall.EINVAL
	case c.sim != nil:
		return c.sim.SetOption()
	}
	return c.std.SetWriteBuffer(bytes)
}

// File returns a copy of the underlying os.File; a simulated socket has
// none.
func (c *UDPConn) File() (f *os.File, err error) {
	switch {
	case !c.ok():
		return nil, syscall.EINVAL
	case c.sim != nil:
		return nil, &OpError{Op: "file", Net: c.sim.Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: netsim.NotSimulated("File")}
	}
	return c.std.File()
}

// SyscallConn returns a raw network connection; a simulated socket has
// none.
func (c *UDPConn) SyscallConn() (syscall.RawConn, error) {
	switch {
	case !c.ok():
		return nil, syscall.EINVAL
	case c.sim != nil:
		return nil, netsim.NotSimulated("SyscallConn")
	}
	return c.std.SyscallConn()
}
