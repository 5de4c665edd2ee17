// Command targets runs third-party Go test suites natively and under simgen, each target
// module pinned by this module's go.mod and go.sum, and prints a table: tests passed, failed
// and skipped natively and simulated, the seeds swept, wall times, whether determinism was
// checked, and every simulated failure with its reason.
//
// Usage, from tests/targets (or through make targets / make targets-fast at the repo root):
//
//	go run . [-fast] [-seeds A-B] [-only NAME,...] [-md FILE] [-work DIR] [-timeout D]
//
// Each target's module is fetched with go mod download (so the version is the one go.sum
// pins), copied to a writable scratch directory and tested there: go test -json natively,
// then simgen test with --seed 1 -- -json (the census: which tests pass, fail or skip in the
// simulated variant) and simgen test --seeds A-B --keep-going --json (the sweep: every seed's
// failures). A target whose plain run does not build and that has adaptations (dependencies
// left native, a go line raised, a file dropped) is run again with them; the table says so.
package main

import "strings"

// Target is one row of the table: some packages of a pinned module, tested natively and
// simulated.
type Target struct {
	Name   string   // the row's name
	Module string   // the module path; its version is the one this module's go.mod requires
	Pkgs   []string // the packages to test, relative to the module root (./x)
	Seeds  string   // the seed range swept, A-B
	// Determinism sweeps with --check-determinism: each seed runs twice and must agree.
	Determinism bool
	// Adapt, if not empty, is applied when the plain simulated build fails, and the target is
	// run again with it; the table names it.
	Adapt Adaptation
	// Known maps a top-level test that fails simulated to why, once the failure is understood:
	// a simgen limitation, or a bug the simulation finds in the target. The table prints the
	// reason beside the failure; a failure not listed here is unexplained.
	Known map[string]string
}

// Adaptation is a change to how a target is simulated that works around a simgen
// limitation without changing what the tests check.
type Adaptation struct {
	Native []string // import paths (p/... for p and below) passed to simgen --native
	GoLine string   // raise the scratch copy's go.mod go line to this version (go mod edit -go)
	Drop   []string // files deleted from the scratch copy, relative to the module root
	Why    string   // the limitation worked around, in a few words
}

// Empty reports whether a has nothing to apply.
func (a Adaptation) Empty() bool { return len(a.Native) == 0 && a.GoLine == "" && len(a.Drop) == 0 }

// String describes a for the table's notes.
func (a Adaptation) String() string {
	var s string
	add := func(part string) {
		if s != "" {
			s += "; "
		}
		s += part
	}
	if len(a.Native) > 0 {
		add("--native " + strings.Join(a.Native, ","))
	}
	if a.GoLine != "" {
		add("go line raised to " + a.GoLine)
	}
	if len(a.Drop) > 0 {
		add("dropped " + strings.Join(a.Drop, ", "))
	}
	return s
}

// noGoModDeps are testify's dependencies that have no go.mod: the go command compiles them
// as go1.16, where their variants (which instantiate simstd's generics) do not compile. They
// only format and diff values, so they can run natively.
var noGoModDeps = []string{
	"github.com/davecgh/go-spew/...",
	"github.com/pmezard/go-difflib/...",
}

// Targets are the suites of issues 13 and 14, in table order.
var Targets = []Target{
	{Name: "x/sync errgroup", Module: "golang.org/x/sync", Pkgs: []string{"./errgroup"}, Seeds: "1-20"},
	{Name: "x/sync semaphore", Module: "golang.org/x/sync", Pkgs: []string{"./semaphore"}, Seeds: "1-20",
		Adapt: Adaptation{Drop: []string{"semaphore/semaphore_bench_test.go"}, Why: "a named channel type with methods used through an interface, in a benchmark-only file"}},
	{Name: "x/sync singleflight", Module: "golang.org/x/sync", Pkgs: []string{"./singleflight"}, Seeds: "1-20"},
	{Name: "etcd raft/v3", Module: "go.etcd.io/raft/v3", Pkgs: []string{"."}, Seeds: "1-20", Determinism: true,
		Adapt: Adaptation{Native: noGoModDeps, Why: "variants of dependencies without go.mod (go1.16) do not compile"}},
	{Name: "etcd raft/v3 rafttest", Module: "go.etcd.io/raft/v3", Pkgs: []string{"./rafttest"}, Seeds: "1-20", Determinism: true,
		Adapt: Adaptation{Native: noGoModDeps, Why: "variants of dependencies without go.mod (go1.16) do not compile"}},
	{Name: "uber ratelimit", Module: "go.uber.org/ratelimit", Pkgs: []string{"."}, Seeds: "1-20",
		Adapt: Adaptation{Native: noGoModDeps, Why: "variants of dependencies without go.mod (go1.16) do not compile"},
		Known: knownRatelimitRaces},
	{Name: "cenkalti backoff/v4", Module: "github.com/cenkalti/backoff/v4", Pkgs: []string{"."}, Seeds: "1-20",
		Adapt: Adaptation{GoLine: "1.23", Why: "range over a channel in go1.18 files"}},
	{Name: "hashicorp/raft", Module: "github.com/hashicorp/raft", Pkgs: []string{"."}, Seeds: "1-20", Determinism: true,
		Known: map[string]string{
			"TestFileSS_BadPerm": "simgen limitation: the simulated disk does not enforce permission bits " +
				"(natively the test fails the same way when run as root)",
			"TestRaft_SnapshotRestore_PeerChange": "bug found in the target: RecoverCluster's snapshot has the term, " +
				"index and millisecond of the snapshot before it, so the same name, and is lost " +
				"(rename ...: file exists); natively the restart takes more than a millisecond here (0 of 80 runs " +
				"fail), but not on a clock with coarser ticks",
			"TestRaft_FollowerRemovalNoElection": "race in the test: a heartbeat the leader sends to the old transport " +
				"between the follower's Shutdown and FullyConnect waits out the 500ms RPC timeout, past the " +
				"100ms heartbeat timeout, so the restarted follower campaigns (natively: 1 of 80 runs with -cpu 1,2)",
		}},
}

// knownRatelimitRaces are ratelimit's tests that deadlock simulated on some seeds, all for one
// race in its test harness, reproduced natively for TestSlack (go test -race -cpu 1,2,4
// -count=10 hangs in clock.(*Mock).Sleep called from mutexLimiter.Take).
var knownRatelimitRaces = func() map[string]string {
	why := "race in the test harness: goWait waits for a goroutine to start, not to reach " +
		"clock.After or Take's Sleep, so the test's clock.Add can run first; the goroutine then " +
		"waits on the mock clock past its final time and wg.Wait never returns"
	m := map[string]string{}
	for _, t := range []string{"TestDelayedRateLimiter", "TestInitial", "TestMaxSlack", "TestPer", "TestRateLimiter", "TestSlack"} {
		m[t] = why
	}
	return m
}()

// FastTargets is the subset make test runs: the three x/sync packages over seeds 1-3.
func FastTargets() []Target {
	var out []Target
	for _, t := range Targets {
		if t.Module == "golang.org/x/sync" {
			t.Seeds = "1-3"
			out = append(out, t)
		}
	}
	return out
}
