package iopipe_test

import (
	"errors"
	"io"
	"testing"

	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/iopipe"
	"github.com/stretchr/testify/assert"
)

// pipeAPI is what a test needs of a pipe, so that the same test runs on io.Pipe and on
// iopipe.Pipe.
type pipeAPI struct {
	read          func([]byte) (int, error)
	write         func([]byte) (int, error)
	closeReader   func(error) error
	closeWriter   func(error) error
	concurrentWrt func(f func()) // runs f as a goroutine the pipe's blocking can wait for
}

func stdPipe() pipeAPI {
	r, w := io.Pipe()
	return pipeAPI{r.Read, w.Write, r.CloseWithError, w.CloseWithError, func(f func()) { go f() }}
}

func simPipe() pipeAPI {
	r, w := iopipe.Pipe()
	return pipeAPI{r.Read, w.Write, r.CloseWithError, w.CloseWithError, simstd.Go}
}

// transcript runs one exchange over p and records what each call returned.
func transcript(p pipeAPI) []string {
	var out []string
	rec := func(what string, n int, err error) { out = append(out, what+": "+itoa(n)+" "+errString(err)) }
	p.concurrentWrt(func() {
		p.write([]byte("hello, pipe"))
		p.write(nil)
		p.closeWriter(errors.New("writer done"))
	})
	buf := make([]byte, 4)
	for {
		n, err := p.read(buf)
		rec("read "+string(buf[:n]), n, err)
		if err != nil {
			break
		}
	}
	n, err := p.write([]byte("late"))
	rec("write after close", n, err)
	p.closeReader(nil)
	n, err = p.read(buf)
	rec("read after both closed", n, err)
	return out
}

func itoa(n int) string { return string(rune('0' + n)) }

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestSameAsStd runs one exchange over io.Pipe natively and over iopipe natively and in
// simulations: the transcripts agree.
func TestSameAsStd(t *testing.T) {
	want := transcript(stdPipe())
	assert.Equal(t, []string{
		"read hell: 4 <nil>", "read o, p: 4 <nil>", "read ipe: 3 <nil>", "read : 0 <nil>",
		"read : 0 writer done", "write after close: 0 io: read/write on closed pipe",
		"read after both closed: 0 io: read/write on closed pipe",
	}, want, "io.Pipe's own behaviour, which the test assumes")
	simtest.DualSeeds(t, 20, func(t *testing.T) {
		assert.Equal(t, want, transcript(simPipe()))
	})
}

// TestCloseErrors checks which error each end sees after the other closes, and that the
// first close error wins.
func TestCloseErrors(t *testing.T) {
	for _, mk := range []func() pipeAPI{stdPipe, simPipe} {
		p := mk()
		p.closeReader(errors.New("reader gone"))
		p.closeReader(errors.New("second"))
		_, err := p.write([]byte("x"))
		assert.EqualError(t, err, "reader gone")
		_, err = p.read(make([]byte, 1))
		assert.ErrorIs(t, err, io.ErrClosedPipe)

		p = mk()
		p.closeWriter(nil)
		_, err = p.read(make([]byte, 1))
		assert.ErrorIs(t, err, io.EOF)
	}
}
