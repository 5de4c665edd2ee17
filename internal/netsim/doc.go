// Package netsim is the network model behind simstd/net: the hosts, links,
// sockets and faults of one simulation run, kept under the run's Sim.Ext
// (Of) and touched only by the run's goroutines and timers, one at a time.
//
// # Hosts and links
//
// Every node is a host with the node's address (10.0.0.x) and a loopback.
// A packet between two nodes travels the one-way link between them; a
// packet within a node, the node's loopback. Each packet draws its latency
// from Config.Latency (default uniform 0.1-1 ms; loopback 5-20 µs), but a
// link delivers in order: a packet never arrives before one sent earlier on
// the same link, except UDP datagrams picked for reordering. A link has one
// kernel timer, armed for the packet at its head, so the cost is per packet,
// never per byte. All randomness comes from the run's generator, and every
// send, delivery, drop and fault is mixed into the trace hash.
//
// # TCP
//
// The model is at the level of segments, without sequence numbers: a dial
// sends a SYN, the server's kernel answers with a SYN-ACK (the connection
// then waits in the listener's backlog, 128 by default; a SYN beyond it is
// dropped) or an RST (ECONNREFUSED). Unanswered SYNs are retransmitted at 1,
// 3, 7, 15, 31 and 63 s and the dial fails with ETIMEDOUT at 127 s, as on
// Linux, unless its deadline or context ends it first. Data is delivered in
// order and reliably; a writer may have at most the receiver's window
// (Config.Window, 256 KiB, or the receiver's SetReadBuffer) in flight and
// unread, and blocks beyond it. Window updates take no time and ACKs are not
// packets: a segment counts as acknowledged once delivered, unless the way
// back is partitioned. Close sends a FIN after the data; with unread data or
// SetLinger(0) it sends an RST. Errors follow Linux: ECONNRESET on reset
// (EPIPE once a FIN was received), reported once, then EOF on reads and
// EPIPE on writes; data received before a reset can still be read.
//
// # Faults
//
// A cut link (a partition) loses UDP datagrams, SYNs and RSTs; established
// TCP segments wait at the sender, as retransmissions would, and go through
// with a fresh latency once the link heals. A sender whose segment waited
// longer than Config.TCPTimeout (30 s), or whose delivered segments went
// unacknowledged that long because the way back was cut, fails with
// ETIMEDOUT. Its segments that never arrived are lost, and so are those in
// flight behind them (a receiver delivers nothing past a gap); where only the
// ACKs were lost, the segments in flight still arrive. A clogged link holds everything, UDP included, and loses
// nothing. Faults apply per one-way link or per node; a node's loopback is
// never faulted. A latency spike multiplies the latency of packets sent
// during it.
//
// Killing a node is a process crash on a machine that stays up: the host's
// sockets vanish, the peers of its connections are sent an RST, packets it
// sent before dying are dropped on arrival (they carry its boot count), and
// until a listener exists again its kernel refuses connections. Pausing a
// node stops its goroutines but not its kernel: handshakes complete, data
// is buffered, flow control stops the senders.
//
// Not modeled: bandwidth (a segment takes its latency whatever its size),
// keep-alive probes, TIME_WAIT, Nagle, MTU-sized segmentation, IPv6 node
// addresses (only ::1), broadcast and multicast.
package netsim
