package modpath

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPattern(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o666))
	sub := filepath.Join(root, "cmd", "x")
	require.NoError(t, os.MkdirAll(sub, 0o777))

	t.Chdir(root)
	assert.Equal(t, ".", Pattern("."))
	assert.Equal(t, "./a/...", Pattern("./a/..."))
	assert.Equal(t, "example.com/m/a", Pattern("example.com/m/a"))

	t.Chdir(sub)
	assert.Equal(t, "./cmd/x", RelDir())
	assert.Equal(t, "./cmd/x", Pattern("."))
	assert.Equal(t, "./cmd/x/...", Pattern("./..."))
	assert.Equal(t, "./cmd/y", Pattern("../y"))
	assert.Equal(t, ".", Pattern("../.."))
	assert.Equal(t, "example.com/m/...", Pattern("example.com/m/..."))
}
