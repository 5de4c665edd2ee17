package buildenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// ModulePath is the module the runtime's packages belong to.
const ModulePath = "github.com/simgen/simgen"

// extractRuntime writes the Go source of src (simgen's go.mod and its simstd and internal
// trees) to a directory under cache named by its content, and returns that directory. A
// directory already there is reused: its name is the hash of what it holds.
//
// The extracted go.mod has no go line, so that a module with any go line may require it
// (the go command refuses a dependency whose go line is newer than the main module's, and
// raising the main module's would change its language semantics). Each file instead gets a
// //go:build go1.N constraint with the runtime's own go line: a file's constraint may raise its
// language version above its module's.
func extractRuntime(src fs.FS, cache string) (string, error) {
	files, err := runtimeFiles(src)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	dir := filepath.Join(cache, "runtime", hex.EncodeToString(h.Sum(nil))[:24])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	return dir, writeTree(dir, files)
}

// runtimeFiles returns the files to extract, by slash path, with their //go:build lines set.
func runtimeFiles(src fs.FS) (map[string][]byte, error) {
	gomod, err := fs.ReadFile(src, "go.mod")
	if err != nil {
		return nil, fmt.Errorf("simgen's runtime source: %w", err)
	}
	mf, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil || mf.Go == nil {
		return nil, fmt.Errorf("simgen's runtime source: go.mod has no go line")
	}
	tag := "go" + strings.Join(strings.SplitN(mf.Go.Version, ".", 3)[:2], ".")
	files := map[string][]byte{"go.mod": []byte("module " + ModulePath + "\n")}
	err = fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if p == "go.mod" || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".go") {
			data = withGoVersion(data, tag)
		}
		files[p] = data
		return nil
	})
	return files, err
}

// withGoVersion ANDs the build constraint go1.N (tag) into the file's //go:build line, or
// adds one.
func withGoVersion(src []byte, tag string) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		if bytes.HasPrefix(t, []byte("package ")) {
			break
		}
		if expr, ok := bytes.CutPrefix(t, []byte("//go:build ")); ok {
			lines[i] = []byte("//go:build " + tag + " && (" + string(expr) + ")\n")
			return bytes.Join(lines, nil)
		}
	}
	return append([]byte("//go:build "+tag+"\n\n"), src...)
}

// writeTree writes files under dir atomically: into a sibling temporary directory first,
// renamed into place, so a concurrent run never sees half a tree.
func writeTree(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o777); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o666); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			return nil // another run got there first with the same content
		}
		return err
	}
	return nil
}
