package main

import (
	"fmt"
	"io"
	"os"

	"github.com/simgen/simgen/internal/sweep"
	"github.com/spf13/cobra"
)

const mergeLong = `Read the JSON lines that simgen test --seeds --json FILE (or simgen run --seeds --json FILE)
wrote, usually one file per shard of a sweep (--shard i/n), and print the combined summary:
seeds run, passed and failed by kind, virtual time, and every failing seed with the command
that reproduces it. - reads standard input.

It exits 1 if any seed failed, if a shard of a sweep sent no results (its job failed before
running a seed, or its file is missing from the arguments), or if two files disagree about a
seed. A seed recorded twice with the same outcome and trace hash counts once.`

func newMergeCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "merge FILE...",
		Short: "Combine the --json results of the shards of seed sweeps",
		Long:  mergeLong,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(args, cmd.InOrStdin(), stdout, stderr)
		},
	}
}

func runMerge(files []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var m sweep.Merger
	for _, name := range files {
		if name == "-" {
			if err := m.Add(stdin, "standard input"); err != nil {
				return err
			}
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = m.Add(f, name)
		f.Close()
		if err != nil {
			return err
		}
	}
	m.Finish()
	if m.Summary.Runs == 0 && len(m.Problems) == 0 {
		return fmt.Errorf("no results in %d file(s): pass the files written by simgen test --seeds --json", len(files))
	}
	m.Summary.Write(stdout)
	if m.Duplicates > 0 {
		fmt.Fprintf(stdout, "simgen: %d seed(s) appeared in more than one file with the same outcome and hash; counted once\n", m.Duplicates)
	}
	for _, p := range m.Problems {
		fmt.Fprintf(stderr, "simgen: %s\n", p)
	}
	if m.Summary.Failed > 0 || len(m.Problems) > 0 {
		return exitCode(1)
	}
	return nil
}
