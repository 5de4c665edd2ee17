package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/simgen/simgen/internal/traceview"
	"github.com/spf13/cobra"
)

const traceLong = `Work with the event traces of simulated runs. Record them with --trace DIR on simgen test and
simgen run (or SIMGEN_TRACE=PATH for go test and a variant's binary): every run writes JSON
lines, one per event: scheduling (run, spawn, exit, block, unblock), clock jumps, node
lifecycle, messages, faults, disk syncs and log lines.

  simgen trace view TRACE [-o timeline.html]   a space-time diagram in one HTML file
  simgen trace diff A B                         where two traces of a seed first diverge

See docs/traces.md.`

func newTraceCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trace",
		Short: "View a run's event trace as a space-time diagram, or diff two traces",
		Long:  traceLong,
	}
	cmd.AddCommand(newTraceViewCmd(stdout, stderr), newTraceDiffCmd(stdout, stderr))
	return cmd
}

const traceViewLong = `Write a self-contained HTML page (no network needed) with the space-time diagram of TRACE: a
lane per node, virtual time across, events as marks on their node's lane, messages as arrows
from send to delivery (a dropped one ends in an x), partitions and other faults, node down and
paused periods shaded, and a header with the seed and outcome. Click an event to see all its
fields, its goroutine's previous and next events and its message. Drag to pan, use the wheel
to zoom, and choose the scale: compressed time (the default), linear time or event order.

The page is written next to TRACE with the extension .html unless -o names it (- for stdout).
Long traces stay usable: past --max-events scheduling events (run, block, unblock, spawn, exit,
clock jumps), the earliest are left out of the page; node events, faults, messages and log
lines are always kept. When many events are in view, the scheduling ones are drawn as a
density strip until you zoom in.`

func newTraceViewCmd(stdout, stderr io.Writer) *cobra.Command {
	var out, title string
	var maxEvents int
	cmd := &cobra.Command{
		Use:   "view TRACE [-o FILE.html]",
		Short: "Write a trace's space-time diagram as a self-contained HTML page",
		Long:  traceViewLong,
		Args:  exactArgs(1, "simgen trace view TRACE: name one trace file (written by --trace DIR or SIMGEN_TRACE)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTraceView(args[0], out, title, maxEvents, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the page to `FILE` (- for stdout; default: TRACE with the extension .html)")
	cmd.Flags().StringVar(&title, "title", "", "the page's `TITLE` (default: the test or program and the seed)")
	cmd.Flags().IntVar(&maxEvents, "max-events", traceview.DefaultMaxEvents, "keep at most `N` scheduling events in the page, the last ones; -1 keeps every event")
	return cmd
}

func runTraceView(in, out, title string, maxEvents int, stdout, stderr io.Writer) error {
	if maxEvents == 0 || maxEvents < -1 {
		return fmt.Errorf("--max-events %d: want a positive number of events, or -1 for all", maxEvents)
	}
	t, err := traceview.ReadFile(in)
	if err != nil {
		return err
	}
	if out == "" {
		out = strings.TrimSuffix(in, filepath.Ext(in)) + ".html"
		if out == in {
			out = in + ".html"
		}
	}
	d := traceview.Build(t, traceview.Options{Title: title, MaxEvents: maxEvents})
	if t.Truncated {
		fmt.Fprintf(stderr, "simgen: warning: %s has no end event: the run's process died before the run ended (os.Exit, a crash or a kill), so the trace stops early\n", in)
	}
	if d.Omitted > 0 {
		fmt.Fprintf(stderr, "simgen: %d early scheduling events left out of the page (--max-events %d); --max-events -1 keeps them all\n", d.Omitted, maxEvents)
	}
	if out == "-" {
		w := bufio.NewWriter(stdout)
		if err := traceview.RenderData(w, d); err != nil {
			return err
		}
		return w.Flush()
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("writing the page: %w", err)
	}
	w := bufio.NewWriter(f)
	err = traceview.RenderData(w, d)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the page %s: %w", out, err)
	}
	fmt.Fprintf(stdout, "simgen: wrote %s (%d events, %d nodes, %d messages)\n", out, d.Total, len(d.Nodes), len(d.Msgs))
	return nil
}

const traceDiffLong = `Compare two traces event by event and report the first divergence: its step and event number,
both events side by side (step, time, node, goroutine, kind, reason, original position, and
any other field), differing fields marked with *, and the common events just before it.

Two runs of the same seed of the same binary must give identical traces; a divergence means
something escaped the simulation (wall-clock time, a native goroutine, unsimulated I/O,
package state from an earlier run). simgen test --check-determinism finds such seeds.

Exit status: 0 when the traces are identical, 1 when they differ, 2 on errors.`

func newTraceDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var context int
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Report where two traces first diverge",
		Long:  traceDiffLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				fmt.Fprintln(stderr, "simgen: trace diff A B: name two trace files")
				return exitCode(2)
			}
			if context < 0 {
				fmt.Fprintf(stderr, "simgen: --context %d: want 0 or more events\n", context)
				return exitCode(2)
			}
			d, err := traceview.CompareFiles(args[0], args[1], context)
			if err != nil {
				fmt.Fprintf(stderr, "simgen: %v\n", err)
				return exitCode(2)
			}
			d.Write(stdout)
			if !d.Identical {
				return exitCode(1)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&context, "context", 5, "show `N` common events before the divergence")
	return cmd
}

// exactArgs is cobra.ExactArgs with a message saying what to pass.
func exactArgs(n int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return errors.New(usage)
		}
		return nil
	}
}
