package os

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/simgen/simgen/internal/fssim"
	"github.com/simgen/simgen/internal/kernel"
)

// The functions below combine several file operations. Outside a
// simulation they are the standard library's; inside, they are ports of
// its Unix implementation over the node's disk, so they fail in the same
// ways with the same errors. Each operation they make is a scheduling point.

// MkdirAll creates a directory named path, along with any necessary
// parents. If path is already a directory, MkdirAll does nothing and
// returns nil.
func MkdirAll(path string, perm FileMode) error {
	if kernel.Current() == nil {
		return os.MkdirAll(path, perm)
	}
	return mkdirAll(path, perm)
}

func mkdirAll(path string, perm FileMode) error {
	dir, err := Stat(path)
	if err == nil {
		if dir.IsDir() {
			return nil
		}
		return &PathError{Op: "mkdir", Path: path, Err: syscall.ENOTDIR}
	}
	i := len(path) - 1
	for i >= 0 && IsPathSeparator(path[i]) {
		i--
	}
	for i >= 0 && !IsPathSeparator(path[i]) {
		i--
	}
	if i < 0 {
		i = 0
	}
	if parent := path[:i]; len(parent) > 0 {
		if err := mkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := Mkdir(path, perm); err != nil {
		dir, err1 := Lstat(path)
		if err1 == nil && dir.IsDir() {
			return nil
		}
		return err
	}
	return nil
}

// RemoveAll removes path and any children it contains. It removes
// everything it can but returns the first error it encounters. If the path
// does not exist, RemoveAll returns nil.
func RemoveAll(path string) error {
	if kernel.Current() == nil {
		return os.RemoveAll(path)
	}
	if path == "" {
		return nil
	}
	if endsWithDot(path) {
		return &PathError{Op: "RemoveAll", Path: path, Err: syscall.EINVAL}
	}
	err := Remove(path)
	if err == nil || IsNotExist(err) {
		return nil
	}
	parentDir, base := splitPath(path)
	parent, err := Open(parentDir)
	if IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer parent.Close()
	if err := removeAllFrom(parent.s.h.FS(), parentDir, base); err != nil {
		if pe, ok := err.(*PathError); ok {
			pe.Path = parentDir + string(PathSeparator) + pe.Path
		}
		return err
	}
	return nil
}

// removeAllFrom removes base in the directory parent, as the standard
// library's does with unlinkat relative to a descriptor of parent.
func removeAllFrom(fsys *fssim.FS, parent, base string) error {
	name := parent + "/" + base
	point()
	err := fsys.Unlink(name)
	if err == nil || err == syscall.ENOENT {
		return nil
	}
	if err != syscall.EISDIR && err != syscall.EPERM && err != syscall.EACCES {
		return &PathError{Op: "unlinkat", Path: base, Err: err}
	}
	uErr := err
	var recurseErr error
	for {
		const reqSize = 1024
		var respSize int
		point()
		h, err := fsys.OpenDir(name)
		if err != nil {
			if err == syscall.ENOENT {
				return nil
			}
			if err == syscall.ENOTDIR {
				return &PathError{Op: "unlinkat", Path: base, Err: uErr}
			}
			recurseErr = &PathError{Op: "openfdat", Path: base, Err: err}
			break
		}
		file := newSimFile(h, base, O_RDONLY)
		for {
			numErr := 0
			names, readErr := file.Readdirnames(reqSize)
			if readErr != nil && readErr != io.EOF {
				file.Close()
				if IsNotExist(readErr) {
					return nil
				}
				return &PathError{Op: "readdirnames", Path: base, Err: readErr}
			}
			respSize = len(names)
			for _, n := range names {
				if err := removeAllFrom(fsys, name, n); err != nil {
					if pe, ok := err.(*PathError); ok {
						pe.Path = base + string(PathSeparator) + pe.Path
					}
					numErr++
					if recurseErr == nil {
						recurseErr = err
					}
				}
			}
			if numErr != reqSize {
				break
			}
		}
		file.Close()
		if respSize < reqSize {
			break
		}
	}
	point()
	unlinkError := fsys.Rmdir(name)
	if unlinkError == nil || unlinkError == syscall.ENOENT {
		return nil
	}
	if recurseErr != nil {
		return recurseErr
	}
	return &PathError{Op: "unlinkat", Path: base, Err: unlinkError}
}

// endsWithDot reports whether the final component of path is ".".
func endsWithDot(path string) bool {
	if path == "." {
		return true
	}
	return len(path) >= 2 && path[len(path)-1] == '.' && IsPathSeparator(path[len(path)-2])
}

// splitPath returns the base name and parent directory, as package os's.
func splitPath(path string) (string, string) {
	dirname := "."
	for len(path) > 1 && path[0] == '/' && path[1] == '/' {
		path = path[1:]
	}
	i := len(path) - 1
	for ; i > 0 && path[i] == '/'; i-- {
		path = path[:i]
	}
	basename := path
	for i--; i >= 0; i-- {
		if path[i] == '/' {
			if i == 0 {
				dirname = path[:1]
			} else {
				dirname = path[:i]
			}
			basename = path[i+1:]
			break
		}
	}
	return dirname, basename
}

// nextRandom returns the random part of a temporary name: from the run's
// generator in a simulation, so names are the same for the same seed.
func nextRandom() string {
	return strconv.FormatUint(uint64(uint32(kernel.Current().Sim().Rand())), 10)
}

var errPatternHasSeparator = errors.New("pattern contains path separator")

func prefixAndSuffix(pattern string) (prefix, suffix string, err error) {
	if strings.ContainsRune(pattern, PathSeparator) {
		return "", "", errPatternHasSeparator
	}
	if pos := strings.LastIndexByte(pattern, '*'); pos != -1 {
		return pattern[:pos], pattern[pos+1:], nil
	}
	return pattern, "", nil
}

func joinPath(dir, name string) string {
	if len(dir) > 0 && IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(PathSeparator) + name
}

// CreateTemp creates a new temporary file in the directory dir (TempDir()
// if empty), opened O_RDWR with mode 0o600, whose name is pattern with its
// last "*" (or its end) replaced by a random string. In a simulation the
// random string comes from the run's seed.
func CreateTemp(dir, pattern string) (*File, error) {
	if kernel.Current() == nil {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return wrap(f), nil
	}
	if dir == "" {
		dir = TempDir()
	}
	prefix, suffix, err := prefixAndSuffix(pattern)
	if err != nil {
		return nil, &PathError{Op: "createtemp", Path: pattern, Err: err}
	}
	prefix = joinPath(dir, prefix)
	for try := 0; ; {
		name := prefix + nextRandom() + suffix
		f, err := OpenFile(name, O_RDWR|O_CREATE|O_EXCL, 0o600)
		if IsExist(err) {
			if try++; try < 10000 {
				continue
			}
			return nil, &PathError{Op: "createtemp", Path: prefix + "*" + suffix, Err: ErrExist}
		}
		return f, err
	}
}

// MkdirTemp creates a new temporary directory in the directory dir
// (TempDir() if empty) and returns its pathname; see CreateTemp for names.
func MkdirTemp(dir, pattern string) (string, error) {
	if kernel.Current() == nil {
		return os.MkdirTemp(dir, pattern)
	}
	if dir == "" {
		dir = TempDir()
	}
	prefix, suffix, err := prefixAndSuffix(pattern)
	if err != nil {
		return "", &PathError{Op: "mkdirtemp", Path: pattern, Err: err}
	}
	prefix = joinPath(dir, prefix)
	for try := 0; ; {
		name := prefix + nextRandom() + suffix
		err := Mkdir(name, 0o700)
		if err == nil {
			return name, nil
		}
		if IsExist(err) {
			if try++; try < 10000 {
				continue
			}
			return "", &PathError{Op: "mkdirtemp", Path: prefix + "*" + suffix, Err: ErrExist}
		}
		if IsNotExist(err) {
			if _, err := Stat(dir); IsNotExist(err) {
				return "", err
			}
		}
		return "", err
	}
}

// ReadFile reads the named file and returns the contents. A successful call
// returns err == nil, not err == EOF.
func ReadFile(name string) ([]byte, error) {
	if kernel.Current() == nil {
		return os.ReadFile(name)
	}
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

func readAll(f *File) ([]byte, error) {
	size := 0
	if fi, err := f.Stat(); err == nil && int64(int(fi.Size())) == fi.Size() {
		size = int(fi.Size())
	}
	data := make([]byte, 0, max(size+1, 512))
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return data, err
		}
		if len(data) >= cap(data) {
			d := append(data[:cap(data)], 0)
			data = d[:len(data)]
		}
	}
}

// WriteFile writes data to the named file, creating it if necessary (with
// mode perm, before umask) and truncating it otherwise. It does not sync.
func WriteFile(name string, data []byte, perm FileMode) error {
	if kernel.Current() == nil {
		return os.WriteFile(name, data, perm)
	}
	f, err := OpenFile(name, O_WRONLY|O_CREATE|O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err1 := f.Close(); err1 != nil && err == nil {
		err = err1
	}
	return err
}

// ReadDir reads the named directory, returning all its directory entries
// sorted by filename. If an error occurs reading the directory, ReadDir
// returns the entries it was able to read before the error, along with the
// error.
func ReadDir(name string) ([]DirEntry, error) {
	fsys := simFS()
	if fsys == nil {
		return os.ReadDir(name)
	}
	f, err := openDir(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dirs, err := f.ReadDir(-1)
	slices.SortFunc(dirs, func(a, b DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return dirs, err
}

// CopyFS copies the file system fsys into the directory dir, creating dir
// if necessary, as os.CopyFS does. It does not sync what it writes.
func CopyFS(dir string, fsys fs.FS) error {
	if kernel.Current() == nil {
		return os.CopyFS(dir, fsys)
	}
	return fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fpath, err := filepath.Localize(path)
		if err != nil {
			return err
		}
		newPath := joinPath(dir, fpath)
		switch d.Type() {
		case ModeDir:
			return MkdirAll(newPath, 0o777)
		case ModeSymlink:
			target, err := fs.ReadLink(fsys, path)
			if err != nil {
				return err
			}
			return Symlink(target, newPath)
		case 0:
			r, err := fsys.Open(path)
			if err != nil {
				return err
			}
			defer r.Close()
			info, err := r.Stat()
			if err != nil {
				return err
			}
			w, err := OpenFile(newPath, O_CREATE|O_EXCL|O_WRONLY, 0o666|info.Mode()&0o777)
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, r); err != nil {
				w.Close()
				return &PathError{Op: "Copy", Path: newPath, Err: err}
			}
			return w.Close()
		default:
			return &PathError{Op: "CopyFS", Path: path, Err: ErrInvalid}
		}
	})
}

// DirFS returns a file system (an fs.FS) for the tree of files rooted at
// the directory dir, as os.DirFS. Each call on it uses the file system of
// its caller: the real one outside a simulation, the calling goroutine's
// node's inside; files it opens are *File values. The result implements fs.StatFS,
// fs.ReadFileFS, fs.ReadDirFS and fs.ReadLinkFS.
func DirFS(dir string) fs.FS { return dirFS(dir) }

var (
	_ fs.StatFS     = dirFS("")
	_ fs.ReadFileFS = dirFS("")
	_ fs.ReadDirFS  = dirFS("")
	_ fs.ReadLinkFS = dirFS("")
)

type dirFS string

func (dir dirFS) Open(name string) (fs.File, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return nil, &PathError{Op: "open", Path: name, Err: err}
	}
	f, err := Open(fullname)
	if err != nil {
		err.(*PathError).Path = name
		return nil, err
	}
	return f, nil
}

func (dir dirFS) ReadFile(name string) ([]byte, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return nil, &PathError{Op: "readfile", Path: name, Err: err}
	}
	b, err := ReadFile(fullname)
	if err != nil {
		if e, ok := err.(*PathError); ok {
			e.Path = name
		}
		return nil, err
	}
	return b, nil
}

func (dir dirFS) ReadDir(name string) ([]DirEntry, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return nil, &PathError{Op: "readdir", Path: name, Err: err}
	}
	entries, err := ReadDir(fullname)
	if err != nil {
		if e, ok := err.(*PathError); ok {
			e.Path = name
		}
		return nil, err
	}
	return entries, nil
}

func (dir dirFS) Stat(name string) (fs.FileInfo, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return nil, &PathError{Op: "stat", Path: name, Err: err}
	}
	f, err := Stat(fullname)
	if err != nil {
		err.(*PathError).Path = name
		return nil, err
	}
	return f, nil
}

func (dir dirFS) Lstat(name string) (fs.FileInfo, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return nil, &PathError{Op: "lstat", Path: name, Err: err}
	}
	f, err := Lstat(fullname)
	if err != nil {
		err.(*PathError).Path = name
		return nil, err
	}
	return f, nil
}

func (dir dirFS) ReadLink(name string) (string, error) {
	fullname, err := dir.join(name)
	if err != nil {
		return "", &PathError{Op: "readlink", Path: name, Err: err}
	}
	return Readlink(fullname)
}

// join returns the path for name in dir.
func (dir dirFS) join(name string) (string, error) {
	if dir == "" {
		return "", errors.New("os: DirFS with empty root")
	}
	name, err := filepath.Localize(name)
	if err != nil {
		return "", ErrInvalid
	}
	if IsPathSeparator(dir[len(dir)-1]) {
		return string(dir) + name, nil
	}
	return string(dir) + string(PathSeparator) + name, nil
}
