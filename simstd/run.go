package simstd

import (
	"fmt"
	"github.com/simgen/simgen/internal/modpath"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// DefaultTimeLimit is the virtual time after which Test and Main fail a run
// (SIMGEN_TIME_LIMIT overrides it; 0 means no limit).
const DefaultTimeLimit = time.Hour

// Environment variables read by Test and Main.
const (
	EnvSeed      = "SIMGEN_SEED"       // one seed
	EnvSeeds     = "SIMGEN_SEEDS"      // "N" (seeds 1..N) or "A-B" (inclusive)
	EnvStrategy  = "SIMGEN_STRATEGY"   // random | pct | pct:DEPTH | portfolio
	EnvStepLimit = "SIMGEN_STEP_LIMIT" // scheduling decisions per run; 0: none
	EnvTimeLimit = "SIMGEN_TIME_LIMIT" // virtual time per run, e.g. 10m; 0: none
	EnvWatchdog  = "SIMGEN_WATCHDOG"   // wall time without a sync point, e.g. 30s; off: disabled
	EnvReport    = "SIMGEN_REPORT"     // 1: print a one-line summary of every run to stderr

	// EnvUnderSimgenTest is set by `simgen test` for the test processes it
	// starts, so that reproduce commands name simgen test instead of go test
	// (which would run the original, native package).
	EnvUnderSimgenTest = "SIMGEN_UNDER_TEST"
)

// Seeds returns the seeds selected by SIMGEN_SEEDS or SIMGEN_SEED (default: 1).
func Seeds() ([]uint64, error) {
	if v := os.Getenv(EnvSeeds); v != "" {
		return parseSeeds(v)
	}
	if v := os.Getenv(EnvSeed); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: not a seed (a non-negative integer)", EnvSeed, v)
		}
		return []uint64{n}, nil
	}
	return []uint64{1}, nil
}

// parseSeeds parses "N" (1..N) or "A-B".
func parseSeeds(v string) ([]uint64, error) {
	lo, hi := uint64(1), uint64(0)
	var err error
	if a, b, ok := strings.Cut(v, "-"); ok {
		lo, err = strconv.ParseUint(a, 10, 64)
		if err == nil {
			hi, err = strconv.ParseUint(b, 10, 64)
		}
	} else {
		hi, err = strconv.ParseUint(v, 10, 64)
	}
	if err != nil || hi < lo {
		return nil, fmt.Errorf("%s=%q: want N (seeds 1 to N) or A-B (seeds A to B, A <= B)", EnvSeeds, v)
	}
	seeds := make([]uint64, 0, hi-lo+1)
	for s := lo; ; s++ {
		seeds = append(seeds, s)
		if s == hi {
			return seeds, nil
		}
	}
}

// ConfigFromEnv returns the Config for seed with the strategy and limits
// given by the environment (see the Env constants).
func ConfigFromEnv(seed uint64) (Config, error) {
	cfg := Config{Seed: seed, MaxTime: DefaultTimeLimit}
	if v := os.Getenv(EnvStrategy); v != "" {
		st, err := ParseStrategy(v)
		if err != nil {
			return cfg, err
		}
		cfg.Strategy = st
	}
	if v := os.Getenv(EnvStepLimit); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("%s=%q: want a number of steps", EnvStepLimit, v)
		}
		cfg.MaxSteps = n
	}
	if v := os.Getenv(EnvTimeLimit); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			return cfg, fmt.Errorf("%s=%q: want a duration such as 10m, or 0", EnvTimeLimit, v)
		}
		cfg.MaxTime = d
	}
	if v := os.Getenv(EnvWatchdog); v != "" {
		if v == "off" {
			cfg.Watchdog = -1
		} else if d, err := parseDuration(v); err == nil && d > 0 {
			cfg.Watchdog = d
		} else {
			return cfg, fmt.Errorf("%s=%q: want a positive duration such as 30s, or off", EnvWatchdog, v)
		}
	}
	return cfg, nil
}

func parseDuration(v string) (time.Duration, error) {
	if v == "0" {
		return 0, nil
	}
	return time.ParseDuration(v)
}

// ParseStrategy parses random, pct, pct:DEPTH or portfolio.
func ParseStrategy(v string) (Strategy, error) {
	switch {
	case v == "random":
		return RandomWalk{}, nil
	case v == "portfolio":
		return Portfolio{}, nil
	case v == "pct":
		return PCT{}, nil
	case strings.HasPrefix(v, "pct:"):
		d, err := strconv.Atoi(v[len("pct:"):])
		if err == nil && d > 0 {
			return PCT{Depth: d}, nil
		}
	}
	return nil, fmt.Errorf("%s=%q: want random, pct, pct:DEPTH or portfolio", EnvStrategy, v)
}

// ReportLine is the one-line summary printed for SIMGEN_REPORT=1.
func ReportLine(r Result) string {
	return fmt.Sprintf("simgen: seed=%d steps=%d elapsed=%v hash=%016x", r.Seed, r.Steps, r.Elapsed, r.Hash)
}

func report(r Result) {
	if os.Getenv(EnvReport) == "1" {
		fmt.Fprintln(os.Stderr, ReportLine(r))
	}
}

// Test runs body in a fresh simulation for every seed selected by the
// environment (SIMGEN_SEED, SIMGEN_SEEDS; default seed 1), stopping at the
// first failing seed and printing the command that reproduces it. body may
// call t.Fatal from any simulated goroutine; from the main one it ends the run.
func Test(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	seeds, err := Seeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		cfg, err := ConfigFromEnv(seed)
		if err != nil {
			t.Fatal(err)
		}
		cfg.GoexitEndsRun = true
		r := kernel.Run(cfg, func() { body(t) })
		report(r)
		if r.Err != nil {
			t.Errorf("simgen: %v", r.Err)
		}
		if r.Err != nil || t.Failed() {
			t.Errorf("simgen: seed %d failed (strategy %s, %d steps, virtual time %v, hash %016x)\nreproduce: %s",
				seed, r.Strategy, r.Steps, r.Elapsed, r.Hash, ReproduceTest(t.Name(), seed))
			return
		}
	}
}

// ReproduceTest returns the command that reruns test name with seed from the
// module root.
func ReproduceTest(name string, seed uint64) string {
	top, _, _ := strings.Cut(name, "/")
	if os.Getenv(EnvUnderSimgenTest) != "" {
		return fmt.Sprintf("simgen test --seed %d %s -- -run '^%s$'", seed, modpath.RelDir(), top)
	}
	return fmt.Sprintf("SIMGEN_SEED=%d go test -run '^%s$' %s", seed, top, modpath.RelDir())
}

// Main runs fn, a main package's main function, in a simulation seeded by
// SIMGEN_SEED (default 1). When the run fails it prints the error, the seed and
// how to reproduce, and exits with status 2 as a Go program does on a panic.
func Main(fn func()) {
	seeds, err := Seeds()
	if err == nil && len(seeds) != 1 {
		err = fmt.Errorf("simgen: a main package runs one seed; use %s, not a range", EnvSeed)
	}
	var cfg Config
	if err == nil {
		cfg, err = ConfigFromEnv(seeds[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r := kernel.Run(cfg, fn)
	report(r)
	if r.Err != nil {
		fmt.Fprintf(os.Stderr, "%v\nsimgen: seed %d failed (strategy %s, %d steps, virtual time %v, hash %016x)\nreproduce: SIMGEN_SEED=%d %s\n",
			r.Err, r.Seed, r.Strategy, r.Steps, r.Elapsed, r.Hash, r.Seed, strings.Join(os.Args, " "))
		os.Exit(2)
	}
}
