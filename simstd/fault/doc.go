// Package fault injects faults into a simulation: network partitions,
// clogs, resets and latency spikes, disk faults (Disk), and a nemesis that
// mixes network faults with node crashes and pauses (simstd.Node) at
// random, each seed drawing its own mix (Swarm).
//
// Its functions must be called from a goroutine of a running simulation;
// every fault is mixed into the run's trace hash, and calling one is a
// scheduling point. Time here is the simulation's virtual clock.
//
// # Network faults
//
// A partition (Partition, PartitionOneWay, Isolate) loses what crosses it:
// UDP datagrams, connection requests (a dial retransmits its SYN at 1, 3,
// 7, … s, like Linux, and fails after its timeout or 127 s) and resets are
// lost. Segments of established TCP connections are not: TCP retransmits
// them, so they wait and arrive once the partition heals, in order. A
// sender whose segment waits longer than Network.TCPTimeout (30 s by
// default) gives up: its next operation fails with ETIMEDOUT ("connection
// timed out"). The same happens across a one-way partition to the sender
// whose data does arrive, because its acknowledgements cannot come back.
// The other end learns of it only when it sends after the partition heals
// (it is answered with a reset). Keep-alive probes are not simulated: an
// idle connection survives any partition.
//
// A clog (Clog, ClogLink, Hold) loses nothing: everything sent across it,
// UDP included, waits until it is lifted and then arrives in order, as if
// the link had stalled. Heal lifts every partition and clog. Connected
// tells whether a link is neither cut nor clogged right now, so a checker
// can tell a program's failure to talk from the network's.
//
// Faults never affect a node's traffic with itself (loopback).
package fault
