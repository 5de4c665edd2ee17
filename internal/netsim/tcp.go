package netsim

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// ipOf converts a net.IP to a netip.Addr (invalid for nil), IPv4-mapped
// addresses unmapped.
func ipOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

// family is 4 or 6 for a network ending in that digit, 0 otherwise.
func family(network string) int {
	switch network[len(network)-1] {
	case '4':
		return 4
	case '6':
		return 6
	}
	return 0
}

// boundIP is the IP a socket bound to every address reports, as Linux and
// net do: 0.0.0.0 for tcp4/udp4, :: for the dual-stack networks.
func boundIP(network string) net.IP {
	if family(network) == 4 {
		return net.IPv4zero
	}
	return net.IPv6unspecified
}

func anyIP(a netip.Addr) bool { return !a.IsValid() || a.IsUnspecified() }

// loopbackFor is the loopback address a connection to the unspecified or
// loopback address a uses: ::1 for IPv6, 127.0.0.1 otherwise.
func loopbackFor(a netip.Addr) netip.Addr {
	if a.IsValid() && a.Is6() {
		return netip.IPv6Loopback()
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}

// sourceIP is the address a socket of h bound to laddr (maybe unspecified)
// sends from to dst: the loopback address for a loopback destination, else
// the node's address.
func (h *host) sourceIP(laddr, dst netip.Addr) netip.Addr {
	if !anyIP(laddr) {
		return laddr
	}
	if anyIP(dst) || dst.IsLoopback() {
		return loopbackFor(dst)
	}
	return h.node.Addr()
}

// Listener is a listening TCP socket.
type Listener struct {
	net     *Net
	host    *host
	network string
	bound   netip.AddrPort // address bound; its IP is invalid when bound to every address
	addr    *net.TCPAddr   // what Addr reports
	backlog []*Conn        // connections not accepted yet
	closed  bool
	waiters waitq
	dl      deadline
}

// Listen binds a TCP listener on g's node to laddr (nil: every address, an
// ephemeral port). network is tcp, tcp4 or tcp6.
func (n *Net) Listen(g *kernel.G, network string, laddr *net.TCPAddr) (*Listener, error) {
	g.Sync()
	h := n.host(g.Node())
	fail := func(err error) (*Listener, error) {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: tcpOpAddr(laddr), Err: err}
	}
	var ip netip.Addr
	port := 0
	if laddr != nil {
		ip, port = ipOf(laddr.IP), laddr.Port
	}
	if anyIP(ip) {
		ip = netip.Addr{}
	} else if !h.local(ip) {
		return fail(sysErr("bind", syscall.EADDRNOTAVAIL))
	}
	if port == 0 {
		p, ok := h.ephemeral(h.tcpUsed)
		if !ok {
			return fail(sysErr("bind", syscall.EADDRINUSE))
		}
		port = int(p)
	} else if h.listenerAt(ip, uint16(port)) {
		return fail(sysErr("bind", syscall.EADDRINUSE))
	}
	l := &Listener{net: n, host: h, network: network, bound: netip.AddrPortFrom(ip, uint16(port))}
	l.addr = &net.TCPAddr{IP: boundIP(network), Port: port}
	if ip.IsValid() {
		l.addr.IP = net.IP(ip.AsSlice())
	}
	h.tcpUsed[uint16(port)]++
	h.listeners = append(h.listeners, l)
	n.event(evBind, uint64(h.node.ID())<<16|uint64(port))
	return l, nil
}

// listenerAt reports whether a listener of h conflicts with binding ip
// (invalid: every address) and port.
func (h *host) listenerAt(ip netip.Addr, port uint16) bool {
	for _, l := range h.listeners {
		if l.bound.Port() == port && (!ip.IsValid() || !l.bound.Addr().IsValid() || l.bound.Addr() == ip) {
			return true
		}
	}
	return false
}

// findListener returns the listener a SYN for dst reaches, or nil.
func (h *host) findListener(dst netip.AddrPort) *Listener {
	var wild *Listener
	ip := dst.Addr().Unmap()
	for _, l := range h.listeners {
		if l.bound.Port() != dst.Port() {
			continue
		}
		switch {
		case l.bound.Addr() == ip:
			return l
		case !l.bound.Addr().IsValid() && wild == nil:
			if f := family(l.network); f == 0 || f == 4 && ip.Is4() || f == 6 && ip.Is6() {
				wild = l
			}
		}
	}
	return wild
}

// Addr returns the listener's address.
func (l *Listener) Addr() *net.TCPAddr { return l.addr }

func (l *Listener) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: l.network, Addr: l.addr, Err: err}
}

// Accept waits for the next connection.
func (l *Listener) Accept() (*Conn, error) {
	g := l.net.enter()
	if g == nil {
		return nil, l.opErr("accept", net.ErrClosed)
	}
	for {
		switch {
		case l.closed:
			return nil, l.opErr("accept", net.ErrClosed)
		case l.dl.passed(l.net.now()):
			return nil, l.opErr("accept", os.ErrDeadlineExceeded)
		case len(l.backlog) > 0:
			c := l.backlog[0]
			l.backlog = slices.Delete(l.backlog, 0, 1)
			return c, nil
		}
		l.waiters.wait(g, "IO wait (accept on "+l.addr.String()+")")
	}
}

// Close stops listening; connections not accepted yet are reset.
func (l *Listener) Close() error {
	if l.net.enter() == nil {
		return nil
	}
	if l.closed {
		return l.opErr("close", net.ErrClosed)
	}
	l.closed = true
	h := l.host
	h.listeners = slices.DeleteFunc(h.listeners, func(o *Listener) bool { return o == l })
	h.release(h.tcpUsed, l.bound.Port())
	for _, c := range l.backlog {
		c.sendRST()
		c.die()
	}
	l.backlog = nil
	l.dl.stop()
	l.waiters.wakeAll(l.net.sim)
	return nil
}

// SetDeadline sets the deadline of Accept.
func (l *Listener) SetDeadline(t time.Time) error {
	if l.net.enter() == nil || l.closed {
		return l.opErr("set", net.ErrClosed)
	}
	l.net.setDeadline(&l.dl, l.host.node, t, &l.waiters)
	return nil
}

func (h *host) release(used map[uint16]int, port uint16) {
	if used[port]--; used[port] <= 0 {
		delete(used, port)
	}
}

// connState is the handshake state of a TCP socket.
type connState uint8

const (
	synSent     connState = iota // connecting: SYN sent, no SYN-ACK yet
	established                  // connected (a server socket is from the start)
)

// Conn is one end of a simulated TCP connection.
type Conn struct {
	net     *Net
	host    *host
	network string
	local   netip.AddrPort
	remote  netip.AddrPort
	laddr   *net.TCPAddr
	raddr   *net.TCPAddr
	peer    *Conn // the other end, known once the SYN reached the server

	state    connState
	dialErr  error // why the dial failed
	synTries int
	synTimer *kernel.Timer

	closed  bool          // the application closed it: its operations fail with ErrClosed
	dead    bool          // the socket is gone: reset, timed out, fully closed or its node killed
	finSent bool          // no more sending: FIN queued, or reset (Linux's SEND_SHUTDOWN)
	finRcvd bool          // the peer's FIN arrived: reads end with EOF after the data
	rdShut  bool          // no more receiving: CloseRead, or reset
	soErr   syscall.Errno // pending error, reported once by the next read or write
	linger  int           // SetLinger; 0 makes Close reset the connection

	// out is what c sent that the peer's application has not consumed
	// (read, or discarded after CloseRead): its in-flight and unread bytes,
	// which the peer's rcvWindow bounds.
	out       stream
	rlen      int // bytes received and unread: the first rlen of peer.out
	rcvWindow int // bound on the peer's out (the receive buffer)

	readers, writers waitq
	rdl, wdl         deadline

	hidx     int  // index in host.conns while not dead
	ownsPort bool // a connecting socket holds its local port until it dies

	readWait, writeWait string // wait reasons, made on first use
}

func (n *Net) newConn(h *host, network string, local, remote netip.AddrPort) *Conn {
	c := &Conn{
		net: n, host: h, network: network, local: local, remote: remote,
		laddr:     net.TCPAddrFromAddrPort(local),
		raddr:     net.TCPAddrFromAddrPort(remote),
		linger:    -1,
		rcvWindow: n.cfg.Window,
		hidx:      len(h.conns),
	}
	h.conns = append(h.conns, c)
	return c
}

func (c *Conn) established() bool { return c.state == established }

// die removes the socket from its host: it receives nothing more (segments
// for it are answered with a reset) and its port is free again.
func (c *Conn) die() {
	if c.dead {
		return
	}
	c.dead = true
	h := c.host
	if i := c.hidx; i >= 0 && i < len(h.conns) && h.conns[i] == c {
		last := h.conns[len(h.conns)-1]
		h.conns[i] = last
		last.hidx = i
		h.conns[len(h.conns)-1] = nil
		h.conns = h.conns[:len(h.conns)-1]
	}
	c.hidx = -1
	if c.ownsPort {
		h.release(h.tcpUsed, c.local.Port())
		c.ownsPort = false
	}
	if c.synTimer != nil {
		c.synTimer.Cancel()
	}
	c.readers.wakeAll(c.net.sim)
	c.writers.wakeAll(c.net.sim)
}

// kill is die for a socket whose node was killed: nothing of it survives.
func (c *Conn) kill() {
	c.rdShut, c.finSent = true, true
	c.rdl.stop()
	c.wdl.stop()
	c.die()
}

// fail resets the connection with errno, reported by the next operation.
func (c *Conn) fail(errno syscall.Errno) {
	if c.dead {
		return
	}
	c.net.stats.Resets++
	c.net.event(evReset, uint64(errno))
	c.soErr = errno
	c.rdShut, c.finSent = true, true
	c.die()
}

// sendRST resets the connection at the peer.
func (c *Conn) sendRST() {
	if p := c.peer; p != nil && !p.dead {
		c.net.send(c.net.newPacket(packet{kind: pktRST, from: c.host.node, to: p.host.node, src: c, dst: p}))
	}
}

// segment sends the peer a FIN, or the last size bytes of c.out.
func (c *Conn) segment(kind pktKind, size int) {
	p := c.peer
	c.net.send(c.net.newPacket(packet{kind: kind, from: c.host.node, to: p.host.node, src: c, dst: p, size: size}))
}

// DialOptions are the options of a TCP dial.
type DialOptions struct {
	// Deadline is when the dial fails with ErrDialTimeout; zero: none (the
	// SYN retransmissions give up after 127 s, like Linux's, with ETIMEDOUT).
	Deadline time.Time
	// Watch, when set, is called once the dial is under way with a function
	// that aborts it with an error; it returns a function that ends the
	// watch, called when the dial is over.
	Watch func(abort func(error)) (stop func() bool)
}

// synRetries is Linux's tcp_syn_retries: SYNs are sent at 0, 1, 3, 7, 15, 31
// and 63 s, and the connect fails at 127 s.
const synRetries = 6

// Dial connects from g's node to raddr, from laddr when not nil.
func (n *Net) Dial(g *kernel.G, network string, laddr, raddr *net.TCPAddr, opts DialOptions) (*Conn, error) {
	g.Sync()
	h := n.host(g.Node())
	fail := func(err error) (*Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Source: tcpOpAddr(laddr), Addr: tcpOpAddr(raddr), Err: err}
	}
	if raddr == nil {
		return fail(errMissingAddress)
	}
	rip := ipOf(raddr.IP)
	dstNode := n.route(h, rip)
	if dstNode == nil {
		return fail(sysErr("connect", syscall.EHOSTUNREACH))
	}
	if anyIP(rip) {
		rip = loopbackFor(rip)
	}
	var lip netip.Addr
	lport := 0
	if laddr != nil {
		lip, lport = ipOf(laddr.IP), laddr.Port
		if !anyIP(lip) && !h.local(lip) {
			return fail(sysErr("bind", syscall.EADDRNOTAVAIL))
		}
	}
	lip = h.sourceIP(lip, rip)
	if lport == 0 {
		p, ok := h.ephemeral(h.tcpUsed)
		if !ok {
			return fail(sysErr("connect", syscall.EADDRNOTAVAIL))
		}
		lport = int(p)
	} else if h.tcpUsed[uint16(lport)] > 0 {
		return fail(sysErr("bind", syscall.EADDRINUSE))
	}
	if !opts.Deadline.IsZero() && virtual(opts.Deadline) <= n.now() {
		return fail(ErrDialTimeout)
	}
	c := n.newConn(h, network, netip.AddrPortFrom(lip, uint16(lport)), netip.AddrPortFrom(rip, uint16(raddr.Port)))
	c.ownsPort = true
	h.tcpUsed[uint16(lport)]++
	c.sendSYN(dstNode)
	c.synTimer = n.sim.NewTimer(func() { c.retrySYN(dstNode) })
	c.synTimer.Describe("tcp SYN retransmission")
	c.synTimer.SetNode(h.node)
	c.synTimer.ScheduleAfter(time.Second)
	var dl *kernel.Timer
	if !opts.Deadline.IsZero() {
		dl = n.sim.NewTimer(func() { c.abortDial(ErrDialTimeout) })
		dl.Describe("dial timeout")
		dl.SetNode(h.node)
		dl.Schedule(virtual(opts.Deadline))
	}
	var stop func() bool
	if opts.Watch != nil {
		stop = opts.Watch(c.abortDial)
	}
	defer func() {
		if dl != nil {
			dl.Cancel()
		}
		if stop != nil {
			stop()
		}
	}()
	for {
		switch {
		case c.established():
			return c, nil
		case c.dialErr != nil:
			return fail(c.dialErr)
		}
		c.readers.wait(g, fmt.Sprintf("IO wait (dial %v->%v)", c.local, c.remote))
	}
}

func (c *Conn) sendSYN(dst *kernel.Node) {
	c.net.send(c.net.newPacket(packet{kind: pktSYN, from: c.host.node, to: dst, src: c, srcAddr: c.local, dstAddr: c.remote}))
}

func (c *Conn) retrySYN(dst *kernel.Node) {
	if c.dead || c.established() {
		return
	}
	c.synTries++
	if c.synTries > synRetries {
		c.abortDial(sysErr("connect", syscall.ETIMEDOUT))
		return
	}
	c.sendSYN(dst)
	c.synTimer.ScheduleAfter(time.Duration(1<<c.synTries) * time.Second)
}

// abortDial ends a dial in progress with err.
func (c *Conn) abortDial(err error) {
	if c.state != synSent || c.dialErr != nil {
		return
	}
	c.dialErr = err
	c.die()
}

// onSYN answers a connection request at the server's node.
func (n *Net) onSYN(p *packet) {
	c := p.src
	if c.dead {
		return // the client gave up
	}
	if s := c.peer; s != nil {
		// A retransmitted SYN: the SYN-ACK was slow or held.
		if !s.dead && !c.established() {
			n.send(n.newPacket(packet{kind: pktSYNACK, from: p.to, to: p.from, src: s, dst: c}))
		}
		return
	}
	h := n.host(p.to)
	l := h.findListener(p.dstAddr)
	if l == nil {
		n.send(n.newPacket(packet{kind: pktRST, from: p.to, to: p.from, dst: c}))
		return
	}
	if len(l.backlog) >= n.cfg.Backlog {
		n.drop(p, "backlog full") // the client retransmits
		return
	}
	s := n.newConn(h, l.network, p.dstAddr, p.srcAddr)
	s.state = established
	s.peer, c.peer = c, s
	l.backlog = append(l.backlog, s)
	l.waiters.wakeAll(n.sim)
	n.send(n.newPacket(packet{kind: pktSYNACK, from: p.to, to: p.from, src: s, dst: c}))
}

func (n *Net) onSYNACK(p *packet) {
	c := p.dst
	if c.dead || c.peer != p.src {
		if !p.src.dead {
			n.send(n.newPacket(packet{kind: pktRST, from: p.to, to: p.from, src: c, dst: p.src}))
		}
		return
	}
	if c.established() {
		return
	}
	c.state = established
	c.synTimer.Cancel()
	c.readers.wakeAll(n.sim)
}

// onSegment delivers data or a FIN.
func (n *Net) onSegment(p *packet) {
	c := p.dst
	switch {
	case c.dead:
		if p.src != nil && !p.src.dead {
			n.send(n.newPacket(packet{kind: pktRST, from: p.to, to: p.from, src: c, dst: p.src}))
		}
		return
	case c.closed:
		// Data for a closed socket resets the connection; a FIN ends it.
		if p.kind == pktData {
			c.sendRST()
		}
		c.die()
		return
	case p.kind == pktFIN:
		c.finRcvd = true
		c.readers.wakeAll(n.sim)
	case c.rdShut:
		p.src.out.discard(p.size)
		c.credit(p.src, p.size)
	default:
		c.rlen += p.size
		c.readers.wakeAll(n.sim)
	}
}

// credit tells the sender that k of its bytes were consumed (they left its
// out): window updates take no time.
func (c *Conn) credit(sender *Conn, k int) {
	if sender == nil || k == 0 {
		return
	}
	sender.writers.wakeAll(c.net.sim)
}

func (n *Net) onRST(p *packet) {
	c := p.dst
	switch {
	case c.dead:
	case !c.established():
		c.dialErr = sysErr("connect", syscall.ECONNREFUSED)
		c.die()
	case c.closed:
		c.die()
	case c.finRcvd:
		c.fail(syscall.EPIPE) // as Linux does in CLOSE_WAIT
	default:
		c.fail(syscall.ECONNRESET)
	}
}

// LocalAddr returns the local address.
func (c *Conn) LocalAddr() *net.TCPAddr { return c.laddr }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() *net.TCPAddr { return c.raddr }

func (c *Conn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: c.network, Source: c.laddr, Addr: c.raddr, Err: err}
}

// reason is what a goroutine blocked in op waits for, for deadlock reports
// (made once per connection and operation: Read blocks often).
func (c *Conn) reason(op string, cache *string) string {
	if *cache == "" {
		*cache = fmt.Sprintf("IO wait (net.Conn.%s %v->%v)", op, c.local, c.remote)
	}
	return *cache
}

// Read reads received data, waiting for some.
func (c *Conn) Read(b []byte) (int, error) {
	g := c.net.enter()
	if g == nil {
		return 0, c.opErr("read", net.ErrClosed)
	}
	for {
		switch {
		case c.closed:
			return 0, c.opErr("read", net.ErrClosed)
		case c.rdl.passed(c.net.now()):
			return 0, c.opErr("read", os.ErrDeadlineExceeded)
		case len(b) == 0:
			return 0, nil
		case c.rlen > 0:
			k := c.peer.out.read(b[:min(len(b), c.rlen)])
			c.rlen -= k
			c.credit(c.peer, k)
			return k, nil
		case c.finRcvd:
			return 0, io.EOF
		case c.soErr != 0:
			errno := c.soErr
			c.soErr = 0
			return 0, c.opErr("read", sysErr("read", errno))
		case c.rdShut:
			return 0, io.EOF
		}
		c.readers.wait(g, c.reason("Read", &c.readWait))
	}
}

// Write sends b, waiting while the peer's window is full.
func (c *Conn) Write(b []byte) (int, error) {
	g := c.net.enter()
	if g == nil {
		return 0, c.opErr("write", net.ErrClosed)
	}
	n := 0
	for {
		switch {
		case c.closed:
			return n, c.opErr("write", net.ErrClosed)
		case c.wdl.passed(c.net.now()):
			return n, c.opErr("write", os.ErrDeadlineExceeded)
		case c.soErr != 0:
			errno := c.soErr
			c.soErr = 0
			return n, c.opErr("write", sysErr("write", errno))
		case c.finSent || c.dead:
			return n, c.opErr("write", sysErr("write", syscall.EPIPE))
		case len(b) == 0:
			return n, nil
		}
		if avail := c.peer.rcvWindow - c.out.len(); avail > 0 {
			k := min(avail, len(b))
			c.out.write(b[:k])
			c.segment(pktData, k)
			n += k
			b = b[k:]
			continue
		}
		c.writers.wait(g, c.reason("Write", &c.writeWait))
	}
}

// Close closes the connection: a FIN follows the data sent, or a reset when
// unread data is pending or SetLinger(0) was called.
func (c *Conn) Close() error {
	if c.net.enter() == nil {
		return nil
	}
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	c.rdl.stop()
	c.wdl.stop()
	defer func() {
		c.readers.wakeAll(c.net.sim)
		c.writers.wakeAll(c.net.sim)
	}()
	if c.dead {
		return nil
	}
	if c.linger == 0 || c.rlen > 0 {
		c.sendRST()
		c.rdShut, c.finSent = true, true
		c.die()
		return nil
	}
	if !c.finSent {
		c.finSent = true
		c.segment(pktFIN, 0)
	}
	if c.finRcvd {
		c.die()
	}
	return nil
}

// CloseWrite shuts down the sending side: the peer reads EOF after the data
// sent so far.
func (c *Conn) CloseWrite() error {
	if c.net.enter() == nil || c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	if c.dead {
		return c.opErr("close", sysErr("shutdown", syscall.ENOTCONN))
	}
	if !c.finSent {
		c.finSent = true
		c.segment(pktFIN, 0)
		c.writers.wakeAll(c.net.sim)
	}
	return nil
}

// CloseRead shuts down the receiving side: reads return EOF, and data that
// arrives is discarded.
func (c *Conn) CloseRead() error {
	if c.net.enter() == nil || c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	if c.dead {
		return c.opErr("close", sysErr("shutdown", syscall.ENOTCONN))
	}
	c.rdShut = true
	if c.rlen > 0 {
		c.peer.out.discard(c.rlen)
		c.credit(c.peer, c.rlen)
		c.rlen = 0
	}
	c.readers.wakeAll(c.net.sim)
	return nil
}

func (c *Conn) setErr() error {
	if c.net.enter() == nil || c.closed {
		return &net.OpError{Op: "set", Net: c.network, Addr: c.laddr, Err: net.ErrClosed}
	}
	return nil
}

// SetReadDeadline sets the deadline of Read on the virtual clock.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if err := c.setErr(); err != nil {
		return err
	}
	c.net.setDeadline(&c.rdl, c.host.node, t, &c.readers)
	return nil
}

// SetWriteDeadline sets the deadline of Write on the virtual clock.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if err := c.setErr(); err != nil {
		return err
	}
	c.net.setDeadline(&c.wdl, c.host.node, t, &c.writers)
	return nil
}

// SetLinger sets SO_LINGER: 0 makes Close reset the connection; other
// values behave like the default (the model has no send buffer to drain).
func (c *Conn) SetLinger(sec int) error {
	if err := c.setErr(); err != nil {
		return err
	}
	c.linger = sec
	return nil
}

// SetReadBuffer sets the receive buffer, which bounds what the peer may
// have in flight and unread.
func (c *Conn) SetReadBuffer(bytes int) error {
	if err := c.setErr(); err != nil {
		return err
	}
	c.rcvWindow = max(bytes, 1)
	if c.peer != nil {
		c.peer.writers.wakeAll(c.net.sim)
	}
	return nil
}

// SetOption accepts an option the model does not act on (no delay, keep
// alive, write buffer), failing only on a closed connection.
func (c *Conn) SetOption() error { return c.setErr() }

// Network returns the network the connection was made on (tcp, tcp4, tcp6).
func (c *Conn) Network() string { return c.network }

// Network returns the network the listener was made on (tcp, tcp4, tcp6).
func (l *Listener) Network() string { return l.network }
