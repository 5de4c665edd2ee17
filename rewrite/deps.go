package rewrite

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// runtimeModule is simgen's own module: its simstd and internal packages are the runtime, never
// rewritten.
const runtimeModule = "github.com/simgen/simgen"

// loadDeps loads, for rewriting, every package the targets import, directly or not, that is
// neither in the standard library (except the translated packages), a target, simgen's
// runtime, nor matched by native. A
// simulation then runs the whole program: a dependency left native would run its goroutines
// on the real scheduler and clock, and speak native channels to the variants.
func loadDeps(pcfg packages.Config, patterns []string, targets map[string]bool, native []string) ([]*Target, error) {
	graph := pcfg
	graph.Mode = packages.NeedName | packages.NeedImports | packages.NeedDeps | packages.NeedModule
	graph.Tests = true
	graph.Fset = nil
	roots, err := packages.Load(&graph, patterns...)
	if err != nil {
		return nil, fmt.Errorf("listing the dependencies of %s: %w", strings.Join(patterns, " "), err)
	}
	var paths []string
	seen := map[string]bool{}
	packages.Visit(roots, func(p *packages.Package) bool {
		if seen[p.ID] {
			return false
		}
		seen[p.ID] = true
		if isDependency(p, targets, native) && !seen["path:"+p.PkgPath] {
			seen["path:"+p.PkgPath] = true
			paths = append(paths, p.PkgPath)
		}
		return true
	}, nil)
	if len(paths) == 0 {
		return nil, nil
	}
	sort.Strings(paths)
	full := pcfg
	full.Tests = false
	pkgs, err := packages.Load(&full, paths...)
	if err != nil {
		return nil, fmt.Errorf("loading the dependencies of %s: %w", strings.Join(patterns, " "), err)
	}
	var deps []*Target
	var errs []string
	for _, p := range pkgs {
		t := &Target{PkgPath: p.PkgPath, Name: p.Name, Dir: packageDir(p), Module: p.Module, Units: []*packages.Package{p}}
		if isGeneratedTarget(t) || len(p.Syntax) == 0 {
			continue
		}
		errs = append(errs, targetErrors(t)...)
		deps = append(deps, t)
	}
	if len(errs) > 0 {
		return nil, &LoadError{Messages: errs}
	}
	return deps, nil
}

// isDependency reports whether p is a package loadDeps rewrites.
func isDependency(p *packages.Package, targets map[string]bool, native []string) bool {
	path := p.PkgPath
	switch {
	case translated[path] && !targets[path]:
		return !MatchNative(native, path)
	case targets[path], p.Module == nil, isStd(path), path == "C", path == "unsafe",
		strings.HasSuffix(p.ID, ".test"), strings.HasSuffix(path, "_test"):
		return false
	case path == runtimeModule || strings.HasPrefix(path, runtimeModule+"/simstd") || strings.HasPrefix(path, runtimeModule+"/internal/"):
		return false
	}
	return !MatchNative(native, path)
}

// MatchNative reports whether path matches one of the --native patterns: an import path, or
// a path ending in "/..." matching the path and everything below it.
func MatchNative(patterns []string, path string) bool {
	for _, pat := range patterns {
		if prefix, ok := strings.CutSuffix(pat, "/..."); ok {
			if path == prefix || strings.HasPrefix(path, prefix+"/") {
				return true
			}
		} else if path == pat {
			return true
		}
	}
	return false
}
