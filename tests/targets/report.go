package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// columns are the table's headings.
var columns = []string{"target", "version", "native pass/fail/skip", "simulated pass/fail/skip", "seeds", "wall native", "wall simulated", "determinism", "notes"}

// row renders r's cells.
func row(r Result) []string {
	t := r.Target
	if r.Err != "" {
		return []string{t.Name, r.Version, "-", "-", "-", "-", "-", "-", "not run: " + r.Err}
	}
	native := counts(r.Native)
	sim := counts(r.Sim)
	seeds := "-"
	if r.Seeds > 0 {
		seeds = fmt.Sprintf("%s (%d run)", t.Seeds, r.Seeds)
	}
	det := "not checked"
	if t.Determinism {
		switch {
		case r.Seeds == 0:
			det = "not reached"
		case r.Nondet == 0:
			det = fmt.Sprintf("checked: %d/%d agree", r.Seeds, r.Seeds)
		default:
			det = fmt.Sprintf("checked: %d of %d differ", r.Nondet, r.Seeds)
		}
	}
	var notes []string
	if r.Native.BuildErr != "" {
		notes = append(notes, "native build failed (below)")
	}
	if r.Adapted != "" {
		notes = append(notes, fmt.Sprintf("plain simulated build fails: %s (below); run with %s", r.Target.Adapt.Why, r.Adapted))
	}
	switch {
	case r.Sim.BuildErr != "" && r.Sim.Timeout:
		notes = append(notes, "simulated: timeout")
	case r.Sim.BuildErr != "":
		notes = append(notes, "simulated build failed (below)")
	case r.Sim.Timeout:
		notes = append(notes, fmt.Sprintf("simulated sweep: timeout, %d seeds reported", r.Seeds))
	}
	if known, unexplained := r.explained(); known+unexplained > 0 {
		notes = append(notes, fmt.Sprintf("simulated failures (below): %d known, %d unexplained", known, unexplained))
	}
	if r.Warnings > 0 {
		notes = append(notes, fmt.Sprintf("simgen warnings (constructs left native): %d", r.Warnings))
	}
	return []string{t.Name, r.Version, native, sim, seeds, wall(r.Native), wall(r.Sim), det, strings.Join(notes, "; ")}
}

// explained counts the tests that failed simulated, on any seed, whose reason is known and
// those whose reason is not.
func (r Result) explained() (known, unexplained int) {
	seen := map[string]bool{}
	for _, f := range r.Sim.Failures {
		if seen[f.Test] {
			continue
		}
		seen[f.Test] = true
		if _, ok := r.Target.Known[f.Test]; ok {
			known++
		} else {
			unexplained++
		}
	}
	return known, unexplained
}

func counts(o Outcome) string {
	if o.BuildErr != "" && len(o.Tests) == 0 {
		if o.Timeout {
			return "timeout"
		}
		return "build failed"
	}
	p, f, s := o.Counts()
	return fmt.Sprintf("%d/%d/%d", p, f, s)
}

func wall(o Outcome) string {
	if o.Wall == 0 {
		return "-"
	}
	return o.Wall.Round(100 * time.Millisecond).String()
}

// WriteText prints the table with aligned columns, then every failure.
func WriteText(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(columns, "\t")))
	for _, r := range results {
		fmt.Fprintln(tw, strings.Join(row(r), "\t"))
	}
	tw.Flush()
	writeFailures(w, results, "", "")
}

// WriteMarkdown writes the table as markdown, then every failure, for BENCHMARKS.md.
func WriteMarkdown(w io.Writer, results []Result) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(columns, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(columns)))
	for _, r := range results {
		cells := row(r)
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
	writeFailures(w, results, "- ", "`")
}

// writeFailures lists, per target, the build errors (native, plain simulated, simulated)
// and every failure with its reason and seeds, one line each.
func writeFailures(w io.Writer, results []Result, bullet, quote string) {
	for _, r := range results {
		var lines []string
		if r.Native.BuildErr != "" {
			lines = append(lines, "native build: "+quote+r.Native.BuildErr+quote)
		}
		if r.PlainErr != "" {
			lines = append(lines, "plain simulated build: "+quote+r.PlainErr+quote)
		}
		if r.Sim.BuildErr != "" {
			lines = append(lines, "simulated build: "+quote+r.Sim.BuildErr+quote)
		}
		for _, f := range r.Native.Failures {
			lines = append(lines, fmt.Sprintf("native %s%s%s: %s", quote, f.Test, quote, f.Reason))
		}
		for _, f := range r.Sim.Failures {
			l := fmt.Sprintf("simulated %s%s%s, %s on seeds %s: %s", quote, f.Test, quote, f.Kind, seedList(f.Seeds), f.Reason)
			if why, ok := r.Target.Known[f.Test]; ok {
				l += "; known: " + why
			}
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", r.Target.Name)
		for _, l := range lines {
			fmt.Fprintf(w, "%s%s\n", bullet, l)
		}
	}
}

// seedList writes ascending seeds as ranges: 1-3,7.
func seedList(seeds []uint64) string {
	var parts []string
	for i := 0; i < len(seeds); {
		j := i
		for j+1 < len(seeds) && seeds[j+1] == seeds[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", seeds[i], seeds[j]))
		} else {
			parts = append(parts, fmt.Sprint(seeds[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
