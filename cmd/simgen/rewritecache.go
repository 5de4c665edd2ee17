package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/simgen/simgen/internal/rwcache"
	"github.com/simgen/simgen/rewrite"
)

// cachedRewrite is what simgen test keeps of a rewrite: the variants and what generate prints.
type cachedRewrite struct {
	Result        rewrite.Result
	Skipped       []string
	Targets, Deps int
}

// generateCached is generate for a build in place of the originals (simgen test), reusing the
// variants of an earlier rewrite of the same sources, options and simgen (see rwcache).
func generateCached(cfg genConfig, opts rewrite.Options, stderr io.Writer) (*rewrite.Result, error) {
	if err := requireModule("."); err != nil {
		return nil, err
	}
	dir, err := cacheDir()
	if err != nil {
		return nil, err
	}
	dir = filepath.Join(dir, "rewrite")
	key, ok, err := rwcache.Key(rwcache.Config{
		Patterns: cfg.patterns,
		Tags:     append([]string{rewrite.SimTag}, cfg.tags...),
		Options: []string{"deps=" + strconv.FormatBool(cfg.deps), fmt.Sprintf("native=%q", cfg.native),
			fmt.Sprintf("inplace=%v allow=%v", opts.InPlace, opts.Allow)},
	})
	if err != nil || !ok {
		// The packages do not list cleanly (the rewrite reports why) or the key cannot be
		// computed: rewrite without the cache.
		_, res, err := generate(cfg, opts, stderr)
		return res, err
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
		return &c.Result, nil
	}
	prog, res, err := generate(cfg, opts, stderr)
	if err != nil {
		return nil, err
	}
	c = cachedRewrite{Result: *res, Skipped: prog.Skipped, Targets: len(prog.Targets), Deps: len(prog.Deps)}
	if err := rwcache.Put(dir, key, &c); err != nil {
		fmt.Fprintf(stderr, "simgen: warning: the rewrite could not be cached: %v\n", err)
	}
	return res, nil
}
