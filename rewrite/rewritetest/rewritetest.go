// Package rewritetest builds throwaway modules that depend on this checkout of simgen, for
// tests that generate variants and compile or run them the way a user's module would.
package rewritetest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModulePath is simgen's module path.
const ModulePath = "github.com/simgen/simgen"

// RepoRoot returns the root of the simgen checkout the test runs in.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte("module "+ModulePath+"\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("rewritetest: not inside the simgen module")
		}
		dir = parent
	}
}

// WriteModule writes a module named path into dir that requires this checkout of simgen, and
// then files (slash-separated names relative to dir). A "go.mod" among files replaces the
// generated one.
func WriteModule(t testing.TB, dir, path string, files map[string][]byte) {
	t.Helper()
	root := RepoRoot(t)
	gomod := fmt.Sprintf("module %s\n\ngo 1.26.0\n\nrequire %s v0.0.0\n\nreplace %s => %s\n", path, ModulePath, ModulePath, filepath.ToSlash(root))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum}
	for name, data := range files {
		all[name] = data
	}
	for name, data := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

// Go runs the go command in dir and returns its combined output.
func Go(t testing.TB, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	// -mod=mod lets the go command fill in go.sum from the module cache; the proxy is off so a
	// missing package fails fast instead of being looked up on the network.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Normalize replaces dir in text with "$DIR" and makes separators slashes, so messages with
// temporary paths can be compared with golden files.
func Normalize(text, dir string) string {
	text = strings.ReplaceAll(text, dir+string(filepath.Separator), "")
	text = strings.ReplaceAll(text, dir, "$DIR")
	return filepath.ToSlash(text)
}
