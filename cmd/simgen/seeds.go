package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/simgen/simgen/internal/modpath"
	"github.com/simgen/simgen/internal/sweep"
	"github.com/spf13/cobra"
)

// collectCmd is the hidden command simgen test --seeds passes to go test -exec: instead of
// running a test binary it keeps the binary, its arguments, directory and environment in
// --dir, for the sweep to run once per seed after go test is done.
const collectCmd = "collect-test-binary"

// collected is what collectCmd writes for one test binary.
type collected struct {
	Package string   // the package directory relative to the module root (./pkg)
	Path    string   // the kept binary
	Args    []string // go test's arguments for it
	Dir     string   // where go test runs it: the package's directory
	Env     []string
}

func newCollectCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    collectCmd + " --dir DIR BINARY [ARGS...]",
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return collect(dir, args)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "where to keep the binaries")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func collect(dir string, args []string) error {
	if dir == "" {
		return errors.New(collectCmd + ": --dir is required")
	}
	f, err := os.CreateTemp(dir, "job-*.json")
	if err != nil {
		return err
	}
	defer f.Close()
	// go test removes the binary when it exits, so keep a link to it (or a copy).
	bin := strings.TrimSuffix(f.Name(), ".json") + ".test"
	if err := linkOrCopy(args[0], bin); err != nil {
		return fmt.Errorf("%s: keeping the test binary %s: %w", collectCmd, args[0], err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	data, err := json.Marshal(collected{Package: modpath.RelDir(), Path: bin, Args: args[1:], Dir: wd, Env: os.Environ()})
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Close()
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// readJobs reads what collectCmd wrote, sorted by package.
func readJobs(dir string) ([]sweep.Job, error) {
	names, err := filepath.Glob(filepath.Join(dir, "job-*.json"))
	if err != nil {
		return nil, err
	}
	var jobs []sweep.Job
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var c collected
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		jobs = append(jobs, sweep.Job{Package: c.Package, Path: c.Path, Args: c.Args, Dir: c.Dir, Env: c.Env})
	}
	slices.SortFunc(jobs, func(a, b sweep.Job) int { return strings.Compare(a.Package, b.Package) })
	return jobs, nil
}
