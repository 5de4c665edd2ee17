package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// requireModule returns an error saying what to do when dir is not inside a Go module or
// workspace: without one, the go command matches no package at all, and "no package matched
// ." would send a newcomer looking for a typo in the pattern.
//
// It looks for go.mod or go.work in dir and its parents, as the go command does, and
// leaves the decision to the go command when GOWORK or GOFLAGS's -modfile names the files
// elsewhere, or when GO111MODULE=off selects GOPATH mode.
func requireModule(dir string) error {
	if w := os.Getenv("GOWORK"); w != "" && w != "off" {
		return nil
	}
	if os.Getenv("GO111MODULE") == "off" || strings.Contains(os.Getenv("GOFLAGS"), "-modfile") {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil // the go command will say what is wrong
	}
	for d := abs; ; {
		for _, name := range []string{"go.mod", "go.work"} {
			if _, err := os.Stat(filepath.Join(d, name)); err == nil {
				return nil
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return fmt.Errorf("no go.mod in %s or any parent directory: simgen works on the packages of a Go module;\n"+
		"cd into the module's directory, or make this directory one with: go mod init MODULE-PATH (e.g. go mod init example.com/m)", abs)
}
