//go:build amd64 || arm64

package kernel

import "unsafe"

// getfp returns the frame pointer of its caller.
func getfp() unsafe.Pointer

// callerPCs fills pcs with the return addresses of the calling goroutine's
// physical frames, innermost first (inlined calls share their caller's), and
// returns how many it wrote. It follows the frame pointers, as the runtime's
// execution tracer does: runtime.Callers decodes tables for every frame and
// made a traced event cost microseconds.
func callerPCs(pcs []uintptr) int {
	fp := getfp()
	n := 0
	for n < len(pcs) && fp != nil {
		pcs[n] = *(*uintptr)(unsafe.Add(fp, unsafe.Sizeof(uintptr(0)))) // the return address sits one word above
		fp = *(*unsafe.Pointer)(fp)                                     // the caller's frame pointer
		n++
	}
	return n
}
