package main

import (
	"fmt"
	"strings"

	"github.com/simgen/simgen/internal/modpath"
	"github.com/simgen/simgen/simstd"
)

// testRepro builds the reproduce commands of a simgen test run. A reproduce command must
// replay the failing seed exactly, so it repeats every option that affects the run: the
// strategy settings, the flags, every package of the run (only the packages matched are
// simulated, so a package replayed without the others it uses would run them natively),
// and the go test flags after "--". Only -run changes: the command runs the failing test, when
// it was the first test of its process (see sweep.Record.focus and simstd.ReproduceTest).
type testRepro struct {
	prefix string   // environment settings in front of the command, each followed by a space
	flags  string   // simgen's flags, each preceded by a space
	pkgs   string   // the run's patterns relative to the module root, each preceded by a space
	goArgs []string // the go test flags after "--" without -run, quoted
	run    []string // the user's -run flags, quoted: kept when no failing test replaces them
}

// newTestRepro returns the reproduce commands of a run with flags f over patterns, with go
// test flags goArgs and the test processes' environment env (the limits are read from env,
// where a flag's setting follows, and overrides, the user's own variable).
func newTestRepro(f testFlags, patterns, goArgs, env []string) testRepro {
	r := testRepro{prefix: envSettings(env, simstd.EnvStrategy, simstd.EnvCompute, simstd.EnvLivelock)}
	var b strings.Builder
	if f.asIs {
		b.WriteString(" --as-is")
	}
	if len(f.tags) > 0 {
		b.WriteString(" --tags " + shellQuote(strings.Join(f.tags, ",")))
	}
	if len(f.native) > 0 {
		b.WriteString(" --native " + shellQuote(strings.Join(f.native, ",")))
	}
	if f.allow {
		b.WriteString(" --allow")
	}
	for _, l := range []struct{ env, flag string }{{simstd.EnvTimeLimit, "time-limit"}, {simstd.EnvStepLimit, "step-limit"}, {simstd.EnvWatchdog, "watchdog"}} {
		if v := lastSetting(env, l.env); v != "" {
			fmt.Fprintf(&b, " --%s %s", l.flag, shellQuote(v))
		}
	}
	r.flags = b.String()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	b.Reset()
	for _, p := range patterns {
		b.WriteString(" " + shellQuote(modpath.Pattern(p)))
	}
	r.pkgs = b.String()
	for i := 0; i < len(goArgs); i++ {
		a := goArgs[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "run" || name == "test.run") {
			r.run = append(r.run, shellQuote(a))
			if !hasValue && i+1 < len(goArgs) {
				i++
				r.run = append(r.run, shellQuote(goArgs[i]))
			}
			continue
		}
		r.goArgs = append(r.goArgs, shellQuote(a))
	}
	return r
}

// simstdArgs is the value of simstd.EnvUnderSimgenTestArgs.
func (r testRepro) simstdArgs() string {
	return r.flags + r.pkgs + " --" + joinArgs(r.goArgs)
}

// command returns the command that reruns seed; flag (" --check-determinism" or "") goes
// after the seed, and test, unless "", replaces the run's -run narrowing. The command with a
// test is the one simstd.ReproduceTest prints inside the failing test.
func (r testRepro) command(seed uint64, flag, test string) string {
	cmd := fmt.Sprintf("%ssimgen test --seed %d%s%s%s", r.prefix, seed, flag, r.flags, r.pkgs)
	if test != "" {
		top, _, _ := strings.Cut(test, "/")
		return cmd + " --" + joinArgs(r.goArgs) + " -run " + shellQuote("^"+top+"$")
	}
	if rest := append(r.goArgs[:len(r.goArgs):len(r.goArgs)], r.run...); len(rest) > 0 {
		cmd += " --" + joinArgs(rest)
	}
	return cmd
}

// joinArgs returns the arguments, each preceded by a space.
func joinArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(" " + a)
	}
	return b.String()
}

// lastSetting returns the value of the variable name in env: its last setting, as a process
// started with env sees it.
func lastSetting(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if val, ok := strings.CutPrefix(kv, name+"="); ok {
			v = val
		}
	}
	return v
}

// envSettings returns NAME=value for each of the variables set in env, each followed by a
// space.
func envSettings(env []string, names ...string) string {
	var b strings.Builder
	for _, n := range names {
		if v := lastSetting(env, n); v != "" {
			fmt.Fprintf(&b, "%s=%s ", n, shellQuote(v))
		}
	}
	return b.String()
}
