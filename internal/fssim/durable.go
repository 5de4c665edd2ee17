package fssim

import (
	"io/fs"
	"math/bits"
	"time"
)

// undoRec undoes one change of a file's contents: the file was oldSize bytes
// long and held old at off before it.
type undoRec struct {
	off     int64
	n       int64    // bytes written at off; -1 for a truncation to off
	oldSize int64    // the file's size before the change
	old     []byte   // the bytes the change replaced or cut, from off
	tail    [][]byte // a truncation: the whole chunks it cut, after old
}

// meta is an inode's metadata, saved when it first changes after a sync.
type meta struct {
	mode                fs.FileMode
	uid, gid            int
	atime, mtime, ctime time.Time
}

// markDirty records that n is about to change: its current state is the
// durable one until the next change is logged.
func (f *FS) markDirty(n *inode) {
	if n.dirty {
		return
	}
	n.dirty = true
	n.dmeta = meta{mode: n.mode, uid: n.uid, gid: n.gid, atime: n.atime, mtime: n.mtime, ctime: n.ctime}
	f.ndirty++
	if n.listed {
		return
	}
	if len(f.dirty) >= 64 && len(f.dirty) >= 2*f.ndirty {
		kept := f.dirty[:0]
		for _, d := range f.dirty {
			if d.dirty {
				kept = append(kept, d)
			} else {
				d.listed = false
			}
		}
		clear(f.dirty[len(kept):])
		f.dirty = kept
	}
	n.listed = true
	f.dirty = append(f.dirty, n)
}

// writeAt writes p at off in the regular file n, logging the change.
func (f *FS) writeAt(n *inode, p []byte, off int64) {
	if len(p) == 0 {
		return
	}
	f.markDirty(n)
	oldSize := n.data.size
	end := off + int64(len(p))
	rec := undoRec{off: off, n: int64(len(p)), oldSize: oldSize}
	if off < oldSize {
		rec.old = n.data.slice(off, min(end, oldSize))
	}
	n.undo = append(n.undo, rec)
	n.data.writeAt(p, off)
	n.mtime = f.now()
	n.ctime = n.mtime
}

// truncate sets the size of the regular file n, logging the change.
func (f *FS) truncate(n *inode, size int64) {
	f.markDirty(n)
	oldSize := n.data.size
	if size != oldSize {
		rec := undoRec{off: size, n: -1, oldSize: oldSize}
		if size < oldSize {
			rec.old, rec.tail = n.data.cut(size)
		} else {
			n.data.resize(size)
		}
		n.undo = append(n.undo, rec)
	}
	n.mtime = f.now()
	n.ctime = n.mtime
}

// revert undoes r, the last change still applied to n.
func (n *inode) revert(r undoRec) {
	n.data.uncut(r.off, r.oldSize, r.old, r.tail)
}

// sync makes n's current state durable.
func (f *FS) sync(n *inode) {
	f.Stats.Syncs++
	if !n.dirty {
		return
	}
	clear(n.undo)
	n.undo = n.undo[:0]
	clear(n.dents)
	n.dirty = false
	f.ndirty--
}

// Crash rolls the file system back to its durable state, as a power loss
// would (see the package documentation), invalidates every open Handle and
// resets the working directory to the one at boot ("/", or Home's).
func (f *FS) Crash() {
	f.Stats.Crashes++
	torn := f.curFaults().TornWrites
	for _, n := range f.dirty {
		n.listed = false
		if !n.dirty {
			continue
		}
		for name, old := range n.dents {
			if old == nil {
				delete(n.ents, name)
			} else {
				n.ents[name] = old
			}
		}
		if len(n.undo) > 0 {
			f.rollBack(n, torn)
		}
		m := n.dmeta
		n.mode, n.uid, n.gid, n.atime, n.mtime, n.ctime = m.mode, m.uid, m.gid, m.atime, m.mtime, m.ctime
		n.dirty = false
		n.undo = nil
		n.dents = nil
	}
	clear(f.dirty)
	f.dirty = f.dirty[:0]
	f.ndirty = 0
	f.recount()
	f.boot++
	f.fds = nil
	f.cwd = f.home
}

// rollBack undoes n's unsynced changes: all of them, or with torn writes all
// but the first k, k uniform in [0, len], and half the time the next write
// cut at a uniformly random byte.
func (f *FS) rollBack(n *inode, torn bool) {
	keep, part := 0, int64(0)
	if torn {
		keep = f.intn(len(n.undo) + 1)
		if keep < len(n.undo) && n.undo[keep].n > 1 && f.intn(2) == 0 {
			part = int64(f.intn(int(min(n.undo[keep].n, 1<<30))))
		}
		f.Stats.TornFiles++
		f.env.Event(evTorn<<56 | n.ino&(1<<56-1))
		f.env.Event(uint64(keep)<<32 | uint64(part))
	}
	for i := len(n.undo) - 1; i > keep; i-- {
		n.revert(n.undo[i])
	}
	if keep == len(n.undo) {
		return
	}
	r := n.undo[keep]
	if part == 0 {
		n.revert(r)
		return
	}
	kept := n.data.slice(r.off, r.off+part)
	n.revert(r)
	n.data.writeAt(kept, r.off)
}

// recount recomputes the link counts of the inodes reachable from the root.
func (f *FS) recount() {
	seen := map[*inode]bool{f.root: true}
	var visit func(d *inode)
	visit = func(d *inode) {
		for _, c := range d.ents {
			if !seen[c] {
				seen[c] = true
				c.nlink = 0
				if c.isDir() {
					visit(c)
				}
			}
			c.nlink++
		}
	}
	visit(f.root)
}

// Event kinds mixed into the trace hash (top byte of the value).
const (
	evWriteFault = 1
	evReadFault  = 2
	evTorn       = 3
)

// fault reports whether an operation on inode ino fails, with probability p.
func (f *FS) fault(p float64, kind, ino uint64) bool {
	if p <= 0 {
		return false
	}
	if float64(f.env.Rand()>>11)/(1<<53) >= p {
		return false
	}
	if kind == evWriteFault {
		f.Stats.WriteFaults++
	} else {
		f.Stats.ReadFaults++
	}
	f.env.Event(kind<<56 | ino&(1<<56-1))
	return true
}

// intn returns a random int in [0, n).
func (f *FS) intn(n int) int {
	hi, _ := bits.Mul64(f.env.Rand(), uint64(n))
	return int(hi)
}
