package net

import (
	"net"
	"os"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
)

// The functions below exist outside a simulation only: inside one they fail
// with an error matching errors.ErrUnsupported (wrapped in an *OpError, as
// net reports its errors). Unix sockets, raw IP, multicast, sockets from
// files and the machine's interfaces have no simulated counterpart.

func inSim() bool { return kernel.Current() != nil }

// DialIP connects to raddr over raw IP.
func DialIP(network string, laddr, raddr *IPAddr) (*IPConn, error) {
	if inSim() {
		return nil, &OpError{Op: "dial", Net: network, Source: ipAddrOp(laddr), Addr: ipAddrOp(raddr), Err: netsim.NotSimulated("raw IP")}
	}
	return net.DialIP(network, laddr, raddr)
}

// ListenIP listens for raw IP packets addressed to laddr.
func ListenIP(network string, laddr *IPAddr) (*IPConn, error) {
	if inSim() {
		return nil, &OpError{Op: "listen", Net: network, Addr: ipAddrOp(laddr), Err: netsim.NotSimulated("raw IP")}
	}
	return net.ListenIP(network, laddr)
}

func ipAddrOp(a *IPAddr) Addr {
	if a == nil {
		return nil
	}
	return a
}

func unixAddrOp(a *UnixAddr) Addr {
	if a == nil {
		return nil
	}
	return a
}

// DialUnix connects to a Unix domain socket.
func DialUnix(network string, laddr, raddr *UnixAddr) (*UnixConn, error) {
	if inSim() {
		return nil, &OpError{Op: "dial", Net: network, Source: unixAddrOp(laddr), Addr: unixAddrOp(raddr), Err: netsim.NotSimulated("Unix sockets")}
	}
	return net.DialUnix(network, laddr, raddr)
}

// ListenUnix listens on a Unix domain stream socket.
func ListenUnix(network string, laddr *UnixAddr) (*UnixListener, error) {
	if inSim() {
		return nil, &OpError{Op: "listen", Net: network, Addr: unixAddrOp(laddr), Err: netsim.NotSimulated("Unix sockets")}
	}
	return net.ListenUnix(network, laddr)
}

// ListenUnixgram listens on a Unix domain datagram socket.
func ListenUnixgram(network string, laddr *UnixAddr) (*UnixConn, error) {
	if inSim() {
		return nil, &OpError{Op: "listen", Net: network, Addr: unixAddrOp(laddr), Err: netsim.NotSimulated("Unix sockets")}
	}
	return net.ListenUnixgram(network, laddr)
}

// ListenMulticastUDP listens for multicast UDP packets to gaddr on ifi.
func ListenMulticastUDP(network string, ifi *Interface, gaddr *UDPAddr) (*UDPConn, error) {
	if inSim() {
		return nil, &OpError{Op: "listen", Net: network, Addr: udpAddrOp(gaddr), Err: netsim.NotSimulated("multicast")}
	}
	c, err := net.ListenMulticastUDP(network, ifi, gaddr)
	if err != nil {
		return nil, err
	}
	return &UDPConn{std: c}, nil
}

// FileConn returns a copy of the network connection of the open file f.
func FileConn(f *os.File) (c Conn, err error) {
	if inSim() {
		return nil, &OpError{Op: "file", Net: "file+net", Err: netsim.NotSimulated("FileConn")}
	}
	c, err = net.FileConn(f)
	return wrapConn(c), err
}

// FileListener returns a copy of the network listener of the open file f.
func FileListener(f *os.File) (ln Listener, err error) {
	if inSim() {
		return nil, &OpError{Op: "file", Net: "file+net", Err: netsim.NotSimulated("FileListener")}
	}
	ln, err = net.FileListener(f)
	if tl, ok := ln.(*net.TCPListener); ok {
		return &TCPListener{std: tl}, err
	}
	return ln, err
}

// FilePacketConn returns a copy of the packet network connection of the
// open file f.
func FilePacketConn(f *os.File) (c PacketConn, err error) {
	if inSim() {
		return nil, &OpError{Op: "file", Net: "file+net", Err: netsim.NotSimulated("FilePacketConn")}
	}
	c, err = net.FilePacketConn(f)
	if uc, ok := c.(*net.UDPConn); ok {
		return &UDPConn{std: uc}, err
	}
	return c, err
}

// Interfaces returns the system's network interfaces.
func Interfaces() ([]Interface, error) {
	if inSim() {
		return nil, &OpError{Op: "route", Net: "ip+net", Err: netsim.NotSimulated("Interfaces")}
	}
	return net.Interfaces()
}

// InterfaceAddrs returns the system's unicast interface addresses.
func InterfaceAddrs() ([]Addr, error) {
	if inSim() {
		return nil, &OpError{Op: "route", Net: "ip+net", Err: netsim.NotSimulated("InterfaceAddrs")}
	}
	return net.InterfaceAddrs()
}

// InterfaceByIndex returns the interface with the given index.
func InterfaceByIndex(index int) (*Interface, error) {
	if inSim() {
		return nil, &OpError{Op: "route", Net: "ip+net", Err: netsim.NotSimulated("InterfaceByIndex")}
	}
	return net.InterfaceByIndex(index)
}

// InterfaceByName returns the interface with the given name.
func InterfaceByName(name string) (*Interface, error) {
	if inSim() {
		return nil, &OpError{Op: "route", Net: "ip+net", Err: netsim.NotSimulated("InterfaceByName")}
	}
	return net.InterfaceByName(name)
}
