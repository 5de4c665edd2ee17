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

test, run and check need no set-up: they build through a copy of the module's go.mod (its go
line, and so its language semantics, kept) against the simstd embedded in this binary, and never
edit go.mod or go.sum. Vendored modules and go.work workspaces work the same way. Every package
the targets import outside the standard library (module cache, replace directories, vendored
code, sibling packages) is rewritten with them, without its tests, into the user cache directory
(SIMGEN_CACHE moves it); test and run reuse a rewrite while the program's files, options and
simgen are unchanged. --native PATTERN keeps chosen ones native. Every simulated node's disk
starts with the working directory (a test's package directory, so its testdata) as a snapshot.
Only gen, which writes variants into the module to be built there, needs the module to require
github.com/simgen/simgen; it prints the go get command.

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
