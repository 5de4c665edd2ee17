package os

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/fssim"
	"github.com/simgen/simgen/internal/kernel"
)

// simFS is where every file operation starts: outside a simulation it
// returns nil (use the real file system); in a simulation it is a
// scheduling point and returns the calling goroutine's node's disk.
func simFS() *fssim.FS {
	g := kernel.Current()
	if g == nil {
		return nil
	}
	g.Sync()
	return fssim.Of(g.Node())
}

// point is the scheduling point of an operation on an open simulated file
// (none when the caller is not simulated, e.g. after the run ended).
func point() {
	if g := kernel.Current(); g != nil {
		g.Sync()
	}
}

// traceOutput records what a simulated goroutine writes to the process's
// standard output or error as "log" events of the run's trace, one per line.
func traceOutput(f *File, b []byte) {
	g := kernel.Current()
	if g == nil || !g.Sim().Tracing() {
		return
	}
	stream := "stdout"
	if f == Stderr {
		stream = "stderr"
	}
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		g.Sim().Trace(kernel.TraceEvent{Kind: "log", Reason: stream, Detail: line})
	}
}

// traceSync records a simulated file's Sync as a "disk.sync" event.
func traceSync(f *File) {
	if g := kernel.Current(); g != nil && g.Sim().Tracing() {
		g.Sim().Trace(kernel.TraceEvent{Kind: "disk.sync", Detail: f.Name()})
	}
}

// errFileClosing is the text internal/poll uses for operations on a closed
// descriptor that package os does not translate into ErrClosed (ReadDir,
// SetDeadline).
var errFileClosing = errors.New("use of closed file")

// errno turns an error of fssim into the error package os reports.
func errno(err error) error {
	if err == fssim.ErrClosed {
		return ErrClosed
	}
	return err
}

func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &PathError{Op: op, Path: path, Err: errno(err)}
}

// fileStat is the FileInfo of a simulated file.
type fileStat struct {
	name string
	st   fssim.Stat
	fs   *fssim.FS
	sys  any // *syscall.Stat_t, built on first use
}

func newFileStat(fsys *fssim.FS, name string, st fssim.Stat) *fileStat {
	return &fileStat{name: filepath.Base(name), st: st, fs: fsys}
}

func (s *fileStat) Name() string       { return s.name }
func (s *fileStat) Size() int64        { return s.st.Size }
func (s *fileStat) Mode() FileMode     { return s.st.Mode }
func (s *fileStat) ModTime() time.Time { return s.st.Mtime }
func (s *fileStat) IsDir() bool        { return s.st.Mode.IsDir() }
func (s *fileStat) String() string     { return fs.FormatFileInfo(s) }

// Sys returns a *syscall.Stat_t (on Unix) filled from the simulated inode:
// Dev is the node's number plus one, Ino the inode number.
func (s *fileStat) Sys() any {
	if s.sys == nil {
		s.sys = statT(s.fs, s.st)
	}
	return s.sys
}

// SameFile reports whether fi1 and fi2 describe the same file: for the
// simulated disk, the same inode of the same node; otherwise as os.SameFile.
func SameFile(fi1, fi2 FileInfo) bool {
	a, ok1 := fi1.(*fileStat)
	b, ok2 := fi2.(*fileStat)
	if ok1 || ok2 {
		return ok1 && ok2 && a.fs == b.fs && fssim.SameFile(a.st, b.st)
	}
	return os.SameFile(fi1, fi2)
}

// dirEntry is the DirEntry of a simulated directory listing.
type dirEntry struct {
	fs     *fssim.FS
	parent string
	name   string
	typ    FileMode
}

func (d *dirEntry) Name() string   { return d.name }
func (d *dirEntry) IsDir() bool    { return d.typ.IsDir() }
func (d *dirEntry) Type() FileMode { return d.typ }
func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }

// Info describes the entry now, as Lstat(parent + "/" + name) would.
func (d *dirEntry) Info() (FileInfo, error) {
	point()
	return lstatIn(d.fs, d.parent+"/"+d.name, "lstat")
}

func lstatIn(fsys *fssim.FS, name, op string) (FileInfo, error) {
	st, err := fsys.Stat(name, false)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return newFileStat(fsys, name, st), nil
}
