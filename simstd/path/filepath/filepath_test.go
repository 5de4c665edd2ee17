package filepath_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/os"
	"github.com/simgen/simgen/simstd/path/filepath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("path/filepath", "github.com/simgen/simgen/simstd/path/filepath", nil)
	require.NoError(t, err)
	for _, d := range diffs {
		t.Error(d)
	}
}

// tree makes a small tree and returns its root, physical (symbolic links
// resolved), so that EvalSymlinks results compare.
func tree(t *testing.T) string {
	t.Helper()
	d := ""
	if simstd.InSimulation() {
		var err error
		d, err = os.MkdirTemp("", "tree")
		require.NoError(t, err)
	} else {
		d = t.TempDir()
	}
	d, err := filepath.EvalSymlinks(d)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(d+"/a/b", 0o755))
	require.NoError(t, os.MkdirAll(d+"/skip/deep", 0o755))
	for _, p := range []string{"a/x.go", "a/y.txt", "a/b/z.go", "top.go", "skip/deep/s.go"} {
		require.NoError(t, os.WriteFile(filepath.Join(d, p), []byte(p), 0o644))
	}
	require.NoError(t, os.Symlink("a/b", d+"/link"))
	return d
}

func TestWalk(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tree(t)
		var got []string
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			require.NoError(t, err)
			rel, _ := filepath.Rel(d, p)
			if e.Name() == "skip" {
				return filepath.SkipDir
			}
			got = append(got, rel+":"+e.Type().String())
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{".:d---------", "a:d---------", "a/b:d---------", "a/b/z.go:----------",
			"a/x.go:----------", "a/y.txt:----------", "link:L---------", "top.go:----------"}, got)

		var sizes []string
		err = filepath.Walk(d+"/a", func(p string, info fs.FileInfo, err error) error {
			require.NoError(t, err)
			if !info.IsDir() {
				sizes = append(sizes, info.Name()+":"+strings.Repeat("*", int(info.Size())))
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"z.go:********", "x.go:******", "y.txt:*******"}, sizes)

		var missing error
		err = filepath.Walk(d+"/nope", func(p string, info fs.FileInfo, err error) error {
			missing = err
			return err
		})
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.Equal(t, err, missing)
		assert.NoError(t, filepath.WalkDir(d, func(string, fs.DirEntry, error) error { return filepath.SkipAll }))
	})
}

func TestGlob(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tree(t)
		m, err := filepath.Glob(d + "/*/*.go")
		require.NoError(t, err)
		assert.Equal(t, []string{d + "/a/x.go", d + "/link/z.go"}, m, "through the link too")
		m, err = filepath.Glob(d + "/a/*")
		require.NoError(t, err)
		assert.Equal(t, []string{d + "/a/b", d + "/a/x.go", d + "/a/y.txt"}, m)
		m, err = filepath.Glob(d + "/top.go")
		require.NoError(t, err)
		assert.Equal(t, []string{d + "/top.go"}, m)
		m, err = filepath.Glob(d + "/nope*")
		require.NoError(t, err)
		assert.Nil(t, m)
		_, err = filepath.Glob(d + "/[")
		assert.Equal(t, filepath.ErrBadPattern, err)
	})
}

func TestEvalSymlinksAbs(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		d := tree(t)
		p, err := filepath.EvalSymlinks(d + "/link/z.go")
		require.NoError(t, err)
		assert.Equal(t, d+"/a/b/z.go", p)
		p, err = filepath.EvalSymlinks(d + "/a/./b/../x.go")
		require.NoError(t, err)
		assert.Equal(t, d+"/a/x.go", p)
		_, err = filepath.EvalSymlinks(d + "/nope")
		assert.ErrorIs(t, err, fs.ErrNotExist)
		_, err = filepath.EvalSymlinks(d + "/top.go/x")
		assert.Error(t, err)

		wd, err := os.Getwd()
		require.NoError(t, err)
		abs, err := filepath.Abs("x/../y")
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(wd, "y"), abs)
		abs, err = filepath.Abs("/a/../b/")
		require.NoError(t, err)
		assert.Equal(t, "/b", abs)
		if simstd.InSimulation() {
			require.NoError(t, os.Chdir(d))
			abs, err = filepath.Abs("q")
			require.NoError(t, err)
			assert.Equal(t, d+"/q", abs, "relative to the node's working directory")
		}
		assert.True(t, slices.Equal(filepath.SplitList("a:b"), []string{"a", "b"}))
	})
}
