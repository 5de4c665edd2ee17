package raftsuite

import (
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
)

// benchScenario runs sc for seeds 1..b.N and reports virtual seconds
// simulated per wall second ("x-realtime"), seeds per second, and the load:
// client operations per virtual second ("ops/vs").
func benchScenario(b *testing.B, sc Scenario) {
	var virtual time.Duration
	ops := 0
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r, obs := sc.Run(simstd.Config{Seed: uint64(i + 1)})
		if msg := Judge(r, obs, b.TempDir(), "bench"); msg != "" {
			b.Fatalf("seed %d: %s", i+1, msg)
		}
		virtual += r.Elapsed
		ops += len(obs.History)
	}
	wall := time.Since(start)
	b.ReportMetric(virtual.Seconds()/wall.Seconds(), "x-realtime")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "seeds/s")
	b.ReportMetric(float64(ops)/virtual.Seconds(), "ops/vs")
}

// BenchmarkCluster5 is a 5-node cluster under client load and the swarm's
// faults: 20 virtual seconds of faults, then the liveness phase. "suite" runs
// it as the tests do; "bare" without the monitor's samples during the run
// (the checks at its end remain), for the speed of the simulation itself.
func BenchmarkCluster5(b *testing.B) {
	b.Run("suite", func(b *testing.B) { benchScenario(b, scenario(5, Swarm)) })
	b.Run("bare", func(b *testing.B) { benchScenario(b, bare(scenario(5, Swarm))) })
}

// bare turns off the monitor's samples during the run.
func bare(sc Scenario) Scenario {
	sc.Sample = -1
	return sc
}

// BenchmarkCluster5Load is BenchmarkCluster5/bare at lighter client loads:
// the speed of a simulation is the program's work per virtual second, so
// x-realtime is reported against ops/vs.
func BenchmarkCluster5Load(b *testing.B) {
	for _, think := range []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, time.Second} {
		b.Run("think="+think.String(), func(b *testing.B) {
			sc := bare(scenario(5, Swarm))
			sc.Think = think
			benchScenario(b, sc)
		})
	}
}

// BenchmarkCluster5Calm is the same cluster and load without faults (bare).
func BenchmarkCluster5Calm(b *testing.B) { benchScenario(b, bare(scenario(5, nil))) }

// BenchmarkElection3 is a 3-node cluster electing a leader and replicating
// one client's writes for 2 virtual seconds: seeds/s for short scenarios.
func BenchmarkElection3(b *testing.B) {
	benchScenario(b, Scenario{Servers: 3, Clients: 1, Keys: 1, Chaos: 2 * simtime.Second, Liveness: 5 * simtime.Second})
}
