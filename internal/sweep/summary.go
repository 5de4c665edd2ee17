package sweep

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Summary aggregates the records of a sweep, or of the shards simgen merge combines.
type Summary struct {
	Seeds       string         // the seeds swept, as printed: "1-200", "1-200 shard 0/4"
	Runs        int            // seeds run (a seed of each package counts once)
	Passed      int            //
	Failed      int            //
	Kinds       map[string]int // failures by kind
	Virtual     time.Duration  // virtual time simulated, summed over every run
	Work        time.Duration  // wall time of the seeds' processes, summed
	Wall        time.Duration  // wall time of the sweep; 0 when unknown (simgen merge)
	Workers     int            // parallel processes (-j); 0 when unknown
	NotRun      uint64         // seeds left out because the sweep stopped at a failure or was interrupted
	Interrupted bool           //
	Failures    []Record       // sorted by seed, then package, by Write
	packages    map[string]int // package -> records with at least one simulated run
	// Planned are the packages the sweep was to run, named by the summary when no seed
	// finished (an interrupted sweep).
	Planned []string

	// CheckedDeterminism reports that every seed ran twice (--check-determinism).
	CheckedDeterminism bool
}

// Add counts rec.
func (s *Summary) Add(rec Record) {
	if s.Kinds == nil {
		s.Kinds, s.packages = map[string]int{}, map[string]int{}
	}
	s.Runs++
	s.Virtual += time.Duration(rec.ElapsedNS)
	s.Work += time.Duration(rec.WallNS)
	if len(rec.Runs) > 0 {
		s.packages[rec.Package]++
	} else {
		s.packages[rec.Package] += 0
	}
	if !rec.Failed() {
		s.Passed++
		return
	}
	s.Failed++
	s.Kinds[rec.Kind]++
	rec.Runs = nil // the summary does not need them; a long sweep may keep many failures
	s.Failures = append(s.Failures, rec)
}

func compareRecords(a, b Record) int {
	return cmp.Or(cmp.Compare(a.Seed, b.Seed), cmp.Compare(a.Package, b.Package))
}

// Packages returns the packages seen, sorted.
func (s *Summary) Packages() []string { return slices.Sorted(maps.Keys(s.packages)) }

// Write prints the summary: counts, times and rates, every failing seed with the command that
// reproduces it, and a warning for packages that ran no simulated test at all.
func (s *Summary) Write(w io.Writer) {
	slices.SortStableFunc(s.Failures, compareRecords)
	pkgs := s.Packages()
	named := pkgs
	if len(named) == 0 {
		named = slices.Compact(slices.Sorted(slices.Values(s.Planned)))
	}
	what := strings.Join(named, " ")
	switch {
	case len(named) > 4:
		what = fmt.Sprintf("%d packages", len(named))
	case len(named) > 1:
		what = fmt.Sprintf("%d packages: %s", len(named), strings.Join(named, " "))
	}
	if what == "" {
		what = "no package"
	}
	fmt.Fprintf(w, "simgen: %d %s run (%s, %s): %d passed, %d failed%s\n",
		s.Runs, plural(s.Runs, "seed", "seeds"), s.Seeds, what, s.Passed, s.Failed, s.kinds())
	switch {
	case s.Interrupted:
		fmt.Fprintf(w, "simgen: interrupted; %d %s not run\n", s.NotRun, plural(int(s.NotRun), "seed", "seeds"))
	case s.NotRun > 0:
		fmt.Fprintf(w, "simgen: stopped at the first failure; %d %s not run (--keep-going runs every seed)\n", s.NotRun, plural(int(s.NotRun), "seed", "seeds"))
	}
	if s.Wall > 0 {
		fmt.Fprintf(w, "simgen: virtual time %v in wall time %v (%s), %s seeds/s", round(s.Virtual), round(s.Wall), speedup(s.Virtual, s.Wall), rate(s.Runs, s.Wall))
		if s.Workers > 0 {
			fmt.Fprintf(w, " with -j %d", s.Workers)
		}
		fmt.Fprintln(w)
	} else if s.Runs > 0 {
		fmt.Fprintf(w, "simgen: virtual time %v in process time %v (summed over seeds; %s), %s seeds/s per process\n",
			round(s.Virtual), round(s.Work), speedup(s.Virtual, s.Work), rate(s.Runs, s.Work))
	}
	if s.CheckedDeterminism && s.Runs > 0 {
		if n := s.Kinds[KindNondeterministic]; n > 0 {
			fmt.Fprintf(w, "simgen: --check-determinism: every seed ran twice; %d %s differently\n", n, plural(n, "seed ran", "seeds ran"))
		} else {
			fmt.Fprintf(w, "simgen: --check-determinism: every seed ran twice, with the same outcome and trace hashes\n")
		}
	}
	for _, f := range s.Failures {
		// "seed N of A-B failed; reproduce: CMD" is the line scripts look for (make demo).
		if f.Reproduce != "" {
			fmt.Fprintf(w, "simgen: seed %d of %s failed; reproduce: %s\n", f.Seed, f.Seeds, f.Reproduce)
		} else {
			fmt.Fprintf(w, "simgen: seed %d of %s failed in %s\n", f.Seed, f.Seeds, f.Package)
		}
		fmt.Fprintf(w, "    %s\n", describe(f))
	}
	for _, p := range pkgs {
		if s.packages[p] == 0 {
			fmt.Fprintf(w, "simgen: warning: %s ran no simulated test in any seed: -run matched no test, or the module requires a simgen older than this CLI (go get github.com/simgen/simgen@latest)\n", p)
		}
	}
}

// describe says how a seed failed: kind, test, error.
func describe(f Record) string {
	d := KindLabel(f.Kind)
	if f.Kind == KindExit && f.ExitCode != 0 {
		d = fmt.Sprintf("%s with exit status %d", d, f.ExitCode)
	}
	if f.Test != "" {
		d += " in " + f.Test
	}
	if f.Error != "" {
		d += ": " + f.Error
	}
	if v := f.Divergence; v != nil {
		d += "\n        run 1: " + v.First + "\n        run 2: " + v.Second
	}
	return d
}

func (s *Summary) kinds() string {
	if s.Failed == 0 {
		return ""
	}
	ks := slices.Sorted(maps.Keys(s.Kinds))
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%s: %d", KindLabel(k), s.Kinds[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// speedup is virtual time over wall time: how much faster than real time the simulation ran.
func speedup(virtual, wall time.Duration) string {
	if wall <= 0 {
		return "speedup n/a"
	}
	x := float64(virtual) / float64(wall)
	if x >= 10 {
		return fmt.Sprintf("%.0fx real time", x)
	}
	return fmt.Sprintf("%.3gx real time", x)
}

func rate(n int, d time.Duration) string {
	if d <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", float64(n)/d.Seconds())
}
