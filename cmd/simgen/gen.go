package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/simgen/simgen/rewrite"
	"github.com/spf13/cobra"
)

const genLong = `Write the simulated variant of PACKAGES (default ".").

With one package and --out DIR, the variant's files go into DIR. With several packages, each
variant goes into DIR/<package path relative to the module root>. Without --out, DIR is
` + rewrite.DefaultOutDir + ` at the module root (the go command skips directories starting with "_"
in ./... patterns, so variants stay out of the module's own builds; name them explicitly, as in
go run ./` + rewrite.DefaultOutDir + `/cmd/x). Files the package embeds are copied next to its variant;
testdata is not, so run the variants' tests with simgen test, which runs them in place.

The output is gofmt'd Go inside the module, starts with "` + rewrite.Header + `",
is byte-identical when regenerated, and reports the original file:line in panics and stack
traces through //line directives. Generated files that are no longer produced are removed, and
simgen-generated packages matched by a pattern are skipped.

With --deps, the packages they import outside the standard library are rewritten too, into
DIR/_deps/<import path> (` + rewrite.DefaultOutDir + `/_deps without --out), and the variants import
those copies, so a checked-in variant runs its dependencies simulated wherever the module is
built; without --deps they run natively. The standard library packages that simgen test
translates from GOROOT (net/rpc, net/http) stay native in gen's variants, and check refuses them.

Constructs that cannot be simulated are errors (nothing is written); a //simgen:ignore comment
on the line or the line above, or --allow, turns them into warnings.`

type genFlags struct {
	out   string
	check bool
	allow bool
	deps  bool
	tags  []string
}

func newGenCmd(stdout, stderr io.Writer) *cobra.Command {
	var f genFlags
	cmd := &cobra.Command{
		Use:   "gen [--out DIR] [--check] [PACKAGES...]",
		Short: "Write the simulated variant of packages",
		Long:  genLong,
		RunE: func(_ *cobra.Command, args []string) error {
			return runGen(f, args, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "", "output directory")
	cmd.Flags().BoolVar(&f.check, "check", false, "write nothing; list stale outputs and exit 1 if there are any")
	cmd.Flags().BoolVar(&f.deps, "deps", false, "also rewrite the non-std packages they import, into DIR/_deps, for the variants to import")
	cmd.Flags().BoolVar(&f.allow, "allow", false, "report unsupported constructs as warnings instead of errors, except those whose variant would not compile")
	cmd.Flags().StringSliceVar(&f.tags, "tags", nil, "extra build tags")
	return cmd
}

func runGen(f genFlags, patterns []string, stdout, stderr io.Writer) error {
	cfg := genConfig{patterns: patterns, tags: f.tags}
	if f.deps {
		cfg.deps, cfg.native = true, rewrite.TranslatedStd()
	}
	_, res, err := generate(cfg, rewrite.Options{Out: f.out, Allow: f.allow}, stderr)
	if err != nil {
		return err
	}
	if f.check {
		changes, err := res.Changes()
		if err != nil {
			return err
		}
		for _, c := range changes {
			fmt.Fprintf(stdout, "stale: %s (%s)\n", relPath(c.Path), c.Kind)
		}
		if len(changes) > 0 {
			fmt.Fprintln(stderr, "simgen: generated variants are stale; run simgen gen")
			return exitCode(1)
		}
		return nil
	}
	if err := requireDependency(); err != nil {
		return err
	}
	_, err = res.Write()
	return err
}

// genConfig says which packages generate loads.
type genConfig struct {
	patterns, tags []string
	// deps rewrites, with the patterns' packages, every non-std package they import, except
	// those native matches (see rewrite.LoadConfig).
	deps   bool
	native []string
}

// generate loads and rewrites the packages, printing warnings and errors to stderr.
func generate(cfg genConfig, opts rewrite.Options, stderr io.Writer) (*rewrite.Program, *rewrite.Result, error) {
	if err := requireModule("."); err != nil {
		return nil, nil, err
	}
	prog, err := rewrite.Load(rewrite.LoadConfig{Patterns: cfg.patterns, Tags: cfg.tags, Deps: cfg.deps, Native: cfg.native})
	if err != nil {
		return nil, nil, reportError(err, stderr)
	}
	for _, p := range prog.Skipped {
		fmt.Fprintf(stderr, "simgen: skipping %s: it is a simgen-generated variant\n", p)
	}
	if len(prog.Targets) == 0 {
		return nil, nil, errors.New("every matched package is a simgen-generated variant; nothing to do")
	}
	if len(prog.Deps) > 0 {
		fmt.Fprintf(stderr, "simgen: rewriting %d packages (%d of them dependencies)\n", len(prog.Targets)+len(prog.Deps), len(prog.Deps))
	}
	res, err := rewrite.Generate(prog, opts)
	if res != nil {
		printWarnings(res.Warnings, opts.CheckOnly, stderr)
	}
	if err != nil {
		return nil, nil, reportError(err, stderr)
	}
	return prog, res, nil
}

// printWarnings prints the findings that were let through. Those in dependencies, which the
// user did not write and which stay native, are one line per package unless all is set.
func printWarnings(ws []rewrite.Finding, all bool, stderr io.Writer) {
	perDep := map[string][]rewrite.Finding{}
	var deps []string
	for _, w := range ws {
		if w.Dep == "" || all {
			fmt.Fprintf(stderr, "warning: %s\n", w)
			continue
		}
		if perDep[w.Dep] == nil {
			deps = append(deps, w.Dep)
		}
		perDep[w.Dep] = append(perDep[w.Dep], w)
	}
	for _, d := range deps {
		fs := perDep[d]
		fmt.Fprintf(stderr, "warning: dependency %s: %d construct(s) cannot be simulated and run natively (first: %s); simgen check lists them\n", d, len(fs), fs[0])
	}
}

// reportError prints load errors and findings one per line and turns them into exit status 1.
func reportError(err error, stderr io.Writer) error {
	var findings rewrite.Findings
	var loadErr *rewrite.LoadError
	switch {
	case errors.As(err, &findings):
		for _, f := range findings {
			fmt.Fprintln(stderr, f)
		}
		fmt.Fprintf(stderr, "simgen: %d construct(s) cannot be simulated; nothing was written\n", len(findings))
		return exitCode(1)
	case errors.As(err, &loadErr):
		for _, m := range loadErr.Messages {
			fmt.Fprintln(stderr, m)
		}
		fmt.Fprintln(stderr, "simgen: the packages could not be loaded; nothing was written")
		return exitCode(1)
	}
	return err
}
