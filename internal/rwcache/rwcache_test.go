package rwcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module writes a module with a package, its test and a replaced dependency into a new
// directory and returns it and a Config for it.
func module(t *testing.T) (string, Config) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n",
		"m.go":        "package m\n\nimport _ \"example.com/dep\"\n",
		"m_test.go":   "package m\n",
		"dep/go.mod":  "module example.com/dep\n\ngo 1.21\n",
		"dep/dep.go":  "package dep\n",
		"tool/simgen": "binary",
	}
	for name, data := range files {
		write(t, filepath.Join(dir, name), data)
	}
	return dir, Config{Dir: dir, Patterns: []string{"."}, Tags: []string{"simgen"}, Tool: filepath.Join(dir, "tool/simgen")}
}

func write(t *testing.T, path, data string) {
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o777))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o666))
}

func key(t *testing.T, cfg Config) string {
	k, ok, err := Key(cfg)
	require.NoError(t, err)
	require.True(t, ok)
	return k
}

func TestKeyStable(t *testing.T) {
	_, cfg := module(t)
	assert.Equal(t, key(t, cfg), key(t, cfg))
}

// TestKeyChanges changes one input of the rewrite at a time: each gives a new key.
func TestKeyChanges(t *testing.T) {
	changes := map[string]func(dir string, cfg *Config){
		"package file": func(dir string, _ *Config) {
			write(t, filepath.Join(dir, "m.go"), "package m\n\nimport _ \"example.com/dep\"\n\nvar X int\n")
		},
		"test file":       func(dir string, _ *Config) { write(t, filepath.Join(dir, "m_test.go"), "package m\n\nvar Y int\n") },
		"new file":        func(dir string, _ *Config) { write(t, filepath.Join(dir, "n.go"), "package m\n") },
		"dependency file": func(dir string, _ *Config) { write(t, filepath.Join(dir, "dep/dep.go"), "package dep\n\nvar Z int\n") },
		"dependency go line": func(dir string, _ *Config) {
			write(t, filepath.Join(dir, "dep/go.mod"), "module example.com/dep\n\ngo 1.22\n")
		},
		"file ignored by the tags": func(dir string, _ *Config) {
			write(t, filepath.Join(dir, "x.go"), "//go:build never\n\npackage m\n")
		},
		"tags":    func(_ string, cfg *Config) { cfg.Tags = append(cfg.Tags, "extra") },
		"options": func(_ string, cfg *Config) { cfg.Options = []string{"native=dep"} },
		"pattern": func(_ string, cfg *Config) { cfg.Patterns = []string{"./..."} },
		"tool": func(dir string, cfg *Config) {
			later := time.Now().Add(time.Hour)
			require.NoError(t, os.Chtimes(cfg.Tool, later, later))
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			dir, cfg := module(t)
			before := key(t, cfg)
			change(dir, &cfg)
			assert.NotEqual(t, before, key(t, cfg))
		})
	}
}

// TestKeyListErrors: packages that do not list cleanly are not cached, so the rewrite runs
// and reports the error.
func TestKeyListErrors(t *testing.T) {
	dir, cfg := module(t)
	write(t, filepath.Join(dir, "m.go"), "package m\n\nimport _ \"example.com/missing\"\n")
	_, ok, err := Key(cfg)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestPutGet(t *testing.T) {
	dir := t.TempDir()
	type value struct {
		Files map[string][]byte
		N     int
	}
	var got value
	assert.False(t, Get(dir, "k", &got), "nothing stored yet")
	want := value{Files: map[string][]byte{"a.go": []byte("package a\n")}, N: 3}
	require.NoError(t, Put(dir, "k", &want))
	require.True(t, Get(dir, "k", &got))
	assert.Equal(t, want, got)
	write(t, filepath.Join(dir, "bad"), "not gob")
	assert.False(t, Get(dir, "bad", &got), "an unreadable entry is a miss")
}
