package os

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/fssim"
)

// Root may be used to only access files within a single directory tree, as
// os.Root. A Root opened outside a simulation is a real os.Root. One opened
// in a simulation names a directory of the node's disk: names that escape
// it, lexically or through symbolic links, fail with "path escapes from
// parent" as in package os, but the root is held by name, not by
// descriptor, so renaming its directory does not move the Root along.
type Root struct {
	r *os.Root // real root, or nil
	s *simRoot // simulated root, or nil
}

type simRoot struct {
	fs     *fssim.FS
	name   string // as passed to OpenRoot
	dir    string // absolute path on the node's disk
	closed bool
}

var errPathEscapes = errors.New("path escapes from parent")

// OpenRoot opens the named directory for use as a Root. If there is an
// error, it will be of type *PathError.
func OpenRoot(name string) (*Root, error) {
	fsys := simFS()
	if fsys == nil {
		r, err := os.OpenRoot(name)
		if err != nil {
			return nil, err
		}
		return &Root{r: r}, nil
	}
	return openSimRoot(fsys, name, name)
}

func openSimRoot(fsys *fssim.FS, path, name string) (*Root, error) {
	st, err := fsys.Stat(path, true)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !st.Mode.IsDir() {
		return nil, &PathError{Op: "open", Path: name, Err: errors.New("not a directory")}
	}
	dir, err := fsys.Realpath(path, true)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return &Root{s: &simRoot{fs: fsys, name: name, dir: dir}}, nil
}

// OpenInRoot opens the file name in the directory dir, as if by OpenRoot
// followed by Root.Open.
func OpenInRoot(dir, name string) (*File, error) {
	r, err := OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Open(name)
}

// path checks name and returns its path on the disk.
func (r *simRoot) path(name string, follow bool) (string, error) {
	point()
	if r.closed {
		return "", ErrClosed
	}
	if name == "" {
		return "", errors.New("empty path")
	}
	if name[0] == '/' {
		return "", errPathEscapes
	}
	depth := 0
	for c := range strings.SplitSeq(name, "/") {
		switch c {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return "", errPathEscapes
			}
		default:
			depth++
		}
	}
	full := r.dir + "/" + name
	if real, err := r.fs.Realpath(full, follow); err == nil && real != r.dir &&
		!strings.HasPrefix(real, strings.TrimSuffix(r.dir, "/")+"/") {
		return "", errPathEscapes
	}
	return full, nil
}

// rootErr reports err, from an operation on name in a root, as Op op.
func rootErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*PathError); ok {
		err = pe.Err
	}
	return &PathError{Op: op, Path: name, Err: err}
}

// Name returns the name of the directory presented to OpenRoot.
func (r *Root) Name() string {
	if r.r != nil {
		return r.r.Name()
	}
	return r.s.name
}

// Close closes the Root. After Close is called, methods on Root return
// errors.
func (r *Root) Close() error {
	if r.r != nil {
		return r.r.Close()
	}
	r.s.closed = true
	return nil
}

// Open opens the named file in the root for reading.
func (r *Root) Open(name string) (*File, error) { return r.OpenFile(name, O_RDONLY, 0) }

// Create creates or truncates the named file in the root.
func (r *Root) Create(name string) (*File, error) {
	return r.OpenFile(name, O_RDWR|O_CREATE|O_TRUNC, 0o666)
}

// OpenFile opens the named file in the root, as OpenFile.
func (r *Root) OpenFile(name string, flag int, perm FileMode) (*File, error) {
	if r.r != nil {
		f, err := r.r.OpenFile(name, flag, perm)
		if err != nil {
			return nil, err
		}
		return wrap(f), nil
	}
	if perm&0o777 != perm {
		return nil, &PathError{Op: "openat", Path: name, Err: errors.New("unsupported file mode")}
	}
	excl := flag&(O_CREATE|O_EXCL) == O_CREATE|O_EXCL
	full, err := r.s.path(name, !excl)
	if err != nil {
		return nil, &PathError{Op: "openat", Path: name, Err: err}
	}
	h, err := r.s.fs.Open(full, flag, perm)
	if err != nil {
		return nil, pathErr("openat", name, err)
	}
	return newSimFile(h, joinPath(r.s.name, name), flag), nil
}

// OpenRoot opens the named directory in the root as a new Root.
func (r *Root) OpenRoot(name string) (*Root, error) {
	if r.r != nil {
		nr, err := r.r.OpenRoot(name)
		if err != nil {
			return nil, err
		}
		return &Root{r: nr}, nil
	}
	full, err := r.s.path(name, true)
	if err != nil {
		return nil, &PathError{Op: "openat", Path: name, Err: err}
	}
	nr, err := openSimRoot(r.s.fs, full, joinPath(r.s.name, name))
	if err != nil {
		return nil, rootErr("openat", name, err)
	}
	return nr, nil
}

// Chmod changes the mode of the named file in the root to mode.
func (r *Root) Chmod(name string, mode FileMode) error {
	if r.r != nil {
		return r.r.Chmod(name, mode)
	}
	full, err := r.s.path(name, true)
	if err != nil {
		return rootErr("chmodat", name, err)
	}
	return rootErr("chmodat", name, r.s.fs.Chmod(full, mode))
}

// Chown changes the numeric uid and gid of the named file in the root.
func (r *Root) Chown(name string, uid, gid int) error {
	if r.r != nil {
		return r.r.Chown(name, uid, gid)
	}
	full, err := r.s.path(name, true)
	if err != nil {
		return rootErr("chownat", name, err)
	}
	return rootErr("chownat", name, r.s.fs.Chown(full, uid, gid, true))
}

// Lchown changes the numeric uid and gid of the named file in the root
// without following a symbolic link.
func (r *Root) Lchown(name string, uid, gid int) error {
	if r.r != nil {
		return r.r.Lchown(name, uid, gid)
	}
	full, err := r.s.path(name, false)
	if err != nil {
		return rootErr("lchownat", name, err)
	}
	return rootErr("lchownat", name, r.s.fs.Chown(full, uid, gid, false))
}

// Chtimes changes the access and modification times of the named file in
// the root.
func (r *Root) Chtimes(name string, atime time.Time, mtime time.Time) error {
	if r.r != nil {
		return r.r.Chtimes(name, atime, mtime)
	}
	full, err := r.s.path(name, true)
	if err != nil {
		return rootErr("chtimesat", name, err)
	}
	var at, mt *time.Time
	if !atime.IsZero() {
		at = &atime
	}
	if !mtime.IsZero() {
		mt = &mtime
	}
	return rootErr("chtimesat", name, r.s.fs.Chtimes(full, at, mt))
}

// Mkdir creates a new directory in the root.
func (r *Root) Mkdir(name string, perm FileMode) error {
	if r.r != nil {
		return r.r.Mkdir(name, perm)
	}
	if perm&0o777 != perm {
		return &PathError{Op: "mkdirat", Path: name, Err: errors.New("unsupported file mode")}
	}
	full, err := r.s.path(name, false)
	if err != nil {
		return rootErr("mkdirat", name, err)
	}
	return rootErr("mkdirat", name, r.s.fs.Mkdir(full, perm))
}

// MkdirAll creates a new directory in the root, along with any necessary
// parents.
func (r *Root) MkdirAll(name string, perm FileMode) error {
	if r.r != nil {
		return r.r.MkdirAll(name, perm)
	}
	if perm&0o777 != perm {
		return &PathError{Op: "mkdirat", Path: name, Err: errors.New("unsupported file mode")}
	}
	full, err := r.s.path(name, true)
	if err != nil {
		return rootErr("mkdirat", name, err)
	}
	return rootErr("mkdirat", name, mkdirAll(full, perm))
}

// Remove removes the named file or (empty) directory in the root.
func (r *Root) Remove(name string) error {
	if r.r != nil {
		return r.r.Remove(name)
	}
	full, err := r.s.path(name, false)
	if err != nil {
		return rootErr("removeat", name, err)
	}
	return rootErr("removeat", name, remove(r.s.fs, full))
}

// RemoveAll removes the named file or directory and any children it
// contains.
func (r *Root) RemoveAll(name string) error {
	if r.r != nil {
		return r.r.RemoveAll(name)
	}
	for len(name) > 0 && IsPathSeparator(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	if endsWithDot(name) {
		return &PathError{Op: "RemoveAll", Path: name, Err: syscall.EINVAL}
	}
	full, err := r.s.path(name, false)
	if err != nil {
		return rootErr("RemoveAll", name, err)
	}
	return rootErr("RemoveAll", name, RemoveAll(full))
}

// Stat returns a FileInfo describing the named file in the root.
func (r *Root) Stat(name string) (FileInfo, error) {
	if r.r != nil {
		return r.r.Stat(name)
	}
	return r.s.stat(name, true)
}

// Lstat returns a FileInfo describing the named file in the root, without
// following a final symbolic link.
func (r *Root) Lstat(name string) (FileInfo, error) {
	if r.r != nil {
		return r.r.Lstat(name)
	}
	return r.s.stat(name, false)
}

func (r *simRoot) stat(name string, follow bool) (FileInfo, error) {
	full, err := r.path(name, follow)
	if err != nil {
		return nil, rootErr("statat", name, err)
	}
	st, err := r.fs.Stat(full, follow)
	if err != nil {
		return nil, rootErr("statat", name, err)
	}
	return newFileStat(r.fs, name, st), nil
}

// Readlink returns the destination of the named symbolic link in the root.
func (r *Root) Readlink(name string) (string, error) {
	if r.r != nil {
		return r.r.Readlink(name)
	}
	full, err := r.s.path(name, false)
	if err != nil {
		return "", rootErr("readlinkat", name, err)
	}
	t, err := r.s.fs.Readlink(full)
	if err != nil {
		return "", rootErr("readlinkat", name, err)
	}
	return t, nil
}

// Rename renames (moves) oldname to newname, both in the root.
func (r *Root) Rename(oldname, newname string) error {
	if r.r != nil {
		return r.r.Rename(oldname, newname)
	}
	return r.s.link("renameat", oldname, newname, Rename)
}

// Link creates newname as a hard link to the oldname file, both in the root.
func (r *Root) Link(oldname, newname string) error {
	if r.r != nil {
		return r.r.Link(oldname, newname)
	}
	return r.s.link("linkat", oldname, newname, Link)
}

func (r *simRoot) link(op, oldname, newname string, do func(o, n string) error) error {
	oldfull, err := r.path(oldname, false)
	if err != nil {
		return &LinkError{Op: op, Old: oldname, New: newname, Err: err}
	}
	newfull, err := r.path(newname, false)
	if err != nil {
		return &LinkError{Op: op, Old: oldname, New: newname, Err: err}
	}
	if err := do(oldfull, newfull); err != nil {
		if le, ok := err.(*LinkError); ok {
			err = le.Err
		}
		return &LinkError{Op: op, Old: oldname, New: newname, Err: err}
	}
	return nil
}

// Symlink creates newname in the root as a symbolic link to oldname.
func (r *Root) Symlink(oldname, newname string) error {
	if r.r != nil {
		return r.r.Symlink(oldname, newname)
	}
	full, err := r.s.path(newname, false)
	if err == nil {
		err = r.s.fs.Symlink(oldname, full)
	}
	if err != nil {
		return &LinkError{Op: "symlinkat", Old: oldname, New: newname, Err: errno(err)}
	}
	return nil
}

// ReadFile reads the named file in the root and returns its contents.
func (r *Root) ReadFile(name string) ([]byte, error) {
	if r.r != nil {
		return r.r.ReadFile(name)
	}
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

// WriteFile writes data to the named file in the root, creating it if
// necessary.
func (r *Root) WriteFile(name string, data []byte, perm FileMode) error {
	if r.r != nil {
		return r.r.WriteFile(name, data, perm)
	}
	f, err := r.OpenFile(name, O_WRONLY|O_CREATE|O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return err
}

// FS returns a file system (an fs.FS) for the tree of files in the root.
// The result implements fs.StatFS, fs.ReadFileFS, fs.ReadDirFS and
// fs.ReadLinkFS.
func (r *Root) FS() fs.FS { return (*rootFS)(r) }

type rootFS Root

func isValidRootFSPath(name string) bool { return fs.ValidPath(name) }

func (rfs *rootFS) Open(name string) (fs.File, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return nil, &PathError{Op: "open", Path: name, Err: ErrInvalid}
	}
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (rfs *rootFS) ReadDir(name string) ([]DirEntry, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return nil, &PathError{Op: "readdir", Path: name, Err: ErrInvalid}
	}
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dirs, err := f.ReadDir(-1)
	slices.SortFunc(dirs, func(a, b DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return dirs, err
}

func (rfs *rootFS) ReadFile(name string) ([]byte, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return nil, &PathError{Op: "readfile", Path: name, Err: ErrInvalid}
	}
	return r.ReadFile(name)
}

func (rfs *rootFS) ReadLink(name string) (string, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return "", &PathError{Op: "readlink", Path: name, Err: ErrInvalid}
	}
	return r.Readlink(name)
}

func (rfs *rootFS) Stat(name string) (FileInfo, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return nil, &PathError{Op: "stat", Path: name, Err: ErrInvalid}
	}
	return r.Stat(name)
}

func (rfs *rootFS) Lstat(name string) (FileInfo, error) {
	r := (*Root)(rfs)
	if !isValidRootFSPath(name) {
		return nil, &PathError{Op: "lstat", Path: name, Err: ErrInvalid}
	}
	return r.Lstat(name)
}
