package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	fast := flag.Bool("fast", false, "run the fast subset (x/sync, seeds 1-3) that make test runs")
	seeds := flag.String("seeds", "", "sweep these seeds (N or A-B) instead of each target's")
	only := flag.String("only", "", "run only the targets whose names contain one of these comma-separated words")
	md := flag.String("md", "", "also write the table as markdown to this file (default: table.md in the scratch directory)")
	work := flag.String("work", filepath.Join(os.TempDir(), "simgen-targets"), "scratch directory (target copies, outputs, --json files); emptied first")
	timeout := flag.Duration("timeout", 20*time.Minute, "wall time each command (a go test, a simgen sweep) may take before it is killed and reported as a timeout")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := NewEnv(ctx, *work, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "targets:", err)
		os.Exit(2)
	}
	targets := Targets
	if *fast {
		targets = FastTargets()
	}
	results := RunAll(ctx, env, filter(targets, *only, *seeds))
	fmt.Printf("\nsimgen %s, %s\n\n", env.Version, runtime.Version())
	WriteText(os.Stdout, results)
	if *md == "" {
		*md = filepath.Join(env.Work, "table.md")
	}
	if err := writeMarkdownFile(*md, env.Version, results); err != nil {
		fmt.Fprintln(os.Stderr, "targets:", err)
		os.Exit(2)
	}
	fmt.Printf("\nmarkdown table: %s\noutputs of every command: %s\n", *md, env.Work)
}

func writeMarkdownFile(name, version string, results []Result) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "simgen %s, %s\n\n", version, runtime.Version())
	WriteMarkdown(w, results)
	return errors.Join(w.Flush(), f.Close())
}

// filter keeps the targets named in only (all when empty) and sets their seeds.
func filter(targets []Target, only, seeds string) []Target {
	var out []Target
	for _, t := range targets {
		keep := only == ""
		for _, w := range strings.Split(only, ",") {
			keep = keep || (w != "" && strings.Contains(t.Name, w))
		}
		if !keep {
			continue
		}
		if seeds != "" {
			t.Seeds = seeds
		}
		out = append(out, t)
	}
	return out
}

// RunAll runs the targets one after another (each command uses the machine's cores).
func RunAll(ctx context.Context, env *Env, targets []Target) []Result {
	var results []Result
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		results = append(results, env.Run(ctx, t))
	}
	return results
}

// NewEnv finds the repository and this module from the working directory (tests/targets or
// below), empties work and builds simgen into it.
func NewEnv(ctx context.Context, work string, timeout time.Duration) (*Env, error) {
	self, repo, err := findDirs()
	if err != nil {
		return nil, err
	}
	if work, err = filepath.Abs(work); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	e := &Env{Repo: repo, Self: self, Work: work, Simgen: filepath.Join(work, "simgen"), Timeout: timeout, Log: os.Stderr}
	_, errOut, _, _, err := e.run(ctx, repo, nil, "go", "build", "-o", e.Simgen, "github.com/simgen/simgen/cmd/simgen")
	if err != nil {
		return nil, fmt.Errorf("building simgen: %v\n%s", err, errOut)
	}
	e.Version = e.repoVersion(ctx)
	return e, nil
}

// repoVersion describes the simgen sources the binary was built from: the commit, and
// whether the packages it is built from have uncommitted changes (the table then reflects
// the working tree, not the commit).
func (e *Env) repoVersion(ctx context.Context) string {
	out, _, _, _, err := e.run(ctx, e.Repo, nil, "git", "rev-parse", "--short", "HEAD")
	if err != nil {
		return "unknown (not a git checkout)"
	}
	v := strings.TrimSpace(string(out))
	status, _, _, _, err := e.run(ctx, e.Repo, nil, "git", "status", "--porcelain", "--", "cmd", "rewrite", "simstd", "internal", "go.mod", "go.sum", "*.go")
	if err == nil && len(bytes.TrimSpace(status)) > 0 {
		v += "+dirty"
	}
	return v
}

// findDirs walks up from the working directory to this module's go.mod and the repository's.
func findDirs() (self, repo string, err error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		switch modulePath(filepath.Join(d, "go.mod")) {
		case "github.com/simgen/simgen/tests/targets":
			self = d
		case "github.com/simgen/simgen":
			if self == "" {
				return "", "", fmt.Errorf("run from tests/targets (found the repository at %s first)", d)
			}
			return self, d, nil
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("%s is not inside tests/targets of the simgen repository", dir)
		}
	}
}

// modulePath returns the module path a go.mod declares, or "".
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
