//go:build amd64 || arm64

package kernel

// getg returns the address of the calling goroutine's runtime descriptor. It is
// used only as an identity: it is unique among live goroutines (a descriptor is
// reused only after its goroutine exits, and a simulated goroutine's entry is
// cleared before that).
func getg() uintptr
