//go:build !unix

package os

import "github.com/simgen/simgen/internal/fssim"

// statT returns nil: Sys of a simulated file is a *syscall.Stat_t on Unix only.
func statT(fsys *fssim.FS, st fssim.Stat) any { return nil }
