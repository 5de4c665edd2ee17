// Package filepath is the simulated variant of the standard library's
// path/filepath: simgen rewrites an import of "path/filepath" to this
// package. The purely lexical functions are the standard library's; Abs,
// EvalSymlinks, Glob, Walk and WalkDir, which look at the file system, are
// the standard library's outside a simulation and, inside one, ports of its
// Unix implementation over simstd/os, so they see the calling goroutine's
// node's disk.
package filepath

import (
	"io/fs"
	"path/filepath"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/simstd/os"
)

// Separators, as in path/filepath.
const (
	Separator     = filepath.Separator
	ListSeparator = filepath.ListSeparator
)

// Errors and walk controls: the standard library's own values.
var (
	// ErrBadPattern indicates a pattern was malformed.
	ErrBadPattern = filepath.ErrBadPattern
	// SkipDir is used as a return value from WalkFuncs to indicate that the
	// directory named in the call is to be skipped.
	SkipDir error = fs.SkipDir
	// SkipAll is used as a return value from WalkFuncs to indicate that all
	// remaining files and directories are to be skipped.
	SkipAll error = fs.SkipAll
)

// WalkFunc is the type of the function called by Walk to visit each file or
// directory; it is path/filepath's.
type WalkFunc = filepath.WalkFunc

// Clean returns the shortest path name equivalent to path by purely lexical
// processing.
func Clean(path string) string { return filepath.Clean(path) }

// IsLocal reports whether path, using lexical analysis only, is local.
func IsLocal(path string) bool { return filepath.IsLocal(path) }

// Localize converts a slash-separated path into an operating system path.
func Localize(path string) (string, error) { return filepath.Localize(path) }

// ToSlash returns the result of replacing each separator character in path
// with a slash ('/') character.
func ToSlash(path string) string { return filepath.ToSlash(path) }

// FromSlash returns the result of replacing each slash ('/') character in
// path with a separator character.
func FromSlash(path string) string { return filepath.FromSlash(path) }

// SplitList splits a list of paths joined by the OS-specific ListSeparator.
func SplitList(path string) []string { return filepath.SplitList(path) }

// Split splits path immediately following the final Separator.
func Split(path string) (dir, file string) { return filepath.Split(path) }

// Join joins any number of path elements into a single path.
func Join(elem ...string) string { return filepath.Join(elem...) }

// Ext returns the file name extension used by path.
func Ext(path string) string { return filepath.Ext(path) }

// IsAbs reports whether the path is absolute.
func IsAbs(path string) bool { return filepath.IsAbs(path) }

// Rel returns a relative path that is lexically equivalent to targPath when
// joined to basePath with an intervening separator.
func Rel(basePath, targPath string) (string, error) { return filepath.Rel(basePath, targPath) }

// Base returns the last element of path.
func Base(path string) string { return filepath.Base(path) }

// Dir returns all but the last element of path, typically the path's
// directory.
func Dir(path string) string { return filepath.Dir(path) }

// VolumeName returns leading volume name.
func VolumeName(path string) string { return filepath.VolumeName(path) }

// HasPrefix exists for historical compatibility and should not be used.
//
// Deprecated: HasPrefix does not respect path boundaries and does not
// ignore case when required.
func HasPrefix(p, prefix string) bool {
	return filepath.HasPrefix(p, prefix)
}

// Match reports whether name matches the shell file name pattern.
func Match(pattern, name string) (matched bool, err error) { return filepath.Match(pattern, name) }

// native reports whether the caller is outside a simulation.
func native() bool { return kernel.Current() == nil }

// Abs returns an absolute representation of path, joining it with the
// working directory (the node's in a simulation) if it is relative.
func Abs(path string) (string, error) {
	if native() {
		return filepath.Abs(path)
	}
	if IsAbs(path) {
		return Clean(path), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return Join(wd, path), nil
}
