package os_test

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	stdtime "time"

	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	os "github.com/simgen/simgen/simstd/os"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file run the same code on the real file system (in
// t.TempDir) and on a simulated node's disk, so the simulation is checked
// against Linux itself.

// tempDir returns an empty directory: t.TempDir natively, a fresh
// directory under /tmp of the node's disk in a simulation.
func tempDir(t *testing.T) string {
	t.Helper()
	if !simstd.InSimulation() {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "test")
	require.NoError(t, err)
	return d
}

// umask returns the process's umask natively, and the simulation's (022).
func umask() os.FileMode {
	if simstd.InSimulation() {
		return 0o022
	}
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}

// wantPathErr checks that err is a *PathError with op, path and errno.
func wantPathErr(t *testing.T, err error, op, path string, errno error) {
	t.Helper()
	var pe *os.PathError
	require.ErrorAs(t, err, &pe, "want a *PathError, got %T %v", err, err)
	assert.Equal(t, op, pe.Op, "Op of %v", err)
	assert.Equal(t, path, pe.Path, "Path of %v", err)
	assert.Equal(t, errno, pe.Err, "Err of %v", err)
}

// wantLinkErr checks that err is a *LinkError with op, old, new and errno.
func wantLinkErr(t *testing.T, err error, op, old, new string, errno error) {
	t.Helper()
	var le *os.LinkError
	require.ErrorAs(t, err, &le, "want a *LinkError, got %T %v", err, err)
	assert.Equal(t, op, le.Op)
	assert.Equal(t, old, le.Old)
	assert.Equal(t, new, le.New)
	assert.Equal(t, errno, le.Err, "Err of %v", err)
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(name, []byte(data), 0o644))
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestCreateWriteRead(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		name := d + "/f"
		f, err := os.Create(name)
		require.NoError(t, err)
		assert.Equal(t, name, f.Name())
		n, err := f.Write([]byte("hello, "))
		require.NoError(t, err)
		assert.Equal(t, 7, n)
		n, err = f.WriteString("world")
		require.NoError(t, err)
		assert.Equal(t, 5, n)
		require.NoError(t, f.Close())
		assert.Equal(t, "hello, world", readFile(t, name))

		f, err = os.Open(name)
		require.NoError(t, err)
		defer f.Close()
		buf := make([]byte, 5)
		n, err = f.Read(buf)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(buf[:n]))
		rest, err := io.ReadAll(f)
		require.NoError(t, err)
		assert.Equal(t, ", world", string(rest))
		n, err = f.Read(buf)
		assert.Equal(t, 0, n)
		assert.Equal(t, io.EOF, err, "Read at the end")
		n, err = f.Read(nil)
		assert.Equal(t, 0, n)
		assert.NoError(t, err, "an empty Read at the end")

		// Create truncates.
		f2, err := os.Create(name)
		require.NoError(t, err)
		require.NoError(t, f2.Close())
		assert.Equal(t, "", readFile(t, name))

		// WriteFile replaces, ReadFile of an empty file is empty, not nil error.
		writeFile(t, name, "abc")
		assert.Equal(t, "abc", readFile(t, name))
		big := strings.Repeat("0123456789", 1000)
		writeFile(t, name, big)
		assert.Equal(t, big, readFile(t, name))
	})
}

func TestAppend(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		name := tempDir(t) + "/log"
		writeFile(t, name, "one\n")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.WriteString("two\n")
		require.NoError(t, err)
		_, err = f.Seek(0, io.SeekStart)
		require.NoError(t, err)
		_, err = f.WriteString("three\n")
		require.NoError(t, err, "O_APPEND writes at the end whatever the offset")
		_, err = f.WriteAt([]byte("x"), 0)
		assert.EqualError(t, err, "os: invalid use of WriteAt on file opened with O_APPEND")
		require.NoError(t, f.Close())
		assert.Equal(t, "one\ntwo\nthree\n", readFile(t, name))

		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
		require.NoError(t, err)
		_, err = f.WriteString("four\n")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.Equal(t, "one\ntwo\nthree\nfour\n", readFile(t, name))
	})
}

func TestTruncate(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		name := tempDir(t) + "/f"
		writeFile(t, name, "0123456789")
		require.NoError(t, os.Truncate(name, 4))
		assert.Equal(t, "0123", readFile(t, name))
		require.NoError(t, os.Truncate(name, 6))
		assert.Equal(t, "0123\x00\x00", readFile(t, name))

		f, err := os.OpenFile(name, os.O_RDWR, 0)
		require.NoError(t, err)
		_, err = f.Seek(5, io.SeekStart)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(2))
		off, err := f.Seek(0, io.SeekCurrent)
		require.NoError(t, err)
		assert.Equal(t, int64(5), off, "Truncate does not move the offset")
		_, err = f.Write([]byte("x"))
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.Equal(t, "01\x00\x00\x00x", readFile(t, name))

		wantPathErr(t, os.Truncate(name, -1), "truncate", name, syscall.EINVAL)
		ro, err := os.Open(name)
		require.NoError(t, err)
		defer ro.Close()
		wantPathErr(t, ro.Truncate(0), "truncate", name, syscall.EINVAL)

		// O_TRUNC empties an existing file.
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.Equal(t, "", readFile(t, name))
	})
}

func TestSeek(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		name := tempDir(t) + "/f"
		writeFile(t, name, "0123456789")
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		require.NoError(t, err)
		defer f.Close()
		for _, c := range []struct {
			off    int64
			whence int
			want   int64
		}{{3, io.SeekStart, 3}, {2, io.SeekCurrent, 5}, {-1, io.SeekEnd, 9}, {0, io.SeekEnd, 10}, {20, io.SeekStart, 20}} {
			got, err := f.Seek(c.off, c.whence)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		}
		_, err = f.Write([]byte("x"))
		require.NoError(t, err)
		fi, err := f.Stat()
		require.NoError(t, err)
		assert.Equal(t, int64(21), fi.Size())
		b := make([]byte, 21)
		_, err = f.ReadAt(b, 0)
		require.NoError(t, err)
		assert.Equal(t, "0123456789"+strings.Repeat("\x00", 10)+"x", string(b), "a write past the end leaves a hole of zeros")

		_, err = f.Seek(-1, io.SeekStart)
		wantPathErr(t, err, "seek", name, syscall.EINVAL)
		_, err = f.Seek(0, 7)
		wantPathErr(t, err, "seek", name, syscall.EINVAL)
	})
}

func TestReadAtWriteAt(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		name := tempDir(t) + "/f"
		f, err := os.Create(name)
		require.NoError(t, err)
		defer f.Close()
		n, err := f.WriteAt([]byte("world"), 6)
		require.NoError(t, err)
		assert.Equal(t, 5, n)
		_, err = f.WriteAt([]byte("hello "), 0)
		require.NoError(t, err)
		off, _ := f.Seek(0, io.SeekCurrent)
		assert.Equal(t, int64(0), off, "WriteAt does not move the offset")

		b := make([]byte, 5)
		n, err = f.ReadAt(b, 6)
		require.NoError(t, err)
		assert.Equal(t, "world", string(b[:n]))
		n, err = f.ReadAt(b, 9)
		assert.Equal(t, 2, n)
		assert.Equal(t, io.EOF, err, "a short ReadAt returns io.EOF")
		assert.Equal(t, "ld", string(b[:n]))
		n, err = f.ReadAt(b, 100)
		assert.Equal(t, 0, n)
		assert.Equal(t, io.EOF, err)

		_, err = f.ReadAt(b, -1)
		assert.EqualError(t, err, "readat "+name+": negative offset")
		_, err = f.WriteAt(b, -1)
		assert.EqualError(t, err, "writeat "+name+": negative offset")

		ro, err := os.Open(name)
		require.NoError(t, err)
		defer ro.Close()
		_, err = ro.WriteAt([]byte("x"), 0)
		wantPathErr(t, err, "write", name, syscall.EBADF)
		_, err = ro.Write([]byte("x"))
		wantPathErr(t, err, "write", name, syscall.EBADF)
		wo, err := os.OpenFile(name, os.O_WRONLY, 0)
		require.NoError(t, err)
		defer wo.Close()
		_, err = wo.Read(b)
		wantPathErr(t, err, "read", name, syscall.EBADF)
		_, err = wo.ReadAt(b, 0)
		wantPathErr(t, err, "read", name, syscall.EBADF)
	})
}

func TestRename(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		a, b, dir, empty := d+"/a", d+"/b", d+"/dir", d+"/empty"
		writeFile(t, a, "A")
		writeFile(t, b, "B")
		require.NoError(t, os.Mkdir(dir, 0o755))
		require.NoError(t, os.Mkdir(empty, 0o755))
		writeFile(t, dir+"/x", "x")

		require.NoError(t, os.Rename(a, b), "rename over an existing file")
		assert.Equal(t, "A", readFile(t, b))
		_, err := os.Stat(a)
		assert.ErrorIs(t, err, fs.ErrNotExist)

		wantLinkErr(t, os.Rename(a, d+"/z"), "rename", a, d+"/z", syscall.ENOENT)
		wantLinkErr(t, os.Rename(b, dir), "rename", b, dir, syscall.EEXIST)
		wantLinkErr(t, os.Rename(b, empty), "rename", b, empty, syscall.EEXIST)
		wantLinkErr(t, os.Rename(dir, b), "rename", dir, b, syscall.ENOTDIR)
		wantLinkErr(t, os.Rename(empty, dir), "rename", empty, dir, syscall.EEXIST)
		wantLinkErr(t, os.Rename(dir, dir+"/sub"), "rename", dir, dir+"/sub", syscall.EINVAL)
		wantLinkErr(t, os.Rename(b, d+"/nope/b"), "rename", b, d+"/nope/b", syscall.ENOENT)
		wantLinkErr(t, os.Rename(b, b+"/"), "rename", b, b+"/", syscall.ENOTDIR)
		assert.NoError(t, os.Rename(b, b), "renaming a file to itself")
		assert.ErrorIs(t, os.Rename(a, d+"/z"), fs.ErrNotExist)
		assert.ErrorIs(t, os.Rename(b, dir), fs.ErrExist)

		require.NoError(t, os.Rename(dir, d+"/moved"), "renaming a directory")
		assert.Equal(t, "x", readFile(t, d+"/moved/x"))
		require.NoError(t, os.Rename(d+"/moved/x", empty+"/y"), "moving a file between directories")
		assert.Equal(t, "x", readFile(t, empty+"/y"))
	})
}

func TestRemove(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		f, dir := d+"/f", d+"/dir"
		writeFile(t, f, "x")
		require.NoError(t, os.Mkdir(dir, 0o755))
		writeFile(t, dir+"/x", "x")

		err := os.Remove(dir)
		wantPathErr(t, err, "remove", dir, syscall.ENOTEMPTY)
		wantPathErr(t, os.Remove(d+"/nope"), "remove", d+"/nope", syscall.ENOENT)
		assert.ErrorIs(t, os.Remove(d+"/nope"), fs.ErrNotExist)
		wantPathErr(t, os.Remove(f+"/x"), "remove", f+"/x", syscall.ENOTDIR)
		wantPathErr(t, os.Remove(""), "remove", "", syscall.ENOENT)

		require.NoError(t, os.Remove(f))
		require.NoError(t, os.Remove(dir+"/x"))
		require.NoError(t, os.Remove(dir), "removing an empty directory")
		entries, err := os.ReadDir(d)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
}

func TestRemoveAll(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		root := d + "/tree"
		require.NoError(t, os.MkdirAll(root+"/a/b/c", 0o755))
		for _, p := range []string{"/f", "/a/f", "/a/b/f", "/a/b/c/f", "/a/b/c/g"} {
			writeFile(t, root+p, p)
		}
		require.NoError(t, os.RemoveAll(root))
		_, err := os.Stat(root)
		assert.ErrorIs(t, err, fs.ErrNotExist)

		assert.NoError(t, os.RemoveAll(d+"/nope"), "a missing path")
		assert.NoError(t, os.RemoveAll(""), "the empty path")
		wantPathErr(t, os.RemoveAll(d+"/."), "RemoveAll", d+"/.", syscall.EINVAL)
		writeFile(t, d+"/f", "x")
		wantPathErr(t, os.RemoveAll(d+"/f/x"), "unlinkat", d+"/f/x", syscall.ENOTDIR)
		require.NoError(t, os.RemoveAll(d+"/f"), "a file")
		entries, err := os.ReadDir(d)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
}

func TestReadDir(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		names := []string{"m", "b", "z", "a", "k"}
		for i, n := range names {
			writeFile(t, d+"/"+n, strings.Repeat("x", i))
		}
		require.NoError(t, os.Mkdir(d+"/sub", 0o755))

		entries, err := os.ReadDir(d)
		require.NoError(t, err)
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
			info, err := e.Info()
			require.NoError(t, err)
			assert.Equal(t, e.Name(), info.Name())
			if e.Name() == "sub" {
				assert.True(t, e.IsDir())
				assert.Equal(t, fs.ModeDir, e.Type())
			} else {
				assert.False(t, e.IsDir())
				assert.Equal(t, os.FileMode(0), e.Type())
				assert.Equal(t, int64(slices.Index(names, e.Name())), info.Size())
			}
		}
		assert.Equal(t, []string{"a", "b", "k", "m", "sub", "z"}, got, "ReadDir sorts by name")

		f, err := os.Open(d)
		require.NoError(t, err)
		defer f.Close()
		var all []string
		for {
			batch, err := f.ReadDir(4)
			if err == io.EOF {
				assert.Empty(t, batch)
				break
			}
			require.NoError(t, err)
			assert.NotEmpty(t, batch)
			for _, e := range batch {
				all = append(all, e.Name())
			}
		}
		slices.Sort(all)
		assert.Equal(t, got, all)
		rest, err := f.ReadDir(-1)
		assert.NoError(t, err, "ReadDir(-1) at the end")
		assert.Empty(t, rest)

		_, err = f.Seek(0, io.SeekStart)
		require.NoError(t, err)
		dn, err := f.Readdirnames(-1)
		require.NoError(t, err)
		slices.Sort(dn)
		assert.Equal(t, got, dn, "Seek to 0 restarts the listing")
		_, err = f.Seek(0, io.SeekStart)
		require.NoError(t, err)
		infos, err := f.Readdir(0)
		require.NoError(t, err)
		assert.Len(t, infos, len(got))

		_, err = os.ReadDir(d + "/a")
		wantPathErr(t, err, "open", d+"/a", syscall.ENOTDIR)
		_, err = os.ReadDir(d + "/nope")
		wantPathErr(t, err, "open", d+"/nope", syscall.ENOENT)
		ff, err := os.Open(d + "/a")
		require.NoError(t, err)
		defer ff.Close()
		_, err = ff.ReadDir(-1)
		wantPathErr(t, err, "readdirent", d+"/a", syscall.ENOTDIR)
	})
}

func TestMkdirAll(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		require.NoError(t, os.MkdirAll(d+"/a/b/c", 0o755))
		fi, err := os.Stat(d + "/a/b/c")
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
		assert.NoError(t, os.MkdirAll(d+"/a/b", 0o755), "an existing directory")
		assert.NoError(t, os.MkdirAll(d+"/a/b/c/", 0o755), "a trailing slash")
		assert.NoError(t, os.MkdirAll(d+"/a/./b/../x", 0o755), "dot and dot-dot")
		_, err = os.Stat(d + "/a/x")
		assert.NoError(t, err)

		writeFile(t, d+"/f", "x")
		wantPathErr(t, os.MkdirAll(d+"/f", 0o755), "mkdir", d+"/f", syscall.ENOTDIR)
		wantPathErr(t, os.MkdirAll(d+"/f/a/b", 0o755), "mkdir", d+"/f", syscall.ENOTDIR)
		wantPathErr(t, os.Mkdir(d+"/a", 0o755), "mkdir", d+"/a", syscall.EEXIST)
		assert.ErrorIs(t, os.Mkdir(d+"/a", 0o755), fs.ErrExist)
		wantPathErr(t, os.Mkdir(d+"/nope/a", 0o755), "mkdir", d+"/nope/a", syscall.ENOENT)
		wantPathErr(t, os.Mkdir(d+"/f/a", 0o755), "mkdir", d+"/f/a", syscall.ENOTDIR)
	})
}

func TestTemp(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		dir, err := os.MkdirTemp(d, "pre*suf")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(dir, d+"/pre"), dir)
		assert.True(t, strings.HasSuffix(dir, "suf"), dir)
		fi, err := os.Stat(dir)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
		assert.Equal(t, os.FileMode(0o700)&^umask(), fi.Mode().Perm())

		f, err := os.CreateTemp(dir, "a*b*c")
		require.NoError(t, err)
		defer f.Close()
		base := strings.TrimPrefix(f.Name(), dir+"/")
		assert.True(t, strings.HasPrefix(base, "a*b") && strings.HasSuffix(base, "c"), "the last * is replaced: %s", base)
		fi, err = f.Stat()
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

		f2, err := os.CreateTemp(dir, "x")
		require.NoError(t, err)
		defer f2.Close()
		assert.True(t, strings.HasPrefix(f2.Name(), dir+"/x"), "without *, the random part is appended")
		assert.NotEqual(t, f.Name(), f2.Name())

		_, err = os.MkdirTemp(d, "x/y")
		assert.EqualError(t, err, "mkdirtemp x/y: pattern contains path separator")
		_, err = os.CreateTemp(d, "x/y")
		assert.EqualError(t, err, "createtemp x/y: pattern contains path separator")
		_, err = os.MkdirTemp(d+"/nope", "x")
		wantPathErr(t, err, "stat", d+"/nope", syscall.ENOENT)
		_, err = os.CreateTemp(d+"/nope", "x")
		assert.ErrorIs(t, err, fs.ErrNotExist)

		tmp, err := os.MkdirTemp("", "")
		require.NoError(t, err, "the default temporary directory exists")
		assert.True(t, strings.HasPrefix(tmp, os.TempDir()))
		require.NoError(t, os.Remove(tmp))
	})
}

func TestStat(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		writeFile(t, d+"/f", "hello")
		require.NoError(t, os.Mkdir(d+"/dir", 0o777))
		fi, err := os.Stat(d + "/f")
		require.NoError(t, err)
		assert.Equal(t, "f", fi.Name())
		assert.Equal(t, int64(5), fi.Size())
		assert.False(t, fi.IsDir())
		assert.True(t, fi.Mode().IsRegular())
		assert.Equal(t, os.FileMode(0o644)&^umask(), fi.Mode())
		assert.False(t, fi.ModTime().IsZero())
		st, ok := fi.Sys().(*syscall.Stat_t)
		require.True(t, ok, "Sys is a *syscall.Stat_t")
		assert.Equal(t, int64(5), st.Size)
		assert.NotZero(t, st.Ino)

		fi, err = os.Stat(d + "/dir/")
		require.NoError(t, err)
		assert.Equal(t, "dir", fi.Name())
		assert.True(t, fi.IsDir())
		assert.Equal(t, fs.ModeDir|0o777&^umask(), fi.Mode())
		fi, err = os.Stat("/")
		require.NoError(t, err)
		assert.Equal(t, "/", fi.Name())
		fi, err = os.Stat(d + "/dir/..")
		require.NoError(t, err)
		assert.Equal(t, "..", fi.Name())

		f, err := os.Open(d + "/f")
		require.NoError(t, err)
		defer f.Close()
		ffi, err := f.Stat()
		require.NoError(t, err)
		assert.Equal(t, "f", ffi.Name())
		lfi, err := os.Lstat(d + "/f")
		require.NoError(t, err)
		assert.True(t, os.SameFile(ffi, lfi))
		dfi, _ := os.Stat(d + "/dir")
		assert.False(t, os.SameFile(ffi, dfi))

		require.NoError(t, os.Chmod(d+"/f", 0o600))
		mt := stdtime.Date(2020, 1, 2, 3, 4, 5, 0, stdtime.UTC)
		require.NoError(t, os.Chtimes(d+"/f", stdtime.Time{}, mt))
		fi, err = os.Stat(d + "/f")
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode())
		assert.True(t, mt.Equal(fi.ModTime()), "ModTime %v", fi.ModTime())
		require.NoError(t, f.Chmod(0o640))
		fi, _ = f.Stat()
		assert.Equal(t, os.FileMode(0o640), fi.Mode())
		require.NoError(t, os.Chown(d+"/f", -1, -1))

		for _, p := range []string{"", d + "/nope", d + "/nope/x"} {
			_, err := os.Stat(p)
			wantPathErr(t, err, "stat", p, syscall.ENOENT)
			assert.True(t, os.IsNotExist(err))
		}
		_, err = os.Stat(d + "/f/x")
		wantPathErr(t, err, "stat", d+"/f/x", syscall.ENOTDIR)
		_, err = os.Stat(d + "/f/..")
		wantPathErr(t, err, "stat", d+"/f/..", syscall.ENOTDIR)
		_, err = os.Lstat(d + "/nope")
		wantPathErr(t, err, "lstat", d+"/nope", syscall.ENOENT)
		wantPathErr(t, os.Chmod(d+"/nope", 0), "chmod", d+"/nope", syscall.ENOENT)
		wantPathErr(t, os.Chtimes(d+"/nope", mt, mt), "chtimes", d+"/nope", syscall.ENOENT)
	})
}

func TestOpenErrors(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		f, dir := d+"/f", d+"/dir"
		writeFile(t, f, "x")
		require.NoError(t, os.Mkdir(dir, 0o755))
		for _, c := range []struct {
			name string
			flag int
			want error
		}{
			{d + "/nope", os.O_RDONLY, syscall.ENOENT},
			{"", os.O_RDONLY, syscall.ENOENT},
			{d + "/nope/x", os.O_RDONLY, syscall.ENOENT},
			{f + "/x", os.O_RDONLY, syscall.ENOTDIR},
			{f + "/", os.O_RDONLY, syscall.ENOTDIR},
			{dir, os.O_WRONLY, syscall.EISDIR},
			{dir, os.O_RDWR, syscall.EISDIR},
			{dir, os.O_RDONLY | os.O_CREATE, syscall.EISDIR},
			{dir + "/", os.O_RDWR | os.O_CREATE | os.O_TRUNC, syscall.EISDIR},
			{d + "/new/", os.O_RDWR | os.O_CREATE, syscall.EISDIR},
			{f, os.O_WRONLY | os.O_CREATE | os.O_EXCL, syscall.EEXIST},
			{dir, os.O_WRONLY | os.O_CREATE | os.O_EXCL, syscall.EEXIST},
		} {
			_, err := os.OpenFile(c.name, c.flag, 0o644)
			wantPathErr(t, err, "open", c.name, c.want)
		}
		_, err := os.Open(d + "/nope")
		assert.ErrorIs(t, err, fs.ErrNotExist)
		_, err = os.OpenFile(f, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		assert.ErrorIs(t, err, fs.ErrExist)
		assert.True(t, os.IsExist(err))

		_, err = os.ReadFile(dir)
		wantPathErr(t, err, "read", dir, syscall.EISDIR)
		_, err = os.ReadFile(d + "/nope")
		wantPathErr(t, err, "open", d+"/nope", syscall.ENOENT)
		wantPathErr(t, os.WriteFile(dir, nil, 0o644), "open", dir, syscall.EISDIR)

		df, err := os.Open(dir)
		require.NoError(t, err)
		defer df.Close()
		_, err = df.Read(make([]byte, 1))
		wantPathErr(t, err, "read", dir, syscall.EISDIR)
		_, err = df.Write([]byte("x"))
		wantPathErr(t, err, "write", dir, syscall.EBADF)
		assert.NoError(t, df.Sync(), "syncing a directory")
	})
}

func TestUseAfterClose(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		name := tempDir(t) + "/f"
		writeFile(t, name, "hello")
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		closed := func(op string, err error) {
			t.Helper()
			wantPathErr(t, err, op, name, os.ErrClosed)
			assert.ErrorIs(t, err, fs.ErrClosed)
			assert.EqualError(t, err, op+" "+name+": file already closed")
		}
		b := make([]byte, 1)
		closed("close", f.Close())
		_, err = f.Read(b)
		closed("read", err)
		_, err = f.ReadAt(b, 0)
		closed("read", err)
		_, err = f.Write(b)
		closed("write", err)
		_, err = f.WriteAt(b, 0)
		closed("write", err)
		_, err = f.WriteString("x")
		closed("write", err)
		_, err = f.Seek(0, io.SeekStart)
		closed("seek", err)
		_, err = f.Stat()
		closed("stat", err)
		closed("sync", f.Sync())
		closed("truncate", f.Truncate(0))
		closed("chmod", f.Chmod(0o600))
		_, err = f.ReadDir(-1)
		assert.EqualError(t, err, "readdirent "+name+": use of closed file")
		assert.EqualError(t, f.SetDeadline(stdtime.Time{}), "use of closed file")
		assert.Equal(t, ^uintptr(0), f.Fd())
		assert.Equal(t, name, f.Name(), "Name works after Close")

		var nf *os.File
		assert.Equal(t, os.ErrInvalid, nf.Close())
		_, err = nf.Read(b)
		assert.Equal(t, os.ErrInvalid, err)
		_, err = nf.Stat()
		assert.Equal(t, os.ErrInvalid, err)

		g, err := os.Open(name)
		require.NoError(t, err)
		defer g.Close()
		assert.Equal(t, os.ErrNoDeadline, g.SetDeadline(stdtime.Time{}), "regular files have no deadlines")
		assert.NotEqual(t, ^uintptr(0), g.Fd())
	})
}

func TestChdirGetwd(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		if !simstd.InSimulation() {
			t.Chdir(d)
		} else {
			require.NoError(t, os.Chdir(d))
		}
		wd, err := os.Getwd()
		require.NoError(t, err)
		real, err := evalDir(d)
		require.NoError(t, err)
		assert.Equal(t, real, wd)
		require.NoError(t, os.Mkdir("sub", 0o755))
		require.NoError(t, os.Chdir("sub"))
		writeFile(t, "f", "x")
		assert.Equal(t, "x", readFile(t, d+"/sub/f"))
		assert.Equal(t, "x", readFile(t, "../sub/f"))
		wantPathErr(t, os.Chdir("nope"), "chdir", "nope", syscall.ENOENT)
		wantPathErr(t, os.Chdir("f"), "chdir", "f", syscall.ENOTDIR)
		df, err := os.Open("..")
		require.NoError(t, err)
		require.NoError(t, df.Chdir())
		require.NoError(t, df.Close())
		assert.Equal(t, "x", readFile(t, "sub/f"))
	})
}

// evalDir returns d with symbolic links resolved (the real temporary
// directory may be behind one).
func evalDir(d string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if err := os.Chdir(d); err != nil {
		return "", err
	}
	real, err := os.Getwd()
	if err2 := os.Chdir(wd); err == nil {
		err = err2
	}
	return real, err
}

func TestLinks(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		writeFile(t, d+"/f", "data")
		require.NoError(t, os.Link(d+"/f", d+"/hard"))
		assert.Equal(t, "data", readFile(t, d+"/hard"))
		a, _ := os.Stat(d + "/f")
		b, _ := os.Stat(d + "/hard")
		assert.True(t, os.SameFile(a, b))
		assert.Equal(t, uint64(2), uint64(a.Sys().(*syscall.Stat_t).Nlink))
		wantLinkErr(t, os.Link(d+"/f", d+"/hard"), "link", d+"/f", d+"/hard", syscall.EEXIST)
		wantLinkErr(t, os.Link(d+"/nope", d+"/x"), "link", d+"/nope", d+"/x", syscall.ENOENT)

		require.NoError(t, os.Symlink("f", d+"/sym"))
		target, err := os.Readlink(d + "/sym")
		require.NoError(t, err)
		assert.Equal(t, "f", target)
		assert.Equal(t, "data", readFile(t, d+"/sym"))
		lfi, err := os.Lstat(d + "/sym")
		require.NoError(t, err)
		assert.Equal(t, fs.ModeSymlink, lfi.Mode().Type())
		sfi, err := os.Stat(d + "/sym")
		require.NoError(t, err)
		assert.True(t, sfi.Mode().IsRegular())
		wantLinkErr(t, os.Symlink("f", d+"/sym"), "symlink", "f", d+"/sym", syscall.EEXIST)
		_, err = os.Readlink(d + "/f")
		wantPathErr(t, err, "readlink", d+"/f", syscall.EINVAL)

		require.NoError(t, os.Mkdir(d+"/dir", 0o755))
		require.NoError(t, os.Symlink(d+"/dir", d+"/dirlink"))
		writeFile(t, d+"/dirlink/x", "through a link")
		assert.Equal(t, "through a link", readFile(t, d+"/dir/x"))
		require.NoError(t, os.Symlink("loop", d+"/loop"))
		_, err = os.Stat(d + "/loop")
		wantPathErr(t, err, "stat", d+"/loop", syscall.ELOOP)
		require.NoError(t, os.Symlink("nowhere", d+"/dangling"))
		_, err = os.Stat(d + "/dangling")
		assert.ErrorIs(t, err, fs.ErrNotExist)
		require.NoError(t, os.WriteFile(d+"/dangling", []byte("created"), 0o644), "creating through a dangling link")
		assert.Equal(t, "created", readFile(t, d+"/nowhere"))
		require.NoError(t, os.Remove(d+"/sym"), "removing a link, not its target")
		assert.Equal(t, "data", readFile(t, d+"/f"))
	})
}

func TestDirFS(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		require.NoError(t, os.MkdirAll(d+"/a/b", 0o755))
		writeFile(t, d+"/top", "top")
		writeFile(t, d+"/a/one", "1")
		writeFile(t, d+"/a/b/two", "22")
		fsys := os.DirFS(d)
		require.NoError(t, fstest.TestFS(fsys, "top", "a/one", "a/b/two"))
		b, err := fs.ReadFile(fsys, "a/b/two")
		require.NoError(t, err)
		assert.Equal(t, "22", string(b))
		_, err = fsys.Open("nope")
		wantPathErr(t, err, "open", "nope", syscall.ENOENT)
		_, err = fsys.Open("../x")
		wantPathErr(t, err, "open", "../x", os.ErrInvalid)

		cp := tempDir(t) + "/copy"
		require.NoError(t, os.CopyFS(cp, fsys))
		assert.Equal(t, "22", readFile(t, cp+"/a/b/two"))
		err = os.CopyFS(cp, fstest.MapFS{"top": {Data: []byte("x")}})
		assert.ErrorIs(t, err, fs.ErrExist, "CopyFS does not overwrite")
	})
}

func TestRoot(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		require.NoError(t, os.Mkdir(d+"/r", 0o755))
		writeFile(t, d+"/secret", "s")
		r, err := os.OpenRoot(d + "/r")
		require.NoError(t, err)
		defer r.Close()
		assert.Equal(t, d+"/r", r.Name())
		require.NoError(t, r.WriteFile("f", []byte("in root"), 0o644))
		assert.Equal(t, "in root", readFile(t, d+"/r/f"))
		f, err := r.Open("f")
		require.NoError(t, err)
		assert.Equal(t, d+"/r/f", f.Name())
		require.NoError(t, f.Close())
		require.NoError(t, r.MkdirAll("x/y", 0o755))
		require.NoError(t, r.Rename("f", "x/y/g"))
		b, err := r.ReadFile("x/y/g")
		require.NoError(t, err)
		assert.Equal(t, "in root", string(b))
		fi, err := r.Stat("x/y/g")
		require.NoError(t, err)
		assert.Equal(t, "g", fi.Name())

		_, err = r.Open("../secret")
		assert.EqualError(t, err, "openat ../secret: path escapes from parent")
		_, err = r.Open("/etc/passwd")
		assert.EqualError(t, err, "openat /etc/passwd: path escapes from parent")
		require.NoError(t, os.Symlink("../secret", d+"/r/out"))
		_, err = r.Open("out")
		assert.EqualError(t, err, "openat out: path escapes from parent", "a link out of the root")
		require.NoError(t, r.Remove("out"))
		_, err = r.Open("nope")
		wantPathErr(t, err, "openat", "nope", syscall.ENOENT)
		_, err = r.Stat("nope")
		wantPathErr(t, err, "statat", "nope", syscall.ENOENT)

		require.NoError(t, fstest.TestFS(r.FS(), "x/y/g"))
		require.NoError(t, r.RemoveAll("x"))
		_, err = os.Stat(d + "/r/x")
		assert.ErrorIs(t, err, fs.ErrNotExist)

		_, err = os.OpenRoot(d + "/secret")
		assert.EqualError(t, err, "open "+d+"/secret: not a directory")
		f, err = os.OpenInRoot(d, "secret")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		require.NoError(t, r.Close())
		_, err = r.Open("x")
		assert.ErrorIs(t, err, os.ErrClosed)
	})
}

func TestReadFromWriteTo(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		writeFile(t, d+"/src", strings.Repeat("abc", 10000))
		src, err := os.Open(d + "/src")
		require.NoError(t, err)
		defer src.Close()
		dst, err := os.Create(d + "/dst")
		require.NoError(t, err)
		n, err := io.Copy(dst, src)
		require.NoError(t, err)
		assert.Equal(t, int64(30000), n)
		require.NoError(t, dst.Close())
		assert.Equal(t, strings.Repeat("abc", 10000), readFile(t, d+"/dst"))
		var sb strings.Builder
		_, err = src.Seek(0, io.SeekStart)
		require.NoError(t, err)
		n, err = src.WriteTo(&sb)
		require.NoError(t, err)
		assert.Equal(t, int64(30000), n)
	})
}

func TestErrorsIs(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tempDir(t)
		_, err := os.Open(d + "/nope")
		assert.True(t, errors.Is(err, fs.ErrNotExist) && os.IsNotExist(err))
		require.NoError(t, os.Mkdir(d+"/x", 0o755))
		err = os.Mkdir(d+"/x", 0o755)
		assert.True(t, errors.Is(err, fs.ErrExist) && os.IsExist(err))
		var errno syscall.Errno
		require.ErrorAs(t, err, &errno)
		assert.Equal(t, syscall.EEXIST, errno)
	})
}

func TestStdFiles(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		assert.Equal(t, "/dev/stdout", os.Stdout.Name())
		assert.Equal(t, uintptr(1), os.Stdout.Fd())
		_, err := os.Stderr.Stat()
		assert.NoError(t, err, "Stderr is a real file, in a simulation too")
		h, err := os.Hostname()
		require.NoError(t, err)
		if simstd.InSimulation() {
			assert.Equal(t, "main", h, "the hostname is the node's name")
			assert.Equal(t, "/tmp", os.TempDir())
		} else {
			assert.NotEmpty(t, h)
		}
		assert.NotZero(t, os.Getpid())
	})
}
