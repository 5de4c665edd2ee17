// Package modpath locates the working directory within its Go module, for
// the reproduce commands that simstd and the CLI print.
package modpath

import (
	"os"
	"path"
	"path/filepath"
	"strings"
)

// RelDir returns the working directory relative to the root of the module
// containing it, as a go command pattern ("./pkg/x"), or "." when it cannot
// tell (go test runs a test binary in its package's directory).
func RelDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}

// Pattern returns the go command pattern p, relative to the working directory, as a pattern
// relative to the module root, as reproduce commands give them: "." in ./cmd/x is ./cmd/x,
// "../y/..." in ./cmd/x is ./cmd/y/.... Import paths and absolute paths are unchanged.
func Pattern(p string) string {
	if p != "." && p != ".." && !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
		return p
	}
	j := path.Join(RelDir(), p)
	if j == "." || strings.HasPrefix(j, "../") || j == ".." {
		return j
	}
	if strings.HasSuffix(p, "/") {
		j += "/"
	}
	return "./" + j
}
