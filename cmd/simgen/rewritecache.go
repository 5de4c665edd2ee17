package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/simgen/simgen/internal/rwcache"
	"github.com/simgen/simgen/rewrite"
)

// cachedRewrite is what simgen test and run keep of a rewrite: the variants, what generate
// prints, and the main packages among the targets.
type cachedRewrite struct {
	Result        rewrite.Result
	Skipped       []string
	Targets, Deps int
	Mains         []commandPkg
}

// commandPkg is a main package among a rewrite's targets.
type commandPkg struct {
	PkgPath, Dir string
}

// generateCached is generate for a build in place of the originals (simgen test and run),
// reusing the variants of an earlier rewrite of the same sources, options and simgen (see
// rwcache).
func generateCached(cfg genConfig, opts rewrite.Options, stderr io.Writer) (*cachedRewrite, error) {
	if err := requireModule("."); err != nil {
		return nil, err
	}
	dir, err := cacheDir()
	if err != nil {
		return nil, err
	}
	dir = filepath.Join(dir, "rewrite")
	if opts.InPlace && !opts.CheckOnly {
		// Only translated std packages need it: a module that replaces simgen with a module
		// version builds everything else, and the rewrite says why those cannot be.
		opts.RuntimeDir, _ = runtimeRoot()
	}
	key, ok, err := rwcache.Key(rwcache.Config{
		Patterns: cfg.patterns,
		Tags:     append([]string{rewrite.SimTag}, cfg.tags...),
		Options: []string{"deps=" + strconv.FormatBool(cfg.deps), fmt.Sprintf("native=%q", cfg.native),
			fmt.Sprintf("inplace=%v allow=%v runtime=%q", opts.InPlace, opts.Allow, opts.RuntimeDir)},
	})
	if err != nil || !ok {
		// The packages do not list cleanly (the rewrite reports why) or the key cannot be
		// computed: rewrite without the cache.
		prog, res, err := generate(cfg, opts, stderr)
		if err != nil {
			return nil, err
		}
		return newCachedRewrite(prog, res), nil
	}
	var c cachedRewrite
	if rwcache.Get(dir, key, &c) {
		for _, p := range c.Skipped {
			fmt.Fprintf(stderr, "simgen: skipping %s: it is a simgen-generated variant\n", p)
		}
		if c.Deps > 0 {
			fmt.Fprintf(stderr, "simgen: %d packages (%d of them dependencies) unchanged since their last rewrite\n", c.Targets+c.Deps, c.Deps)
		}
		printWarnings(c.Result.Warnings, opts.CheckOnly, stderr)
		return &c, nil
	}
	prog, res, err := generate(cfg, opts, stderr)
	if err != nil {
		return nil, err
	}
	nc := newCachedRewrite(prog, res)
	if err := rwcache.Put(dir, key, nc); err != nil {
		fmt.Fprintf(stderr, "simgen: warning: the rewrite could not be cached: %v\n", err)
	}
	return nc, nil
}

func newCachedRewrite(prog *rewrite.Program, res *rewrite.Result) *cachedRewrite {
	c := &cachedRewrite{Result: *res, Skipped: prog.Skipped, Targets: len(prog.Targets), Deps: len(prog.Deps)}
	for _, t := range prog.Targets {
		if t.Name == "main" {
			c.Mains = append(c.Mains, commandPkg{PkgPath: t.PkgPath, Dir: t.Dir})
		}
	}
	return c
}
