package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Env is what running targets needs.
type Env struct {
	Repo    string        // the simgen repository root
	Self    string        // this module's directory, where go mod download resolves the pinned versions
	Work    string        // the scratch directory: target copies, simgen's binary, --json files, logs
	Simgen  string        // the simgen binary built from Repo
	Version string        // Repo's commit, "+dirty" when simgen's sources have uncommitted changes
	Timeout time.Duration // the wall time each command may take; a command still running then is killed
	Log     io.Writer     // progress lines
}

// Outcome is what one way of running a target's tests gave.
type Outcome struct {
	Tests    map[string]string // top-level test (or example) -> "pass", "fail" or "skip"
	BuildErr string            // non-empty when the tests did not build or run: the first error line
	Timeout  bool              // the command overran Env.Timeout and was killed
	Wall     time.Duration     // the command's wall time, build included
	Failures []Failure         // why tests failed, grouped by test, kind and reason
}

// Counts returns the number of tests passed, failed and skipped.
func (o Outcome) Counts() (pass, fail, skip int) {
	for _, s := range o.Tests {
		switch s {
		case "pass":
			pass++
		case "fail":
			fail++
		case "skip":
			skip++
		}
	}
	return pass, fail, skip
}

// Failure is a test that failed the same way on some seeds.
type Failure struct {
	Test   string   // the test, or "(package)" when the process failed outside any test
	Kind   string   // simgen's failure kind (test, panic, deadlock, nondeterministic, ...), or "go test"
	Reason string   // the first line of the error
	Seeds  []uint64 // the seeds it failed on, ascending; empty for a native failure
}

// Result is one row of the table.
type Result struct {
	Target   Target
	Version  string  // the pinned version that was tested
	Err      string  // the target could not be set up (download, copy); nothing ran
	Native   Outcome // go test -json
	Sim      Outcome // the census (seed 1, -json) and the sweep merged; Wall is the sweep's
	Adapted  string  // the adaptation applied, "" for none
	PlainErr string  // with Adapted: why the plain simulated build failed
	Warnings int     // simgen's warnings (constructs left native) in the run reported
	Seeds    int     // seeds the sweep ran (records of --json)
	Nondet   int     // seeds that --check-determinism found nondeterministic
}

// Download fetches mod at the version this module's go.mod requires and returns its version
// and source directory in the module cache.
func (e *Env) Download(ctx context.Context, mod string) (version, dir string, err error) {
	out, errOut, _, _, runErr := e.run(ctx, e.Self, nil, "go", "mod", "download", "-json", mod)
	var info struct{ Version, Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Error != "" || runErr != nil {
		msg := info.Error
		if msg == "" {
			msg = firstLine(string(errOut))
		}
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return "", "", fmt.Errorf("go mod download %s: %s", mod, msg)
	}
	return info.Version, info.Dir, nil
}

// Run tests t natively and simulated.
func (e *Env) Run(ctx context.Context, t Target) Result {
	res := Result{Target: t}
	version, src, err := e.Download(ctx, t.Module)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	res.Version = version
	dir := filepath.Join(e.Work, slug(t.Name))
	if err := copyTree(src, dir); err != nil {
		res.Err = err.Error()
		return res
	}
	e.logf("%s %s@%s: native go test", t.Name, t.Module, version)
	res.Native = e.native(ctx, dir, t)
	e.logf("%s: simulated, seed 1 (census)", t.Name)
	census, warnings := e.census(ctx, dir, t, Adaptation{})
	if census.BuildErr != "" && !census.Timeout && !t.Adapt.Empty() {
		res.PlainErr = census.BuildErr
		res.Adapted = t.Adapt.String()
		if err := adapt(ctx, e, dir, t.Adapt); err != nil {
			res.Err = err.Error()
			return res
		}
		e.logf("%s: plain build failed (%s); again with %s", t.Name, census.BuildErr, res.Adapted)
		census, warnings = e.census(ctx, dir, t, t.Adapt)
	}
	res.Warnings = warnings
	res.Sim = census
	if census.BuildErr != "" {
		return res
	}
	e.logf("%s: simulated, seeds %s", t.Name, t.Seeds)
	e.sweep(ctx, dir, t, &res)
	return res
}

// native runs go test -json on the target's packages.
func (e *Env) native(ctx context.Context, dir string, t Target) Outcome {
	args := append([]string{"test", "-vet=off", "-count=1", "-json"}, t.Pkgs...)
	out, errOut, wall, timedOut, runErr := e.run(ctx, dir, nil, "go", args...)
	o := parseTestJSON(out, errOut, runErr)
	o.Wall, o.Timeout = wall, timedOut
	if timedOut {
		o.BuildErr = fmt.Sprintf("timeout after %v", e.Timeout)
	}
	e.save(t, "native", out, errOut)
	return o
}

// simFlags are the simgen flags common to the census and the sweep.
func simFlags(t Target, a Adaptation) []string {
	args := append([]string{"test"}, t.Pkgs...)
	args = append(args, "--allow")
	if len(a.Native) > 0 {
		args = append(args, "--native", strings.Join(a.Native, ","))
	}
	return args
}

// census runs seed 1 of the simulated variant with go test -json, for which tests pass,
// fail and skip (examples included, which record no simulation run), and counts simgen's
// warnings.
func (e *Env) census(ctx context.Context, dir string, t Target, a Adaptation) (Outcome, int) {
	args := append(simFlags(t, a), "--seed", "1", "--", "-vet=off", "-count=1", "-json")
	out, errOut, wall, timedOut, runErr := e.run(ctx, dir, nil, e.Simgen, args...)
	o := parseTestJSON(out, errOut, runErr)
	o.Wall, o.Timeout = wall, timedOut
	if timedOut {
		o.BuildErr = fmt.Sprintf("timeout after %v", e.Timeout)
	}
	for i := range o.Failures {
		o.Failures[i].Seeds = []uint64{1}
	}
	e.save(t, "census", out, errOut)
	return o, strings.Count("\n"+string(errOut), "\nwarning:")
}

// sweep runs the target's seeds and merges their failures into res.Sim.
func (e *Env) sweep(ctx context.Context, dir string, t Target, res *Result) {
	jsonFile := filepath.Join(e.Work, slug(t.Name)+".sweep.jsonl")
	os.Remove(jsonFile)
	args := append(simFlags(t, t.adaptIf(res.Adapted != "")), "--seeds", t.Seeds, "--keep-going", "--json", jsonFile)
	if t.Determinism {
		args = append(args, "--check-determinism")
	}
	args = append(args, "--", "-vet=off")
	out, errOut, wall, timedOut, runErr := e.run(ctx, dir, nil, e.Simgen, args...)
	e.save(t, "sweep", out, errOut)
	res.Sim.Wall = wall
	if timedOut {
		res.Sim.Timeout = true
	}
	data, _ := os.ReadFile(jsonFile)
	sw := parseSweep(data)
	res.Seeds, res.Nondet = sw.seeds, sw.nondet
	if sw.seeds == 0 && !timedOut {
		res.Sim.BuildErr = "sweep ran no seed: " + firstErrorLine(string(errOut), runErr)
	}
	mergeSweep(&res.Sim, sw.failures)
}

// adaptIf returns t.Adapt when applied, else nothing.
func (t Target) adaptIf(applied bool) Adaptation {
	if applied {
		return t.Adapt
	}
	return Adaptation{}
}

// adapt applies the file-level part of a to the scratch copy dir.
func adapt(ctx context.Context, e *Env, dir string, a Adaptation) error {
	for _, f := range a.Drop {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("adapting: %w", err)
		}
	}
	if a.GoLine != "" {
		if _, errOut, _, _, err := e.run(ctx, dir, nil, "go", "mod", "edit", "-go="+a.GoLine); err != nil {
			return fmt.Errorf("adapting: go mod edit -go=%s: %v: %s", a.GoLine, err, firstLine(string(errOut)))
		}
	}
	return nil
}

// run runs name args in dir and returns its output, wall time, and whether it was killed for
// overrunning e.Timeout. The command gets its own process group, so that killing it also
// kills the go test and test binary processes under it.
func (e *Env) run(ctx context.Context, dir string, env []string, name string, args ...string) (stdout, stderr []byte, wall time.Duration, timedOut bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, e.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off"), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	timedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	return out.Bytes(), errOut.Bytes(), wall, timedOut, err
}

// save keeps a command's output in the scratch directory for inspection.
func (e *Env) save(t Target, what string, stdout, stderr []byte) {
	base := filepath.Join(e.Work, slug(t.Name)+"."+what)
	os.WriteFile(base+".stdout", stdout, 0o644)
	os.WriteFile(base+".stderr", stderr, 0o644)
}

func (e *Env) logf(format string, args ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, "targets: "+format+"\n", args...)
	}
}

// copyTree copies the module cache directory src to dst, replacing dst, with every file and
// directory writable by its owner (the module cache is read-only, and go test and simgen
// write into a module's tree).
func copyTree(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, info.Mode().Perm()|0o200)
	})
}

// slug turns a target name into a file name.
func slug(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, name)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
