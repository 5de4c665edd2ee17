package sweep

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/traceview"
	"github.com/simgen/simgen/simstd"
)

// diffContext is the number of common events shown before a divergence.
const diffContext = 5

// runTwice runs one seed of job twice, each time in a fresh process with tracing on, and
// compares the runs: the seed's record is the first run's (its wall time the sum of both)
// when they agree on the outcome and on every simulated run's trace hash, and otherwise a
// KindNondeterministic failure that says where the traces diverge. keepDir is where the
// traces stay (--trace), "" to trace into tmpDir and throw the traces away.
func runTwice(ctx context.Context, k, seed uint64, job Job, env []string, resultsFile, keepDir, tmpDir string, timeout time.Duration) unit {
	dirA, dirB := keepDir, filepath.Join(keepDir, "rerun")
	if keepDir == "" {
		dirA, dirB = filepath.Join(tmpDir, "a"), filepath.Join(tmpDir, "b")
		// Start empty: a process may die before it writes its trace, and an old one must not
		// stand in for it.
		for _, d := range []string{dirA, dirB} {
			if err := os.RemoveAll(d); err != nil {
				return unit{k: k, err: fmt.Errorf("sweep: %w", err)}
			}
		}
	}
	first := runUnit(ctx, k, seed, job, env, resultsFile, dirA, timeout)
	if first.err != nil || first.drop || first.sigint {
		return first
	}
	second := runUnit(ctx, k, seed, job, env, resultsFile, dirB, timeout)
	if second.err != nil || second.drop || second.sigint {
		return second
	}
	u := first
	u.rec.WallNS += second.rec.WallNS
	why, run := differ(first.rec, second.rec)
	if why == "" {
		if keepDir == "" {
			forgetTraces(&u.rec)
		}
		return u
	}

	a, b := first.rec, second.rec
	div := &Divergence{First: describeSeed(a), Second: describeSeed(b)}
	if run >= 0 {
		div.Test = a.Runs[run].Test
		div.First, div.Second = describeRun(a.Runs[run]), describeRun(b.Runs[run])
	}
	var report bytes.Buffer
	fmt.Fprintf(&report, "simgen: seed %d of %s is not deterministic: %s\n", seed, job.Package, why)
	fmt.Fprintf(&report, "  run 1: %s\n  run 2: %s\n", div.First, div.Second)
	errLine := why
	if run >= 0 {
		ra, rb := a.Runs[run], b.Runs[run]
		switch d, err := traceview.CompareFiles(ra.Trace, rb.Trace, diffContext); {
		case ra.Trace == "" || rb.Trace == "":
			fmt.Fprintf(&report, "A run wrote no trace, so the runs cannot be compared event by event.\n")
		case err != nil:
			fmt.Fprintf(&report, "The traces cannot be compared: %v\n", err)
		case d.Identical:
			// The hash differs but not the events: what differs is not in the trace.
			fmt.Fprintf(&report, "Their traces are identical (%d events): what differs is not traced.\n", d.Common)
		default:
			div.Step, div.Event = d.Step(), d.Common+1
			div.First, div.Second = d.SideA(), d.SideB()
			errLine = fmt.Sprintf("two runs diverge at step %d (trace event %d)", div.Step, div.Event)
			report.WriteString("\n")
			d.NameA, d.NameB = "run 1", "run 2"
			if keepDir != "" {
				d.NameA, d.NameB = ra.Trace, rb.Trace
			}
			d.Write(&report)
		}
		if keepDir != "" && ra.Trace != "" && rb.Trace != "" {
			div.Traces = []string{ra.Trace, rb.Trace}
			fmt.Fprintf(&report, "\nsimgen trace diff %s %s compares them again; simgen trace view draws each.\n", ra.Trace, rb.Trace)
		} else {
			fmt.Fprintf(&report, "\nAdd --trace DIR to keep both traces (the second run's go to DIR/rerun), for simgen trace diff and simgen trace view.\n")
		}
	}
	report.WriteString("Something escaped the simulation: wall-clock time, randomness or I/O in a package that is not simulated, a native goroutine, or state left by an earlier run.\n")
	for i, o := range [][]byte{first.output, second.output} {
		if len(o) > 0 {
			fmt.Fprintf(&report, "--- output of run %d:\n%s", i+1, o)
			if o[len(o)-1] != '\n' {
				report.WriteString("\n")
			}
		}
	}
	if keepDir == "" {
		forgetTraces(&u.rec)
	}
	u.rec.Outcome, u.rec.Kind, u.rec.Error, u.rec.Divergence = Fail, KindNondeterministic, errLine, div
	if div.Test != "" {
		u.rec.Test = div.Test
	}
	u.output = report.Bytes()
	return u
}

// differ says how two records of one seed differ, "" when they agree, and the index of the
// first simulated run whose traces to compare, -1 for none.
func differ(a, b Record) (why string, run int) {
	n := min(len(a.Runs), len(b.Runs))
	for i := range n {
		ra, rb := a.Runs[i], b.Runs[i]
		if ra.Test != rb.Test {
			return fmt.Sprintf("its runs ran different tests (%s, then %s)", runName(ra), runName(rb)), -1
		}
		if ra.Hash != rb.Hash || ra.Kind != rb.Kind || ra.Steps != rb.Steps || ra.ElapsedNS != rb.ElapsedNS {
			return fmt.Sprintf("two runs of %s differ (trace hash %s, then %s)", runName(ra), ra.Hash, rb.Hash), i
		}
	}
	if len(a.Runs) != len(b.Runs) {
		return fmt.Sprintf("one run made %d simulated runs, the other %d", len(a.Runs), len(b.Runs)), -1
	}
	if a.Outcome != b.Outcome || a.Kind != b.Kind || a.ExitCode != b.ExitCode {
		return fmt.Sprintf("its runs ended differently (%s, then %s)", outcome(a), outcome(b)), -1
	}
	return "", -1
}

func runName(r simstd.RunRecord) string {
	if r.Test == "" {
		return "the program"
	}
	return r.Test
}

// describeRun says how a simulated run ended: "passed (12 steps, hash ...)".
func describeRun(r simstd.RunRecord) string {
	s := "passed"
	if r.Kind != "" {
		s = "failed: " + KindLabel(r.Kind)
		if r.Error != "" {
			s += ": " + r.Error
		}
	}
	return fmt.Sprintf("%s %s (%d steps, hash %s)", runName(r), s, r.Steps, r.Hash)
}

// describeSeed says how a seed's process ended.
func describeSeed(r Record) string {
	s := outcome(r)
	if r.Hash != "" {
		s += ", hash " + r.Hash
	}
	return s
}

func outcome(r Record) string {
	if !r.Failed() {
		return "passed"
	}
	return "failed: " + describe(r)
}

// forgetTraces drops the paths of traces that are about to be removed.
func forgetTraces(rec *Record) {
	for i := range rec.Runs {
		rec.Runs[i].Trace = ""
	}
}

// PackageDirName names a package's directory of traces when a sweep has several: the
// package's path with / turned into _ ("./internal/x" -> "internal_x", "." -> "root").
func PackageDirName(pkg string) string {
	p := strings.Trim(strings.TrimPrefix(pkg, "./"), "/")
	if p == "" || p == "." {
		return "root"
	}
	return strings.NewReplacer("/", "_", `\`, "_", ":", "_").Replace(p)
}
