package buildenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simgen/simgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
)

func TestWithGoVersion(t *testing.T) {
	assert.Equal(t, "//go:build go1.26\n\npackage p\n", string(withGoVersion([]byte("package p\n"), "go1.26")))
	assert.Equal(t, "// Copyright\n\n//go:build go1.26 && (amd64 || arm64)\n\npackage p\n",
		string(withGoVersion([]byte("// Copyright\n\n//go:build amd64 || arm64\n\npackage p\n"), "go1.26")))
	// A //go:build inside the code is not a constraint.
	src := "package p\n\n//go:build x\n"
	assert.Equal(t, "//go:build go1.26\n\n"+src, string(withGoVersion([]byte(src), "go1.26")))
}

func TestParseModulesTxt(t *testing.T) {
	mods := parseModulesTxt(`# a.com/x v1.0.0
## explicit; go 1.20
a.com/x
a.com/x/y
# b.com/z v0.1.0 => ../z
## explicit
b.com/z
# c.com/w v2.0.0
# b.com/z => ../z
`)
	require.Len(t, mods, 3)
	assert.Equal(t, vendored{path: "a.com/x", version: "v1.0.0", goVersion: "1.20", packages: []string{"a.com/x", "a.com/x/y"}}, *mods[0])
	assert.Equal(t, vendored{path: "b.com/z", version: "v0.1.0", packages: []string{"b.com/z"}}, *mods[1])
	assert.Equal(t, vendored{path: "c.com/w", version: "v2.0.0"}, *mods[2])
}

// TestPrepareModule checks that the go.mod copy keeps the module's go line and requirements,
// makes its directory replacements absolute, adds the runtime, and that the go command
// accepts it, while the module's own files are unchanged.
func TestPrepareModule(t *testing.T) {
	root := t.TempDir()
	mod := filepath.Join(root, "m")
	write(t, filepath.Join(root, "lib", "go.mod"), "module example.com/lib\n\ngo 1.20\n")
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nconst X = 1\n")
	gomod := "module example.com/m\n\ngo 1.20\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n"
	write(t, filepath.Join(mod, "go.mod"), gomod)
	write(t, filepath.Join(mod, "m.go"), "package m\n\nimport (\n\t\"example.com/lib\"\n\t_ \"github.com/simgen/simgen/simstd\"\n)\n\nvar Y = lib.X\n")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off")
	b, err := Prepare(Config{Dir: mod, Env: env, Runtime: simgen.Runtime, Cache: filepath.Join(root, "cache")})
	require.NoError(t, err)
	require.NotEmpty(t, b.Runtime)
	require.Len(t, b.Flags, 1)
	copyPath, ok := strings.CutPrefix(b.Flags[0], "-modfile=")
	require.True(t, ok)
	data, err := os.ReadFile(copyPath)
	require.NoError(t, err)
	mf, err := modfile.Parse(copyPath, data, nil)
	require.NoError(t, err)
	assert.Equal(t, "1.20", mf.Go.Version)
	for _, r := range mf.Replace {
		assert.True(t, filepath.IsAbs(r.New.Path), "replacement %s => %s", r.Old.Path, r.New.Path)
	}
	assert.True(t, requires(mf.Require, ModulePath))

	cmd := exec.Command("go", append([]string{"build"}, append(b.Flags, ".")...)...)
	cmd.Dir, cmd.Env = mod, env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	after, err := os.ReadFile(filepath.Join(mod, "go.mod"))
	require.NoError(t, err)
	assert.Equal(t, gomod, string(after))
	assert.NoFileExists(t, filepath.Join(mod, "go.sum"))

	// A second Prepare reuses everything.
	b2, err := Prepare(Config{Dir: mod, Env: env, Runtime: simgen.Runtime, Cache: filepath.Join(root, "cache")})
	require.NoError(t, err)
	assert.Equal(t, b, b2)
}

// TestPrepareLeavesSimgenAlone checks that a module that is simgen, or replaces it with a
// source of its own, builds as it is.
func TestPrepareLeavesSimgenAlone(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/m\n\ngo 1.22\n\nrequire github.com/simgen/simgen v0.0.0\n\nreplace github.com/simgen/simgen => ../mine\n")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	b, err := Prepare(Config{Dir: root, Env: env, Runtime: simgen.Runtime, Cache: filepath.Join(root, "cache")})
	require.NoError(t, err)
	assert.Equal(t, &Build{}, b)
	found, _, err := Dependency(Config{Dir: root, Env: env})
	require.NoError(t, err)
	assert.True(t, found)
}

func write(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o777))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o666))
}

// TestRuntimeRoot checks where the runtime module of a build is: the one Prepare extracts for
// an ordinary module, the module itself when it is simgen, and the directory replacing simgen.
func TestRuntimeRoot(t *testing.T) {
	root := t.TempDir()
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off")
	cache := filepath.Join(root, "cache")

	plain := filepath.Join(root, "plain")
	write(t, filepath.Join(plain, "go.mod"), "module example.com/plain\n\ngo 1.22\n")
	got, err := RuntimeRoot(Config{Dir: plain, Env: env, Runtime: simgen.Runtime, Cache: cache})
	require.NoError(t, err)
	b, err := Prepare(Config{Dir: plain, Env: env, Runtime: simgen.Runtime, Cache: cache})
	require.NoError(t, err)
	assert.Equal(t, b.Runtime, got, "the runtime Prepare points the go command at")

	self := filepath.Join(root, "self")
	write(t, filepath.Join(self, "go.mod"), "module "+ModulePath+"\n\ngo 1.26\n")
	got, err = RuntimeRoot(Config{Dir: self, Env: env, Runtime: simgen.Runtime, Cache: cache})
	require.NoError(t, err)
	assert.Equal(t, self, got)

	fork := filepath.Join(root, "fork")
	write(t, filepath.Join(fork, "go.mod"), "module "+ModulePath+"\n\ngo 1.26\n")
	user := filepath.Join(root, "user")
	write(t, filepath.Join(user, "go.mod"), "module example.com/user\n\ngo 1.26\n\nrequire "+ModulePath+" v0.0.0\n\nreplace "+ModulePath+" => ../fork\n")
	got, err = RuntimeRoot(Config{Dir: user, Env: env, Runtime: simgen.Runtime, Cache: cache})
	require.NoError(t, err)
	assert.Equal(t, fork, got)
}
