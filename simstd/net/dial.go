package net

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	simctx "github.com/simgen/simgen/simstd/context"
)

var errMissingAddress = errors.New("missing address")

// Dialer holds the options for connecting to an address, as net.Dialer does.
// Outside a simulation it dials through a net.Dialer with the same fields.
//
// In a simulation, Timeout, Deadline, the context's deadline and Cancel
// bound the dial on the virtual clock; LocalAddr binds the local end;
// KeepAlive, KeepAliveConfig, DualStack, FallbackDelay, Control and
// ControlContext are accepted and have no effect (there is no raw socket to
// control, and keep-alive probes are not simulated).
type Dialer struct {
	// Timeout is the maximum time a dial waits for a connect to complete.
	Timeout time.Duration
	// Deadline is the absolute time after which dials fail.
	Deadline time.Time
	// LocalAddr is the local address to use when dialing.
	LocalAddr Addr
	// DualStack is deprecated (RFC 6555 Fast Fallback is on by default).
	DualStack bool
	// FallbackDelay is the RFC 6555 Fast Fallback delay.
	FallbackDelay time.Duration
	// KeepAlive is the keep-alive period of the connection.
	KeepAlive time.Duration
	// KeepAliveConfig is the keep-alive configuration of the connection.
	KeepAliveConfig KeepAliveConfig
	// Resolver optionally specifies an alternate resolver to use.
	Resolver *Resolver
	// Cancel is an optional channel whose closure cancels the dial
	// (deprecated in net in favor of DialContext). Generated code has a
	// simstd.Chan where the original has a <-chan struct{}.
	Cancel *kernel.Chan[struct{}]
	// Control is called after creating the network connection but before
	// dialing, outside a simulation only.
	Control func(network, address string, c syscall.RawConn) error
	// ControlContext is Control with the dial's context; it takes
	// precedence over Control. Outside a simulation only.
	ControlContext func(ctx simctx.Context, network, address string, c syscall.RawConn) error

	mptcp int8 // SetMultipathTCP: 0 default, 1 on, -1 off
}

// MultipathTCP reports whether MPTCP will be used.
func (d *Dialer) MultipathTCP() bool {
	if kernel.Current() != nil {
		return false
	}
	return d.std().MultipathTCP()
}

// SetMultipathTCP directs Dial to use, or not, MPTCP (outside a simulation).
func (d *Dialer) SetMultipathTCP(use bool) {
	d.mptcp = -1
	if use {
		d.mptcp = 1
	}
}

// std returns the net.Dialer with d's fields.
func (d *Dialer) std() *net.Dialer {
	sd := &net.Dialer{
		Timeout: d.Timeout, Deadline: d.Deadline, LocalAddr: d.LocalAddr,
		FallbackDelay: d.FallbackDelay, KeepAlive: d.KeepAlive, KeepAliveConfig: d.KeepAliveConfig,
		Resolver: d.Resolver.std(), Control: d.Control,
	}
	sd.DualStack = d.DualStack //lint:ignore SA1019 passed through as the caller set it
	if cc := d.ControlContext; cc != nil {
		sd.ControlContext = func(ctx context.Context, network, address string, c syscall.RawConn) error {
			return cc(ctx, network, address, c)
		}
	}
	if d.mptcp != 0 {
		sd.SetMultipathTCP(d.mptcp > 0)
	}
	return sd
}

// Dial connects to address on network; see net.Dial.
func (d *Dialer) Dial(network, address string) (Conn, error) {
	return d.DialContext(simctx.Background(), network, address)
}

// DialContext connects to address on network using ctx: cancelling ctx
// before the connection is made aborts the dial (with an error matching
// context.Canceled, or context.DeadlineExceeded for its deadline), and has
// no effect on the connection once made.
func (d *Dialer) DialContext(ctx simctx.Context, network, address string) (Conn, error) {
	if ctx == nil {
		panic("nil context")
	}
	if g := kernel.Current(); g != nil {
		return d.dialSim(g, ctx, network, address)
	}
	sctx, done := d.stdContext(ctx)
	defer done()
	c, err := d.std().DialContext(sctx, network, address)
	return wrapConn(c), err
}

// stdContext returns ctx as a context.Context that d.Cancel also cancels.
func (d *Dialer) stdContext(ctx simctx.Context) (context.Context, func()) {
	sctx := ctx
	if d.Cancel == nil {
		return sctx, func() {}
	}
	sctx, cancel := context.WithCancel(sctx)
	stop := kernel.NewChan[struct{}](0)
	go func() {
		kernel.Select(false, d.Cancel.RecvCase(), stop.RecvCase())
		cancel()
	}()
	return sctx, func() { stop.Close() }
}

// wrapConn gives a real TCP or UDP connection this package's type.
func wrapConn(c net.Conn) Conn {
	switch c := c.(type) {
	case *net.TCPConn:
		return &TCPConn{std: c}
	case *net.UDPConn:
		return &UDPConn{std: c}
	}
	return c
}

// deadline is when a simulated dial must be over: the earliest of d's
// Deadline, d's Timeout from now and ctx's deadline (zero: none).
func (d *Dialer) deadline(ctx simctx.Context, now time.Time) time.Time {
	var dl time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (dl.IsZero() || t.Before(dl)) {
			dl = t
		}
	}
	if d.Timeout > 0 {
		earlier(now.Add(d.Timeout))
	}
	earlier(d.Deadline)
	if t, ok := ctx.Deadline(); ok {
		earlier(t)
	}
	return dl
}

// watch returns the netsim watch of ctx and d.Cancel, or nil.
func (d *Dialer) watch(ctx simctx.Context) func(abort func(error)) func() bool {
	if simctx.DoneOf(ctx) == nil && d.Cancel == nil {
		return nil
	}
	return func(abort func(error)) func() bool {
		var stops []func() bool
		if simctx.DoneOf(ctx) != nil {
			stops = append(stops, simctx.AfterFunc(ctx, func() { abort(netsim.MapContextErr(ctx.Err())) }))
		}
		if d.Cancel != nil {
			cancel, stop := d.Cancel, kernel.NewChan[struct{}](0)
			kernel.Current().Go(func() {
				if kernel.Select(false, cancel.RecvCase(), stop.RecvCase()) == 0 {
					abort(netsim.ErrCanceled)
				}
			})
			stops = append(stops, func() bool { stop.Close(); return true })
		}
		return func() bool {
			for _, s := range stops {
				s()
			}
			return true
		}
	}
}

func (d *Dialer) dialSim(g *kernel.G, ctx simctx.Context, network, address string) (Conn, error) {
	n := netsim.Of(g.Sim())
	fail := func(err error) (Conn, error) {
		return nil, &OpError{Op: "dial", Net: network, Err: err}
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
		ip, port, zone, err := n.Resolve(network, address)
		if err != nil {
			return fail(err)
		}
		var la *TCPAddr
		if d.LocalAddr != nil {
			var ok bool
			if la, ok = d.LocalAddr.(*TCPAddr); !ok {
				return fail(&AddrError{Err: "mismatched local address type", Addr: d.LocalAddr.String()})
			}
		}
		opts := netsim.DialOptions{Deadline: d.deadline(ctx, kernel.Epoch.Add(g.Sim().Now())), Watch: d.watch(ctx)}
		c, err := n.Dial(g, network, la, &TCPAddr{IP: ip, Port: port, Zone: zone}, opts)
		if err != nil {
			return nil, err
		}
		return &TCPConn{sim: c}, nil
	case "udp", "udp4", "udp6":
		ip, port, zone, err := n.Resolve(network, address)
		if err != nil {
			return fail(err)
		}
		var la *UDPAddr
		if d.LocalAddr != nil {
			var ok bool
			if la, ok = d.LocalAddr.(*UDPAddr); !ok {
				return fail(&AddrError{Err: "mismatched local address type", Addr: d.LocalAddr.String()})
			}
		}
		u, err := n.DialUDP(g, network, la, &UDPAddr{IP: ip, Port: port, Zone: zone})
		if err != nil {
			return nil, err
		}
		return &UDPConn{sim: u}, nil
	}
	return fail(unsupportedNetwork(network))
}

// unsupportedNetwork is the error for a network the simulation does not
// provide: a known one of net (Unix sockets, raw IP) is not simulated, any
// other is unknown, as net reports it.
func unsupportedNetwork(network string) error {
	afnet, _, _ := strings.Cut(network, ":")
	switch afnet {
	case "unix", "unixgram", "unixpacket":
		return netsim.NotSimulated("network " + network + " (Unix sockets)")
	case "ip", "ip4", "ip6":
		return netsim.NotSimulated("network " + network + " (raw IP)")
	}
	return UnknownNetworkError(network)
}

// Dial connects to address on network ("tcp", "udp", … as in net.Dial). In a
// simulation host names are node names and "localhost".
func Dial(network, address string) (Conn, error) {
	var d Dialer
	return d.Dial(network, address)
}

// DialTimeout is Dial with a timeout (virtual in a simulation).
func DialTimeout(network, address string, timeout time.Duration) (Conn, error) {
	d := Dialer{Timeout: timeout}
	return d.Dial(network, address)
}

// DialTCP connects to raddr from laddr (nil: chosen by the system).
func DialTCP(network string, laddr, raddr *TCPAddr) (*TCPConn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &OpError{Op: "dial", Net: network, Source: tcpAddrOp(laddr), Addr: tcpAddrOp(raddr), Err: UnknownNetworkError(network)}
	}
	if g := kernel.Current(); g != nil {
		c, err := netsim.Of(g.Sim()).Dial(g, network, laddr, raddr, netsim.DialOptions{})
		if err != nil {
			return nil, err
		}
		return &TCPConn{sim: c}, nil
	}
	c, err := net.DialTCP(network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return &TCPConn{std: c}, nil
}

// DialUDP makes a UDP socket connected to raddr, bound to laddr (nil:
// chosen by the system).
func DialUDP(network string, laddr, raddr *UDPAddr) (*UDPConn, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &OpError{Op: "dial", Net: network, Source: udpAddrOp(laddr), Addr: udpAddrOp(raddr), Err: UnknownNetworkError(network)}
	}
	if g := kernel.Current(); g != nil {
		u, err := netsim.Of(g.Sim()).DialUDP(g, network, laddr, raddr)
		if err != nil {
			return nil, err
		}
		return &UDPConn{sim: u}, nil
	}
	c, err := net.DialUDP(network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return &UDPConn{std: c}, nil
}

func tcpAddrOp(a *TCPAddr) Addr {
	if a == nil {
		return nil
	}
	return a
}

func udpAddrOp(a *UDPAddr) Addr {
	if a == nil {
		return nil
	}
	return a
}

// ListenConfig holds the options for listening to an address, as
// net.ListenConfig does. In a simulation Control, KeepAlive and
// KeepAliveConfig are accepted and have no effect.
type ListenConfig struct {
	// Control is called after creating the network connection but before
	// binding it, outside a simulation only.
	Control func(network, address string, c syscall.RawConn) error
	// KeepAlive is the keep-alive period of accepted connections.
	KeepAlive time.Duration
	// KeepAliveConfig is the keep-alive configuration of accepted
	// connections.
	KeepAliveConfig KeepAliveConfig

	mptcp int8
}

// MultipathTCP reports whether MPTCP will be used.
func (lc *ListenConfig) MultipathTCP() bool {
	if kernel.Current() != nil {
		return false
	}
	return lc.std().MultipathTCP()
}

// SetMultipathTCP directs Listen to use, or not, MPTCP (outside a
// simulation).
func (lc *ListenConfig) SetMultipathTCP(use bool) {
	lc.mptcp = -1
	if use {
		lc.mptcp = 1
	}
}

func (lc *ListenConfig) std() *net.ListenConfig {
	slc := &net.ListenConfig{Control: lc.Control, KeepAlive: lc.KeepAlive, KeepAliveConfig: lc.KeepAliveConfig}
	if lc.mptcp != 0 {
		slc.SetMultipathTCP(lc.mptcp > 0)
	}
	return slc
}

// Listen announces on the local network address.
func (lc *ListenConfig) Listen(ctx simctx.Context, network, address string) (Listener, error) {
	g := kernel.Current()
	if g == nil {
		l, err := lc.std().Listen(ctx, network, address)
		if tl, ok := l.(*net.TCPListener); ok {
			return &TCPListener{std: tl}, err
		}
		return l, err
	}
	n := netsim.Of(g.Sim())
	fail := func(err error) (Listener, error) {
		return nil, &OpError{Op: "listen", Net: network, Err: err}
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
		ip, port, zone, err := n.Resolve(network, address)
		if err != nil {
			return fail(err)
		}
		l, err := n.Listen(g, network, &TCPAddr{IP: ip, Port: port, Zone: zone})
		if err != nil {
			return nil, err
		}
		return &TCPListener{sim: l}, nil
	}
	return fail(unsupportedNetwork(network))
}

// ListenPacket announces on the local network address.
func (lc *ListenConfig) ListenPacket(ctx simctx.Context, network, address string) (PacketConn, error) {
	g := kernel.Current()
	if g == nil {
		c, err := lc.std().ListenPacket(ctx, network, address)
		if uc, ok := c.(*net.UDPConn); ok {
			return &UDPConn{std: uc}, err
		}
		return c, err
	}
	n := netsim.Of(g.Sim())
	fail := func(err error) (PacketConn, error) {
		return nil, &OpError{Op: "listen", Net: network, Err: err}
	}
	switch network {
	case "udp", "udp4", "udp6":
		ip, port, zone, err := n.Resolve(network, address)
		if err != nil {
			return fail(err)
		}
		u, err := n.ListenUDP(g, network, &UDPAddr{IP: ip, Port: port, Zone: zone})
		if err != nil {
			return nil, err
		}
		return &UDPConn{sim: u}, nil
	}
	return fail(unsupportedNetwork(network))
}

// Listen announces on the local network address ("tcp", "tcp4", "tcp6";
// port 0 chooses one). In a simulation the listener belongs to the caller's
// node; ":port", "0.0.0.0:port" and "[::]:port" listen on every address of
// the node, 127.0.0.1 only on its loopback.
func Listen(network, address string) (Listener, error) {
	var lc ListenConfig
	return lc.Listen(simctx.Background(), network, address)
}

// ListenPacket announces on the local network address ("udp", "udp4",
// "udp6" in a simulation).
func ListenPacket(network, address string) (PacketConn, error) {
	var lc ListenConfig
	return lc.ListenPacket(simctx.Background(), network, address)
}

// ListenTCP announces on laddr (nil: every address, a port chosen by the
// system).
func ListenTCP(network string, laddr *TCPAddr) (*TCPListener, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &OpError{Op: "listen", Net: network, Addr: tcpAddrOp(laddr), Err: UnknownNetworkError(network)}
	}
	if g := kernel.Current(); g != nil {
		if laddr == nil {
			laddr = &TCPAddr{}
		}
		l, err := netsim.Of(g.Sim()).Listen(g, network, laddr)
		if err != nil {
			return nil, err
		}
		return &TCPListener{sim: l}, nil
	}
	l, err := net.ListenTCP(network, laddr)
	if err != nil {
		return nil, err
	}
	return &TCPListener{std: l}, nil
}

// ListenUDP binds a UDP socket to laddr (nil: every address, a port chosen
// by the system).
func ListenUDP(network string, laddr *UDPAddr) (*UDPConn, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, &OpError{Op: "listen", Net: network, Addr: udpAddrOp(laddr), Err: UnknownNetworkError(network)}
	}
	if g := kernel.Current(); g != nil {
		if laddr == nil {
			laddr = &UDPAddr{}
		}
		u, err := netsim.Of(g.Sim()).ListenUDP(g, network, laddr)
		if err != nil {
			return nil, err
		}
		return &UDPConn{sim: u}, nil
	}
	c, err := net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return &UDPConn{std: c}, nil
}

// DialTCP connects to raddr from laddr (the zero AddrPort: chosen by the
// system), with d's options and ctx.
func (d *Dialer) DialTCP(ctx simctx.Context, network string, laddr netip.AddrPort, raddr netip.AddrPort) (*TCPConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	g := kernel.Current()
	if g == nil {
		sctx, done := d.stdContext(ctx)
		defer done()
		c, err := d.std().DialTCP(sctx, network, laddr, raddr)
		if err != nil {
			return nil, err
		}
		return &TCPConn{std: c}, nil
	}
	la, ra := net.TCPAddrFromAddrPort(laddr), net.TCPAddrFromAddrPort(raddr)
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &OpError{Op: "dial", Net: network, Source: la, Addr: ra, Err: UnknownNetworkError(network)}
	}
	opts := netsim.DialOptions{Deadline: d.deadline(ctx, kernel.Epoch.Add(g.Sim().Now())), Watch: d.watch(ctx)}
	c, err := netsim.Of(g.Sim()).Dial(g, network, la, ra, opts)
	if err != nil {
		return nil, err
	}
	return &TCPConn{sim: c}, nil
}

// DialUDP makes a UDP socket bound to laddr (the zero AddrPort: chosen by
// the system) and connected to raddr.
func (d *Dialer) DialUDP(ctx simctx.Context, network string, laddr netip.AddrPort, raddr netip.AddrPort) (*UDPConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	if kernel.Current() == nil {
		sctx, done := d.stdContext(ctx)
		defer done()
		c, err := d.std().DialUDP(sctx, network, laddr, raddr)
		if err != nil {
			return nil, err
		}
		return &UDPConn{std: c}, nil
	}
	return DialUDP(network, net.UDPAddrFromAddrPort(laddr), net.UDPAddrFromAddrPort(raddr))
}

// DialIP connects to raddr over raw IP (outside a simulation only).
func (d *Dialer) DialIP(ctx simctx.Context, network string, laddr netip.Addr, raddr netip.Addr) (*IPConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	if kernel.Current() != nil {
		return nil, &OpError{Op: "dial", Net: network, Err: netsim.NotSimulated("raw IP")}
	}
	sctx, done := d.stdContext(ctx)
	defer done()
	return d.std().DialIP(sctx, network, laddr, raddr)
}

// DialUnix connects to a Unix domain socket (outside a simulation only).
func (d *Dialer) DialUnix(ctx simctx.Context, network string, laddr *UnixAddr, raddr *UnixAddr) (*UnixConn, error) {
	if ctx == nil {
		panic("nil context")
	}
	if kernel.Current() != nil {
		return nil, &OpError{Op: "dial", Net: network, Source: unixAddrOp(laddr), Addr: unixAddrOp(raddr), Err: netsim.NotSimulated("Unix sockets")}
	}
	sctx, done := d.stdContext(ctx)
	defer done()
	return d.std().DialUnix(sctx, network, laddr, raddr)
}
