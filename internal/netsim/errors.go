package netsim

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
)

// ErrDialTimeout is what a dial that ran out of time (Dialer.Timeout,
// Dialer.Deadline, the context's deadline) fails with, like net's own: its
// message is "i/o timeout", it is a timeout, and it matches
// context.DeadlineExceeded with errors.Is (but not os.ErrDeadlineExceeded).
var ErrDialTimeout error = &timeoutError{}

type timeoutError struct{}

func (*timeoutError) Error() string     { return "i/o timeout" }
func (*timeoutError) Timeout() bool     { return true }
func (*timeoutError) Temporary() bool   { return true }
func (*timeoutError) Is(err error) bool { return err == context.DeadlineExceeded }

// ErrCanceled is what a dial whose context was cancelled fails with, like
// net's own: "operation was canceled", matching context.Canceled.
var ErrCanceled error = canceledError{}

type canceledError struct{}

func (canceledError) Error() string     { return "operation was canceled" }
func (canceledError) Is(err error) bool { return err == context.Canceled }

// MapContextErr maps a context's error to the dial error net reports for it.
func MapContextErr(err error) error {
	switch err {
	case context.Canceled:
		return ErrCanceled
	case context.DeadlineExceeded:
		return ErrDialTimeout
	}
	return err
}

// NotSimulated returns the error of an operation the simulated network does
// not provide (Unix sockets, raw IP, files); it matches
// errors.ErrUnsupported.
func NotSimulated(what string) error { return notSimulated(what) }

type notSimulated string

func (e notSimulated) Error() string     { return "simgen: " + string(e) + " is not simulated" }
func (e notSimulated) Is(err error) bool { return err == errors.ErrUnsupported }

// foreignUse is the panic of a goroutine that uses a socket of a running
// simulation without being part of it.
type foreignUse struct{}

func (foreignUse) Error() string {
	return "simgen: a socket of a running simulation was used from outside it (a native goroutine, or another simulation); " +
		"simulated sockets may be used only by the goroutines of the simulation that created them"
}

// Errors of net that it does not export.
var (
	errMissingAddress    = errors.New("missing address")
	errNoSuitableAddress = "no suitable address found"
)

func sysErr(call string, errno syscall.Errno) error { return os.NewSyscallError(call, errno) }

// tcpOpAddr returns a as a net.Addr, nil (the interface) for a nil pointer,
// as net's OpErrors have it.
func tcpOpAddr(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

func udpOpAddr(a *net.UDPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}
