package os

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/simgen/simgen/internal/fssim"
)

// File is an open file: a real *os.File (opened outside a simulation, or
// Stdin, Stdout, Stderr and NewFile) or a file of a simulated node's disk
// (opened inside a simulation). Its methods behave like those of *os.File
// for both. A simulated file stays bound to the disk it was opened on: any
// goroutine of the same simulation may use it, and so may the test after
// the run; it is dead (operations fail as on a closed file) once its node is
// killed.
type File struct {
	f *os.File // real file, or nil
	s *simFile // simulated file, or nil
}

// simFile is the simulated side of a File.
type simFile struct {
	h          *fssim.Handle
	name       string // as passed to Open
	appendMode bool
	dirinfo    bool // ReadDir was called since open or the last Seek
}

func newSimFile(h *fssim.Handle, name string, flag int) *File {
	return &File{s: &simFile{h: h, name: name, appendMode: flag&O_APPEND != 0}}
}

// wrap returns the File for a real *os.File (nil for nil).
func wrap(f *os.File) *File {
	if f == nil {
		return nil
	}
	return &File{f: f}
}

// Stdin, Stdout, and Stderr are the process's standard files, real even in
// a simulation: what a simulated program prints goes to the real standard
// output. They wrap the standard library's os.Stdin, os.Stdout and
// os.Stderr as they were at initialization.
var (
	Stdin  = wrap(os.Stdin)
	Stdout = wrap(os.Stdout)
	Stderr = wrap(os.Stderr)
)

// NewFile returns a new real File with the given file descriptor and name,
// as os.NewFile.
func NewFile(fd uintptr, name string) *File { return wrap(os.NewFile(fd, name)) }

func (s *simFile) wrapErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return &PathError{Op: op, Path: s.name, Err: errno(err)}
}

// Name returns the name of the file as presented to Open.
func (f *File) Name() string {
	if f.f != nil {
		return f.f.Name()
	}
	return f.s.name
}

// Fd returns the file's descriptor: the real one, or for a simulated file a
// number unique among its node's open files (-1 as a uintptr once closed).
func (f *File) Fd() uintptr {
	if f == nil {
		return ^uintptr(0)
	}
	if f.f != nil {
		return f.f.Fd()
	}
	return uintptr(f.s.h.Fd())
}

// Read reads up to len(b) bytes from the File and stores them in b. At end
// of file, Read returns 0, io.EOF.
func (f *File) Read(b []byte) (n int, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		return f.f.Read(b)
	}
	point()
	n, e := f.s.h.Read(b)
	if e == nil && n == 0 && len(b) > 0 {
		return 0, io.EOF
	}
	return n, f.s.wrapErr("read", e)
}

// ReadAt reads len(b) bytes from the File starting at byte offset off. It
// always returns a non-nil error when n < len(b); at end of file, io.EOF.
func (f *File) ReadAt(b []byte, off int64) (n int, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		return f.f.ReadAt(b, off)
	}
	if off < 0 {
		return 0, &PathError{Op: "readat", Path: f.s.name, Err: errors.New("negative offset")}
	}
	point()
	for len(b) > 0 {
		m, e := f.s.h.Pread(b, off)
		if e != nil {
			return n, f.s.wrapErr("read", e)
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
		b = b[m:]
		off += int64(m)
	}
	return n, nil
}

// Write writes len(b) bytes from b to the File. It returns a non-nil error
// when n != len(b).
func (f *File) Write(b []byte) (n int, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		if f == Stdout || f == Stderr {
			traceOutput(f, b)
		}
		return f.f.Write(b)
	}
	point()
	n, e := f.s.h.Write(b)
	if n != len(b) {
		err = io.ErrShortWrite
	}
	if e != nil {
		err = f.s.wrapErr("write", e)
	}
	return n, err
}

var errWriteAtInAppendMode = errors.New("os: invalid use of WriteAt on file opened with O_APPEND")

// WriteAt writes len(b) bytes to the File starting at byte offset off. If
// the file was opened with O_APPEND, WriteAt returns an error.
func (f *File) WriteAt(b []byte, off int64) (n int, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		return f.f.WriteAt(b, off)
	}
	if f.s.appendMode {
		return 0, errWriteAtInAppendMode
	}
	if off < 0 {
		return 0, &PathError{Op: "writeat", Path: f.s.name, Err: errors.New("negative offset")}
	}
	point()
	n, e := f.s.h.Pwrite(b, off)
	return n, f.s.wrapErr("write", e)
}

// WriteString is like Write, but writes the contents of string s.
func (f *File) WriteString(s string) (n int, err error) {
	return f.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// Seek sets the offset for the next Read or Write on file to offset,
// interpreted according to whence (io.SeekStart, io.SeekCurrent,
// io.SeekEnd). It returns the new offset.
func (f *File) Seek(offset int64, whence int) (ret int64, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		return f.f.Seek(offset, whence)
	}
	point()
	f.s.dirinfo = false
	r, e := f.s.h.Seek(offset, whence)
	if e != nil {
		return 0, f.s.wrapErr("seek", e)
	}
	return r, nil
}

// Sync commits the current contents of the file to stable storage. For a
// simulated file, this is what survives a crash of its node; on a
// directory, it makes the directory's entries (created, removed and renamed
// names) durable.
func (f *File) Sync() error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Sync()
	}
	point()
	traceSync(f)
	return f.s.wrapErr("sync", f.s.h.Sync())
}

// Close closes the File. It returns an error if it has already been called.
func (f *File) Close() error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Close()
	}
	point()
	f.s.dirinfo = false
	return f.s.wrapErr("close", f.s.h.Close())
}

// Stat returns the FileInfo structure describing file.
func (f *File) Stat() (FileInfo, error) {
	if f == nil {
		return nil, ErrInvalid
	}
	if f.f != nil {
		return f.f.Stat()
	}
	point()
	st, err := f.s.h.Stat()
	if err != nil {
		return nil, f.s.wrapErr("stat", err)
	}
	return newFileStat(f.s.h.FS(), f.s.name, st), nil
}

// Truncate changes the size of the file. It does not change the I/O offset.
func (f *File) Truncate(size int64) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Truncate(size)
	}
	point()
	return f.s.wrapErr("truncate", f.s.h.Truncate(size))
}

// Chmod changes the mode of the file to mode.
func (f *File) Chmod(mode FileMode) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Chmod(mode)
	}
	point()
	return f.s.wrapErr("chmod", f.s.h.Chmod(mode))
}

// Chown changes the numeric uid and gid of the file.
func (f *File) Chown(uid, gid int) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Chown(uid, gid)
	}
	point()
	return f.s.wrapErr("chown", f.s.h.Chown(uid, gid))
}

// Chdir changes the current working directory to the file, which must be a
// directory: the process's for a real file, the node's for a simulated one.
func (f *File) Chdir() error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.Chdir()
	}
	point()
	return f.s.wrapErr("chdir", f.s.h.Chdir())
}

// ReadDir reads the contents of the directory associated with the file and
// returns up to n DirEntry values (all if n <= 0) in directory order (name
// order for a simulated directory). With n > 0 it returns io.EOF at the end.
func (f *File) ReadDir(n int) ([]DirEntry, error) {
	if f == nil {
		return nil, ErrInvalid
	}
	if f.f != nil {
		return f.f.ReadDir(n)
	}
	_, dirents, _, err := f.readdir(n, readdirDirEntry)
	if dirents == nil {
		dirents = []DirEntry{}
	}
	return dirents, err
}

// Readdir reads the contents of the directory associated with file and
// returns up to n FileInfo values, as would be returned by Lstat.
func (f *File) Readdir(n int) ([]FileInfo, error) {
	if f == nil {
		return nil, ErrInvalid
	}
	if f.f != nil {
		return f.f.Readdir(n)
	}
	_, _, infos, err := f.readdir(n, readdirFileInfo)
	if infos == nil {
		infos = []FileInfo{}
	}
	return infos, err
}

// Readdirnames reads the contents of the directory associated with file and
// returns up to n names of files in the directory.
func (f *File) Readdirnames(n int) (names []string, err error) {
	if f == nil {
		return nil, ErrInvalid
	}
	if f.f != nil {
		return f.f.Readdirnames(n)
	}
	names, _, _, err = f.readdir(n, readdirName)
	if names == nil {
		names = []string{}
	}
	return names, err
}

type readdirMode int

const (
	readdirName readdirMode = iota
	readdirDirEntry
	readdirFileInfo
)

// readdir is the simulated side of ReadDir, Readdir and Readdirnames.
func (f *File) readdir(n int, mode readdirMode) (names []string, dirents []DirEntry, infos []FileInfo, err error) {
	point()
	s := f.s
	s.dirinfo = true
	ents, e := s.h.ReadDir(n)
	if e != nil {
		if e == fssim.ErrClosed {
			e = errFileClosing
		}
		return nil, nil, nil, &PathError{Op: "readdirent", Path: s.name, Err: e}
	}
	for _, d := range ents {
		switch mode {
		case readdirName:
			names = append(names, d.Name)
		case readdirDirEntry:
			dirents = append(dirents, &dirEntry{fs: s.h.FS(), parent: s.name, name: d.Name, typ: d.Type})
		default:
			st, e := s.h.Lstat(d.Name)
			if e == syscall.ENOENT {
				continue
			}
			if e != nil {
				return nil, nil, infos, s.wrapErr("fstatat", e)
			}
			infos = append(infos, newFileStat(s.h.FS(), d.Name, st))
		}
	}
	if n > 0 && len(names)+len(dirents)+len(infos) == 0 {
		return nil, nil, nil, io.EOF
	}
	return names, dirents, infos, nil
}

// ReadFrom implements io.ReaderFrom.
func (f *File) ReadFrom(r io.Reader) (n int64, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		return f.f.ReadFrom(unwrapReader(r))
	}
	return io.Copy(writerOnly{f}, r)
}

// unwrapReader passes a real file (possibly under an io.LimitedReader) to
// os.File.ReadFrom as the *os.File it is, so the kernel's copy_file_range
// and splice paths still apply.
func unwrapReader(r io.Reader) io.Reader {
	switch v := r.(type) {
	case *File:
		if v != nil && v.f != nil {
			return v.f
		}
	case *io.LimitedReader:
		if f, ok := v.R.(*File); ok && f != nil && f.f != nil {
			return &io.LimitedReader{R: f.f, N: v.N}
		}
	}
	return r
}

// WriteTo implements io.WriterTo.
func (f *File) WriteTo(w io.Writer) (n int64, err error) {
	if f == nil {
		return 0, ErrInvalid
	}
	if f.f != nil {
		if wf, ok := w.(*File); ok && wf != nil && wf.f != nil {
			w = wf.f
		}
		return f.f.WriteTo(w)
	}
	return io.Copy(w, readerOnly{f})
}

// writerOnly hides File.ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// readerOnly hides File.WriteTo from io.Copy.
type readerOnly struct{ io.Reader }

// SetDeadline sets the read and write deadlines for a File. Simulated files
// are regular files and directories, which do not support deadlines
// (ErrNoDeadline), as on Linux.
func (f *File) SetDeadline(t time.Time) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.SetDeadline(t)
	}
	return f.s.noDeadline()
}

// SetReadDeadline sets the deadline for future Read calls; see SetDeadline.
func (f *File) SetReadDeadline(t time.Time) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.SetReadDeadline(t)
	}
	return f.s.noDeadline()
}

// SetWriteDeadline sets the deadline for future Write calls; see SetDeadline.
func (f *File) SetWriteDeadline(t time.Time) error {
	if f == nil {
		return ErrInvalid
	}
	if f.f != nil {
		return f.f.SetWriteDeadline(t)
	}
	return f.s.noDeadline()
}

func (s *simFile) noDeadline() error {
	point()
	if s.h.Fd() < 0 {
		return errFileClosing
	}
	return ErrNoDeadline
}

// SyscallConn returns a raw file. A simulated file has none: it returns an
// error wrapping errors.ErrUnsupported.
func (f *File) SyscallConn() (syscall.RawConn, error) {
	if f == nil {
		return nil, ErrInvalid
	}
	if f.f != nil {
		return f.f.SyscallConn()
	}
	return nil, &PathError{Op: "SyscallConn", Path: f.s.name, Err: errors.ErrUnsupported}
}
