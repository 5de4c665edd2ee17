// Package modpath locates the working directory within its Go module, for
// the reproduce commands that simstd and the CLI print.
package modpath

import (
	"os"
	"path/filepath"
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
