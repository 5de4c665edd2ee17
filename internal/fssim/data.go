package fssim

// chunkSize is the size of the pieces a file's contents are kept in, so that
// a growing file is never copied as a whole (a log appended to for hours).
const chunkSize = 64 << 10

// fileData is a file's contents: chunks of chunkSize bytes, the last ones
// possibly shorter or missing. Bytes past a chunk's length, and past size,
// read as zeros; storage past size is never kept.
type fileData struct {
	chunks [][]byte
	size   int64
}

// readAt copies the contents at off into p and returns how many bytes it
// copied (fewer than len(p) at the end).
func (d *fileData) readAt(p []byte, off int64) int {
	if off >= d.size {
		return 0
	}
	n := int(min(int64(len(p)), d.size-off))
	p = p[:n]
	for len(p) > 0 {
		ci, co := int(off/chunkSize), int(off%chunkSize)
		m := min(len(p), chunkSize-co)
		k := 0
		if ci < len(d.chunks) && co < len(d.chunks[ci]) {
			k = copy(p[:m], d.chunks[ci][co:])
		}
		clear(p[k:m])
		p = p[m:]
		off += int64(m)
	}
	return n
}

// slice returns a copy of the contents in [off, end).
func (d *fileData) slice(off, end int64) []byte {
	b := make([]byte, end-off)
	d.readAt(b, off)
	return b
}

// writeAt writes p at off, growing the file if it ends past its size.
func (d *fileData) writeAt(p []byte, off int64) {
	if end := off + int64(len(p)); end > d.size {
		d.size = end
	}
	for len(p) > 0 {
		ci, co := int(off/chunkSize), int(off%chunkSize)
		m := min(len(p), chunkSize-co)
		for len(d.chunks) <= ci {
			d.chunks = append(d.chunks, nil)
		}
		c := d.chunks[ci]
		if len(c) < co+m {
			if c == nil && ci > 0 {
				// The file is past its first chunk: no more small files.
				c = make([]byte, co+m, chunkSize)
			} else {
				c = extend(c, co+m)
			}
			d.chunks[ci] = c
		}
		copy(c[co:], p[:m])
		p = p[m:]
		off += int64(m)
	}
}

// extend returns c lengthened to n bytes, the new ones zero.
func extend(c []byte, n int) []byte {
	old := len(c)
	if n <= cap(c) {
		c = c[:n]
		clear(c[old:])
		return c
	}
	nc := make([]byte, n, max(n, min(2*cap(c), chunkSize)))
	copy(nc, c)
	return nc
}

// cut shrinks the file to size and returns what it removed: a copy of the
// bytes in size's chunk, from size on, and the whole chunks after it, which
// it hands over rather than copies.
func (d *fileData) cut(size int64) (partial []byte, tail [][]byte) {
	ci, co := int(size/chunkSize), int(size%chunkSize)
	if ci < len(d.chunks) {
		if len(d.chunks[ci]) > co {
			partial = append([]byte(nil), d.chunks[ci][co:]...)
		}
		tail = append([][]byte(nil), d.chunks[ci+1:]...)
	}
	d.resize(size)
	return partial, tail
}

// uncut undoes cut: the file is size bytes long again, as it was before
// cut(off) returned partial and tail.
func (d *fileData) uncut(off, size int64, partial []byte, tail [][]byte) {
	d.resize(size)
	if len(partial) > 0 {
		d.writeAt(partial, off)
	}
	if len(tail) > 0 {
		ci := int(off / chunkSize)
		for len(d.chunks) <= ci+len(tail) {
			d.chunks = append(d.chunks, nil)
		}
		copy(d.chunks[ci+1:], tail)
	}
}

// resize sets the size; growing adds zeros (a hole, which takes no room).
func (d *fileData) resize(size int64) {
	if size < d.size {
		ci, co := int(size/chunkSize), int(size%chunkSize)
		if ci < len(d.chunks) {
			if len(d.chunks[ci]) > co {
				d.chunks[ci] = d.chunks[ci][:co]
			}
			clear(d.chunks[ci+1:])
			d.chunks = d.chunks[:ci+1]
		}
	}
	d.size = size
}
