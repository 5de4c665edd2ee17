package net

import (
	"net"
	"net/netip"
)

// The pure types of package net, shared with the standard library so that
// values cross between rewritten and non-rewritten code unchanged.
type (
	// Addr is net.Addr.
	Addr = net.Addr
	// AddrError is net.AddrError.
	AddrError = net.AddrError
	// Buffers is net.Buffers. Its WriteTo writes the buffers one by one to
	// a simulated connection.
	Buffers = net.Buffers
	// Conn is net.Conn; the connections of this package implement it.
	Conn = net.Conn
	// DNSConfigError is net.DNSConfigError.
	DNSConfigError = net.DNSConfigError
	// DNSError is net.DNSError.
	DNSError = net.DNSError
	// Error is net.Error.
	Error = net.Error
	// Flags is net.Flags.
	Flags = net.Flags
	// HardwareAddr is net.HardwareAddr.
	HardwareAddr = net.HardwareAddr
	// IP is net.IP.
	IP = net.IP
	// IPAddr is net.IPAddr.
	IPAddr = net.IPAddr
	// IPMask is net.IPMask.
	IPMask = net.IPMask
	// IPNet is net.IPNet.
	IPNet = net.IPNet
	// Interface is net.Interface. Its methods query the real machine.
	Interface = net.Interface
	// InvalidAddrError is net.InvalidAddrError.
	InvalidAddrError = net.InvalidAddrError
	// KeepAliveConfig is net.KeepAliveConfig.
	KeepAliveConfig = net.KeepAliveConfig
	// Listener is net.Listener; the listeners of this package implement it.
	Listener = net.Listener
	// MX is net.MX.
	MX = net.MX
	// NS is net.NS.
	NS = net.NS
	// OpError is net.OpError: the simulated network reports its errors
	// with it, as the real one does.
	OpError = net.OpError
	// PacketConn is net.PacketConn; UDPConn implements it.
	PacketConn = net.PacketConn
	// ParseError is net.ParseError.
	ParseError = net.ParseError
	// SRV is net.SRV.
	SRV = net.SRV
	// TCPAddr is net.TCPAddr.
	TCPAddr = net.TCPAddr
	// UDPAddr is net.UDPAddr.
	UDPAddr = net.UDPAddr
	// UnixAddr is net.UnixAddr.
	UnixAddr = net.UnixAddr
	// UnknownNetworkError is net.UnknownNetworkError.
	UnknownNetworkError = net.UnknownNetworkError
)

// Sockets that exist only outside a simulation: inside one, the functions
// that would create them fail with an error matching errors.ErrUnsupported.
type (
	// IPConn is net.IPConn (raw IP), outside a simulation only.
	IPConn = net.IPConn
	// UnixConn is net.UnixConn, outside a simulation only.
	UnixConn = net.UnixConn
	// UnixListener is net.UnixListener, outside a simulation only.
	UnixListener = net.UnixListener
)

// Interface flags, as in package net.
const (
	FlagUp           = net.FlagUp
	FlagBroadcast    = net.FlagBroadcast
	FlagLoopback     = net.FlagLoopback
	FlagPointToPoint = net.FlagPointToPoint
	FlagMulticast    = net.FlagMulticast
	FlagRunning      = net.FlagRunning
)

// IP address lengths (bytes), as in package net.
const (
	IPv4len = net.IPv4len
	IPv6len = net.IPv6len
)

// Well-known addresses, as in package net (the same slices).
var (
	IPv4bcast     = net.IPv4bcast
	IPv4allsys    = net.IPv4allsys
	IPv4allrouter = net.IPv4allrouter
	IPv4zero      = net.IPv4zero

	IPv6zero                   = net.IPv6zero
	IPv6unspecified            = net.IPv6unspecified
	IPv6loopback               = net.IPv6loopback
	IPv6interfacelocalallnodes = net.IPv6interfacelocalallnodes
	IPv6linklocalallnodes      = net.IPv6linklocalallnodes
	IPv6linklocalallrouters    = net.IPv6linklocalallrouters
)

// ErrClosed is net.ErrClosed: operations on a closed connection or
// listener fail with it (wrapped in an *OpError).
var ErrClosed = net.ErrClosed

// ErrWriteToConnected is net.ErrWriteToConnected.
var ErrWriteToConnected = net.ErrWriteToConnected

// IPv4 returns the IP address (in 16-byte form) of the IPv4 address a.b.c.d.
func IPv4(a, b, c, d byte) IP { return net.IPv4(a, b, c, d) }

// IPv4Mask returns the IP mask (in 4-byte form) of the IPv4 mask a.b.c.d.
func IPv4Mask(a, b, c, d byte) IPMask { return net.IPv4Mask(a, b, c, d) }

// CIDRMask returns an IPMask of ones 1 bits followed by 0s, bits long.
func CIDRMask(ones, bits int) IPMask { return net.CIDRMask(ones, bits) }

// ParseIP parses s as an IP address, returning nil if it is not one.
func ParseIP(s string) IP { return net.ParseIP(s) }

// ParseCIDR parses s as a CIDR notation IP address and prefix length.
func ParseCIDR(s string) (IP, *IPNet, error) { return net.ParseCIDR(s) }

// ParseMAC parses s as a hardware address.
func ParseMAC(s string) (hw HardwareAddr, err error) { return net.ParseMAC(s) }

// JoinHostPort combines host and port into a network address "host:port".
func JoinHostPort(host, port string) string { return net.JoinHostPort(host, port) }

// SplitHostPort splits a network address "host:port" into host and port.
func SplitHostPort(hostport string) (host, port string, err error) {
	return net.SplitHostPort(hostport)
}

// TCPAddrFromAddrPort returns addr as a *TCPAddr.
func TCPAddrFromAddrPort(addr netip.AddrPort) *TCPAddr { return net.TCPAddrFromAddrPort(addr) }

// UDPAddrFromAddrPort returns addr as a *UDPAddr.
func UDPAddrFromAddrPort(addr netip.AddrPort) *UDPAddr { return net.UDPAddrFromAddrPort(addr) }

// ResolveUnixAddr returns the address of a Unix domain socket end point
// (pure: nothing is looked up).
func ResolveUnixAddr(network, address string) (*UnixAddr, error) {
	return net.ResolveUnixAddr(network, address)
}
