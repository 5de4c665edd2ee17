// Package rwcache remembers the variants of a rewrite, so that a second simgen test of
// unchanged sources rewrites nothing.
//
// Loading the packages with their types is what a rewrite spends its time on (seconds for a
// module with dependencies); the go command lists the same packages' files without types in a
// tenth of a second. So the key of a rewrite is the hash of everything it reads: the listing
// (import paths, directories, file names, modules and their go lines), the contents of every
// non-standard file listed and of every go.mod, the go command's version and build settings,
// the rewrite's options, and simgen's own executable (its path, size and modification time). A change to any of them is a miss.
package rwcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Config says which rewrite a key stands for.
type Config struct {
	Dir      string   // the go command's working directory; "" means the current one
	Env      []string // the go command's environment; nil means os.Environ()
	Patterns []string // package patterns, as given to the rewrite
	Tags     []string // build tags the packages are loaded with
	// Options describes every other setting that changes the rewrite's output (which
	// packages stay native, whether findings are allowed, ...).
	Options []string
	// Tool is the file of the executable doing the rewrite: a rebuilt simgen never reuses an
	// older one's variants. "" means os.Executable().
	Tool string
}

// listed is the part of go list's output the key reads.
type listed struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct {
		GoMod string
	}
	GoFiles, CgoFiles, TestGoFiles, XTestGoFiles, IgnoredGoFiles, EmbedFiles []string
	Error                                                                    *struct{ Err string }
	DepsErrors                                                               []struct{ Err string }
}

// listFields are the fields go list prints: those of listed and the module's version and go
// line, which only enter the key through the listing's bytes.
const listFields = "ImportPath,Dir,Standard,Module,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,IgnoredGoFiles,EmbedFiles,Error,DepsErrors"

// envVars are the go command's settings that change what it lists or builds.
var envVars = []string{"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOWORK", "GOMOD", "GO111MODULE", "GOAMD64", "GOARM64"}

// Key returns the key of the rewrite cfg describes. ok is false when the packages do not list
// cleanly: the rewrite must then run, to report the errors.
func Key(cfg Config) (key string, ok bool, err error) {
	h := sha256.New()
	fmt.Fprintf(h, "rwcache 1\npatterns %q\ntags %q\noptions %q\n", cfg.Patterns, cfg.Tags, cfg.Options)
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return "", false, err
	}
	fmt.Fprintf(h, "dir %q\n", dir)
	if err := hashTool(h, cfg.Tool); err != nil {
		return "", false, err
	}
	env, err := goCmd(cfg, append([]string{"env", "-json"}, envVars...)...)
	if err != nil {
		return "", false, err
	}
	h.Write(env)
	list, err := goCmd(cfg, "list", "-e", "-deps", "-test", "-tags="+strings.Join(cfg.Tags, ","), "-json="+listFields, "--")
	if err != nil {
		return "", false, err
	}
	h.Write(list)
	files, ok, err := sources(list)
	if err != nil || !ok {
		return "", false, err
	}
	for _, f := range files {
		if err := hashFile(h, f); err != nil {
			return "", false, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// sources returns, sorted and without repeats, the files of go list's output whose contents a
// rewrite reads: every file of a non-standard package and every go.mod. ok is false if a
// package has errors.
func sources(list []byte) (files []string, ok bool, err error) {
	seen := map[string]bool{}
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(list))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, false, fmt.Errorf("reading go list's output: %w", err)
		}
		if p.Error != nil || len(p.DepsErrors) > 0 {
			return nil, false, nil
		}
		if p.Module != nil {
			add(p.Module.GoMod)
		}
		if p.Standard {
			continue
		}
		for _, names := range [][]string{p.GoFiles, p.CgoFiles, p.TestGoFiles, p.XTestGoFiles, p.IgnoredGoFiles, p.EmbedFiles} {
			for _, n := range names {
				if filepath.IsAbs(n) {
					// A test main the go command generated from the test files, which are
					// hashed; its name is its content's hash and is in the listing.
					continue
				}
				add(filepath.Join(p.Dir, n))
			}
		}
	}
	sort.Strings(files)
	return files, true, nil
}

// hashTool writes the identity of the executable doing the rewrite into h: its path, size and
// modification time, which a rebuild changes, rather than its tens of megabytes.
func hashTool(h hash.Hash, tool string) error {
	if tool == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		tool = exe
	}
	fi, err := os.Stat(tool)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "tool %q %d %d\n", tool, fi.Size(), fi.ModTime().UnixNano())
	return nil
}

// hashFile writes f's name, length and contents into h.
func hashFile(h hash.Hash, f string) error {
	r, err := os.Open(f)
	if err != nil {
		return err
	}
	defer r.Close()
	fh := sha256.New()
	n, err := io.Copy(fh, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "file %q %d %x\n", f, n, fh.Sum(nil))
	return nil
}

// goCmd runs the go command with args (then cfg's patterns, for list) and returns its output.
func goCmd(cfg Config, args ...string) ([]byte, error) {
	if args[0] == "list" {
		args = append(args, patterns(cfg)...)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func patterns(cfg Config) []string {
	if len(cfg.Patterns) == 0 {
		return []string{"."}
	}
	return cfg.Patterns
}

// Get decodes the value stored under key in dir into v. It reports false, leaving v in an
// unspecified state, when there is none or it cannot be read.
func Get(dir, key string, v any) bool {
	data, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil {
		return false
	}
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v) == nil
}

// Put stores v under key in dir. A reader never sees a partly written value: the file is
// written aside and renamed into place.
func Put(dir, key string, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(buf.Bytes())
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, key)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
