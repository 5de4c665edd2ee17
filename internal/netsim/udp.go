package netsim

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// maxDatagram is the largest UDP payload over IPv4.
const maxDatagram = 65507

// UDPConn is a simulated UDP socket, connected (DialUDP) or not.
type UDPConn struct {
	net     *Net
	host    *host
	network string
	bound   netip.AddrPort // its IP is invalid when bound to every address
	laddr   *net.UDPAddr
	remote  netip.AddrPort // valid when connected
	raddr   *net.UDPAddr   // nil when not connected

	q      []datagram // received, unread
	qbytes int
	closed bool
	soErr  syscall.Errno // an ICMP error for a connected socket, reported once

	readers waitq
	writers waitq // only deadlines wake it: sends never block
	rdl     deadline
	wdl     deadline

	readWait string // wait reason, made on first use
}

type datagram struct {
	from netip.AddrPort
	data []byte
}

// ListenUDP binds a UDP socket on g's node to laddr (nil: every address, an
// ephemeral port).
func (n *Net) ListenUDP(g *kernel.G, network string, laddr *net.UDPAddr) (*UDPConn, error) {
	g.Sync()
	u, err := n.bindUDP(n.host(g.Node()), network, laddr, netip.Addr{})
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: udpOpAddr(laddr), Err: err}
	}
	return u, nil
}

// DialUDP binds a UDP socket on g's node (to laddr when not nil) connected
// to raddr: it sends to raddr only, receives from it only, and learns from
// ICMP when nothing listens there.
func (n *Net) DialUDP(g *kernel.G, network string, laddr, raddr *net.UDPAddr) (*UDPConn, error) {
	g.Sync()
	fail := func(err error) (*UDPConn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Source: udpOpAddr(laddr), Addr: udpOpAddr(raddr), Err: err}
	}
	if raddr == nil {
		return fail(errMissingAddress)
	}
	h := n.host(g.Node())
	rip := ipOf(raddr.IP)
	if anyIP(rip) {
		rip = loopbackFor(rip)
	}
	u, err := n.bindUDP(h, network, laddr, rip)
	if err != nil {
		return fail(err)
	}
	u.remote = netip.AddrPortFrom(rip, uint16(raddr.Port))
	u.raddr = net.UDPAddrFromAddrPort(u.remote)
	return u, nil
}

// bindUDP creates a socket of h bound to laddr; a connected socket (dst
// valid) bound to every address gets the source address of that route.
func (n *Net) bindUDP(h *host, network string, laddr *net.UDPAddr, dst netip.Addr) (*UDPConn, error) {
	var ip netip.Addr
	port := 0
	if laddr != nil {
		ip, port = ipOf(laddr.IP), laddr.Port
	}
	if anyIP(ip) {
		ip = netip.Addr{}
		if dst.IsValid() {
			ip = h.sourceIP(ip, dst)
		}
	} else if !h.local(ip) {
		return nil, sysErr("bind", syscall.EADDRNOTAVAIL)
	}
	if port == 0 {
		p, ok := h.ephemeral(h.udpUsed)
		if !ok {
			return nil, sysErr("bind", syscall.EADDRINUSE)
		}
		port = int(p)
	} else if h.udpAt(ip, uint16(port)) {
		return nil, sysErr("bind", syscall.EADDRINUSE)
	}
	u := &UDPConn{net: n, host: h, network: network, bound: netip.AddrPortFrom(ip, uint16(port))}
	u.laddr = &net.UDPAddr{IP: boundIP(network), Port: port}
	if ip.IsValid() {
		u.laddr.IP = net.IP(ip.AsSlice())
	}
	h.udpUsed[uint16(port)]++
	h.udps = append(h.udps, u)
	n.event(evBind, 1<<32|uint64(h.node.ID())<<16|uint64(port))
	return u, nil
}

func (h *host) udpAt(ip netip.Addr, port uint16) bool {
	for _, u := range h.udps {
		if u.bound.Port() == port && (!ip.IsValid() || !u.bound.Addr().IsValid() || u.bound.Addr() == ip) {
			return true
		}
	}
	return false
}

// findUDP returns the socket a datagram from src to dst reaches: the most
// specific match, as Linux scores them.
func (h *host) findUDP(dst, src netip.AddrPort) *UDPConn {
	var best *UDPConn
	bestScore := -1
	ip := dst.Addr().Unmap()
	for _, u := range h.udps {
		if u.bound.Port() != dst.Port() {
			continue
		}
		score := 0
		switch a := u.bound.Addr(); {
		case a == ip:
			score += 2
		case a.IsValid():
			continue
		default:
			if f := family(u.network); f == 4 && !ip.Is4() || f == 6 && !ip.Is6() {
				continue
			}
		}
		if u.raddr != nil {
			if u.remote != src {
				continue
			}
			score++
		}
		if score > bestScore {
			best, bestScore = u, score
		}
	}
	return best
}

// LocalAddr returns the local address.
func (u *UDPConn) LocalAddr() *net.UDPAddr { return u.laddr }

// RemoteAddr returns the connected peer's address, or nil.
func (u *UDPConn) RemoteAddr() *net.UDPAddr { return u.raddr }

func (u *UDPConn) opErr(op string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: u.network, Source: u.laddr, Addr: addr, Err: err}
}

// ReadFrom receives a datagram; one longer than b is truncated. call is the
// system call an ICMP error is reported for (read or recvfrom).
func (u *UDPConn) ReadFrom(b []byte, call string) (int, netip.AddrPort, error) {
	g := u.net.enter()
	if g == nil {
		return 0, netip.AddrPort{}, u.opErr("read", udpOpAddr(u.raddr), net.ErrClosed)
	}
	for {
		switch {
		case u.closed:
			return 0, netip.AddrPort{}, u.opErr("read", udpOpAddr(u.raddr), net.ErrClosed)
		case u.rdl.passed(u.net.now()):
			return 0, netip.AddrPort{}, u.opErr("read", udpOpAddr(u.raddr), os.ErrDeadlineExceeded)
		case len(u.q) > 0:
			d := u.q[0]
			u.q[0] = datagram{}
			u.q = u.q[1:]
			u.qbytes -= len(d.data)
			return copy(b, d.data), d.from, nil
		case u.soErr != 0:
			errno := u.soErr
			u.soErr = 0
			return 0, netip.AddrPort{}, u.opErr("read", udpOpAddr(u.raddr), sysErr(call, errno))
		}
		if u.readWait == "" {
			u.readWait = fmt.Sprintf("IO wait (net.UDPConn.Read on %v)", u.laddr)
		}
		u.readers.wait(g, u.readWait)
	}
}

// WriteTo sends b to addr (nil: the connected peer). call is the system
// call errors are reported for (write or sendto).
func (u *UDPConn) WriteTo(b []byte, addr *net.UDPAddr, call string) (int, error) {
	opAddr := udpOpAddr(addr)
	if addr == nil {
		opAddr = udpOpAddr(u.raddr)
	}
	if addr != nil && u.raddr != nil {
		return 0, u.opErr("write", opAddr, net.ErrWriteToConnected)
	}
	g := u.net.enter()
	switch {
	case g == nil || u.closed:
		return 0, u.opErr("write", opAddr, net.ErrClosed)
	case u.wdl.passed(u.net.now()):
		return 0, u.opErr("write", opAddr, os.ErrDeadlineExceeded)
	case addr == nil && u.raddr == nil:
		return 0, u.opErr("write", nil, sysErr(call, syscall.EDESTADDRREQ))
	case u.soErr != 0 && u.raddr != nil:
		errno := u.soErr
		u.soErr = 0
		return 0, u.opErr("write", opAddr, sysErr(call, errno))
	case len(b) > maxDatagram:
		return 0, u.opErr("write", opAddr, sysErr(call, syscall.EMSGSIZE))
	}
	dst := u.remote
	if addr != nil {
		dst = addr.AddrPort()
		dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	}
	u.send(dst, b)
	return len(b), nil
}

func (u *UDPConn) send(dst netip.AddrPort, b []byte) {
	n, h := u.net, u.host
	node := n.route(h, dst.Addr())
	if node == nil {
		return // nobody has that address: lost
	}
	if anyIP(dst.Addr()) {
		dst = netip.AddrPortFrom(loopbackFor(dst.Addr()), dst.Port())
	}
	src := netip.AddrPortFrom(h.sourceIP(u.bound.Addr(), dst.Addr()), u.bound.Port())
	copies := 1
	if node != h.node {
		switch {
		case n.cfg.Loss > 0 && Float64(n.src) < n.cfg.Loss:
			copies = 0
			n.stats.Sent++
			n.stats.Dropped++
			n.event(evDrop, 1<<40)
			if n.sim.Tracing() {
				n.sim.Trace(kernel.TraceEvent{Kind: "net.drop", Node: h.node.Name(), Peer: node.Name(), Size: len(b), Reason: "loss"})
			}
		case n.cfg.Duplicate > 0 && Float64(n.src) < n.cfg.Duplicate:
			copies = 2
		}
	}
	data := slices.Clone(b)
	for range copies {
		n.send(n.newPacket(packet{kind: pktUDP, from: h.node, to: node, srcAddr: src, dstAddr: dst, usrc: u, data: data, size: len(data)}))
	}
}

// onDatagram delivers a datagram, or answers with ICMP port unreachable.
func (n *Net) onDatagram(p *packet) {
	h := n.host(p.to)
	u := h.findUDP(p.dstAddr, p.srcAddr)
	if u == nil {
		if p.usrc != nil {
			n.send(n.newPacket(packet{kind: pktICMP, from: p.to, to: p.from, udst: p.usrc}))
		}
		return
	}
	if u.qbytes+len(p.data) > n.cfg.UDPBuffer {
		n.drop(p, "receive buffer full")
		return
	}
	u.q = append(u.q, datagram{from: p.srcAddr, data: p.data})
	u.qbytes += len(p.data)
	u.readers.wakeAll(n.sim)
}

// onICMP reports "connection refused" to a connected socket.
func (n *Net) onICMP(p *packet) {
	if u := p.udst; !u.closed && u.raddr != nil {
		u.soErr = syscall.ECONNREFUSED
		u.readers.wakeAll(n.sim)
	}
}

// Close closes the socket.
func (u *UDPConn) Close() error {
	if u.net.enter() == nil {
		return nil
	}
	if u.closed {
		return u.opErr("close", udpOpAddr(u.raddr), net.ErrClosed)
	}
	u.closed = true
	h := u.host
	h.udps = slices.DeleteFunc(h.udps, func(o *UDPConn) bool { return o == u })
	h.release(h.udpUsed, u.bound.Port())
	u.q, u.qbytes = nil, 0
	u.rdl.stop()
	u.wdl.stop()
	u.readers.wakeAll(u.net.sim)
	u.writers.wakeAll(u.net.sim)
	return nil
}

func (u *UDPConn) setErr() error {
	if u.net.enter() == nil || u.closed {
		return &net.OpError{Op: "set", Net: u.network, Addr: u.laddr, Err: net.ErrClosed}
	}
	return nil
}

// SetReadDeadline sets the deadline of reads on the virtual clock.
func (u *UDPConn) SetReadDeadline(t time.Time) error {
	if err := u.setErr(); err != nil {
		return err
	}
	u.net.setDeadline(&u.rdl, u.host.node, t, &u.readers)
	return nil
}

// SetWriteDeadline sets the deadline of writes on the virtual clock.
func (u *UDPConn) SetWriteDeadline(t time.Time) error {
	if err := u.setErr(); err != nil {
		return err
	}
	u.net.setDeadline(&u.wdl, u.host.node, t, &u.writers)
	return nil
}

// SetOption accepts an option the model does not act on (buffer sizes),
// failing only on a closed socket.
func (u *UDPConn) SetOption() error { return u.setErr() }

// Network returns the network the socket was made on (udp, udp4, udp6).
func (u *UDPConn) Network() string { return u.network }
