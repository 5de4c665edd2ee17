package fssim

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readAll(t *testing.T, f *FS, path string) string {
	t.Helper()
	h, err := f.Open(path, os.O_RDONLY, 0)
	require.NoError(t, err, path)
	b, err := io.ReadAll(readerOf(h))
	require.NoError(t, err)
	return string(b)
}

type handleReader struct{ h *Handle }

func readerOf(h *Handle) io.Reader { return handleReader{h} }

func (r handleReader) Read(p []byte) (int, error) {
	n, err := r.h.Read(p)
	if n == 0 && err == nil {
		return 0, io.EOF
	}
	return n, err
}

// Home's directory is read when a path first goes through it, and only then: a directory
// reached after a real change sees it, one read before does not.
func TestHomeReadsLazily(t *testing.T) {
	real := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(real, "d", "e"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(real, "f"), []byte("f1"), 0o600))
	require.NoError(t, os.Symlink("f", filepath.Join(real, "link")))

	f := newFS(1, Faults{})
	f.Home(real)
	wd, err := f.Getwd()
	require.NoError(t, err)
	assert.Equal(t, real, wd)
	assert.Equal(t, "f1", readAll(t, f, "f"))
	assert.Equal(t, "f1", readAll(t, f, "link"), "symbolic links are kept")
	st, err := f.Stat("f", false)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode.Perm())

	require.NoError(t, os.WriteFile(filepath.Join(real, "late"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(real, "d", "e", "late"), []byte("e"), 0o644))
	_, err = f.Stat("late", false)
	assert.Equal(t, syscall.ENOENT, err, "the home directory was read before")
	assert.Equal(t, "e", readAll(t, f, "d/e/late"), "d/e had not been reached")

	f.Crash()
	wd, err = f.Getwd()
	require.NoError(t, err)
	assert.Equal(t, real, wd, "a crash goes back to the home directory")
	assert.Equal(t, "f1", readAll(t, f, "f"), "what was read is durable")
}

func TestHomeRefusesRoot(t *testing.T) {
	f := newFS(1, Faults{})
	f.Home("/")
	f.Home("relative")
	wd, err := f.Getwd()
	require.NoError(t, err)
	assert.Equal(t, "/", wd)
	ents := f.root.ents
	assert.Len(t, ents, 1, "only /tmp")
}
