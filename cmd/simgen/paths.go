package main

import (
	"path/filepath"
	"strings"
)

// relPath shortens p relative to the working directory for messages.
func relPath(p string) string {
	wd, err := filepath.Abs(".")
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
