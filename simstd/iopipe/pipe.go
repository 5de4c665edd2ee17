// Package iopipe is io.Pipe for simulated code: variants call iopipe.Pipe where the original
// calls io.Pipe, and name iopipe.PipeReader and iopipe.PipeWriter where it names io's, so a
// goroutine blocked on a pipe waits in the simulation (std's pipe blocks on native channels,
// which the scheduler cannot see). Outside a simulation it behaves as io.Pipe does.
//
// The semantics are io.Pipe's: each Write blocks until readers have consumed all of its data
// (a zero-length Write until one Read), Writes are serialized, a Read takes from one Write at
// most, and after either end closes, Reads return the writer's close error (io.EOF by
// default) and Writes the reader's (io.ErrClosedPipe by default), each end's first error
// winning.
package iopipe

import (
	"io"

	"github.com/simgen/simgen/simstd/sync"
)

// pipe is the state both ends share.
type pipe struct {
	wrMu sync.Mutex // serializes Writes, held for a whole Write

	mu   sync.Mutex // guards the fields below
	cond sync.Cond  // signalled when offered, took or done change; L is &mu
	// offered is set while a Write offers offer to readers; a Read clears it, recording in
	// took how many bytes it copied.
	offered bool
	offer   []byte
	took    int
	// done is set once either end has closed; rerr and werr are the errors the reader and
	// the writer closed with (nil until they close).
	done       bool
	rerr, werr error
}

func newPipe() *pipe {
	p := &pipe{}
	p.cond.L = &p.mu
	return p
}

func (p *pipe) read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.done {
			return 0, p.readCloseError()
		}
		if p.offered {
			n := copy(b, p.offer)
			p.offered, p.took = false, n
			p.cond.Broadcast()
			return n, nil
		}
		p.cond.Wait()
	}
}

func (p *pipe) write(b []byte) (n int, err error) {
	p.mu.Lock()
	if p.done {
		defer p.mu.Unlock()
		return 0, p.writeCloseError()
	}
	p.mu.Unlock()
	p.wrMu.Lock()
	defer p.wrMu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	for once := true; once || len(b) > 0; once = false {
		p.offered, p.offer = true, b
		p.cond.Broadcast()
		for p.offered && !p.done {
			p.cond.Wait()
		}
		if p.offered { // closed before a reader took it
			p.offered, p.offer = false, nil
			return n, p.writeCloseError()
		}
		b = b[p.took:]
		n += p.took
	}
	p.offer = nil
	return n, nil
}

func (p *pipe) close(err *error, with error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if *err == nil {
		*err = with
	}
	p.done = true
	p.cond.Broadcast()
}

func (p *pipe) readCloseError() error {
	if p.rerr == nil && p.werr != nil {
		return p.werr
	}
	return io.ErrClosedPipe
}

func (p *pipe) writeCloseError() error {
	if p.werr == nil && p.rerr != nil {
		return p.rerr
	}
	return io.ErrClosedPipe
}

// PipeReader is the read half of a pipe.
type PipeReader struct{ p *pipe }

// Read reads from the pipe, blocking until a writer arrives or the write end is closed.
func (r *PipeReader) Read(data []byte) (int, error) { return r.p.read(data) }

// Close closes the reader: later writes to the write half fail with io.ErrClosedPipe.
func (r *PipeReader) Close() error { return r.CloseWithError(nil) }

// CloseWithError closes the reader: later writes fail with err (io.ErrClosedPipe if nil). It
// never overwrites an earlier error and always returns nil.
func (r *PipeReader) CloseWithError(err error) error {
	if err == nil {
		err = io.ErrClosedPipe
	}
	r.p.close(&r.p.rerr, err)
	return nil
}

// PipeWriter is the write half of a pipe.
type PipeWriter struct{ p *pipe }

// Write writes data to the pipe, blocking until readers have consumed all of it or the read
// end is closed.
func (w *PipeWriter) Write(data []byte) (int, error) { return w.p.write(data) }

// Close closes the writer: later reads return io.EOF.
func (w *PipeWriter) Close() error { return w.CloseWithError(nil) }

// CloseWithError closes the writer: later reads return err (io.EOF if nil). It never
// overwrites an earlier error and always returns nil.
func (w *PipeWriter) CloseWithError(err error) error {
	if err == nil {
		err = io.EOF
	}
	w.p.close(&w.p.werr, err)
	return nil
}

// Pipe creates a synchronous in-memory pipe, as io.Pipe does.
func Pipe() (*PipeReader, *PipeWriter) {
	p := newPipe()
	return &PipeReader{p}, &PipeWriter{p}
}
