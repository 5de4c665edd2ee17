package fssim

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Umask is the file mode creation mask every simulated process runs with.
const Umask fs.FileMode = 0o022

// DirSize is the size Stat reports for a directory, as ext4 does.
const DirSize = 4096

// PathMax and NameMax are Linux's limits on the length of a path and of one
// of its components (ENAMETOOLONG).
const (
	PathMax = 4096
	NameMax = 255
)

// maxSymlinks is the number of symbolic links a path walk may follow before
// failing with ELOOP, as Linux's.
const maxSymlinks = 40

// Env is what a file system needs from its simulation: the virtual clock for
// time stamps, random draws for faults, and the trace hash.
type Env interface {
	Now() time.Time
	Rand() uint64
	Event(v uint64)
}

// Faults are the disk faults a file system injects.
type Faults struct {
	WriteErr   float64 // probability that a write, truncation or sync fails with EIO
	ReadErr    float64 // probability that a read fails with EIO
	TornWrites bool    // a crash keeps a random prefix of each file's unsynced writes
}

// FS is a simulated file system. It is not safe for concurrent use: the
// simulation runs one goroutine at a time.
type FS struct {
	env  Env
	root *inode
	cwd  string // absolute, clean, physical path of the working directory
	home string // the working directory at boot: "/", or the directory Home made visible

	nextIno uint64
	fds     []bool // fds[i]: descriptor i is open
	boot    uint64 // crashes so far: handles of an earlier boot are dead

	// dirty lists the inodes changed since their last sync, in a
	// deterministic order (lazily: an inode synced since stays listed, with
	// dirty unset, until the list is compacted), so a crash visits only them.
	dirty  []*inode
	ndirty int

	faults func() Faults
	dev    uint64 // device number reported by Stat_t

	// Stats count operations, for tests and benchmarks.
	Stats Stats
}

// Stats count a file system's operations.
type Stats struct {
	Syncs, Crashes, TornFiles, WriteFaults, ReadFaults uint64
}

// New returns a file system holding only the directories / and /tmp, both
// durable. faults may be nil (no faults).
func New(env Env, faults func() Faults) *FS {
	f := &FS{env: env, cwd: "/", home: "/", faults: faults}
	f.root = f.newInode(fs.ModeDir | 0o755)
	tmp := f.newInode(fs.ModeDir | fs.ModeSticky | 0o777)
	f.root.ents["tmp"] = tmp
	tmp.nlink = 1
	return f
}

func (f *FS) now() time.Time { return f.env.Now() }

// Dev returns the file system's device number (the node's number plus one).
func (f *FS) Dev() uint64 { return f.dev }

func (f *FS) curFaults() Faults {
	if f.faults == nil {
		return Faults{}
	}
	return f.faults()
}

// inode is a file, directory or symbolic link.
type inode struct {
	ino   uint64
	mode  fs.FileMode // type bits and permissions
	nlink int         // names in the volatile tree (files and links)
	uid   int
	gid   int
	atime time.Time
	mtime time.Time
	ctime time.Time

	data   fileData          // regular file contents
	ents   map[string]*inode // directory entries
	target string            // symbolic link target
	// lower is the real directory whose entries this directory still has to read (see Home);
	// "" once read, and for everything else.
	lower string

	// Durability (see durable.go).
	dirty  bool
	listed bool              // in FS.dirty
	undo   []undoRec         // file: changes since the last sync, oldest first
	dents  map[string]*inode // directory: durable binding of each changed name (nil: absent)
	dmeta  meta              // metadata at the last sync, valid while dirty
}

func (f *FS) newInode(mode fs.FileMode) *inode {
	f.nextIno++
	t := f.now()
	n := &inode{ino: f.nextIno, mode: mode, atime: t, mtime: t, ctime: t}
	if mode.IsDir() {
		n.ents = make(map[string]*inode)
	}
	return n
}

func (n *inode) isDir() bool     { return n.mode.IsDir() }
func (n *inode) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }
func (n *inode) isRegular() bool { return n.mode.IsRegular() }

func (n *inode) size() int64 {
	switch {
	case n.isDir():
		return DirSize
	case n.isSymlink():
		return int64(len(n.target))
	}
	return n.data.size
}

// Stat describes an inode, as stat(2) does.
type Stat struct {
	Ino   uint64
	Mode  fs.FileMode
	Nlink uint64
	Uid   int
	Gid   int
	Size  int64
	Atime time.Time
	Mtime time.Time
	Ctime time.Time
}

func (n *inode) stat() Stat {
	nlink := uint64(n.nlink)
	if n.isDir() {
		nlink = 2
		for _, c := range n.ents {
			if c.isDir() {
				nlink++
			}
		}
	}
	return Stat{Ino: n.ino, Mode: n.mode, Nlink: nlink, Uid: n.uid, Gid: n.gid, Size: n.size(),
		Atime: n.atime, Mtime: n.mtime, Ctime: n.ctime}
}

// walk is the result of resolving a path: the directory that holds its last
// component, and what that component names.
type walk struct {
	dirs  []*inode // the directories from / to the parent, root first
	names []string // names[i] is the name of dirs[i] in dirs[i-1] ("" for /)
	name  string   // the last component: a name, ".", or ".."
	node  *inode   // what name refers to in the parent, nil if absent
	slash bool     // the path ended with a slash
}

func (w *walk) parent() *inode { return w.dirs[len(w.dirs)-1] }

// physPath returns the absolute path of the parent joined with elem.
func (w *walk) physPath(elem string) string {
	var b strings.Builder
	for _, n := range w.names[1:] {
		b.WriteByte('/')
		b.WriteString(n)
	}
	switch elem {
	case "", ".":
	case "..":
		p := b.String()
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			return cleanRoot(p[:i])
		}
		return "/"
	default:
		b.WriteByte('/')
		b.WriteString(elem)
	}
	return cleanRoot(b.String())
}

func cleanRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func splitPath(p string) []string {
	var out []string
	for c := range strings.SplitSeq(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// resolve walks path, following symbolic links in every component but the
// last, and in the last one too when follow is set or the path ends with a
// slash. It fails with ENOENT when a directory on the way is missing,
// ENOTDIR when one is not a directory, and ELOOP on too many links. A final
// component that is not a directory despite a trailing slash is left to the
// caller, as the system calls differ (mkdir says EEXIST, open ENOTDIR).
func (f *FS) resolve(path string, follow bool) (*walk, error) {
	if path == "" {
		return nil, syscall.ENOENT
	}
	if len(path) >= PathMax {
		return nil, syscall.ENAMETOOLONG
	}
	w := &walk{slash: strings.HasSuffix(path, "/")}
	if path[0] == '/' {
		w.dirs, w.names = []*inode{f.root}, []string{""}
	} else {
		cw, err := f.resolve(f.cwd, true)
		if err != nil {
			return nil, err
		}
		if cw.node == nil || !cw.node.isDir() {
			return nil, syscall.ENOENT
		}
		w.dirs, w.names = cw.dirs, cw.names
		if cw.name != "." {
			w.dirs = append(w.dirs, cw.node)
			w.names = append(w.names, cw.name)
		}
	}
	comps := splitPath(path)
	if len(comps) == 0 { // "/"
		w.name, w.node = ".", f.root
		return w, nil
	}
	links := 0
	for i := 0; i < len(comps); i++ {
		c := comps[i]
		cur := w.parent()
		if !cur.isDir() {
			return nil, syscall.ENOTDIR
		}
		var next *inode
		switch c {
		case ".":
			next = cur
		case "..":
			next = f.root
			if len(w.dirs) > 1 {
				next = w.dirs[len(w.dirs)-2]
			}
		default:
			next = cur.ents[c]
		}
		if next != nil && next.lower != "" {
			f.fill(next)
		}
		if len(c) > NameMax {
			return nil, syscall.ENAMETOOLONG
		}
		last := i == len(comps)-1
		if next != nil && next.isSymlink() && (!last || follow || w.slash) {
			if links++; links > maxSymlinks {
				return nil, syscall.ELOOP
			}
			t := next.target
			if strings.HasPrefix(t, "/") {
				w.dirs, w.names = []*inode{f.root}, []string{""}
			}
			rest := splitPath(t)
			if len(rest) == 0 { // a link to "/"
				rest = []string{"."}
			}
			comps = append(rest, comps[i+1:]...)
			i = -1
			continue
		}
		if last {
			w.name, w.node = c, next
			return w, nil
		}
		if next == nil {
			return nil, syscall.ENOENT
		}
		switch c {
		case ".":
		case "..":
			if len(w.dirs) > 1 {
				w.dirs, w.names = w.dirs[:len(w.dirs)-1], w.names[:len(w.names)-1]
			}
		default:
			w.dirs, w.names = append(w.dirs, next), append(w.names, c)
		}
	}
	panic("unreachable")
}

// lookup resolves path to an existing inode.
func (f *FS) lookup(path string, follow bool) (*walk, *inode, error) {
	w, err := f.resolve(path, follow)
	if err != nil {
		return nil, nil, err
	}
	if w.node == nil {
		return nil, nil, syscall.ENOENT
	}
	if w.slash && !w.node.isDir() {
		return nil, nil, syscall.ENOTDIR
	}
	return w, w.node, nil
}

// Realpath returns the absolute path, without symbolic links, "." or "..",
// of what path names (following a final link when follow is set); the last
// component need not exist.
func (f *FS) Realpath(path string, follow bool) (string, error) {
	w, err := f.resolve(path, follow)
	if err != nil {
		return "", err
	}
	return w.physPath(w.name), nil
}

// Stat returns the inode path names, following symbolic links when follow is set.
func (f *FS) Stat(path string, follow bool) (Stat, error) {
	_, n, err := f.lookup(path, follow)
	if err != nil {
		return Stat{}, err
	}
	return n.stat(), nil
}

// Open opens path as open(2) does with flag (os.O_* values; O_SYNC makes
// every write durable) and, for a new file, mode perm (before the umask).
func (f *FS) Open(path string, flag int, perm fs.FileMode) (*Handle, error) {
	creat := flag&os.O_CREATE != 0
	excl := creat && flag&os.O_EXCL != 0
	w, err := f.resolve(path, !excl)
	if err != nil {
		return nil, err
	}
	acc := flag & accMode
	n := w.node
	if creat && w.slash {
		return nil, syscall.EISDIR
	}
	if n == nil {
		if !creat {
			return nil, syscall.ENOENT
		}
		n = f.newInode(perm & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky) &^ Umask)
		f.setEntry(w.parent(), w.name, n)
	} else {
		if excl {
			return nil, syscall.EEXIST
		}
		if w.slash && !n.isDir() {
			return nil, syscall.ENOTDIR
		}
		if n.isDir() && (acc != os.O_RDONLY || creat) {
			return nil, syscall.EISDIR
		}
		if flag&os.O_TRUNC != 0 && n.isRegular() && acc != os.O_RDONLY && n.data.size > 0 {
			if f.fault(f.curFaults().WriteErr, evWriteFault, n.ino) {
				return nil, syscall.EIO
			}
			f.truncate(n, 0)
		}
	}
	return &Handle{fs: f, n: n, flag: flag, boot: f.boot, fd: f.allocFd(), path: w.physPath(w.name)}, nil
}

// Mkdir creates the directory path with mode perm (before the umask).
func (f *FS) Mkdir(path string, perm fs.FileMode) error {
	w, err := f.resolve(path, false)
	if err != nil {
		return err
	}
	if w.node != nil {
		return syscall.EEXIST
	}
	n := f.newInode(fs.ModeDir | perm&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky)&^Umask)
	f.setEntry(w.parent(), w.name, n)
	return nil
}

// Symlink creates path as a symbolic link to target.
func (f *FS) Symlink(target, path string) error {
	if target == "" {
		return syscall.ENOENT
	}
	w, err := f.resolve(path, false)
	if err != nil {
		return err
	}
	if w.node != nil {
		return syscall.EEXIST
	}
	if w.slash {
		return syscall.ENOENT
	}
	n := f.newInode(fs.ModeSymlink | 0o777)
	n.target = target
	f.setEntry(w.parent(), w.name, n)
	return nil
}

// Readlink returns the target of the symbolic link path.
func (f *FS) Readlink(path string) (string, error) {
	_, n, err := f.lookup(path, false)
	if err != nil {
		return "", err
	}
	if !n.isSymlink() {
		return "", syscall.EINVAL
	}
	return n.target, nil
}

// Link creates newpath as a new name for the file oldpath.
func (f *FS) Link(oldpath, newpath string) error {
	_, old, err := f.lookup(oldpath, false)
	if err != nil {
		return err
	}
	w, err := f.resolve(newpath, false)
	if err != nil {
		return err
	}
	if w.node != nil {
		return syscall.EEXIST
	}
	if old.isDir() {
		return syscall.EPERM
	}
	if w.slash {
		return syscall.ENOENT
	}
	f.setEntry(w.parent(), w.name, old)
	old.ctime = f.now()
	return nil
}

// Unlink removes the name path of a file or link, as unlink(2).
func (f *FS) Unlink(path string) error {
	w, err := f.resolve(path, false)
	if err != nil {
		return err
	}
	if w.node == nil {
		return syscall.ENOENT
	}
	if w.node.isDir() {
		return syscall.EISDIR
	}
	if w.slash {
		return syscall.ENOTDIR
	}
	f.setEntry(w.parent(), w.name, nil)
	return nil
}

// Rmdir removes the empty directory path, as rmdir(2).
func (f *FS) Rmdir(path string) error {
	w, err := f.resolve(path, false)
	if err != nil {
		return err
	}
	switch {
	case w.node == f.root:
		return syscall.EBUSY
	case w.name == ".":
		return syscall.EINVAL
	case w.name == "..":
		return syscall.ENOTEMPTY
	case w.node == nil:
		return syscall.ENOENT
	case !w.node.isDir():
		return syscall.ENOTDIR
	case len(w.node.ents) > 0:
		return syscall.ENOTEMPTY
	}
	f.setEntry(w.parent(), w.name, nil)
	return nil
}

// Rename renames oldpath to newpath, as rename(2).
func (f *FS) Rename(oldpath, newpath string) error {
	ow, err := f.resolve(oldpath, false)
	if err != nil {
		return err
	}
	nw, err := f.resolve(newpath, false)
	if err != nil {
		return err
	}
	old := ow.node
	if old == nil {
		return syscall.ENOENT
	}
	if old == f.root || ow.name == "." || ow.name == ".." || nw.name == "." || nw.name == ".." || nw.node == f.root {
		return syscall.EBUSY
	}
	if (ow.slash || nw.slash) && !old.isDir() {
		return syscall.ENOTDIR
	}
	if nw.node == old {
		return nil
	}
	if old.isDir() {
		if slices.Contains(nw.dirs, old) {
			return syscall.EINVAL
		}
		if nw.node != nil {
			if !nw.node.isDir() {
				return syscall.ENOTDIR
			}
			if len(nw.node.ents) > 0 {
				return syscall.ENOTEMPTY
			}
		}
	} else if nw.node != nil && nw.node.isDir() {
		return syscall.EISDIR
	}
	f.setEntry(ow.parent(), ow.name, nil)
	f.setEntry(nw.parent(), nw.name, old)
	old.ctime = f.now()
	return nil
}

// Truncate sets the size of the file path.
func (f *FS) Truncate(path string, size int64) error {
	_, n, err := f.lookup(path, true)
	if err != nil {
		return err
	}
	if n.isDir() {
		return syscall.EISDIR
	}
	if size < 0 {
		return syscall.EINVAL
	}
	if f.fault(f.curFaults().WriteErr, evWriteFault, n.ino) {
		return syscall.EIO
	}
	f.truncate(n, size)
	return nil
}

// Chmod sets the permission bits (and setuid, setgid, sticky) of path.
func (f *FS) Chmod(path string, mode fs.FileMode) error {
	_, n, err := f.lookup(path, true)
	if err != nil {
		return err
	}
	f.chmod(n, mode)
	return nil
}

func (f *FS) chmod(n *inode, mode fs.FileMode) {
	const bits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	f.markDirty(n)
	n.mode = n.mode&^bits | mode&bits
	n.ctime = f.now()
}

// Chown sets the owner of path (-1 leaves a value unchanged).
func (f *FS) Chown(path string, uid, gid int, follow bool) error {
	_, n, err := f.lookup(path, follow)
	if err != nil {
		return err
	}
	f.chown(n, uid, gid)
	return nil
}

func (f *FS) chown(n *inode, uid, gid int) {
	f.markDirty(n)
	if uid != -1 {
		n.uid = uid
	}
	if gid != -1 {
		n.gid = gid
	}
	n.ctime = f.now()
}

// Chtimes sets the access and modification times of path; a nil time is
// left unchanged.
func (f *FS) Chtimes(path string, atime, mtime *time.Time) error {
	if atime == nil && mtime == nil {
		return nil // as utimensat: nothing to do, the path is not even checked
	}
	_, n, err := f.lookup(path, true)
	if err != nil {
		return err
	}
	f.markDirty(n)
	if atime != nil {
		n.atime = *atime
	}
	if mtime != nil {
		n.mtime = *mtime
	}
	n.ctime = f.now()
	return nil
}

// Chdir makes path the working directory.
func (f *FS) Chdir(path string) error {
	w, n, err := f.lookup(path, true)
	if err != nil {
		return err
	}
	if !n.isDir() {
		return syscall.ENOTDIR
	}
	f.cwd = w.physPath(w.name)
	return nil
}

// Getwd returns the working directory, or ENOENT if it was removed.
func (f *FS) Getwd() (string, error) {
	if _, n, err := f.lookup(f.cwd, true); err != nil || !n.isDir() {
		return "", syscall.ENOENT
	}
	return f.cwd, nil
}

// SameFile reports whether two Stats of this file system describe the same inode.
func SameFile(a, b Stat) bool { return a.Ino == b.Ino }

// ErrClosed is returned by a Handle that was closed, or opened before the
// node crashed.
var ErrClosed = errors.New("use of closed file")

func (f *FS) allocFd() int {
	for i := 3; i < len(f.fds); i++ {
		if !f.fds[i] {
			f.fds[i] = true
			return i
		}
	}
	if len(f.fds) < 3 {
		f.fds = make([]bool, 3, 16)
	}
	f.fds = append(f.fds, true)
	return len(f.fds) - 1
}

// setEntry binds name in dir to child (nil removes it), recording the
// durable binding first.
func (f *FS) setEntry(dir *inode, name string, child *inode) {
	f.markDirty(dir)
	old := dir.ents[name]
	if _, ok := dir.dents[name]; !ok {
		if dir.dents == nil {
			dir.dents = make(map[string]*inode)
		}
		dir.dents[name] = old
	}
	if old != nil {
		old.nlink--
		old.ctime = f.now()
	}
	if child == nil {
		delete(dir.ents, name)
	} else {
		dir.ents[name] = child
		child.nlink++
	}
	dir.mtime = f.now()
	dir.ctime = dir.mtime
}
