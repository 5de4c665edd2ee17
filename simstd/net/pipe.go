package net

import (
	"io"
	"os"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	simsync "github.com/simgen/simgen/simstd/sync"
	simtime "github.com/simgen/simgen/simstd/time"
)

// This is net.Pipe ported to the simulation's primitives: channels, locks
// and timers that work both natively and in a simulation (net.Pipe itself
// blocks on real channels, which a simulated goroutine must not do). The
// code and its behavior are net's.

// pipeDeadline is an abstraction for handling timeouts.
type pipeDeadline struct {
	mu     simsync.Mutex // Guards timer and cancel
	timer  *simtime.Timer
	cancel *kernel.Chan[struct{}] // Must be non-nil
}

func makePipeDeadline() pipeDeadline {
	return pipeDeadline{cancel: kernel.NewChan[struct{}](0)}
}

// set sets the point in time when the deadline will time out.
// A timeout event is signaled by closing the channel returned by waiter.
// Once a timeout has occurred, the deadline can be refreshed by specifying a
// t value in the future.
//
// A zero value for t prevents timeout.
func (d *pipeDeadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.timer != nil && !d.timer.Stop() {
		d.cancel.Recv() // Wait for the timer callback to finish and close cancel
	}
	d.timer = nil

	// Time is zero, then there is no deadline.
	closed := isClosedChan(d.cancel)
	if t.IsZero() {
		if closed {
			d.cancel = kernel.NewChan[struct{}](0)
		}
		return
	}

	// Time in the future, setup a timer to cancel in the future.
	if dur := simtime.Until(t); dur > 0 {
		if closed {
			d.cancel = kernel.NewChan[struct{}](0)
		}
		cancel := d.cancel
		d.timer = simtime.AfterFunc(dur, func() {
			cancel.Close()
		})
		return
	}

	// Time in the past, so close immediately.
	if !closed {
		d.cancel.Close()
	}
}

// wait returns a channel that is closed when the deadline is exceeded.
func (d *pipeDeadline) wait() *kernel.Chan[struct{}] {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cancel
}

func isClosedChan(c *kernel.Chan[struct{}]) bool {
	return kernel.Select(true, c.RecvCase()) == 0
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

type pipe struct {
	wrMu simsync.Mutex // Serialize Write operations

	// Used by local Read to interact with remote Write.
	// Successful receive on rdRx is always followed by send on rdTx.
	rdRx *kernel.Chan[[]byte]
	rdTx *kernel.Chan[int]

	// Used by local Write to interact with remote Read.
	// Successful send on wrTx is always followed by receive on wrRx.
	wrTx *kernel.Chan[[]byte]
	wrRx *kernel.Chan[int]

	once       simsync.Once // Protects closing localDone
	localDone  *kernel.Chan[struct{}]
	remoteDone *kernel.Chan[struct{}]

	readDeadline  pipeDeadline
	writeDeadline pipeDeadline
}

// Pipe creates a synchronous, in-memory, full duplex network connection;
// both ends implement the Conn interface. Reads on one end are matched with
// writes on the other, copying data directly between the two; there is no
// internal buffering. It works in and out of a simulation.
func Pipe() (Conn, Conn) {
	cb1 := kernel.NewChan[[]byte](0)
	cb2 := kernel.NewChan[[]byte](0)
	cn1 := kernel.NewChan[int](0)
	cn2 := kernel.NewChan[int](0)
	done1 := kernel.NewChan[struct{}](0)
	done2 := kernel.NewChan[struct{}](0)

	p1 := &pipe{
		rdRx: cb1, rdTx: cn1,
		wrTx: cb2, wrRx: cn2,
		localDone: done1, remoteDone: done2,
		readDeadline:  makePipeDeadline(),
		writeDeadline: makePipeDeadline(),
	}
	p2 := &pipe{
		rdRx: cb2, rdTx: cn2,
		wrTx: cb1, wrRx: cn1,
		localDone: done2, remoteDone: done1,
		readDeadline:  makePipeDeadline(),
		writeDeadline: makePipeDeadline(),
	}
	return p1, p2
}

func (*pipe) LocalAddr() Addr  { return pipeAddr{} }
func (*pipe) RemoteAddr() Addr { return pipeAddr{} }

func (p *pipe) Read(b []byte) (int, error) {
	n, err := p.read(b)
	if err != nil && err != io.EOF && err != io.ErrClosedPipe {
		err = &OpError{Op: "read", Net: "pipe", Err: err}
	}
	return n, err
}

func (p *pipe) read(b []byte) (n int, err error) {
	switch {
	case isClosedChan(p.localDone):
		return 0, io.ErrClosedPipe
	case isClosedChan(p.remoteDone):
		return 0, io.EOF
	case isClosedChan(p.readDeadline.wait()):
		return 0, os.ErrDeadlineExceeded
	}

	rx := p.rdRx.RecvCase()
	switch kernel.Select(false, rx, p.localDone.RecvCase(), p.remoteDone.RecvCase(), p.readDeadline.wait().RecvCase()) {
	case 0:
		nr := copy(b, rx.Value)
		p.rdTx.Send(nr)
		return nr, nil
	case 1:
		return 0, io.ErrClosedPipe
	case 2:
		return 0, io.EOF
	default:
		return 0, os.ErrDeadlineExceeded
	}
}

func (p *pipe) Write(b []byte) (int, error) {
	n, err := p.write(b)
	if err != nil && err != io.ErrClosedPipe {
		err = &OpError{Op: "write", Net: "pipe", Err: err}
	}
	return n, err
}

func (p *pipe) write(b []byte) (n int, err error) {
	switch {
	case isClosedChan(p.localDone):
		return 0, io.ErrClosedPipe
	case isClosedChan(p.remoteDone):
		return 0, io.ErrClosedPipe
	case isClosedChan(p.writeDeadline.wait()):
		return 0, os.ErrDeadlineExceeded
	}

	p.wrMu.Lock() // Ensure entirety of b is written together
	defer p.wrMu.Unlock()
	for once := true; once || len(b) > 0; once = false {
		switch kernel.Select(false, p.wrTx.SendCase(b), p.localDone.RecvCase(), p.remoteDone.RecvCase(), p.writeDeadline.wait().RecvCase()) {
		case 0:
			nw := p.wrRx.Recv()
			b = b[nw:]
			n += nw
		case 1:
			return n, io.ErrClosedPipe
		case 2:
			return n, io.ErrClosedPipe
		default:
			return n, os.ErrDeadlineExceeded
		}
	}
	return n, nil
}

func (p *pipe) SetDeadline(t time.Time) error {
	if isClosedChan(p.localDone) || isClosedChan(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.readDeadline.set(t)
	p.writeDeadline.set(t)
	return nil
}

func (p *pipe) SetReadDeadline(t time.Time) error {
	if isClosedChan(p.localDone) || isClosedChan(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.readDeadline.set(t)
	return nil
}

func (p *pipe) SetWriteDeadline(t time.Time) error {
	if isClosedChan(p.localDone) || isClosedChan(p.remoteDone) {
		return io.ErrClosedPipe
	}
	p.writeDeadline.set(t)
	return nil
}

func (p *pipe) Close() error {
	p.once.Do(func() { p.localDone.Close() })
	return nil
}
