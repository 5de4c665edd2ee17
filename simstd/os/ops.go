package os

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/simgen/simgen/internal/fssim"
	"github.com/simgen/simgen/internal/kernel"
)

// Open opens the named file for reading; the associated file descriptor has
// mode O_RDONLY. If there is an error, it will be of type *PathError.
func Open(name string) (*File, error) { return OpenFile(name, O_RDONLY, 0) }

// Create creates or truncates the named file, with mode 0o666 (before
// umask) if it is new, opened O_RDWR.
func Create(name string) (*File, error) { return OpenFile(name, O_RDWR|O_CREATE|O_TRUNC, 0o666) }

// OpenFile is the generalized open call: it opens the named file with the
// specified flag (O_RDONLY etc.), creating it with mode perm (before umask)
// if it does not exist and O_CREATE is passed. With O_SYNC, every write of
// a simulated file is durable when it returns.
func OpenFile(name string, flag int, perm FileMode) (*File, error) {
	fsys := simFS()
	if fsys == nil {
		f, err := os.OpenFile(name, flag, perm)
		if err != nil {
			return nil, err
		}
		return wrap(f), nil
	}
	h, err := fsys.Open(name, flag, perm)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return newSimFile(h, name, flag), nil
}

// openDir opens a directory for reading (open with O_DIRECTORY).
func openDir(fsys *fssim.FS, name string) (*File, error) {
	h, err := fsys.OpenDir(name)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return newSimFile(h, name, O_RDONLY), nil
}

// Stat returns a FileInfo describing the named file, following symbolic
// links. If there is an error, it will be of type *PathError.
func Stat(name string) (FileInfo, error) {
	fsys := simFS()
	if fsys == nil {
		return os.Stat(name)
	}
	st, err := fsys.Stat(name, true)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return newFileStat(fsys, name, st), nil
}

// Lstat returns a FileInfo describing the named file without following a
// final symbolic link. If there is an error, it will be of type *PathError.
func Lstat(name string) (FileInfo, error) {
	fsys := simFS()
	if fsys == nil {
		return os.Lstat(name)
	}
	return lstatIn(fsys, name, "lstat")
}

// Mkdir creates a new directory with the specified name and permission bits
// (before umask). If there is an error, it will be of type *PathError.
func Mkdir(name string, perm FileMode) error {
	fsys := simFS()
	if fsys == nil {
		return os.Mkdir(name, perm)
	}
	return pathErr("mkdir", name, fsys.Mkdir(name, perm))
}

// Remove removes the named file or (empty) directory. If there is an error,
// it will be of type *PathError.
func Remove(name string) error {
	fsys := simFS()
	if fsys == nil {
		return os.Remove(name)
	}
	return remove(fsys, name)
}

func remove(fsys *fssim.FS, name string) error {
	e := fsys.Unlink(name)
	if e == nil {
		return nil
	}
	e1 := fsys.Rmdir(name)
	if e1 == nil {
		return nil
	}
	// As package os: rmdir of a file fails with ENOTDIR, so any other rmdir
	// error is the real one.
	if e1 != syscall.ENOTDIR {
		e = e1
	}
	return &PathError{Op: "remove", Path: name, Err: e}
}

// Rename renames (moves) oldpath to newpath. If newpath already exists and
// is not a directory, Rename replaces it; if it is a directory, Rename
// returns an error. If there is an error, it will be of type *LinkError.
func Rename(oldpath, newpath string) error {
	fsys := simFS()
	if fsys == nil {
		return os.Rename(oldpath, newpath)
	}
	// As package os on Unix: refuse to replace a directory up front.
	if fi, err := lstatIn(fsys, newpath, "lstat"); err == nil && fi.IsDir() {
		ofi, err := lstatIn(fsys, oldpath, "lstat")
		if err != nil {
			if pe, ok := err.(*PathError); ok {
				err = pe.Err
			}
			return &LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
		}
		if newpath == oldpath || !SameFile(fi, ofi) {
			return &LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EEXIST}
		}
	}
	if err := fsys.Rename(oldpath, newpath); err != nil {
		return &LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Link creates newname as a hard link to the oldname file. If there is an
// error, it will be of type *LinkError.
func Link(oldname, newname string) error {
	fsys := simFS()
	if fsys == nil {
		return os.Link(oldname, newname)
	}
	if err := fsys.Link(oldname, newname); err != nil {
		return &LinkError{Op: "link", Old: oldname, New: newname, Err: err}
	}
	return nil
}

// Symlink creates newname as a symbolic link to oldname. If there is an
// error, it will be of type *LinkError.
func Symlink(oldname, newname string) error {
	fsys := simFS()
	if fsys == nil {
		return os.Symlink(oldname, newname)
	}
	if err := fsys.Symlink(oldname, newname); err != nil {
		return &LinkError{Op: "symlink", Old: oldname, New: newname, Err: err}
	}
	return nil
}

// Readlink returns the destination of the named symbolic link. If there is
// an error, it will be of type *PathError.
func Readlink(name string) (string, error) {
	fsys := simFS()
	if fsys == nil {
		return os.Readlink(name)
	}
	t, err := fsys.Readlink(name)
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return t, nil
}

// Truncate changes the size of the named file, following a symbolic link.
// If there is an error, it will be of type *PathError.
func Truncate(name string, size int64) error {
	fsys := simFS()
	if fsys == nil {
		return os.Truncate(name, size)
	}
	return pathErr("truncate", name, fsys.Truncate(name, size))
}

// Chmod changes the mode of the named file to mode. In a simulation the
// mode is stored and reported, not enforced.
func Chmod(name string, mode FileMode) error {
	fsys := simFS()
	if fsys == nil {
		return os.Chmod(name, mode)
	}
	return pathErr("chmod", name, fsys.Chmod(name, mode))
}

// Chown changes the numeric uid and gid of the named file, following a
// symbolic link. A uid or gid of -1 means to not change that value.
func Chown(name string, uid, gid int) error {
	fsys := simFS()
	if fsys == nil {
		return os.Chown(name, uid, gid)
	}
	return pathErr("chown", name, fsys.Chown(name, uid, gid, true))
}

// Lchown changes the numeric uid and gid of the named file without
// following a symbolic link.
func Lchown(name string, uid, gid int) error {
	fsys := simFS()
	if fsys == nil {
		return os.Lchown(name, uid, gid)
	}
	return pathErr("lchown", name, fsys.Chown(name, uid, gid, false))
}

// Chtimes changes the access and modification times of the named file. A
// zero time.Time value leaves the corresponding time unchanged.
func Chtimes(name string, atime time.Time, mtime time.Time) error {
	fsys := simFS()
	if fsys == nil {
		return os.Chtimes(name, atime, mtime)
	}
	var at, mt *time.Time
	if !atime.IsZero() {
		at = &atime
	}
	if !mtime.IsZero() {
		mt = &mtime
	}
	return pathErr("chtimes", name, fsys.Chtimes(name, at, mt))
}

// Chdir changes the current working directory: the process's outside a
// simulation, the calling goroutine's node's inside (each node starts in
// "/", and is back there after a restart).
func Chdir(dir string) error {
	fsys := simFS()
	if fsys == nil {
		return os.Chdir(dir)
	}
	return pathErr("chdir", dir, fsys.Chdir(dir))
}

// Getwd returns an absolute path name of the current directory: the
// process's outside a simulation, the node's inside.
func Getwd() (dir string, err error) {
	fsys := simFS()
	if fsys == nil {
		return os.Getwd()
	}
	dir, err = fsys.Getwd()
	if err != nil {
		return "", NewSyscallError("getwd", err)
	}
	return dir, nil
}

// TempDir returns the default directory to use for temporary files: as
// os.TempDir outside a simulation ($TMPDIR, else /tmp), and /tmp on the
// node's disk inside one, whatever $TMPDIR says (every node's disk starts
// with a durable /tmp).
func TempDir() string {
	if kernel.Current() == nil {
		return os.TempDir()
	}
	return "/tmp"
}

// Hostname returns the host name: the node's name in a simulation, the
// kernel's outside.
func Hostname() (name string, err error) {
	if g := kernel.Current(); g != nil {
		return g.Node().Name(), nil
	}
	return os.Hostname()
}

// errUnsupported is the error of operations that have no simulated
// counterpart.
func errUnsupported(what string) error {
	return fmt.Errorf("simgen: %s in a simulation: %w", what, errors.ErrUnsupported)
}
