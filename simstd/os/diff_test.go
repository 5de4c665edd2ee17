package os_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	stdtime "time"

	"github.com/simgen/simgen/simstd"
	os "github.com/simgen/simgen/simstd/os"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// describe renders the outcome of an operation for comparison: the error's
// type, text and errno, with the test directory replaced by $D.
func describe(d string, v any, err error) string {
	var s string
	if err != nil {
		var errno syscall.Errno
		en := ""
		if errors.As(err, &errno) {
			en = fmt.Sprintf(" errno=%d", int(errno))
		}
		s = fmt.Sprintf("%T %q%s notexist=%v exist=%v closed=%v", err, err.Error(), en,
			errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrExist), errors.Is(err, fs.ErrClosed))
	} else {
		s = fmt.Sprintf("ok %v", v)
	}
	return strings.ReplaceAll(s, d, "$D")
}

// diffOps are operations whose outcomes must be the same on the real file
// system and the simulated one. Each runs on a directory holding the file f
// ("hello"), the directory dir (holding x), the empty directory empty and
// the link link -> f, and may change it.
var diffOps = []struct {
	name string
	op   func(d string) (any, error)
}{
	{"open f", func(d string) (any, error) { return closeAfter(os.Open(d + "/f")) }},
	{"open f/.", func(d string) (any, error) { return closeAfter(os.Open(d + "/f/.")) }},
	{"open dir/.", func(d string) (any, error) { return closeAfter(os.Open(d + "/dir/.")) }},
	{"open dir/..", func(d string) (any, error) { return closeAfter(os.Open(d + "/dir/..")) }},
	{"open dir//x", func(d string) (any, error) { return closeAfter(os.Open(d + "/dir//x")) }},
	{"open link/", func(d string) (any, error) { return closeAfter(os.Open(d + "/link/")) }},
	{"open rdonly|trunc", func(d string) (any, error) {
		return closeAfter(os.OpenFile(d+"/f", os.O_RDONLY|os.O_TRUNC, 0))
	}},
	{"create excl link", func(d string) (any, error) {
		return closeAfter(os.OpenFile(d+"/link", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644))
	}},
	{"create f/", func(d string) (any, error) { return closeAfter(os.Create(d + "/f/")) }},
	{"open excl f/", func(d string) (any, error) {
		return closeAfter(os.OpenFile(d+"/f/", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644))
	}},
	{"open link/ creat", func(d string) (any, error) {
		return closeAfter(os.OpenFile(d+"/link/", os.O_RDWR|os.O_CREATE, 0o644))
	}},
	{"mkdir f/", func(d string) (any, error) { return nil, os.Mkdir(d+"/f/", 0o755) }},
	{"symlink f/", func(d string) (any, error) { return nil, os.Symlink("x", d+"/f/") }},
	{"symlink new/", func(d string) (any, error) { return nil, os.Symlink("x", d+"/new/") }},
	{"link f f/", func(d string) (any, error) { return nil, os.Link(d+"/f", d+"/f/") }},
	{"link f/ g", func(d string) (any, error) { return nil, os.Link(d+"/f/", d+"/g") }},
	{"rename dir empty/", func(d string) (any, error) { return nil, os.Rename(d+"/dir", d+"/empty/") }},
	{"rename f dir/", func(d string) (any, error) { return nil, os.Rename(d+"/f", d+"/dir/") }},
	{"rename f nope/", func(d string) (any, error) { return nil, os.Rename(d+"/f", d+"/nope/") }},
	{"rename link/ z", func(d string) (any, error) { return nil, os.Rename(d+"/link/", d+"/z") }},
	{"chtimes f/", func(d string) (any, error) { return nil, os.Chtimes(d+"/f/", stdZero, stdZero) }},
	{"chtimes nope", func(d string) (any, error) { return nil, os.Chtimes(d+"/nope", stdZero, stdZero) }},
	{"chtimes f/ mtime", func(d string) (any, error) { return nil, os.Chtimes(d+"/f/", stdZero, stdtime.Unix(1, 0)) }},
	{"seek overflow", func(d string) (any, error) {
		f, err := os.Open(d + "/f")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if _, err := f.Seek(1<<62, io.SeekStart); err != nil {
			return nil, err
		}
		return f.Seek(1<<62, io.SeekCurrent)
	}},
	{"create long name", func(d string) (any, error) {
		return closeAfter(os.Create(d + "/" + strings.Repeat("n", 256)))
	}},
	{"create 255 name", func(d string) (any, error) {
		return closeAfter(os.Create(d + "/" + strings.Repeat("n", 255)))
	}},
	{"mkdir dir/.", func(d string) (any, error) { return nil, os.Mkdir(d+"/dir/.", 0o755) }},
	{"mkdir dir/..", func(d string) (any, error) { return nil, os.Mkdir(d+"/dir/..", 0o755) }},
	{"mkdir new/", func(d string) (any, error) { return nil, os.Mkdir(d+"/new/", 0o755) }},
	{"mkdir link", func(d string) (any, error) { return nil, os.Mkdir(d+"/link", 0o755) }},
	{"mkdir /", func(d string) (any, error) { return nil, os.Mkdir("/", 0o755) }},
	{"remove dir/.", func(d string) (any, error) { return nil, os.Remove(d + "/dir/.") }},
	{"remove empty/.", func(d string) (any, error) { return nil, os.Remove(d + "/empty/.") }},
	{"remove dir/..", func(d string) (any, error) { return nil, os.Remove(d + "/dir/..") }},
	{"remove f/", func(d string) (any, error) { return nil, os.Remove(d + "/f/") }},
	{"remove empty/", func(d string) (any, error) { return nil, os.Remove(d + "/empty/") }},
	{"remove link", func(d string) (any, error) { return nil, os.Remove(d + "/link") }},
	{"removeall dir/", func(d string) (any, error) { return nil, os.RemoveAll(d + "/dir/") }},
	{"removeall dir/x/", func(d string) (any, error) { return nil, os.RemoveAll(d + "/dir/x/") }},
	{"rename f dir/x", func(d string) (any, error) { return nil, os.Rename(d+"/f", d+"/dir/x") }},
	{"rename dir/. z", func(d string) (any, error) { return nil, os.Rename(d+"/dir/.", d+"/z") }},
	{"rename f dir/.", func(d string) (any, error) { return nil, os.Rename(d+"/f", d+"/dir/.") }},
	{"rename f/ z", func(d string) (any, error) { return nil, os.Rename(d+"/f/", d+"/z") }},
	{"rename dir dir", func(d string) (any, error) { return nil, os.Rename(d+"/dir", d+"/dir") }},
	{"rename dir z/", func(d string) (any, error) { return nil, os.Rename(d+"/dir", d+"/z/") }},
	{"rename empty dir/x", func(d string) (any, error) { return nil, os.Rename(d+"/empty", d+"/dir/x") }},
	{"rename link f", func(d string) (any, error) { return nil, os.Rename(d+"/link", d+"/f") }},
	{"rename f link", func(d string) (any, error) { return nil, os.Rename(d+"/f", d+"/link") }},
	{"link dir", func(d string) (any, error) { return nil, os.Link(d+"/dir", d+"/dirlink") }},
	{"link f new/", func(d string) (any, error) { return nil, os.Link(d+"/f", d+"/new/") }},
	{"symlink empty", func(d string) (any, error) { return nil, os.Symlink("", d+"/s") }},
	{"truncate link", func(d string) (any, error) { return nil, os.Truncate(d+"/link", 2) }},
	{"truncate f/", func(d string) (any, error) { return nil, os.Truncate(d+"/f/", 2) }},
	{"readlink dir", func(d string) (any, error) { return os.Readlink(d + "/dir") }},
	{"readlink nope", func(d string) (any, error) { return os.Readlink(d + "/nope") }},
	{"lstat link/", func(d string) (any, error) { return statDesc(os.Lstat(d + "/link/")) }},
	{"lstat link", func(d string) (any, error) { return statDesc(os.Lstat(d + "/link")) }},
	{"stat empty/", func(d string) (any, error) { return statDesc(os.Stat(d + "/empty/")) }},
	{"stat dir/x/..", func(d string) (any, error) { return statDesc(os.Stat(d + "/dir/x/..")) }},
	{"chmod link", func(d string) (any, error) {
		if err := os.Chmod(d+"/link", 0o600); err != nil {
			return nil, err
		}
		return statDesc(os.Stat(d + "/f"))
	}},
	{"mkdirall f/", func(d string) (any, error) { return nil, os.MkdirAll(d+"/f/", 0o755) }},
	{"mkdirall link/a", func(d string) (any, error) { return nil, os.MkdirAll(d+"/link/a", 0o755) }},
	{"readdir link", func(d string) (any, error) { return os.ReadDir(d + "/link") }},
	{"readdir empty", func(d string) (any, error) { return os.ReadDir(d + "/empty") }},
	{"readfile link", func(d string) (any, error) { return str(os.ReadFile(d + "/link")) }},
	{"writefile link", func(d string) (any, error) {
		if err := os.WriteFile(d+"/link", []byte("new"), 0o600); err != nil {
			return nil, err
		}
		return str(os.ReadFile(d + "/f"))
	}},
	{"readdirnames file", func(d string) (any, error) {
		f, err := os.Open(d + "/f")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Readdirnames(1)
	}},
	{"readdir n after seek", func(d string) (any, error) {
		f, err := os.Open(d + "/dir")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		a, _ := f.Readdirnames(1)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		b, err := f.Readdirnames(5)
		return fmt.Sprint(a, b), err
	}},
	{"seek dir", func(d string) (any, error) {
		f, err := os.Open(d + "/dir")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Seek(3, io.SeekStart)
	}},
	{"seek end of dir", func(d string) (any, error) {
		f, err := os.Open(d + "/empty")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Seek(0, io.SeekEnd)
	}},
	{"write rdwr then read", func(d string) (any, error) {
		f, err := os.OpenFile(d+"/f", os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if _, err := f.Write([]byte("J")); err != nil {
			return nil, err
		}
		return str(io.ReadAll(f))
	}},
	{"sync rdonly", func(d string) (any, error) {
		f, err := os.Open(d + "/f")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return nil, f.Sync()
	}},
	{"chdir f", func(d string) (any, error) {
		f, err := os.Open(d + "/f")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return nil, f.Chdir()
	}},
	{"write to closed dir", func(d string) (any, error) {
		f, err := os.Open(d + "/dir")
		if err != nil {
			return nil, err
		}
		f.Close()
		return f.Readdir(-1)
	}},
}

var stdZero = stdtime.Time{}

func closeAfter(f *os.File, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return fmt.Sprint(fi.Name(), " ", fi.IsDir(), " ", f.Close()), nil
}

func statDesc(fi os.FileInfo, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return fmt.Sprintf("%s %v", fi.Name(), fi.Mode().Type()), nil
}

func str(b []byte, err error) (any, error) { return string(b), err }

func setupDiff(t *testing.T, d string) {
	t.Helper()
	writeFile(t, d+"/f", "hello")
	require.NoError(t, os.Mkdir(d+"/dir", 0o755))
	writeFile(t, d+"/dir/x", "x")
	require.NoError(t, os.Mkdir(d+"/empty", 0o755))
	require.NoError(t, os.Symlink("f", d+"/link"))
}

// TestDifferential runs every operation of diffOps natively and in a
// simulation, each on a fresh directory, and compares the outcomes.
func TestDifferential(t *testing.T) {
	native := make([]string, len(diffOps))
	for i, c := range diffOps {
		d := t.TempDir()
		setupDiff(t, d)
		v, err := c.op(d)
		native[i] = describe(d, v, err)
	}
	simstd.Test(t, func(t *testing.T) {
		for i, c := range diffOps {
			d := tempDir(t)
			setupDiff(t, d)
			v, err := c.op(d)
			assert.Equal(t, native[i], describe(d, v, err), c.name)
		}
	})
}
