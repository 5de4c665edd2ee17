package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/simgen/simgen/simstd"
)

// Outcomes of a seed.
const (
	Pass = "pass"
	Fail = "fail"
)

// KindExit is the failure kind of a seed whose program exited: os.Exit or log.Fatal inside
// the simulation (simstd.KindExit: the run's record says where), or a process that failed
// without a failing simulation run to blame: a panic outside the simulation, go test's
// -timeout, a crash. The other kinds are simstd's (simstd.KindTest, simstd.KindDeadlock, ...).
const KindExit = simstd.KindExit

// KindNondeterministic is the failure kind of a seed whose two runs (--check-determinism)
// differ in outcome or trace hash: something escaped the simulation.
const KindNondeterministic = "nondeterministic"

// KindHang is the failure kind of a seed whose process overran Config.SeedTimeout: blocked
// outside the simulation's control, for example a cleanup waiting on something that no
// simulated goroutine can do any more. Its output holds every goroutine's stack.
const KindHang = "hang"

// KindLabel describes a failure kind in words.
func KindLabel(kind string) string {
	switch kind {
	case simstd.KindTest:
		return "test failure"
	case simstd.KindStepLimit:
		return "step limit"
	case simstd.KindTimeLimit:
		return "virtual time limit"
	case KindExit:
		return "process failed"
	}
	return kind
}

// Record is the result of one seed of one package: a line of --json output, and what simgen
// merge reads back.
type Record struct {
	Seed      uint64             `json:"seed"`
	Package   string             `json:"package"`         // as in reproduce commands: ./pkg, relative to the module root
	Tests     []string           `json:"tests,omitempty"` // the simulated tests that ran, in order
	Test      string             `json:"test,omitempty"`  // the failing test, when known
	Outcome   string             `json:"outcome"`         // Pass or Fail
	Kind      string             `json:"kind,omitempty"`  // for Fail: a simstd.Kind* constant or KindExit
	Error     string             `json:"error,omitempty"` // first line of the error that ended the failing run
	ExitCode  int                `json:"exit_code,omitempty"`
	Steps     uint64             `json:"steps"`      // scheduling decisions, summed over the seed's runs
	ElapsedNS int64              `json:"elapsed_ns"` // virtual time, summed over the seed's runs
	Hash      string             `json:"hash"`       // the run's trace hash; with several runs, CombineHashes
	WallNS    int64              `json:"wall_ns"`    // wall time of the seed's process
	Reproduce string             `json:"reproduce,omitempty"`
	Seeds     string             `json:"seeds"` // the swept range, A-B
	Shard     string             `json:"shard"` // i/n
	Runs      []simstd.RunRecord `json:"runs,omitempty"`
	// Divergence says where the two runs of a nondeterministic seed part.
	Divergence *Divergence `json:"divergence,omitempty"`
}

// Divergence is where the two runs of a nondeterministic seed first differ: the first event
// at which their traces differ, described for each run (step, goroutine, operation and
// original position), or why they could not be compared.
type Divergence struct {
	Test   string `json:"test,omitempty"` // the simulated test whose runs differ
	Step   uint64 `json:"step,omitempty"` // the step of the first differing event
	Event  int    `json:"event,omitempty"`
	First  string `json:"first"` // the first run's side
	Second string `json:"second"`
	// Traces are the two runs' trace files when the sweep kept them (--trace DIR).
	Traces []string `json:"traces,omitempty"`
}

// Failed reports whether the seed failed.
func (r *Record) Failed() bool { return r.Outcome != Pass }

// CombineHashes folds the trace hashes of a seed's runs into one: the hash itself for a
// single run, otherwise FNV-1a over "test hash\n" per run in order. Empty for no runs.
func CombineHashes(runs []simstd.RunRecord) string {
	switch len(runs) {
	case 0:
		return ""
	case 1:
		return runs[0].Hash
	}
	h := fnv.New64a()
	for _, r := range runs {
		fmt.Fprintf(h, "%s %s\n", r.Test, r.Hash)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// focus returns the test a reproduce command may narrow the run to: the failing test when it
// was the first to run in the seed's process, else "" (the whole run). Tests before it in the
// same process can leave package-level state (a sync.Once done, a cache filled) that changes
// its schedule, so running it alone would not replay the failure.
func (r Record) focus() string {
	if r.Test == "" || len(r.Tests) == 0 {
		return r.Test
	}
	top, _, _ := strings.Cut(r.Test, "/")
	first, _, _ := strings.Cut(r.Tests[0], "/")
	if top != first {
		return ""
	}
	return r.Test
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

// newRecord builds the record of a seed from its runs (what SIMGEN_RESULTS received), the
// process's exit code and its output.
func newRecord(seed uint64, pkg string, runs []simstd.RunRecord, exitCode int, output []byte) Record {
	rec := Record{Seed: seed, Package: pkg, Outcome: Pass, Hash: CombineHashes(runs), Runs: runs}
	for _, r := range runs {
		if !slices.Contains(rec.Tests, r.Test) && r.Test != "" {
			rec.Tests = append(rec.Tests, r.Test)
		}
		rec.Steps += r.Steps
		rec.ElapsedNS += r.ElapsedNS
		if r.Kind != "" && rec.Kind == "" {
			rec.Outcome, rec.Kind, rec.Test, rec.Error = Fail, r.Kind, r.Test, r.Error
		}
	}
	if exitCode != 0 {
		rec.Outcome, rec.ExitCode = Fail, exitCode
		if rec.Kind == "" {
			rec.Kind = KindExit
			if m := failLine.FindSubmatch(output); m != nil {
				rec.Test = string(m[1])
			}
		}
	}
	return rec
}

// ReadRecords reads the JSON lines of --json output, calling fn for each record. name is for
// error messages.
func ReadRecords(r io.Reader, name string, fn func(Record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("%s:%d: not a simgen result line (%v); pass files written by simgen test --json", name, line, err)
		}
		if rec.Package == "" || (rec.Outcome != Pass && rec.Outcome != Fail) {
			return fmt.Errorf("%s:%d: not a simgen result line (no package or outcome); pass files written by simgen test --json", name, line)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readRuns reads the lines a process appended to its SIMGEN_RESULTS file.
func readRuns(data []byte) ([]simstd.RunRecord, error) {
	var runs []simstd.RunRecord
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r simstd.RunRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return runs, fmt.Errorf("malformed %s line %q: %v", simstd.EnvResults, sc.Text(), err)
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}
