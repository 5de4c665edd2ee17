// Package buildenv prepares the go command to build the simulated variants of a module's
// packages without touching the module: its go.mod, go.sum, go.work and vendor directory stay
// as they are, and its go line, which decides the language semantics of its code, is kept.
//
// The variants import simgen's runtime (simstd), which the module need not require. Prepare
// writes, under a cache directory, the runtime's source (embedded in simgen) and a copy of the
// module's go.mod (or go.work) that requires the runtime and replaces it with that source; the
// go command then reads the copy through -modfile (or GOWORK). A module with a vendor
// directory gets each vendored module as a directory of its own, replacing the module, since
// the go command does not let a vendor directory gain a package it does not list.
package buildenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"golang.org/x/mod/modfile"
)

// Config says which module to prepare a build for.
type Config struct {
	Dir     string   // a directory inside the module: the go command's working directory
	Env     []string // the go command's environment; nil means os.Environ()
	Runtime fs.FS    // simgen's runtime source: simgen.Runtime
	Cache   string   // directory for extracted runtimes and go.mod copies
	// Overlay maps original files to the files that stand in for them ("" removes one), as
	// go build -overlay does. Files in the module cache, which -overlay may not replace, are
	// handled by copying their module (see Modules).
	Overlay map[string]string
	// Modules are the modules of the dependencies whose files Overlay replaces.
	Modules []Module
}

// Module is a dependency whose files a variant replaces.
type Module struct {
	Path, Version string
	Dir           string // where its files are
}

// Build says how to run the go command on the variants.
type Build struct {
	Flags []string // go build flags to pass before the user's: -modfile=FILE, -mod=mod
	Env   []string // environment to add to the go command's: GOWORK=FILE
	// Runtime is the directory of the runtime's source the variants build against; "" when
	// the module is simgen itself or replaces simgen with a source of its own choosing.
	Runtime string
	// Vendored is the number of vendored modules given directories of their own.
	Vendored int
	// Copied is the number of module-cache modules copied to hold variants.
	Copied int
}

// goEnv is what Prepare needs to know of the go command's view of Dir.
type goEnv struct {
	GOMOD, GOWORK, GOFLAGS, GOMODCACHE string
}

// Prepare returns the flags and environment under which the go command builds the variants
// of the packages in cfg.Dir's module or workspace against the runtime in cfg.Runtime.
func Prepare(cfg Config) (*Build, error) {
	env, err := readGoEnv(cfg)
	if err != nil {
		return nil, err
	}
	switch {
	case env.GOWORK != "" && env.GOWORK != "off":
		return prepareWork(cfg, env)
	case env.GOMOD != "" && env.GOMOD != os.DevNull:
		return prepareModule(cfg, env)
	}
	// Not a module: the go command says so.
	return finish(cfg, &Build{}, cfg.Overlay)
}

// finish writes the overlay file and adds its flag.
func finish(cfg Config, b *Build, overlay map[string]string) (*Build, error) {
	if len(overlay) == 0 {
		return b, nil
	}
	for file, repl := range overlay {
		// The go command builds a package the overlay alone provides (a translated std
		// package in the runtime), but go vet, which go test runs, enters its directory.
		if repl == "" {
			continue
		}
		if _, err := os.Stat(filepath.Dir(file)); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return nil, fmt.Errorf("creating the directory of %s for go vet: %w", file, err)
			}
		}
	}
	data, err := json.MarshalIndent(struct{ Replace map[string]string }{overlay}, "", "\t")
	if err != nil {
		return nil, err
	}
	dir, err := writeCopy(cfg.Cache, "overlay", map[string][]byte{"overlay.json": data})
	if err != nil {
		return nil, err
	}
	b.Flags = append(b.Flags, "-overlay="+filepath.Join(dir, "overlay.json"))
	return b, nil
}

func readGoEnv(cfg Config) (goEnv, error) {
	cmd := exec.Command("go", "env", "-json", "GOMOD", "GOWORK", "GOFLAGS", "GOMODCACHE")
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return goEnv{}, fmt.Errorf("go env: %v\n%s", err, stderr.Bytes())
	}
	var e goEnv
	if err := json.Unmarshal(out, &e); err != nil {
		return goEnv{}, fmt.Errorf("go env: %v", err)
	}
	return e, nil
}

// prepareModule writes the module's go.mod and go.sum, amended, for -modfile.
func prepareModule(cfg Config, env goEnv) (*Build, error) {
	data, err := os.ReadFile(env.GOMOD)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(env.GOMOD)
	mf, err := modfile.Parse(env.GOMOD, data, nil)
	if err != nil {
		return nil, err
	}
	if mf.Module == nil {
		return finish(cfg, &Build{}, cfg.Overlay)
	}
	b := &Build{}
	amended := false
	absReplaces(mf, root)
	if mf.Module.Mod.Path != ModulePath && !replaces(mf.Replace, ModulePath) {
		if b.Runtime, err = extractRuntime(cfg.Runtime, cfg.Cache); err != nil {
			return nil, fmt.Errorf("writing simgen's runtime to its cache: %w", err)
		}
		if !requires(mf.Require, ModulePath) {
			if err := mf.AddRequire(ModulePath, "v0.0.0"); err != nil {
				return nil, err
			}
		}
		if err := mf.AddReplace(ModulePath, "", b.Runtime, ""); err != nil {
			return nil, err
		}
		amended = true
	}
	overlay := cfg.Overlay
	if useVendor(root, mf, env.GOFLAGS) {
		dirs, err := replaceVendored(mf, root, cfg.Cache)
		if err != nil {
			return nil, fmt.Errorf("vendor directory: %w", err)
		}
		b.Vendored = len(dirs)
		b.Flags = append(b.Flags, "-mod=mod")
		overlay = remapVendored(overlay, root, dirs)
		amended = true
	}
	reps, overlay, err := copyModules(cfg, env, overlay)
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		if err := replaceModule(mf, r); err != nil {
			return nil, err
		}
		amended = true
	}
	b.Copied = len(reps)
	if !amended {
		return finish(cfg, b, overlay)
	}
	mf.Cleanup()
	out, err := mf.Format()
	if err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	dir, err := writeCopy(cfg.Cache, "mod", map[string][]byte{"go.mod": out, "go.sum": sum})
	if err != nil {
		return nil, err
	}
	b.Flags = append([]string{"-modfile=" + filepath.Join(dir, "go.mod")}, b.Flags...)
	return finish(cfg, b, overlay)
}

// replaceModule makes mf replace every version of r's module with r's directory.
func replaceModule(mf *modfile.File, r Module) error {
	for _, old := range mf.Replace {
		if old.Old.Path == r.Path {
			if err := mf.DropReplace(old.Old.Path, old.Old.Version); err != nil {
				return err
			}
		}
	}
	return mf.AddReplace(r.Path, "", r.Dir, "")
}

// prepareWork writes the workspace's go.work, amended to use the runtime, for GOWORK.
func prepareWork(cfg Config, env goEnv) (*Build, error) {
	data, err := os.ReadFile(env.GOWORK)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(env.GOWORK)
	wf, err := modfile.ParseWork(env.GOWORK, data, nil)
	if err != nil {
		return nil, err
	}
	needRuntime := !replaces(wf.Replace, ModulePath)
	var rel, abs []string
	for _, u := range wf.Use {
		rel, abs = append(rel, u.Path), append(abs, absPath(root, u.Path))
	}
	for i := range rel {
		if modulePathOf(abs[i]) == ModulePath {
			needRuntime = false
		}
		if err := wf.DropUse(rel[i]); err != nil {
			return nil, err
		}
	}
	for _, p := range abs {
		if err := wf.AddUse(p, ""); err != nil {
			return nil, err
		}
	}
	for _, r := range append([]*modfile.Replace(nil), wf.Replace...) {
		if r.New.Version == "" {
			if err := wf.AddReplace(r.Old.Path, r.Old.Version, absPath(root, r.New.Path), ""); err != nil {
				return nil, err
			}
		}
	}
	b := &Build{}
	if needRuntime {
		if b.Runtime, err = extractRuntime(cfg.Runtime, cfg.Cache); err != nil {
			return nil, fmt.Errorf("writing simgen's runtime to its cache: %w", err)
		}
		if err := wf.AddUse(b.Runtime, ModulePath); err != nil {
			return nil, err
		}
	}
	reps, overlay, err := copyModules(cfg, env, cfg.Overlay)
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		for _, old := range append([]*modfile.Replace(nil), wf.Replace...) {
			if old.Old.Path == r.Path {
				if err := wf.DropReplace(old.Old.Path, old.Old.Version); err != nil {
					return nil, err
				}
			}
		}
		if err := wf.AddReplace(r.Path, "", r.Dir, ""); err != nil {
			return nil, err
		}
	}
	b.Copied = len(reps)
	wf.Cleanup()
	sum, err := os.ReadFile(filepath.Join(root, "go.work.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	dir, err := writeCopy(cfg.Cache, "work", map[string][]byte{"go.work": modfile.Format(wf.Syntax), "go.work.sum": sum})
	if err != nil {
		return nil, err
	}
	b.Env = append(b.Env, "GOWORK="+filepath.Join(dir, "go.work"))
	return finish(cfg, b, overlay)
}

// absReplaces makes the directories of mf's replacements absolute: the copy lives elsewhere.
func absReplaces(mf *modfile.File, root string) {
	for _, r := range mf.Replace {
		if r.New.Version == "" {
			// AddReplace updates the existing line in place.
			_ = mf.AddReplace(r.Old.Path, r.Old.Version, absPath(root, r.New.Path), "")
		}
	}
}

func absPath(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

func replaces(rs []*modfile.Replace, mod string) bool {
	for _, r := range rs {
		if r.Old.Path == mod {
			return true
		}
	}
	return false
}

func requires(rs []*modfile.Require, mod string) bool {
	for _, r := range rs {
		if r.Mod.Path == mod {
			return true
		}
	}
	return false
}

// modulePathOf returns the module path declared by dir/go.mod, or "".
func modulePathOf(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return ""
	}
	return modfile.ModulePath(data)
}

// writeCopy writes files into a directory under cache/kind named by their content, and
// returns it. The go command may add lines to a go.sum there; that is harmless, since extra
// go.sum lines are.
func writeCopy(cache, kind string, files map[string][]byte) (string, error) {
	h := sha256.New()
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	dir := filepath.Join(cache, kind, hex.EncodeToString(h.Sum(nil))[:24])
	for name := range files {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return dir, writeTree(dir, files)
		}
	}
	return dir, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Dependency reports whether the go command, in cfg.Dir, finds simgen's runtime without
// Prepare's help: the main module is simgen, requires it, or a workspace module is simgen.
// It also returns the main module's path, for messages.
func Dependency(cfg Config) (found bool, module string, err error) {
	env, err := readGoEnv(cfg)
	if err != nil {
		return false, "", err
	}
	if env.GOWORK != "" && env.GOWORK != "off" {
		data, err := os.ReadFile(env.GOWORK)
		if err != nil {
			return false, "", err
		}
		wf, err := modfile.ParseWork(env.GOWORK, data, nil)
		if err != nil {
			return false, "", err
		}
		for _, u := range wf.Use {
			if modulePathOf(absPath(filepath.Dir(env.GOWORK), u.Path)) == ModulePath {
				return true, "", nil
			}
		}
	}
	if env.GOMOD == "" || env.GOMOD == os.DevNull {
		return true, "", nil // not a module: the go command says so
	}
	data, err := os.ReadFile(env.GOMOD)
	if err != nil {
		return false, "", err
	}
	mf, err := modfile.ParseLax(env.GOMOD, data, nil)
	if err != nil || mf.Module == nil {
		return false, "", err
	}
	path := mf.Module.Mod.Path
	return path == ModulePath || requires(mf.Require, ModulePath), path, nil
}

// RuntimeRoot returns the directory of the runtime module the variants of cfg.Dir's module
// or workspace build against, extracting the runtime when the module does not bring its own:
// the module itself when it is simgen, a directory replacing simgen, or the runtime extracted
// from cfg.Runtime (where Prepare will point the go command). Files that belong to the runtime
// but are generated per build (translated std packages) go under it through the overlay.
func RuntimeRoot(cfg Config) (string, error) {
	env, err := readGoEnv(cfg)
	if err != nil {
		return "", err
	}
	var replace []*modfile.Replace
	switch {
	case env.GOWORK != "" && env.GOWORK != "off":
		data, err := os.ReadFile(env.GOWORK)
		if err != nil {
			return "", err
		}
		wf, err := modfile.ParseWork(env.GOWORK, data, nil)
		if err != nil {
			return "", err
		}
		root := filepath.Dir(env.GOWORK)
		for _, u := range wf.Use {
			if dir := absPath(root, u.Path); modulePathOf(dir) == ModulePath {
				return dir, nil
			}
		}
		replace, env.GOMOD = wf.Replace, env.GOWORK
	case env.GOMOD != "" && env.GOMOD != os.DevNull:
		data, err := os.ReadFile(env.GOMOD)
		if err != nil {
			return "", err
		}
		mf, err := modfile.Parse(env.GOMOD, data, nil)
		if err != nil {
			return "", err
		}
		if mf.Module != nil && mf.Module.Mod.Path == ModulePath {
			return filepath.Dir(env.GOMOD), nil
		}
		replace = mf.Replace
	}
	for _, r := range replace {
		if r.Old.Path != ModulePath {
			continue
		}
		if r.New.Version != "" {
			return "", fmt.Errorf("%s replaces %s with module %s@%s, whose directory is in the module cache, which variants cannot add files to; replace it with a directory instead",
				env.GOMOD, ModulePath, r.New.Path, r.New.Version)
		}
		return absPath(filepath.Dir(env.GOMOD), r.New.Path), nil
	}
	dir, err := extractRuntime(cfg.Runtime, cfg.Cache)
	if err != nil {
		return "", fmt.Errorf("writing simgen's runtime to its cache: %w", err)
	}
	return dir, nil
}
