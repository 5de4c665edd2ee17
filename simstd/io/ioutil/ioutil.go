// Package ioutil is the simulated variant of the standard library's
// io/ioutil: simgen rewrites an import of "io/ioutil" to this package. Its
// file functions go through simstd/os, so in a simulation they use the
// calling goroutine's node's disk; ReadAll, NopCloser and Discard are io's.
//
// Deprecated: As of Go 1.16, the same functionality is provided by package
// io or package os, as for io/ioutil.
package ioutil

import (
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/simgen/simgen/simstd/os"
)

// ReadAll reads from r until an error or EOF and returns the data it read.
//
// Deprecated: As of Go 1.16, this function simply calls io.ReadAll.
func ReadAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }

// ReadFile reads the file named by filename and returns the contents.
//
// Deprecated: As of Go 1.16, this function simply calls os.ReadFile.
func ReadFile(filename string) ([]byte, error) { return os.ReadFile(filename) }

// WriteFile writes data to a file named by filename.
//
// Deprecated: As of Go 1.16, this function simply calls os.WriteFile.
func WriteFile(filename string, data []byte, perm fs.FileMode) error {
	return os.WriteFile(filename, data, perm)
}

// ReadDir reads the directory named by dirname and returns a list of
// fs.FileInfo for the directory's contents, sorted by filename.
//
// Deprecated: As of Go 1.16, os.ReadDir is a more efficient and correct
// choice.
func ReadDir(dirname string) ([]fs.FileInfo, error) {
	f, err := os.Open(dirname)
	if err != nil {
		return nil, err
	}
	list, err := f.Readdir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b fs.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
	return list, nil
}

// NopCloser returns a ReadCloser with a no-op Close method wrapping r.
//
// Deprecated: As of Go 1.16, this function simply calls io.NopCloser.
func NopCloser(r io.Reader) io.ReadCloser { return io.NopCloser(r) }

// Discard is an io.Writer on which all Write calls succeed without doing
// anything.
//
// Deprecated: As of Go 1.16, this value is simply io.Discard.
var Discard io.Writer = io.Discard

// TempFile creates a new temporary file, as os.CreateTemp.
//
// Deprecated: As of Go 1.17, this function simply calls os.CreateTemp.
func TempFile(dir, pattern string) (f *os.File, err error) { return os.CreateTemp(dir, pattern) }

// TempDir creates a new temporary directory, as os.MkdirTemp.
//
// Deprecated: As of Go 1.17, this function simply calls os.MkdirTemp.
func TempDir(dir, pattern string) (name string, err error) { return os.MkdirTemp(dir, pattern) }
