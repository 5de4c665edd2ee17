package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Outside a module every command that loads packages says there is no go.mod and what to do,
// instead of "no package matched .".
func TestOutsideModule(t *testing.T) {
	dir := t.TempDir()
	require.Error(t, requireModule(dir), "the test needs a temporary directory outside any module")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n"), 0o666))
	for _, args := range [][]string{
		{"check"},
		{"gen", "--out", "sim", "."},
		{"test"},
		{"test", "--seeds", "2"},
		{"run", "."},
	} {
		r := simgen(t, dir, []string{"GOWORK="}, args...)
		assert.Equal(t, 1, r.code, "%v", args)
		assert.Contains(t, r.stderr, "simgen: no go.mod in $DIR or any parent directory", "%v", args)
		assert.Contains(t, r.stderr, "go mod init", "%v", args)
		assert.NotContains(t, r.stderr, "no package matched", "%v", args)
	}

	// A subdirectory of a module is inside it.
	mod := module(t, map[string]string{"counter/counter.go": counter})
	require.NoError(t, requireModule(filepath.Join(mod, "counter")))
}
