package main

import (
	"fmt"
	"io"

	"github.com/simgen/simgen/rewrite"
	"github.com/spf13/cobra"
)

func newCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	var tags, native []string
	cmd := &cobra.Command{
		Use:   "check [PACKAGES...]",
		Short: "Report constructs that cannot be simulated, without writing anything",
		Long: `Report every construct in PACKAGES (default ".") that would make a simulation
nondeterministic or that cannot be simulated, with file:line:col, what, why and what to do.
Exits 1 if there is any that is not marked //simgen:ignore.`,
		RunE: func(_ *cobra.Command, args []string) error {
			_, res, err := generate(genConfig{patterns: args, tags: tags, deps: true, native: native}, rewrite.Options{CheckOnly: true}, stderr)
			if err != nil {
				return err
			}
			if len(res.Warnings) == 0 {
				fmt.Fprintln(stdout, "simgen: no problems found")
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&tags, "tags", nil, "extra build tags")
	registerNative(cmd, &native)
	return cmd
}
