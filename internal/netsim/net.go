package netsim

import (
	"fmt"
	"net/netip"
	"slices"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// Defaults of Config.
const (
	DefaultWindow     = 256 << 10        // TCP bytes unread by the receiver plus in flight, per direction
	DefaultBacklog    = 128              // connections waiting in a listener's accept queue
	DefaultUDPBuffer  = 256 << 10        // bytes queued for reading on a UDP socket
	DefaultTCPTimeout = 30 * time.Second // how long a segment may be lost to a partition
)

// DefaultLatency is the one-way latency between two nodes: uniform between
// 0.1 and 1 ms, a small data center.
func DefaultLatency() Dist { return Uniform(100*time.Microsecond, time.Millisecond) }

// DefaultLoopbackLatency is the latency within a node (127.0.0.1, or a
// node's own address).
func DefaultLoopbackLatency() Dist { return Uniform(5*time.Microsecond, 20*time.Microsecond) }

// Config is the network of a run. The zero value of each field means its
// default.
type Config struct {
	// Latency is the one-way latency of a packet between two nodes; every
	// packet draws its own (a link delivers in order, so TCP and, unless
	// Reorder says otherwise, UDP arrive in the order sent).
	Latency Dist
	// LoopbackLatency is the latency within a node.
	LoopbackLatency Dist

	// Loss, Duplicate and Reorder are the probabilities that a UDP datagram
	// between two nodes is lost, delivered twice, or delayed past the ones
	// sent after it. TCP is reliable and ordered whatever they are.
	Loss, Duplicate, Reorder float64

	// TCPTimeout is how long a TCP segment may stay lost to a partition
	// before its connection gives up (its next operation fails with
	// ETIMEDOUT, "connection timed out"); negative means never.
	TCPTimeout time.Duration
	// Window bounds the bytes a TCP sender has in flight plus those unread
	// at the receiver; a Write blocks beyond it. SetReadBuffer changes it
	// per connection.
	Window int
	// Backlog bounds a listener's queue of connections not yet accepted; a
	// SYN beyond it is dropped and the client retransmits.
	Backlog int
	// UDPBuffer bounds the bytes queued for reading on a UDP socket; a
	// datagram beyond it is dropped.
	UDPBuffer int
}

func (c Config) withDefaults() Config {
	if c.Latency == nil {
		c.Latency = DefaultLatency()
	}
	if c.LoopbackLatency == nil {
		c.LoopbackLatency = DefaultLoopbackLatency()
	}
	if c.TCPTimeout == 0 {
		c.TCPTimeout = DefaultTCPTimeout
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.Backlog <= 0 {
		c.Backlog = DefaultBacklog
	}
	if c.UDPBuffer <= 0 {
		c.UDPBuffer = DefaultUDPBuffer
	}
	return c
}

// Stats counts what the network did in a run.
type Stats struct {
	Sent      uint64 // packets sent (TCP segments including SYN, FIN and RST; UDP datagrams)
	Delivered uint64 // packets that reached their destination node
	Dropped   uint64 // lost: UDP loss, partitions (except retransmitted TCP), killed senders, full queues, timed-out TCP connections
	Stalled   uint64 // packets held by a clog or a partition: delivered later, or lost if their connection times out
	Resets    uint64 // TCP connections reset (RST received, or timed out)
}

// Net is the simulated network of one run: its hosts (one per node), the
// links between them and the faults on those links. All of it is touched
// only from inside the run (its goroutines and timers), one at a time.
type Net struct {
	sim *kernel.Sim
	cfg Config
	src simSource

	hosts []*host   // by node ID; nil until used, and again after a kill
	links [][]*link // [from][to], created on first use
	all   []*link   // every link, in creation order

	seq uint64 // packet sequence numbers, in send order

	// free holds zeroed packets that no link, fault or handler refers to
	// any more, for newPacket to reuse: a run sends a packet per segment.
	// Only the run's goroutines and timers touch a Net, one at a time, so
	// a plain list is enough.
	free []*packet

	spikeFactor float64
	spikeUntil  int64

	nodeCut, nodeClog []bool // node-level faults by node ID

	stats Stats
}

type extKey struct{}

// Of returns the network of the run s, creating it on first use.
func Of(s *kernel.Sim) *Net {
	return s.Ext(extKey{}, func() any {
		n := &Net{sim: s, cfg: Config{}.withDefaults(), src: simSource{s}}
		s.OnNode(n.onNode)
		return n
	}).(*Net)
}

// simSource draws from the run's generator, mixing every draw into the trace
// hash.
type simSource struct{ s *kernel.Sim }

func (r simSource) Uint64() uint64 { return r.s.Rand() }

// Sim returns the run the network belongs to.
func (n *Net) Sim() *kernel.Sim { return n.sim }

// Config returns the network's configuration, defaults filled in.
func (n *Net) Config() Config { return n.cfg }

// SetConfig replaces the network's configuration (zero fields take their
// defaults). Packets already in flight keep their delivery times.
func (n *Net) SetConfig(c Config) {
	n.cfg = c.withDefaults()
	n.event(evConfig, 0)
}

// Stats returns what the network did so far.
func (n *Net) Stats() Stats { return n.stats }

// Random returns the run's generator, for faults drawn by callers.
func (n *Net) Random() Source { return n.src }

func (n *Net) now() int64 { return int64(n.sim.Now()) }

// Event tags mixed into the trace hash.
const (
	evSend uint64 = iota + 1
	evDeliver
	evDrop
	evStall
	evFault
	evConfig
	evReset
	evKill
	evBind
)

func (n *Net) event(tag, v uint64) { n.sim.Event(tag<<56 ^ v) }

// host is the network stack of one node in one life: its sockets and ports.
// Killing the node discards it; the next use creates a fresh one.
type host struct {
	net  *Net
	node *kernel.Node

	listeners []*Listener
	conns     []*Conn    // TCP sockets that are not dead, in creation order; Conn.hidx indexes it
	udps      []*UDPConn // open UDP sockets, in creation order

	tcpUsed map[uint16]int // TCP ports bound by listeners and connecting sockets
	udpUsed map[uint16]int // UDP ports bound
	next    uint16         // ephemeral port cursor; 0 until first drawn
}

// host returns the live host of node id.
func (n *Net) host(node *kernel.Node) *host {
	id := node.ID()
	for len(n.hosts) <= id {
		n.hosts = append(n.hosts, nil)
	}
	if n.hosts[id] == nil {
		n.hosts[id] = &host{net: n, node: node, tcpUsed: map[uint16]int{}, udpUsed: map[uint16]int{}}
	}
	return n.hosts[id]
}

// Ephemeral ports, as Linux's ip_local_port_range.
const (
	ephemeralLo = 32768
	ephemeralHi = 60999
)

// ephemeral returns a free port of used, starting from a cursor whose first
// position is drawn from the seed and that then counts up, as Linux does
// for connect.
func (h *host) ephemeral(used map[uint16]int) (uint16, bool) {
	const span = ephemeralHi - ephemeralLo + 1
	if h.next == 0 {
		h.next = ephemeralLo + uint16(h.net.sim.Intn(span))
	}
	for range span {
		p := h.next
		h.next++
		if h.next > ephemeralHi {
			h.next = ephemeralLo
		}
		if used[p] == 0 {
			return p, true
		}
	}
	return 0, false
}

// local reports whether a is an address of h's node: one of its loopback
// addresses or its own.
func (h *host) local(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a == h.node.Addr()
}

// route returns the node that packets for a reach from h's node, or nil.
func (n *Net) route(h *host, a netip.Addr) *kernel.Node {
	a = a.Unmap()
	if !a.IsValid() || a.IsUnspecified() || h.local(a) {
		return h.node
	}
	return n.sim.NodeByAddr(a)
}

// packet kinds.
type pktKind uint8

const (
	pktSYN    pktKind = iota + 1 // connection request (src: the client socket)
	pktSYNACK                    // connection accepted (src: the server socket, dst: the client)
	pktData                      // TCP payload
	pktFIN                       // orderly end of a direction
	pktRST                       // connection reset, or connection refused in answer to a SYN
	pktUDP                       // datagram
	pktICMP                      // port unreachable, in answer to a datagram (dst: the sender)
)

var pktNames = [...]string{pktSYN: "SYN", pktSYNACK: "SYN-ACK", pktData: "data", pktFIN: "FIN", pktRST: "RST", pktUDP: "UDP", pktICMP: "ICMP"}

func (k pktKind) String() string { return pktNames[k] }

// reliable reports whether TCP retransmits the packet when a partition loses
// it (the client's own timer retransmits SYNs; nobody retransmits an RST).
func (k pktKind) reliable() bool { return k == pktSYNACK || k == pktData || k == pktFIN }

type packet struct {
	kind     pktKind
	seq      uint64
	when     int64 // delivery time
	lostAt   int64 // when a partition first lost it (retransmitted TCP), else 0
	from, to *kernel.Node
	fromBoot uint64

	src, dst *Conn // TCP: the sending and receiving sockets (dst nil for a SYN)

	srcAddr, dstAddr netip.AddrPort // SYN and UDP addressing
	usrc             *UDPConn       // UDP: the sending socket (answered by ICMP)
	udst             *UDPConn       // ICMP: the socket the error is for
	data             []byte         // UDP payload (TCP's waits in the sender's stream)
	size             int            // payload bytes, TCP and UDP
}

func (p *packet) String() string {
	return fmt.Sprintf("%v %v->%v #%d (%d bytes)", p.kind, p.from, p.to, p.seq, p.size)
}

// newPacket returns a packet holding v, reusing a released one if any.
func (n *Net) newPacket(v packet) *packet {
	var p *packet
	if k := len(n.free); k > 0 {
		p = n.free[k-1]
		n.free[k-1] = nil
		n.free = n.free[:k-1]
	} else {
		p = new(packet)
	}
	*p = v
	return p
}

// release gives back p once it is delivered, dropped or given up: nothing
// may refer to it any more. Its zero kind marks it released until reused.
func (n *Net) release(p *packet) {
	if p.kind == 0 {
		panic("simgen internal error: netsim packet released twice")
	}
	*p = packet{}
	n.free = append(n.free, p)
}

// link is the one-way path between two nodes (or from a node to itself,
// the loopback). It delivers in order of delivery time, and every packet's
// delivery time is at least that of the packet sent before it, so a link is
// FIFO except for UDP datagrams picked for reordering.
type link struct {
	net      *Net
	from, to int
	q        pktQueue      // in flight, by (when, seq)
	timer    *kernel.Timer // fires at q.first().when
	last     int64         // latest delivery time handed out
	cut      bool          // partitioned (lossy)
	clog     bool          // clogged (nothing lost, nothing delivered)
	blocked  []*packet     // held by a clog or lost to a partition and to be retransmitted, oldest first
	ackless  []*packet     // delivered while the way back is cut: their ACKs are lost, so their senders retransmit
	rto      *kernel.Timer // fires when the oldest lost (or unacknowledged) segment times out
	loopback bool
}

func (n *Net) link(from, to int) *link {
	for len(n.links) <= from {
		n.links = append(n.links, nil)
	}
	for len(n.links[from]) <= to {
		n.links[from] = append(n.links[from], nil)
	}
	l := n.links[from][to]
	if l == nil {
		l = &link{net: n, from: from, to: to, loopback: from == to}
		l.timer = n.sim.NewTimer(l.fire)
		l.timer.Describe("packet delivery")
		l.timer.SetNode(n.sim.DefaultNode())
		l.rto = n.sim.NewTimer(l.expire)
		l.rto.Describe("tcp retransmission timeout")
		l.rto.SetNode(n.sim.DefaultNode())
		n.links[from][to] = l
		n.all = append(n.all, l)
	}
	return l
}

// state returns the link's effective faults: its own and its nodes'.
func (l *link) state() (cut, clog bool) {
	if l.loopback {
		return false, false
	}
	n := l.net
	return l.cut || flag(n.nodeCut, l.from) || flag(n.nodeCut, l.to),
		l.clog || flag(n.nodeClog, l.from) || flag(n.nodeClog, l.to)
}

func flag(fs []bool, i int) bool { return i < len(fs) && fs[i] }

func setFlag(fs *[]bool, i int, v bool) {
	for len(*fs) <= i {
		*fs = append(*fs, false)
	}
	(*fs)[i] = v
}

// latency draws the delay of one packet on l.
func (n *Net) latency(l *link) int64 {
	d := n.cfg.Latency
	if l.loopback {
		d = n.cfg.LoopbackLatency
	}
	lat := d.Sample(n.src)
	if n.spikeFactor > 0 && n.now() < n.spikeUntil && !l.loopback {
		lat = time.Duration(float64(lat) * n.spikeFactor)
	}
	return int64(max(lat, 0))
}

// send puts p on the link from p.from to p.to.
func (n *Net) send(p *packet) {
	n.seq++
	p.seq = n.seq
	p.fromBoot = p.from.Boot()
	l := n.link(p.from.ID(), p.to.ID())
	when := n.now() + n.latency(l)
	if p.kind == pktUDP && !l.loopback && n.cfg.Reorder > 0 && Float64(n.src) < n.cfg.Reorder {
		// Reordered: delayed by up to another latency, and not holding
		// back the packets sent after it.
		when += n.latency(l)
	} else {
		when = max(when, l.last)
		l.last = when
	}
	p.when = when
	n.stats.Sent++
	n.event(evSend, p.seq<<8|uint64(p.kind))
	if n.sim.Tracing() {
		n.sim.Trace(kernel.TraceEvent{Kind: "net.send", Node: p.from.Name(), Peer: p.to.Name(), Msg: p.seq, Size: p.size, Detail: p.describe()})
	}
	l.push(p)
}

// describe says what p is, for traces: its kind and addresses.
func (p *packet) describe() string {
	switch {
	case p.src != nil && p.dst != nil:
		return fmt.Sprintf("%v %v->%v", p.kind, p.src.local, p.dst.local)
	case p.srcAddr.IsValid():
		return fmt.Sprintf("%v %v->%v", p.kind, p.srcAddr, p.dstAddr)
	}
	return p.kind.String()
}

func (l *link) push(p *packet) {
	if l.q.insert(p) {
		l.timer.Schedule(p.when)
	}
}

// fire delivers the packets due.
func (l *link) fire() {
	n := l.net
	now := n.now()
	for l.q.len() > 0 && l.q.first().when <= now {
		n.arrive(l, l.q.pop()) // may queue more packets on l (loopback replies)
	}
	if l.q.len() > 0 {
		l.timer.Schedule(l.q.first().when)
	}
}

// pktQueue is a link's packets in flight, ordered by (when, seq). Packets
// leave from the front and nearly always join at the back, so it is a
// slice with a moving start whose array is reused: compacted once half of
// it is behind the start, instead of reallocated as the start moves on.
type pktQueue struct {
	ps   []*packet // ps[head:] are the packets; ps[:head] are nil
	head int       // 0 whenever the queue is empty
}

func (q *pktQueue) len() int { return len(q.ps) - q.head }

// first returns the packet due first; the queue must not be empty.
func (q *pktQueue) first() *packet { return q.ps[q.head] }

// pop removes and returns the packet due first.
func (q *pktQueue) pop() *packet {
	p := q.ps[q.head]
	q.ps[q.head] = nil
	q.head++
	if q.head == len(q.ps) {
		q.ps, q.head = q.ps[:0], 0
	}
	return p
}

// insert adds p in order and reports whether it is now due first.
func (q *pktQueue) insert(p *packet) bool {
	if len(q.ps) == cap(q.ps) && 2*q.head >= len(q.ps) && q.head > 0 {
		k := copy(q.ps, q.ps[q.head:])
		clear(q.ps[k:])
		q.ps, q.head = q.ps[:k], 0
	}
	i := len(q.ps)
	for i > q.head && (q.ps[i-1].when > p.when || q.ps[i-1].when == p.when && q.ps[i-1].seq > p.seq) {
		i--
	}
	q.ps = slices.Insert(q.ps, i, p)
	return i == q.head
}

// packets returns the queued packets, in order, in q's own array.
func (q *pktQueue) packets() []*packet { return q.ps[q.head:] }

// set makes ps, already in order, the queue's packets (and array).
func (q *pktQueue) set(ps []*packet) { q.ps, q.head = ps, 0 }

// arrive handles p at the end of l: it is delivered unless its sender died
// since, or a fault on l holds or loses it.
func (n *Net) arrive(l *link, p *packet) {
	if p.kind == 0 {
		panic("simgen internal error: netsim packet used after its release")
	}
	if p.from.Boot() != p.fromBoot {
		n.drop(p, "sender killed") // its in-flight packets are gone
		n.release(p)
		return
	}
	cut, clog := l.state()
	switch {
	case clog:
		n.stats.Stalled++
		n.event(evStall, p.seq)
		l.blocked = append(l.blocked, p)
	case cut && p.kind.reliable():
		n.stats.Stalled++
		n.event(evStall, p.seq)
		p.lostAt = n.now()
		l.blocked = append(l.blocked, p)
		if !l.rto.Pending() { // else it is due for an older segment
			l.armRTO()
		}
	case cut:
		n.drop(p, "partition")
		n.release(p)
	default:
		n.stats.Delivered++
		n.event(evDeliver, p.seq)
		if n.sim.Tracing() {
			n.sim.Trace(kernel.TraceEvent{Kind: "net.deliver", Node: p.to.Name(), Peer: p.from.Name(), Msg: p.seq, Size: p.size})
		}
		n.deliver(p)
		if p.kind.reliable() && !l.loopback && p.src != nil && !p.src.dead && n.link(l.to, l.from).cutOnly() {
			// Delivered, but the ACK cannot come back: to the sender it is
			// lost, and it gives up after TCPTimeout unless the way back
			// heals first.
			p.lostAt = n.now()
			l.ackless = append(l.ackless, p)
			if !l.rto.Pending() {
				l.armRTO()
			}
			return
		}
		n.release(p)
	}
}

// cutOnly reports whether l is cut (partitioned, not merely clogged).
func (l *link) cutOnly() bool {
	cut, clog := l.state()
	return cut && !clog
}

// drop loses p; reason says why, for traces.
func (n *Net) drop(p *packet, reason string) {
	n.stats.Dropped++
	n.event(evDrop, p.seq)
	if n.sim.Tracing() {
		n.sim.Trace(kernel.TraceEvent{Kind: "net.drop", Node: p.from.Name(), Peer: p.to.Name(), Msg: p.seq, Size: p.size, Reason: reason})
	}
}

// traceFault writes a fault event to the run's trace.
func (n *Net) traceFault(format string, args ...any) {
	if n.sim.Tracing() {
		n.sim.Trace(kernel.TraceEvent{Kind: "fault", Detail: fmt.Sprintf(format, args...)})
	}
}

func onOff(on bool, yes, no string) string {
	if on {
		return yes
	}
	return no
}

// armRTO schedules the timeout of the oldest segment lost to a partition.
func (l *link) armRTO() {
	to := l.net.cfg.TCPTimeout
	if to < 0 {
		l.rto.Cancel()
		return
	}
	oldest := int64(-1)
	for _, p := range slices.Concat(l.blocked, l.ackless) {
		if p.lostAt > 0 && (oldest < 0 || p.lostAt < oldest) {
			oldest = p.lostAt
		}
	}
	if oldest < 0 {
		l.rto.Cancel()
		return
	}
	l.rto.Schedule(oldest + int64(to))
}

// expire gives up on the connections whose segments a partition lost longer
// than TCPTimeout ago: their senders fail with ETIMEDOUT.
func (l *link) expire() {
	n := l.net
	to := int64(n.cfg.TCPTimeout)
	now := n.now()
	var dead []*Conn
	for _, p := range slices.Concat(l.blocked, l.ackless) {
		if p.lostAt > 0 && p.lostAt+to <= now && p.src != nil && !slices.Contains(dead, p.src) {
			dead = append(dead, p.src)
		}
	}
	// A blocked segment of theirs never arrived, and neither will those in
	// flight behind it: a receiver delivers no byte past a gap. Those are
	// lost. An ack-less one did arrive (only its ACK was lost), so behind
	// it there is no gap and the segments in flight still arrive. (A timer
	// set for a segment taken out of q fires on an empty or later head,
	// which fire handles.)
	var gapped []*Conn
	lose := func(p *packet) {
		n.drop(p, "connection timed out")
		n.release(p)
	}
	l.blocked = slices.DeleteFunc(l.blocked, func(p *packet) bool {
		if !slices.Contains(dead, p.src) {
			return false
		}
		if !slices.Contains(gapped, p.src) {
			gapped = append(gapped, p.src)
		}
		lose(p)
		return true
	})
	l.ackless = slices.DeleteFunc(l.ackless, func(p *packet) bool {
		if !slices.Contains(dead, p.src) {
			return false
		}
		n.release(p) // delivered already
		return true
	})
	if len(gapped) > 0 {
		l.q.set(slices.DeleteFunc(l.q.packets(), func(p *packet) bool {
			if !slices.Contains(gapped, p.src) {
				return false
			}
			lose(p)
			return true
		}))
	}
	for _, c := range dead {
		c.fail(syscall.ETIMEDOUT)
	}
	l.armRTO()
}

// refresh re-examines the packets l holds after its faults changed: once
// nothing blocks the link they are (re)transmitted, arriving one latency
// from now and in their original order; on a link that is only cut, the
// lossy ones held by an earlier clog are lost now.
func (l *link) refresh() {
	n := l.net
	if len(l.ackless) > 0 && !n.link(l.to, l.from).cutOnly() {
		// The way back healed: the retransmissions are acknowledged.
		for _, p := range l.ackless {
			n.release(p)
		}
		l.ackless = nil
		if len(l.blocked) == 0 {
			l.armRTO()
		}
	}
	if len(l.blocked) == 0 {
		return
	}
	cut, clog := l.state()
	switch {
	case clog:
		return
	case cut:
		l.blocked = slices.DeleteFunc(l.blocked, func(p *packet) bool {
			if !p.kind.reliable() {
				n.drop(p, "partition")
				n.release(p)
				return true
			}
			if p.lostAt == 0 {
				p.lostAt = n.now()
			}
			return false
		})
		l.armRTO()
		return
	}
	prev := n.now() + n.latency(l)
	all := append(l.blocked, l.q.packets()...)
	l.blocked = nil
	for _, p := range all {
		p.when = max(p.when, prev)
		p.lostAt = 0
		prev = p.when
	}
	l.q.set(all)
	l.last = max(l.last, prev)
	l.timer.Schedule(l.q.first().when)
	l.armRTO()
}

func (n *Net) refreshAll() {
	for _, l := range n.all {
		l.refresh()
	}
}

// deliver hands p to its destination node's stack.
func (n *Net) deliver(p *packet) {
	switch p.kind {
	case pktSYN:
		n.onSYN(p)
	case pktSYNACK:
		n.onSYNACK(p)
	case pktData, pktFIN:
		n.onSegment(p)
	case pktRST:
		n.onRST(p)
	case pktUDP:
		n.onDatagram(p)
	case pktICMP:
		n.onICMP(p)
	}
}

// onNode tears down the network stack of a killed node: its listeners close,
// its connections vanish and their peers are sent a reset (the node's
// kernel survives its processes, as when a process crashes: connection
// attempts are refused until something listens again), and what it had in
// flight is lost (packets carry the boot they were sent in).
func (n *Net) onNode(node *kernel.Node, ev kernel.NodeEvent) {
	if ev != kernel.NodeKilled {
		return
	}
	id := node.ID()
	if id >= len(n.hosts) || n.hosts[id] == nil {
		return
	}
	h := n.hosts[id]
	n.hosts[id] = nil
	n.event(evKill, uint64(id))
	for _, c := range slices.Clone(h.conns) {
		if p := c.peer; p != nil && !p.dead && p.host.node != node && c.established() {
			n.send(n.newPacket(packet{kind: pktRST, from: node, to: p.host.node, src: c, dst: p}))
		}
		c.kill()
	}
	for _, l := range h.listeners {
		l.closed = true
		l.waiters.wakeAll(n.sim)
	}
	for _, u := range h.udps {
		u.closed = true
		u.readers.wakeAll(n.sim)
	}
}

// Fault control. Every change is mixed into the trace hash.

// Cut partitions the one-way link from -> to (on) or heals it (off).
// Segments of established TCP connections lost to the partition are
// retransmitted once it heals; UDP datagrams, SYNs and RSTs are lost.
func (n *Net) Cut(from, to *kernel.Node, on bool) {
	if from == to {
		return
	}
	n.link(from.ID(), to.ID()).cut = on
	n.event(evFault, 1<<40|b2u(on)<<32|uint64(from.ID())<<16|uint64(to.ID()))
	n.traceFault("%s %v->%v", onOff(on, "cut", "uncut"), from, to)
	n.refreshAll()
}

// Clog holds every packet on the one-way link from -> to (on) until it is
// unclogged (off): nothing is lost, nothing is delivered.
func (n *Net) Clog(from, to *kernel.Node, on bool) {
	if from == to {
		return
	}
	n.link(from.ID(), to.ID()).clog = on
	n.event(evFault, 2<<40|b2u(on)<<32|uint64(from.ID())<<16|uint64(to.ID()))
	n.traceFault("%s %v->%v", onOff(on, "clog", "unclog"), from, to)
	n.refreshAll()
}

// CutNode partitions x from every other node (on), or lifts that (off).
func (n *Net) CutNode(x *kernel.Node, on bool) {
	setFlag(&n.nodeCut, x.ID(), on)
	n.event(evFault, 3<<40|b2u(on)<<32|uint64(x.ID()))
	n.traceFault("%s %v", onOff(on, "isolate", "unisolate"), x)
	n.refreshAll()
}

// ClogNode clogs every link to and from x (on), or lifts that (off).
func (n *Net) ClogNode(x *kernel.Node, on bool) {
	setFlag(&n.nodeClog, x.ID(), on)
	n.event(evFault, 4<<40|b2u(on)<<32|uint64(x.ID()))
	n.traceFault("%s %v", onOff(on, "clog", "unclog"), x)
	n.refreshAll()
}

// Heal removes every partition and clog; held and lost TCP segments are
// delivered (clogged UDP datagrams too).
func (n *Net) Heal() {
	for _, l := range n.all {
		l.cut, l.clog = false, false
	}
	n.nodeCut, n.nodeClog = nil, nil
	n.event(evFault, 5<<40)
	n.traceFault("heal")
	n.refreshAll()
}

// Spike multiplies the latency between nodes by factor for d of virtual
// time (a later spike replaces an earlier one).
func (n *Net) Spike(factor float64, d time.Duration) {
	n.spikeFactor = factor
	n.spikeUntil = n.now() + int64(d)
	n.event(evFault, 6<<40|uint64(d))
	n.traceFault("latency x%g for %v", factor, d)
}

// Partitioned reports whether the one-way link from -> to is cut or clogged.
func (n *Net) Partitioned(from, to *kernel.Node) (cut, clog bool) {
	if from == to {
		return false, false
	}
	return n.link(from.ID(), to.ID()).state()
}

// ResetConns resets every TCP connection between a and b (within a when
// they are the same node), as a middlebox would: each end is sent an RST,
// which arrives after the link's latency.
func (n *Net) ResetConns(a, b *kernel.Node) {
	n.event(evFault, 7<<40|uint64(a.ID())<<16|uint64(b.ID()))
	n.traceFault("reset %v<->%v", a, b)
	if a.ID() >= len(n.hosts) || n.hosts[a.ID()] == nil {
		return
	}
	for _, c := range n.hosts[a.ID()].conns {
		p := c.peer
		if p == nil || p.dead || p.host.node != b || !c.established() {
			continue
		}
		n.send(n.newPacket(packet{kind: pktRST, from: b, to: a, src: p, dst: c}))
		if a != b {
			n.send(n.newPacket(packet{kind: pktRST, from: a, to: b, src: c, dst: p}))
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
