//go:build !amd64 && !arm64

package kernel

import "runtime"

// callerPCs fills pcs with return addresses of the calling goroutine's
// frames, innermost first, and returns how many it wrote.
func callerPCs(pcs []uintptr) int { return runtime.Callers(2, pcs) }
