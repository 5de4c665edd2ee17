package netsim

// stream holds the bytes of one direction of a TCP connection that the
// receiving application has not consumed yet, in the order written: first
// those delivered and unread (the receiver's rlen), then those in flight.
// Segments carry only their length: a connection's segments arrive in
// order and none is lost while both ends live, so the bytes of each one are
// the next in the stream. One buffer per direction, reused as it drains,
// replaces a copy and a buffer per segment; Write still copies, as it must
// (the caller may reuse its slice once Write returns).
type stream struct {
	// buf is a ring: the bytes are the n from buf[off], wrapping around
	// at len(buf). off is 0 whenever n is.
	buf    []byte
	off, n int
}

// Buffer sizes of a stream: the first one, and the largest one kept once
// the stream drains (a burst as large as the window need not pin that much
// memory for the rest of the connection's life).
const (
	streamMin  = 512
	streamKeep = 64 << 10
)

func (s *stream) len() int { return s.n }

// write appends b.
func (s *stream) write(b []byte) {
	if s.n+len(b) > len(s.buf) {
		s.grow(s.n + len(b))
	}
	end := s.off + s.n
	if end >= len(s.buf) {
		end -= len(s.buf)
	}
	k := copy(s.buf[end:], b)
	copy(s.buf, b[k:])
	s.n += len(b)
}

// grow makes room for at least size bytes, the bytes kept at the start.
func (s *stream) grow(size int) {
	buf := make([]byte, max(size, 2*len(s.buf), streamMin))
	s.peek(buf[:s.n])
	s.buf, s.off = buf, 0
}

// peek copies the first len(b) bytes (at most n) into b.
func (s *stream) peek(b []byte) {
	k := copy(b, s.buf[s.off:min(s.off+len(b), len(s.buf))])
	copy(b[k:], s.buf)
}

// read moves the first min(len(b), n) bytes into b and returns how many.
func (s *stream) read(b []byte) int {
	k := min(len(b), s.n)
	s.peek(b[:k])
	s.discard(k)
	return k
}

// discard drops the first k bytes (k <= n).
func (s *stream) discard(k int) {
	s.n -= k
	if s.n == 0 {
		s.off = 0
		if len(s.buf) > streamKeep {
			s.buf = nil
		}
		return
	}
	s.off += k
	if s.off >= len(s.buf) {
		s.off -= len(s.buf)
	}
}
