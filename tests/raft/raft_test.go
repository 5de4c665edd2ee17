package raftsuite

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	simtime "github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/require"
)

// Seeds per scenario in `go test` (make test); SIMGEN_SEEDS or SIMGEN_SEED
// choose others, e.g. SIMGEN_SEEDS=1-1000 go test ./tests/raft.
const defaultSeeds = 8

func seeds(t testing.TB) []uint64 {
	if os.Getenv(simstd.EnvSeeds) == "" && os.Getenv(simstd.EnvSeed) == "" {
		var out []uint64
		for s := uint64(1); s <= defaultSeeds; s++ {
			out = append(out, s)
		}
		return out
	}
	s, err := simstd.Seeds()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Judge runs the checkers on a finished run and returns what is wrong with
// it, or "" when nothing is. Linearizability violations leave porcupine's
// visualization in dir.
func Judge(r simstd.Result, o *Observations, dir, name string) string {
	var b strings.Builder
	if r.Err != nil {
		fmt.Fprintf(&b, "  the run failed: %v\n", r.Err)
	}
	if o.Liveness != "" {
		fmt.Fprintf(&b, "  liveness: %s\n", o.Liveness)
	}
	b.WriteString(Report(o.Online))
	b.WriteString(Report(CheckSafety(o)))
	ok, vis, err := CheckLinearizable(o.History, dir, name)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "  linearizability: %v\n", err)
	case !ok:
		fmt.Fprintf(&b, "  linearizability: the clients' history is not linearizable; porcupine's visualization: %s\n", vis)
	}
	return b.String()
}

// runScenario runs sc over the selected seeds and fails at the first seed
// whose run breaks a property, saying how to reproduce it.
func runScenario(t *testing.T, sc Scenario) {
	for _, seed := range seeds(t) {
		obs := NewObservations()
		name := fmt.Sprintf("%s-seed%d", t.Name(), seed)
		r, msg, err := simstd.RunJudged(t.Name(), seed, sc.Main(obs), func(r simstd.Result) string {
			return Judge(r, obs, outDir(t), name)
		})
		if err != nil {
			t.Fatal(err)
		}
		if msg != "" {
			t.Fatalf("seed %d: %d client operations, %d entries applied, virtual time %v, hash %016x\n%sreproduce: SIMGEN_SEED=%d go test ./tests/raft -run '^%s$'",
				seed, len(obs.History), len(obs.Applied), r.Elapsed, r.Hash, msg, seed, t.Name())
		}
	}
}

// outDir is where failing runs leave their visualizations: SIMGEN_OUT, or
// testdata/out next to the test (ignored by git).
func outDir(t *testing.T) string {
	if d := os.Getenv("SIMGEN_OUT"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("testdata", "out"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// scenario is the common shape of the named scenarios: clients on a few
// keys, 20 virtual seconds of one kind of fault, then the liveness phase.
func scenario(servers int, faults func(c *Cluster) func()) Scenario {
	return Scenario{
		Servers: servers, Clients: 3, Keys: 3,
		Chaos: 20 * simtime.Second, Faults: faults,
		Liveness: 10 * simtime.Second,
		Snapshot: SnapshotEvery,
	}
}

func TestLeaderIsolation3(t *testing.T) {
	runScenario(t, scenario(3, IsolateLeader(3*simtime.Second)))
}

func TestPartitions5(t *testing.T) { runScenario(t, scenario(5, Nemesis(fault.ActPartition))) }

func TestOneWayPartitions5(t *testing.T) { runScenario(t, scenario(5, Nemesis(fault.ActOneWay))) }

func TestLatencyAndResets3(t *testing.T) {
	runScenario(t, scenario(3, func(c *Cluster) func() {
		fault.SetNetwork(fault.Network{Latency: fault.Exponential(simtime.Millisecond, 10*simtime.Millisecond)})
		return Nemesis(fault.ActSpike, fault.ActReset)(c)
	}))
}

func TestCrashRestart3(t *testing.T) { runScenario(t, scenario(3, Nemesis(fault.ActCrash))) }

func TestCrashRestart5(t *testing.T) { runScenario(t, scenario(5, CrashRestart(2*simtime.Second))) }

func TestSwizzleClog5(t *testing.T) {
	runScenario(t, scenario(5, Nemesis(fault.ActClog, fault.ActPause)))
}

func TestSwarm5(t *testing.T) { runScenario(t, scenario(5, Swarm)) }

func TestHunt(t *testing.T) {
	if os.Getenv("SIMGEN_HUNT") == "" {
		t.Skip("set SIMGEN_HUNT=1: runs the mixed scenario over SIMGEN_SEEDS, for the mutation suite and make bench (SIMGEN_HUNT_SCENARIO=name: one entry of its portfolio only)")
	}
	start := time.Now()
	for i, seed := range seeds(t) {
		sc := Mixed(seed)
		obs := NewObservations()
		r, msg, err := simstd.RunJudged(t.Name(), seed, sc.Main(obs), func(r simstd.Result) string {
			return Judge(r, obs, outDir(t), "hunt-seed"+strconv.FormatUint(seed, 10))
		})
		if err != nil {
			t.Fatal(err)
		}
		if msg != "" {
			t.Fatalf("hunt: seed %d failed after %d seeds in %v (%s, hash %016x)\n%s", seed, i+1, time.Since(start).Round(time.Millisecond), sc.Name, r.Hash, msg)
		}
	}
}

// TestSnapshotsInstalled checks that the suite exercises log compaction, not
// only that runs with it pass: over the default seeds of a crash-restart
// scenario, some server must skip entries it never applied one by one,
// which only installing a leader's snapshot does. (A restarted server
// starts again after its own snapshot, never past what it applied.)
func TestSnapshotsInstalled(t *testing.T) {
	sc := scenario(3, CrashRestart(2*simtime.Second))
	installs := 0
	for _, seed := range seeds(t) {
		r, obs := sc.Run(simstd.Config{Seed: seed})
		if msg := Judge(r, obs, outDir(t), fmt.Sprintf("%s-seed%d", t.Name(), seed)); msg != "" {
			t.Fatalf("seed %d:\n%s", seed, msg)
		}
		last := map[int]int{} // server -> the index it applied last
		for _, a := range obs.Applied {
			if prev, ok := last[a.Server]; ok && a.Index > prev+1 {
				installs++
			}
			last[a.Server] = a.Index
		}
	}
	require.Positive(t, installs, "no server caught up through a snapshot")
}
