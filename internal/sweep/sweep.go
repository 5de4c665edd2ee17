package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/simgen/simgen/simstd"
)

// Job is one program to run over the seeds: a package's test binary, or a main package's.
type Job struct {
	Package string   // the package as reproduce commands name it: ./pkg, relative to the module root
	Path    string   // the executable
	Args    []string // its arguments
	Dir     string   // its working directory
	Env     []string // its environment; SIMGEN_SEED, SIMGEN_SEEDS and SIMGEN_RESULTS are replaced
	// Reproduce returns the command that reruns one seed; test is the failing test, or "".
	Reproduce func(seed uint64, test string) string
	// ReproduceCheck, if set, replaces Reproduce for a nondeterministic seed: the command that
	// runs it twice again and compares (simgen test --check-determinism ...).
	ReproduceCheck func(seed uint64, test string) string
}

// Config describes a sweep.
type Config struct {
	Seeds     Set
	Jobs      []Job
	Workers   int  // processes running at once; at least 1
	KeepGoing bool // run every seed instead of stopping at the first failure
	// TempDir holds the processes' SIMGEN_RESULTS files; "" means a new directory in os.TempDir.
	TempDir string
	// Record, if set, receives every record in order: by seed, then by job.
	Record func(Record) error
	// Progress, if set, makes the progress display for a sweep of total seeds.
	Progress func(total uint64) Progress
	// TraceDir, if set, keeps the event trace of every run: the processes get
	// SIMGEN_TRACE=TraceDir/ (TraceDir/<package>/ when the sweep has several jobs), where each
	// run writes <test>-seed<N>.jsonl.
	TraceDir string
	// CheckDeterminism runs every seed twice, each time in a fresh process with tracing on,
	// and fails a seed whose two runs differ in outcome or trace hash with kind
	// KindNondeterministic, saying where their traces diverge. With TraceDir, the second
	// run's traces go to the rerun subdirectory of the first's.
	CheckDeterminism bool
	// SeedTimeout, if positive, bounds the wall time of each seed's process. A process still
	// running then is blocked outside the simulation's control (which reports its own
	// deadlocks and limits): it gets SIGQUIT, so that the Go runtime prints every
	// goroutine's stack, and the seed fails with kind KindHang.
	SeedTimeout time.Duration
}

// FailureOutput is what the process of a failing seed printed.
type FailureOutput struct {
	Record Record
	Output []byte
}

// Result is the outcome of a sweep.
type Result struct {
	Summary Summary
	// Outputs holds the output of the first failing seed of each job, in the order of the
	// records.
	Outputs []FailureOutput
}

// unit is one seed of one job. Units are numbered seed-major: unit k is seed
// Seeds.At(k / len(Jobs)) of job k % len(Jobs).
type unit struct {
	k      uint64
	rec    Record
	output []byte // kept for failures only
	err    error  // the sweep cannot go on
	drop   bool   // killed because it is no longer needed, or interrupted
	sigint bool   // the process died of an interrupt (Ctrl-C reaches the whole process group)
}

// Run runs every job once per seed of cfg.Seeds, each run in a fresh process, cfg.Workers at
// a time. Unless cfg.KeepGoing, it stops at the first failure: seeds queued after it are not
// started and running ones after it are killed. Records are reported and summarized in seed
// order whatever the number of workers, and a stopped sweep reports exactly the units up to
// the smallest failing one, as a sequential sweep would. When ctx is cancelled (an interrupt)
// Run kills the running processes and summarizes the units finished in order before them.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if len(cfg.Jobs) == 0 {
		return nil, errors.New("sweep: nothing to run")
	}
	workers := max(cfg.Workers, 1)
	n := cfg.Seeds.Len()
	if n > (1<<63)/uint64(len(cfg.Jobs)) {
		return nil, fmt.Errorf("sweep: %d seeds of %d packages are too many; split the range", n, len(cfg.Jobs))
	}
	total := n * uint64(len(cfg.Jobs))
	dir := cfg.TempDir
	if dir == "" {
		d, err := os.MkdirTemp("", "simgen-sweep-")
		if err != nil {
			return nil, fmt.Errorf("sweep: a directory for the results of the runs: %w", err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	envs := make([][]string, len(cfg.Jobs))
	traceDirs := make([]string, len(cfg.Jobs))
	for i, j := range cfg.Jobs {
		drop := []string{simstd.EnvSeed, simstd.EnvSeeds, simstd.EnvResults}
		if cfg.TraceDir != "" || cfg.CheckDeterminism {
			drop = append(drop, simstd.EnvTrace)
		}
		envs[i] = slices.Clip(withoutVars(j.Env, drop...))
		if cfg.TraceDir != "" {
			traceDirs[i] = cfg.TraceDir
			if len(cfg.Jobs) > 1 {
				traceDirs[i] = filepath.Join(cfg.TraceDir, PackageDirName(j.Package))
			}
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &state{running: map[uint64]context.CancelFunc{}}
	s.limit.Store(total)
	work := make(chan uint64)
	results := make(chan unit)
	start := time.Now()

	go func() { // dispatch units in order while they are still needed
		defer close(work)
		for k := uint64(0); k < total && k < s.limit.Load(); k++ {
			select {
			case work <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resultsFile := filepath.Join(dir, fmt.Sprintf("results-%d.jsonl", w))
			for k := range work {
				if k >= s.limit.Load() {
					continue
				}
				uctx, ucancel := context.WithCancel(ctx)
				if !s.register(k, ucancel) {
					ucancel()
					continue
				}
				seed, job := cfg.Seeds.At(k/uint64(len(cfg.Jobs))), int(k%uint64(len(cfg.Jobs)))
				var u unit
				if cfg.CheckDeterminism {
					u = runTwice(uctx, k, seed, cfg.Jobs[job], envs[job], resultsFile, traceDirs[job], filepath.Join(dir, fmt.Sprintf("traces-%d", w)), cfg.SeedTimeout)
				} else {
					u = runUnit(uctx, k, seed, cfg.Jobs[job], envs[job], resultsFile, traceDirs[job], cfg.SeedTimeout)
				}
				s.unregister(k)
				ucancel()
				results <- u
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var prog Progress
	if cfg.Progress != nil && total > 0 {
		prog = cfg.Progress(total)
	}
	res := &Result{Summary: Summary{Seeds: cfg.Seeds.String(), Workers: workers, CheckedDeterminism: cfg.CheckDeterminism}}
	for _, j := range cfg.Jobs {
		res.Summary.Planned = append(res.Summary.Planned, j.Package)
	}
	pending := map[uint64]unit{}
	next := uint64(0) // the next unit to report
	var done, failed uint64
	var firstErr error
	interrupted := false
	seenFailure := map[string]bool{}
	for u := range results {
		switch {
		case u.err != nil:
			if firstErr == nil {
				firstErr = u.err
			}
			cancel()
			continue
		case u.sigint:
			interrupted = true
			cancel()
			continue
		case u.drop || u.k >= s.limit.Load():
			continue
		}
		done++
		if u.rec.Failed() {
			failed++
			if !cfg.KeepGoing {
				s.stopAfter(u.k)
			}
		}
		if prog != nil {
			prog.Update(done, failed)
		}
		pending[u.k] = u
		for ; next < s.limit.Load() && firstErr == nil; next++ {
			u, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			rec := u.rec
			rec.Seeds, rec.Shard = cfg.Seeds.Range.String(), cfg.Seeds.Shard.String()
			if j := cfg.Jobs[next%uint64(len(cfg.Jobs))]; rec.Kind == KindNondeterministic && j.ReproduceCheck != nil {
				rec.Reproduce = j.ReproduceCheck(rec.Seed, rec.focus())
			} else if j.Reproduce != nil {
				rec.Reproduce = j.Reproduce(rec.Seed, rec.focus())
			}
			if cfg.Record != nil {
				if err := cfg.Record(rec); err != nil {
					firstErr = err
					cancel()
					break
				}
			}
			res.Summary.Add(rec)
			// Every hang's output: its goroutines' stacks show where each seed is stuck.
			if rec.Failed() && (!seenFailure[rec.Package] || rec.Kind == KindHang) {
				seenFailure[rec.Package] = true
				res.Outputs = append(res.Outputs, FailureOutput{Record: rec, Output: u.output})
			}
		}
	}
	if prog != nil {
		prog.Finish()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	res.Summary.Wall = time.Since(start)
	res.Summary.NotRun = total - uint64(res.Summary.Runs)
	res.Summary.Interrupted = interrupted || (ctx.Err() != nil && next < s.limit.Load())
	return res, nil
}

// state is what the dispatcher, the workers and the collector share.
type state struct {
	// limit is one past the last unit still needed: total, or the smallest failing unit + 1
	// once the sweep stops at a failure.
	limit   atomic.Uint64
	mu      sync.Mutex
	running map[uint64]context.CancelFunc
}

func (s *state) register(k uint64, cancel context.CancelFunc) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k >= s.limit.Load() {
		return false
	}
	s.running[k] = cancel
	return true
}

func (s *state) unregister(k uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, k)
}

// stopAfter makes unit k the last one needed and kills the running units after it.
func (s *state) stopAfter(k uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k+1 >= s.limit.Load() {
		return
	}
	s.limit.Store(k + 1)
	for j, cancel := range s.running {
		if j > k {
			cancel()
		}
	}
}

// hangGrace is how long a process that got SIGQUIT for overrunning its seed timeout has to
// print its goroutines' stacks and exit before it is killed.
const hangGrace = 10 * time.Second

// runUnit runs one seed of job in a fresh process; with traceDir, its runs write their traces
// there. With a positive timeout, a process still running after it is stopped with SIGQUIT
// (see Config.SeedTimeout).
func runUnit(ctx context.Context, k, seed uint64, job Job, env []string, resultsFile, traceDir string, timeout time.Duration) unit {
	u := unit{k: k}
	if err := os.Remove(resultsFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		u.err = fmt.Errorf("sweep: %w", err)
		return u
	}
	cmd := exec.CommandContext(ctx, job.Path, job.Args...)
	cmd.Dir = job.Dir
	cmd.Env = append(env, simstd.EnvSeed+"="+strconv.FormatUint(seed, 10), simstd.EnvResults+"="+resultsFile)
	if traceDir != "" {
		cmd.Env = append(cmd.Env, simstd.EnvTrace+"="+traceDir+string(filepath.Separator))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second // a process it started may hold the output open
	start := time.Now()
	var hung atomic.Bool
	err := cmd.Start()
	if err == nil {
		if timeout > 0 {
			quit := time.AfterFunc(timeout, func() {
				hung.Store(true)
				cmd.Process.Signal(syscall.SIGQUIT)
				time.AfterFunc(hangGrace, func() { cmd.Process.Kill() })
			})
			defer quit.Stop()
		}
		err = cmd.Wait()
	}
	wall := time.Since(start)
	if ctx.Err() != nil {
		u.drop = true
		return u
	}
	if cmd.ProcessState == nil { // it did not start
		u.err = fmt.Errorf("sweep: running seed %d of %s: %w", seed, job.Package, err)
		return u
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == os.Interrupt {
		u.sigint = true
		return u
	}
	exitCode := cmd.ProcessState.ExitCode() // -1 when a signal killed it
	data, err := os.ReadFile(resultsFile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		u.err = fmt.Errorf("sweep: results of seed %d of %s: %w", seed, job.Package, err)
		return u
	}
	runs, err := readRuns(data)
	if err != nil {
		u.err = fmt.Errorf("sweep: results of seed %d of %s: %w", seed, job.Package, err)
		return u
	}
	u.rec = newRecord(seed, job.Package, runs, exitCode, out.Bytes())
	if hung.Load() {
		u.rec.Outcome, u.rec.Kind, u.rec.ExitCode = Fail, KindHang, exitCode
		u.rec.Error = fmt.Sprintf("the process was still running after %v of wall time (--seed-timeout), blocked outside the simulation; its goroutines' stacks are in its output", timeout)
	}
	u.rec.WallNS = int64(wall)
	if u.rec.Failed() {
		u.output = out.Bytes()
	}
	return u
}

// withoutVars returns env without the variables named.
func withoutVars(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}
