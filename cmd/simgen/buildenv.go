package main

import (
	"fmt"
	"os"
	"runtime/debug"

	runtimesrc "github.com/simgen/simgen"
	"github.com/simgen/simgen/internal/buildenv"
	"github.com/simgen/simgen/rewrite"
	"github.com/spf13/cobra"
)

// variantBuild returns the go build flags and environment that build res's variants in the
// current directory's module: the module's go.mod (or go.work) amended to find simgen's
// runtime, through -modfile (or GOWORK), and the -overlay that puts the variants in place of
// the original files. The module's own files are not modified.
func variantBuild(res *rewrite.Result) (flags, env []string, err error) {
	cache, err := cacheDir()
	if err != nil {
		return nil, nil, err
	}
	overlay, err := writeVariants(res)
	if err != nil {
		return nil, nil, err
	}
	var mods []buildenv.Module
	for _, m := range res.DepModules {
		mods = append(mods, buildenv.Module{Path: m.Path, Version: m.Version, Dir: m.Dir})
	}
	b, err := buildenv.Prepare(buildenv.Config{Runtime: runtimesrc.Runtime, Cache: cache, Overlay: overlay, Modules: mods})
	if err != nil {
		return nil, nil, fmt.Errorf("preparing the variants' build: %w", err)
	}
	return b.Flags, b.Env, nil
}

// runtimeRoot returns the directory of the runtime module the variants built in the current
// directory's module use (see buildenv.RuntimeRoot).
func runtimeRoot() (string, error) {
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	return buildenv.RuntimeRoot(buildenv.Config{Runtime: runtimesrc.Runtime, Cache: cache})
}

// registerNative adds the --native flag.
func registerNative(cmd *cobra.Command, native *[]string) {
	cmd.Flags().StringSliceVar(native, "native", nil, "dependencies to leave native (import paths; p/... for p and below): they run outside the simulation, on real goroutines and the real clock")
}

// withEnv returns os.Environ() followed by extra.
func withEnv(extra ...string) []string {
	return append(os.Environ(), extra...)
}

// requireDependency returns an error saying what to run when the variants gen would write
// into the module could not build there: they import simstd, which the module must then
// require. simgen test, run and check need no such requirement.
func requireDependency() error {
	found, mod, err := buildenv.Dependency(buildenv.Config{})
	if err != nil || found {
		return err
	}
	return fmt.Errorf("the variants import %s/simstd, which module %s does not require, so they would not build in its tree; nothing was written.\n"+
		"To check variants into the module, add the dependency first:\n\tgo get %s@%s\n"+
		"(simgen test, run and check need no dependency: they build variants outside the module's tree.)",
		buildenv.ModulePath, mod, buildenv.ModulePath, moduleVersion())
}

// moduleVersion is the version of simgen to require: this binary's, when it was built from
// a module version, else latest.
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Path == buildenv.ModulePath &&
		info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "latest"
}
