package fssim

import (
	"io/fs"
	"math"
	"os"
	"slices"
	"syscall"
)

// accMode masks the access mode of open flags.
const accMode = os.O_RDONLY | os.O_WRONLY | os.O_RDWR

// Handle is an open file description: an inode, an access mode and an
// offset, as a file descriptor refers to.
type Handle struct {
	fs     *FS
	n      *inode
	flag   int
	off    int64
	boot   uint64
	fd     int
	path   string // absolute path at open time
	closed bool

	// dir lists the directory's names, taken at the first ReadDir after
	// open or a seek; pos is the next one to return.
	dir []string
	pos int
}

// OpenDir opens path for reading a directory (open with O_DIRECTORY):
// ENOTDIR if it is something else.
func (f *FS) OpenDir(path string) (*Handle, error) {
	_, n, err := f.lookup(path, true)
	if err != nil {
		return nil, err
	}
	if !n.isDir() {
		return nil, syscall.ENOTDIR
	}
	return f.Open(path, os.O_RDONLY, 0)
}

func (h *Handle) check() error {
	if h.closed || h.boot != h.fs.boot {
		return ErrClosed
	}
	return nil
}

// FS returns the file system h belongs to.
func (h *Handle) FS() *FS { return h.fs }

// Fd returns the handle's descriptor number, or -1 once it is closed.
func (h *Handle) Fd() int {
	if h.check() != nil {
		return -1
	}
	return h.fd
}

// Path returns the absolute path the handle was opened at.
func (h *Handle) Path() string { return h.path }

// IsDir reports whether the handle refers to a directory.
func (h *Handle) IsDir() bool { return h.n.isDir() }

func (h *Handle) readable() error {
	if err := h.check(); err != nil {
		return err
	}
	if h.flag&accMode == os.O_WRONLY {
		return syscall.EBADF
	}
	if h.n.isDir() {
		return syscall.EISDIR
	}
	return nil
}

func (h *Handle) writable() error {
	if err := h.check(); err != nil {
		return err
	}
	if h.flag&accMode == os.O_RDONLY {
		return syscall.EBADF
	}
	return nil
}

// Read reads at the handle's offset and advances it; 0, nil at end of file.
func (h *Handle) Read(p []byte) (int, error) {
	n, err := h.Pread(p, h.off)
	h.off += int64(n)
	return n, err
}

// Pread reads at off; 0, nil at end of file.
func (h *Handle) Pread(p []byte, off int64) (int, error) {
	if err := h.readable(); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.fs.fault(h.fs.curFaults().ReadErr, evReadFault, h.n.ino) {
		return 0, syscall.EIO
	}
	return h.n.data.readAt(p, off), nil
}

// Write writes at the handle's offset (at the end with O_APPEND) and
// advances it.
func (h *Handle) Write(p []byte) (int, error) {
	if err := h.writable(); err != nil {
		return 0, err
	}
	if h.flag&os.O_APPEND != 0 {
		h.off = h.n.data.size
	}
	n, err := h.Pwrite(p, h.off)
	h.off += int64(n)
	return n, err
}

// Pwrite writes at off.
func (h *Handle) Pwrite(p []byte, off int64) (int, error) {
	if err := h.writable(); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.fs.fault(h.fs.curFaults().WriteErr, evWriteFault, h.n.ino) {
		return 0, syscall.EIO
	}
	h.fs.writeAt(h.n, p, off)
	if h.flag&os.O_SYNC == os.O_SYNC {
		h.fs.sync(h.n)
	}
	return len(p), nil
}

// Seek sets the offset as lseek(2) does; on a directory it restarts listing.
func (h *Handle) Seek(offset int64, whence int) (int64, error) {
	if err := h.check(); err != nil {
		return 0, err
	}
	var base int64
	switch whence {
	case 0:
	case 1:
		base = h.off
	case 2:
		base = h.n.size()
		if h.n.isDir() {
			base = math.MaxInt64 // as ext4, whose directory offsets are hashes
		}
	default:
		return 0, syscall.EINVAL
	}
	if base+offset < 0 || offset > 0 && base+offset < base {
		return 0, syscall.EINVAL
	}
	h.off = base + offset
	h.dir, h.pos = nil, 0
	return h.off, nil
}

// Sync makes the file's contents and metadata durable (fsync); on a
// directory, its entries.
func (h *Handle) Sync() error {
	if err := h.check(); err != nil {
		return err
	}
	if h.fs.fault(h.fs.curFaults().WriteErr, evWriteFault, h.n.ino) {
		return syscall.EIO
	}
	h.fs.sync(h.n)
	return nil
}

// Truncate sets the file's size (ftruncate).
func (h *Handle) Truncate(size int64) error {
	if err := h.check(); err != nil {
		return err
	}
	if h.flag&accMode == os.O_RDONLY || !h.n.isRegular() || size < 0 {
		return syscall.EINVAL
	}
	if h.fs.fault(h.fs.curFaults().WriteErr, evWriteFault, h.n.ino) {
		return syscall.EIO
	}
	h.fs.truncate(h.n, size)
	if h.flag&os.O_SYNC == os.O_SYNC {
		h.fs.sync(h.n)
	}
	return nil
}

// Stat describes the open inode (fstat).
func (h *Handle) Stat() (Stat, error) {
	if err := h.check(); err != nil {
		return Stat{}, err
	}
	return h.n.stat(), nil
}

// Chmod sets the open inode's permission bits (fchmod).
func (h *Handle) Chmod(mode fs.FileMode) error {
	if err := h.check(); err != nil {
		return err
	}
	h.fs.chmod(h.n, mode)
	return nil
}

// Chown sets the open inode's owner (fchown).
func (h *Handle) Chown(uid, gid int) error {
	if err := h.check(); err != nil {
		return err
	}
	h.fs.chown(h.n, uid, gid)
	return nil
}

// Chdir makes the open directory the working directory (fchdir).
func (h *Handle) Chdir() error {
	if err := h.check(); err != nil {
		return err
	}
	if !h.n.isDir() {
		return syscall.ENOTDIR
	}
	h.fs.cwd = h.path
	return nil
}

// Close closes the handle; ErrClosed if it was closed already.
func (h *Handle) Close() error {
	if err := h.check(); err != nil {
		return err
	}
	h.closed = true
	if h.fd < len(h.fs.fds) {
		h.fs.fds[h.fd] = false
	}
	return nil
}

// DirEnt is a directory entry: a name and the type bits of its inode.
type DirEnt struct {
	Name string
	Type fs.FileMode
}

// ReadDir returns up to n (all if n <= 0) of the directory's next entries,
// in name order, without "." and ".."; none at the end. Names removed since
// the listing started are skipped.
func (h *Handle) ReadDir(n int) ([]DirEnt, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	if !h.n.isDir() {
		return nil, syscall.ENOTDIR
	}
	if h.dir == nil {
		h.dir = make([]string, 0, len(h.n.ents))
		for name := range h.n.ents {
			h.dir = append(h.dir, name)
		}
		slices.Sort(h.dir)
		h.pos = 0
	}
	var out []DirEnt
	for h.pos < len(h.dir) && (n <= 0 || len(out) < n) {
		name := h.dir[h.pos]
		h.pos++
		if c := h.n.ents[name]; c != nil {
			out = append(out, DirEnt{Name: name, Type: c.mode.Type()})
		}
	}
	return out, nil
}

// Lstat describes the entry name of the open directory without following
// a symbolic link (fstatat with AT_SYMLINK_NOFOLLOW).
func (h *Handle) Lstat(name string) (Stat, error) {
	if err := h.check(); err != nil {
		return Stat{}, err
	}
	if !h.n.isDir() {
		return Stat{}, syscall.ENOTDIR
	}
	c := h.n.ents[name]
	if c == nil {
		return Stat{}, syscall.ENOENT
	}
	return c.stat(), nil
}
