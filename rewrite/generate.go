package rewrite

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// DefaultOutDir is where variants go without an explicit output directory: this directory of
// the module root, mirroring the module's layout. The go command ignores directories starting
// with "_" in patterns such as ./..., so variants stay out of the module's own builds and
// tests while `go run ./_simgen/cmd/x` still works.
const DefaultOutDir = "_simgen"

// Options configure Generate.
type Options struct {
	// Out is the output directory. With one target the variant's files go into Out; with several,
	// into Out/<path of the package relative to its module root>. Empty means DefaultOutDir.
	Out string
	// InPlace generates variants that stand in for the original files at their own paths, under
	// their own import paths, for use through go build -overlay (see simgen test).
	InPlace bool
	// Allow downgrades every finding to a warning.
	Allow bool
	// CheckOnly reports unsupported constructs without rendering any file.
	CheckOnly bool
	// RuntimeDir is the directory of simgen's runtime module the variants build against (see
	// internal/buildenv): the variants of translated std packages go under it. Rendering a
	// program that loaded one requires it.
	RuntimeDir string
}

// File is one file of a variant.
type File struct {
	Path string // where the file goes
	Orig string // the original file it was generated from
	Data []byte
}

// Result is the generated output of a Program.
type Result struct {
	Files    []File   // sorted by Path
	Dirs     []string // the output directory of every target, sorted
	Dropped  []string // InPlace: original files that are not part of any variant
	Warnings []Finding
	// DepModules are the modules of the dependencies rewritten with the targets (see
	// Program.Deps), sorted by directory: a build of the variants needs their files replaced,
	// which -overlay cannot do in the module cache.
	DepModules []*packages.Module
}

// rewrites are the edits that make a variant. Each reads only the original types through the
// file context and leaves what other rewrites look for in place, so any order gives the same
// variant (see TestRewriteOrder).
var rewrites = []rewriteStep{
	{"imports", rewriteImports},
	{"runtime", rewriteRuntime},
	{"ctxdone", rewriteCtxDone},
	{"chan", rewriteChans},
	{"chanmethods", rewriteChanMethods},
	{"select", rewriteSelect},
	{"gostmt", rewriteGo},
	{"maprange", rewriteMapRange},
	{"reflectmap", rewriteReflectMap},
	{"mainpkg", rewriteMain},
	{"tests", rewriteTests},
	{"subtests", rewriteSubtests},
	{"stdhooks", rewriteStdHooks},
	{"buildtag", rewriteBuildTags},
	{"gogenerate", rewriteGoGenerate},
	{"pkginit", rewritePkgInit},
}

// Generate rewrites every target of prog. It writes nothing: see Result.Write and Result.Changes.
// Constructs that cannot be simulated make it fail with Findings listing all of them.
func Generate(prog *Program, opts Options) (*Result, error) {
	return generate(prog, opts, rewrites)
}

type outPlan struct {
	dir  string // output directory
	path string // the variant's import path
}

// rewriteStep is one named rewrite.
type rewriteStep struct {
	name string
	fn   func(*fileCtx)
}

func generate(prog *Program, opts Options, rws []rewriteStep) (*Result, error) {
	plans, err := planOutputs(prog, opts)
	if err != nil {
		return nil, err
	}
	ctxs, findings, native, err := rewriteWhole(prog, plans, opts, rws)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	findings = append(findings, native...)
	var errs Findings
	for _, f := range dedupFindings(findings) {
		if f.Ignored {
			res.Warnings = append(res.Warnings, f)
		} else {
			errs = append(errs, f)
		}
	}
	if len(errs) > 0 {
		return res, errs
	}
	if opts.CheckOnly {
		return res, nil
	}
	if err := res.render(prog, plans, ctxs, opts); err != nil {
		return nil, err
	}
	return res, nil
}

// rewriteWhole rewrites the targets and dependencies. A dependency the variant could not be
// built with (a binding finding in it) stays native instead, with a warning, and the rest are
// rewritten again without it: calls into it are then checked as calls into native code.
func rewriteWhole(prog *Program, plans map[*Target]outPlan, opts Options, rws []rewriteStep) ([]*fileCtx, []Finding, []Finding, error) {
	var native []Finding
	for {
		ctxs, findings, err := rewriteTargets(prog, plans, opts, rws)
		if err != nil {
			return nil, nil, nil, err
		}
		drop := map[string]Finding{}
		for _, f := range findings {
			if f.Dep != "" && f.Binding {
				if _, ok := drop[f.Dep]; !ok {
					drop[f.Dep] = f
				}
			}
		}
		if len(drop) == 0 {
			return ctxs, findings, native, nil
		}
		kept := prog.Deps[:0:0]
		for _, t := range prog.Deps {
			f, ok := drop[t.PkgPath]
			if !ok {
				kept = append(kept, t)
				continue
			}
			native = append(native, Finding{Pos: f.Pos, What: "dependency " + t.PkgPath + " left native",
				Why:     "its variant would not compile (" + f.What + ": " + f.Why + "), so it runs outside the simulation, on real goroutines and the real clock",
				Ignored: true, Dep: t.PkgPath})
		}
		prog.Deps = kept
	}
}

// rewriteTargets runs the checks and rewrites over every file of every target.
func rewriteTargets(prog *Program, plans map[*Target]outPlan, opts Options, rws []rewriteStep) ([]*fileCtx, []Finding, error) {
	paths := &pathMap{variants: map[string]string{}, targets: map[string]bool{}}
	var findings []Finding
	var deps []*Target
	for _, t := range prog.Deps {
		if cgo := cgoFindings(t.Units[0]); len(cgo) > 0 {
			// It stays native, as it would with --native, and says so.
			for _, f := range cgo {
				f.Ignored, f.Dep = true, t.PkgPath
				findings = append(findings, f)
			}
			continue
		}
		paths.targets[t.PkgPath] = true
		if p := plans[t].path; p != t.PkgPath {
			paths.variants[t.PkgPath] = p
		}
		deps = append(deps, t)
	}
	for _, t := range prog.Targets {
		paths.targets[t.PkgPath] = true
		if p := plans[t].path; p != t.PkgPath {
			paths.variants[t.PkgPath] = p
		}
	}
	paths.reinit = reinitSet(prog.Targets, deps)
	var ctxs []*fileCtx
	for i, t := range append(prog.Targets[:len(prog.Targets):len(prog.Targets)], deps...) {
		// What cannot be simulated in a dependency stays native with a warning, as --allow
		// does for targets: its authors are not the user.
		allow := opts.Allow || i >= len(prog.Targets)
		for _, u := range t.Units {
			if cgo := cgoFindings(u); len(cgo) > 0 {
				// go/packages hands over cgo's output rather than the files the user wrote
				findings = append(findings, cgo...)
				continue
			}
			for _, f := range u.Syntax {
				c, err := newFileCtx(prog.Fset, u, f, paths)
				if err != nil {
					return nil, nil, err
				}
				c.outDir = plans[t].dir
				checkFile(c)
				// rewrites report what they cannot express, so check runs them too
				for _, rw := range rws {
					rw.fn(c)
				}
				c.applyIgnores(allow)
				if i >= len(prog.Targets) {
					for k := range c.findings {
						c.findings[k].Dep = t.PkgPath
					}
				}
				findings = append(findings, c.findings...)
				ctxs = append(ctxs, c)
			}
		}
	}
	return ctxs, findings, nil
}

// reinitSet returns the import paths of the targets and of the rewritten dependencies in the
// targets' modules: their initialization runs again in every run (rewritePkgInit). Other
// modules' packages initialize once, natively, as std does: libraries register into each
// other's state at init (protobuf's registries), which a rerun would duplicate or lose.
func reinitSet(targets, deps []*Target) map[string]bool {
	modules := map[string]bool{}
	out := map[string]bool{}
	for _, t := range targets {
		out[t.PkgPath] = true
		if t.Module != nil {
			modules[t.Module.Path] = true
		}
	}
	for _, t := range deps {
		if t.Module != nil && modules[t.Module.Path] && !translated[t.PkgPath] {
			out[t.PkgPath] = true
		}
	}
	return out
}

// render prints every rewritten file and adds what each target needs besides its Go files.
func (res *Result) render(prog *Program, plans map[*Target]outPlan, ctxs []*fileCtx, opts Options) error {
	for _, c := range ctxs {
		data, err := c.render(c.outDir)
		if err != nil {
			return err
		}
		res.Files = append(res.Files, File{Path: filepath.Join(c.outDir, filepath.Base(c.filename)), Orig: c.filename, Data: data})
	}
	rewritten := map[*packages.Package]bool{}
	for _, c := range ctxs {
		rewritten[c.pkg] = true
	}
	for _, t := range prog.Deps {
		if hook := stdHookFile(t.PkgPath); hook != nil && translated[t.PkgPath] && rewritten[t.Units[0]] {
			res.Files = append(res.Files, File{Path: filepath.Join(plans[t].dir, "zz_simgen_hooks.go"), Data: hook})
		}
	}
	modules := map[string]bool{}
	for _, t := range prog.Deps {
		if !opts.InPlace || !rewritten[t.Units[0]] || translated[t.PkgPath] {
			continue // a translated package's variant is new, beside the runtime's shims
		}
		res.Dropped = append(res.Dropped, droppedFiles(t)...)
		if m := t.Module; m != nil && !modules[m.Dir] {
			modules[m.Dir] = true
			res.DepModules = append(res.DepModules, m)
		}
	}
	sort.Slice(res.DepModules, func(i, j int) bool { return res.DepModules[i].Dir < res.DepModules[j].Dir })
	if !opts.InPlace {
		for _, t := range prog.Deps {
			if !rewritten[t.Units[0]] {
				continue
			}
			res.Dirs = append(res.Dirs, plans[t].dir)
			embeds, err := embedCopies(t, plans[t].dir)
			if err != nil {
				return err
			}
			res.Files = append(res.Files, embeds...)
		}
	}
	for _, t := range prog.Targets {
		res.Dirs = append(res.Dirs, plans[t].dir)
		if opts.InPlace {
			res.Dropped = append(res.Dropped, droppedFiles(t)...)
			continue
		}
		embeds, err := embedCopies(t, plans[t].dir)
		if err != nil {
			return err
		}
		res.Files = append(res.Files, embeds...)
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].Path < res.Files[j].Path })
	sort.Strings(res.Dirs)
	sort.Strings(res.Dropped)
	return nil
}

// cgoFindings reports the import "C" of every file of u that uses cgo.
func cgoFindings(u *packages.Package) []Finding {
	var out []Finding
	for _, name := range u.GoFiles {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				pos := fset.Position(imp.Pos())
				out = append(out, Finding{Pos: pos, What: `cgo (import "C")`,
					Why: "C code runs outside the simulation and cannot be rewritten",
					Fix: "move the cgo calls behind an interface the simulated code does not use"})
			}
		}
	}
	return out
}

func dedupFindings(fs []Finding) []Finding {
	sortFindings(fs)
	var out []Finding
	seen := map[string]bool{}
	for _, f := range fs {
		key := f.String()
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	return out
}

// planOutputs decides each target's output directory and the variant's import path.
func planOutputs(prog *Program, opts Options) (map[*Target]outPlan, error) {
	plans := map[*Target]outPlan{}
	for _, t := range prog.Deps {
		if !opts.InPlace && !opts.CheckOnly {
			continue // copies under the targets' output (depCopyPlans)
		}
		if translated[t.PkgPath] {
			plan, err := translatedPlan(t, opts)
			if err != nil {
				return nil, err
			}
			plans[t] = plan
			continue
		}
		// A dependency's variant stands in for it where it is (see Program.Deps).
		plans[t] = outPlan{dir: t.Dir, path: t.PkgPath}
	}
	seen := map[string]*Target{}
	for _, t := range prog.Targets {
		if t.Module == nil || t.Module.Dir == "" {
			return nil, fmt.Errorf("%s: package %s is not inside a module; simgen writes variants into the package's module, so run it inside one", t.Dir, t.PkgPath)
		}
		if opts.InPlace {
			plans[t] = outPlan{dir: t.Dir, path: t.PkgPath}
			continue
		}
		dir, err := outDir(t, opts.Out, len(prog.Targets))
		if err != nil {
			return nil, err
		}
		if other, ok := seen[dir]; ok {
			return nil, fmt.Errorf("packages %s and %s would both be written to %s; use --out with several packages to mirror the module's layout", other.PkgPath, t.PkgPath, dir)
		}
		seen[dir] = t
		path, err := variantPath(t, dir)
		if err != nil {
			return nil, err
		}
		plans[t] = outPlan{dir: dir, path: path}
	}
	for _, t := range prog.Targets {
		if other, ok := seen[t.Dir]; ok && !opts.InPlace {
			return nil, fmt.Errorf("the variant of %s would overwrite the sources of %s in %s; choose another --out", other.PkgPath, t.PkgPath, t.Dir)
		}
	}
	if !opts.InPlace && !opts.CheckOnly && len(prog.Deps) > 0 {
		if err := depCopyPlans(prog, opts, plans); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// depCopyPlans places the variants of the dependencies gen rewrites (gen --deps) in the
// module, under _deps in the output directory, at their import paths: a checked-in variant
// must find them wherever the module is built, and a replace directive would give the native
// build the variants too. Dependencies' internal packages keep their layout, so Go's internal
// rule still holds.
func depCopyPlans(prog *Program, opts Options, plans map[*Target]outPlan) error {
	first := prog.Targets[0]
	root := filepath.Join(first.Module.Dir, DefaultOutDir)
	if opts.Out != "" {
		abs, err := filepath.Abs(opts.Out)
		if err != nil {
			return err
		}
		root = abs
	}
	root = filepath.Join(root, "_deps")
	for _, t := range prog.Deps {
		if translated[t.PkgPath] {
			return fmt.Errorf("%s is translated from GOROOT, which gen does not do; leave it native (--native)", t.PkgPath)
		}
		dir := filepath.Join(root, filepath.FromSlash(t.PkgPath))
		path, err := variantPath(first, dir)
		if err != nil {
			return err
		}
		plans[t] = outPlan{dir: dir, path: path}
	}
	return nil
}

// translatedPlan places the variant of a translated std package in the runtime module, beside
// the shims: GOROOT cannot be overlaid with a package of another meaning, and every module
// that builds variants already finds the runtime.
func translatedPlan(t *Target, opts Options) (outPlan, error) {
	plan := outPlan{path: translatedPath(t.PkgPath)}
	switch {
	case opts.RuntimeDir != "":
		plan.dir = filepath.Join(opts.RuntimeDir, filepath.FromSlash(strings.TrimPrefix(plan.path, runtimeModule+"/")))
	case opts.CheckOnly:
		plan.dir = t.Dir // nothing is rendered
	default:
		return outPlan{}, fmt.Errorf("%s is translated from GOROOT into simgen's runtime module, whose directory is unknown or read-only here (is simgen replaced by a module version? replace it with a directory), so it cannot be simulated; leave it native with --native %s", t.PkgPath, t.PkgPath)
	}
	return plan, nil
}

func outDir(t *Target, out string, n int) (string, error) {
	root := t.Module.Dir
	rel, err := filepath.Rel(root, t.Dir)
	if err != nil {
		return "", err
	}
	switch {
	case out == "":
		return filepath.Join(root, DefaultOutDir, rel), nil
	case n == 1:
		return filepath.Abs(out)
	default:
		abs, err := filepath.Abs(out)
		return filepath.Join(abs, rel), err
	}
}

// variantPath returns the import path of a variant written to dir, which must lie inside the
// target's module: variants import the module's (internal) packages and simstd through it.
func variantPath(t *Target, dir string) (string, error) {
	rel, err := filepath.Rel(t.Module.Dir, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("output directory %s is outside module %s (%s); the variant must live inside the module it imports from", dir, t.Module.Path, t.Module.Dir)
	}
	if rel == "." {
		return t.Module.Path, nil
	}
	return t.Module.Path + "/" + filepath.ToSlash(rel), nil
}

// embedCopies copies the files t embeds (//go:embed) next to its variant, which embeds them
// by the same relative names.
func embedCopies(t *Target, dir string) ([]File, error) {
	var out []File
	seen := map[string]bool{}
	for _, u := range t.Units {
		for _, f := range u.EmbedFiles {
			rel, err := filepath.Rel(t.Dir, f)
			if err != nil || seen[rel] {
				continue
			}
			seen[rel] = true
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			out = append(out, File{Path: filepath.Join(dir, rel), Orig: f, Data: data})
		}
	}
	return out, nil
}

// droppedFiles lists the Go files of t's directory that the variant excludes, such as files
// constrained //go:build !simgen, so an overlay can remove them from the native build.
func droppedFiles(t *Target) []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range t.Units {
		for _, f := range u.IgnoredFiles {
			if strings.HasSuffix(f, ".go") && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
