package main

import (
	"bytes"
	"fmt"
	"github.com/simgen/simgen/internal/modpath"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// seedsExecCmd is the hidden command simgen test passes to go test -exec to run a test binary
// once per seed, each in a fresh process.
const seedsExecCmd = "exec-seeds"

func newSeedsExecCmd(stdout, stderr io.Writer) *cobra.Command {
	var spec string
	cmd := &cobra.Command{
		Use:    seedsExecCmd + " --seeds SPEC BINARY [ARGS...]",
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return runSeeds(spec, args, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&spec, "seeds", "", "seeds")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// runSeeds runs the test binary once per seed and stops at the first failure, printing its
// output and how to reproduce it. When every seed passes it prints the last run's output.
func runSeeds(spec string, args []string, stdout, stderr io.Writer) error {
	seeds, err := parseSeeds(spec)
	if err != nil {
		return err
	}
	var last []byte
	for _, seed := range seeds {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(withoutSeedVars(os.Environ()), "SIMGEN_SEED="+strconv.FormatUint(seed, 10))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err != nil {
			stdout.Write(out.Bytes())
			fmt.Fprintf(stderr, "simgen: seed %d of %s failed; reproduce: simgen test --seed %d %s\n", seed, spec, seed, modpath.RelDir())
			return exitStatus(err)
		}
		last = out.Bytes()
	}
	_, err = stdout.Write(last)
	return err
}

func withoutSeedVars(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "SIMGEN_SEED=") || strings.HasPrefix(kv, "SIMGEN_SEEDS=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// parseSeeds parses N (seeds 1 to N) or A-B (seeds A to B), as simstd reads SIMGEN_SEEDS.
func parseSeeds(spec string) ([]uint64, error) {
	lo, hi := uint64(1), uint64(0)
	var err error
	if a, b, ok := strings.Cut(spec, "-"); ok {
		if lo, err = strconv.ParseUint(a, 10, 64); err == nil {
			hi, err = strconv.ParseUint(b, 10, 64)
		}
	} else {
		hi, err = strconv.ParseUint(spec, 10, 64)
	}
	if err != nil || hi < lo || hi-lo >= 1<<20 {
		return nil, fmt.Errorf("--seeds %q: want N (seeds 1 to N) or A-B (seeds A to B, A <= B)", spec)
	}
	var seeds []uint64
	for s := lo; ; s++ {
		seeds = append(seeds, s)
		if s == hi {
			return seeds, nil
		}
	}
}
