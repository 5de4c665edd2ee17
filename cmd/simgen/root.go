package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// exitCode ends the command with a status after it already printed its messages.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func asExitCode(err error, ec *exitCode) bool { return errors.As(err, ec) }

const rootLong = `simgen rewrites ordinary Go packages into simulated variants: the same code with time, net,
sync, context, randomness, go statements, channels, select and map iteration routed through
github.com/simgen/simgen/simstd, so that a run is a deterministic function of a seed.

The module of the packages must require github.com/simgen/simgen (go get github.com/simgen/simgen).

From //go:generate:

	//go:generate go run github.com/simgen/simgen/cmd/simgen gen --out ./sim .`

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "simgen",
		Short:         "Deterministic simulation testing for ordinary Go code",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newGenCmd(stdout, stderr), newCheckCmd(stdout, stderr), newTestCmd(stdout, stderr), newVersionCmd(stdout), newCollectCmd(), newRunCmd(stdout, stderr), newMergeCmd(stdout, stderr), newTraceCmd(stdout, stderr))
	return root
}
