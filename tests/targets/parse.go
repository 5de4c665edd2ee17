package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// testEvent is a line of go test -json (test2json) output, or of its build output.
type testEvent struct {
	Action      string
	Test        string
	Output      string
	FailedBuild string
}

// parseTestJSON reads go test -json output: the final action of every top-level test, the
// first line of each failing test's output, and the first build error when nothing ran.
func parseTestJSON(stdout, stderr []byte, runErr error) Outcome {
	o := Outcome{Tests: map[string]string{}}
	output := map[string][]string{} // test -> its output lines
	var buildOut []string
	failedBuild := false
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var ev testEvent
		if json.Unmarshal(line, &ev) != nil {
			continue
		}
		switch {
		case ev.Action == "build-output":
			buildOut = append(buildOut, strings.TrimRight(ev.Output, "\n"))
		case ev.FailedBuild != "":
			failedBuild = true
		case ev.Test == "" || strings.Contains(ev.Test, "/"):
		case ev.Action == "output":
			output[ev.Test] = append(output[ev.Test], strings.TrimRight(ev.Output, "\n"))
		case ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip":
			o.Tests[ev.Test] = ev.Action
		}
	}
	for test, status := range o.Tests {
		if status == "fail" {
			o.Failures = append(o.Failures, Failure{Test: test, Kind: "go test", Reason: failReason(output[test])})
		}
	}
	sortFailures(o.Failures)
	if len(o.Tests) == 0 && (runErr != nil || failedBuild) {
		o.BuildErr = firstErrorLine(strings.Join(buildOut, "\n")+"\n"+string(stderr), runErr)
	}
	return o
}

// failReason picks the line of a failing test's output that says why: the first that is not
// go test's own framing. A line that ends in a colon (testify's "file.go:170: " before its
// block) takes the values of the Error and Messages lines that follow it.
func failReason(lines []string) string {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- FAIL") {
			continue
		}
		if strings.HasSuffix(t, ":") {
			for _, next := range lines[i+1:] {
				field, value, ok := strings.Cut(strings.TrimSpace(next), ":")
				if ok && (field == "Error" || field == "Messages") {
					t += " " + strings.TrimSpace(value)
				}
			}
		}
		return t
	}
	return "(no output)"
}

// firstErrorLine picks the line of a failed build's output that says why: the first that is
// not a warning, a progress line, a package header or go test's FAIL summary, prefixed with
// the package of the header above it, if any.
func firstErrorLine(out string, runErr error) string {
	pkg := ""
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "# "):
			pkg, _, _ = strings.Cut(strings.TrimPrefix(t, "# "), " ")
			continue
		case t == "", strings.HasPrefix(t, "warning:"), strings.HasPrefix(t, "FAIL"),
			strings.HasPrefix(t, "simgen: rewriting"), strings.HasPrefix(t, "go: downloading"):
			continue
		}
		if pkg != "" {
			return pkg + ": " + t
		}
		return t
	}
	if runErr != nil {
		return runErr.Error()
	}
	return "(no output)"
}

// record is the part of a line of simgen test --json output (internal/sweep.Record) read here.
type record struct {
	Seed     uint64 `json:"seed"`
	Test     string `json:"test"`
	Outcome  string `json:"outcome"`
	Kind     string `json:"kind"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
	Runs     []struct {
		Test  string `json:"test"`
		Kind  string `json:"kind"`
		Error string `json:"error"`
	} `json:"runs"`
	Divergence *struct {
		Test  string `json:"test"`
		First string `json:"first"`
	} `json:"divergence"`
}

// virtualTime matches the virtual time simgen appends to some errors, which differs from seed
// to seed and would split one failure into many.
var virtualTime = regexp.MustCompile(`\s*\(virtual time [^)]*\)$`)

// sweepResult is what a sweep's --json file says.
type sweepResult struct {
	seeds    int
	nondet   int
	failures []Failure
}

// parseSweep reads simgen test --json output: every failing run of every seed, and every
// failing seed that no run explains (the process failed outside the simulation), grouped by
// test, kind and reason.
func parseSweep(data []byte) sweepResult {
	var sw sweepResult
	type key struct{ test, kind, reason string }
	groups := map[key][]uint64{}
	add := func(k key, seed uint64) {
		if !slices.Contains(groups[k], seed) {
			groups[k] = append(groups[k], seed)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		var r record
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Outcome == "" {
			continue
		}
		sw.seeds++
		if r.Outcome == "pass" {
			continue
		}
		explained := false
		if r.Kind == "nondeterministic" {
			sw.nondet++
			k := key{r.Test, r.Kind, r.Error}
			if d := r.Divergence; d != nil {
				k = key{d.Test, r.Kind, "runs diverge: " + d.First}
			}
			add(k, r.Seed)
			explained = true
		}
		for _, run := range r.Runs {
			if run.Kind != "" {
				add(key{run.Test, run.Kind, virtualTime.ReplaceAllString(run.Error, "")}, r.Seed)
				explained = true
			}
		}
		if !explained {
			test := r.Test
			if test == "" {
				test = "(package)"
			}
			reason := r.Error
			if reason == "" {
				reason = fmt.Sprintf("process exited with code %d", r.ExitCode)
			}
			add(key{test, r.Kind, reason}, r.Seed)
		}
	}
	for k, seeds := range groups {
		slices.Sort(seeds)
		sw.failures = append(sw.failures, Failure{Test: k.test, Kind: k.kind, Reason: k.reason, Seeds: seeds})
	}
	sortFailures(sw.failures)
	return sw
}

// mergeSweep marks the tests that failed on some seed as failed and lists the sweep's
// failures, keeping the census's own failures only for tests the sweep does not explain
// (examples, failures outside any simulation run).
//
// A sweep failure without an error line (a test that reported its own failure) takes the
// census's reason for that test. A sweep failure on seed 1 of a test that go test passed on
// seed 1 in the census says so: the sweep blamed the seed on a run record that go test's own
// verdict does not share (a child process's, for example).
func mergeSweep(sim *Outcome, failures []Failure) {
	censusReason := map[string]string{}
	for _, f := range sim.Failures {
		censusReason[f.Test] = f.Reason
	}
	explained := map[string]bool{}
	for i, f := range failures {
		explained[f.Test] = true
		if f.Reason == "" {
			failures[i].Reason = censusReason[f.Test]
			if failures[i].Reason == "" {
				failures[i].Reason = "(the test reported a failure; no error line recorded)"
			}
		}
		if sim.Tests[f.Test] == "pass" && slices.Contains(f.Seeds, 1) {
			failures[i].Reason += " [go test itself passed this test on seed 1]"
		}
	}
	for _, f := range failures {
		if f.Test != "(package)" {
			sim.Tests[f.Test] = "fail"
		}
	}
	merged := failures
	for _, f := range sim.Failures {
		if !explained[f.Test] {
			merged = append(merged, f)
		}
	}
	sortFailures(merged)
	sim.Failures = merged
}

func sortFailures(fs []Failure) {
	slices.SortFunc(fs, func(a, b Failure) int {
		if c := strings.Compare(a.Test, b.Test); c != 0 {
			return c
		}
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Reason, b.Reason)
	})
}
