// Package net is the simulated variant of the standard library's net
// package: simgen rewrites an import of "net" to this package.
//
// Outside a simulation everything behaves exactly like package net, over
// real sockets. Inside one, the same API runs over the run's simulated
// network (internal/netsim): every node (simstd.NewNode) is a host whose
// name is its host name and whose address is 10.0.0.x, and sockets belong
// to the node of the goroutine that creates them.
//
// # Names
//
// The pure names of net (IP, TCPAddr, OpError, ParseIP, ErrClosed, …) are
// the standard library's own, as type aliases, variables and wrappers, so
// values cross between rewritten and non-rewritten code. TCPConn,
// TCPListener, UDPConn, Dialer, ListenConfig and Resolver are this
// package's types, with the methods and fields of net's; outside a
// simulation they wrap the real ones (Accept returns a *TCPConn wrapping
// the accepted *net.TCPConn), so c.(*net.TCPConn) in rewritten code works
// in both modes. Pipe is net.Pipe ported to the simulation's channels.
// Context parameters are simstd/context's Context, as in rewritten code.
//
// Unix sockets, raw IP, multicast, sockets made from files and the
// machine's interfaces (DialUnix, ListenIP, FileConn, Interfaces, …) work
// outside a simulation only; inside one they fail with an error matching
// errors.ErrUnsupported. MX, NS, SRV and TXT lookups find nothing there.
//
// # Semantics in a simulation
//
// Addresses: a node's name and "localhost" resolve (LookupHost, Dial,
// ResolveTCPAddr, …); any other name fails like an unknown host, with a
// *DNSError whose IsNotFound is set. Port 0 picks an ephemeral port
// (32768-60999, from a seed-drawn start, then counting up). ":port",
// "0.0.0.0:port" and "[::]:port" bind every address of the node; a
// loopback address (127.0.0.1, ::1, localhost) reaches the node itself
// only. Binding a port twice fails with EADDRINUSE.
//
// TCP is ordered and reliable while connected. A Write returns once its
// data is on its way; it blocks while the bytes in flight plus those unread
// by the peer reach the window (256 KiB, or the peer's SetReadBuffer). Dial
// waits for the SYN's round trip; with no listener it fails with
// ECONNREFUSED after that round trip. Close sends a FIN after the data
// written, so the peer reads everything and then io.EOF; with unread data,
// or after SetLinger(0), Close resets the connection instead and the peer
// fails with ECONNRESET. CloseWrite half-closes. Deadlines are on the
// virtual clock. Every operation that can block is a scheduling point, and
// a goroutine blocked in one shows "IO wait (net.Conn.Read …)" and the like
// in deadlock reports.
//
// Errors are the standard library's values in the shapes Linux and net
// produce (checked against real sockets by this package's dual-mode
// tests): *OpError with Op, Net, Source and Addr set as net sets them,
// wrapping *os.SyscallError with syscall.ECONNREFUSED, ECONNRESET, EPIPE,
// ETIMEDOUT or EADDRINUSE; io.EOF on orderly close; ErrClosed after Close;
// os.ErrDeadlineExceeded for deadlines (a net.Error whose Timeout is true).
// So bufio, encoding/gob, encoding/json and io.Copy work unchanged.
//
// Killing a node (simstd.Node.Kill) is a process crash on a machine that
// stays up: its listeners close, its connections vanish and their peers
// are sent a reset (they fail with ECONNRESET once it arrives), what it had
// in flight is lost, and connection attempts are refused until the
// restarted node listens again. A paused node's kernel keeps receiving:
// handshakes complete into the accept backlog and data queues in socket
// buffers until flow control stops the senders. Partitions, clogs, resets
// and latency spikes are injected with simstd/fault, which documents what
// TCP does across them.
package net
