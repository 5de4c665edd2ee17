package simstd

import "github.com/simgen/simgen/internal/kernel"

// Errors that end a run when the simulated program ends itself.
type (
	// ExitError reports os.Exit or log.Fatal on the default node (KindExit).
	ExitError = kernel.ExitError
	// FatalError reports a fatal runtime error, such as unlocking an
	// unlocked mutex (KindFatal).
	FatalError = kernel.FatalError
)
