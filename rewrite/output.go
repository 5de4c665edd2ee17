package rewrite

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A Change is a difference between a Result and the files on disk.
type Change struct {
	Path string
	Kind string // "create", "update" or "remove"
}

func (c Change) String() string { return c.Kind + " " + c.Path }

// Changes compares r with the output directories on disk. It fails if an output directory
// holds Go files simgen did not generate, since writing there would mix them with the variant.
func (r *Result) Changes() ([]Change, error) {
	changes, err := r.fileChanges()
	if err != nil {
		return nil, err
	}
	stale, err := r.staleFiles()
	if err != nil {
		return nil, err
	}
	changes = append(changes, stale...)
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// fileChanges lists the files of r that are missing or differ on disk.
func (r *Result) fileChanges() ([]Change, error) {
	var changes []Change
	for _, f := range r.Files {
		old, err := os.ReadFile(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			changes = append(changes, Change{f.Path, "create"})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, f.Data):
			changes = append(changes, Change{f.Path, "update"})
		}
	}
	return changes, nil
}

// staleFiles lists the generated Go files of the output directories that r no longer
// produces, and fails on Go files simgen did not generate.
func (r *Result) staleFiles() ([]Change, error) {
	produced := map[string]bool{}
	for _, f := range r.Files {
		produced[f.Path] = true
	}
	var changes []Change
	for _, dir := range r.Dirs {
		existing, err := goFiles(dir)
		if err != nil {
			return nil, err
		}
		for _, p := range existing {
			gen, err := isGeneratedFile(p)
			switch {
			case err != nil:
				return nil, err
			case !gen:
				return nil, foreignFileError(p)
			case !produced[p]:
				changes = append(changes, Change{p, "remove"})
			}
		}
	}
	return changes, nil
}

func foreignFileError(p string) error {
	return fmt.Errorf("%s: the output directory holds Go files simgen did not generate; choose an empty directory for --out, or move the file", posString(filePos(p)))
}

// Write brings the output directories in line with r: new and changed files are written
// (staged as temporary files first, then renamed into place, so a failure leaves no file half
// written) and generated files that are no longer produced are removed. Unchanged files are
// not touched.
func (r *Result) Write() ([]Change, error) {
	changes, err := r.Changes()
	if err != nil {
		return nil, err
	}
	staged, err := r.stageAll(changes)
	if err != nil {
		return nil, err
	}
	for i, c := range changes {
		if c.Kind == "remove" {
			continue
		}
		if err := os.Rename(staged[c.Path], c.Path); err != nil {
			removeStaged(staged, changes[i:])
			return nil, err
		}
	}
	for _, c := range changes {
		if c.Kind != "remove" {
			continue
		}
		if err := os.Remove(c.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return changes, nil
}

// stageAll writes the new contents of every created or updated file to a temporary file next
// to it and returns their names.
func (r *Result) stageAll(changes []Change) (map[string]string, error) {
	data := map[string][]byte{}
	for _, f := range r.Files {
		data[f.Path] = f.Data
	}
	staged := map[string]string{}
	for _, c := range changes {
		if c.Kind == "remove" {
			continue
		}
		tmp, err := stage(c.Path, data[c.Path])
		if err != nil {
			removeStaged(staged, changes)
			return nil, err
		}
		staged[c.Path] = tmp
	}
	return staged, nil
}

func removeStaged(staged map[string]string, changes []Change) {
	for _, c := range changes {
		if tmp, ok := staged[c.Path]; ok {
			os.Remove(tmp)
		}
	}
}

func stage(path string, data []byte) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".simgen-*.tmp")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if err := os.Chmod(f.Name(), 0o666&^umask()); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// umask approximates the process umask with the common default; os.CreateTemp uses 0600,
// which would make generated sources unreadable to others.
func umask() os.FileMode { return 0o022 }

func goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// isGeneratedFile reports whether the file at p starts with simgen's header.
func isGeneratedFile(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == Header:
			return true, nil
		case line == "" || strings.HasPrefix(line, "//"):
			continue
		default:
			return false, nil
		}
	}
	return false, sc.Err()
}
