//go:build amd64 || arm64

package kernel

import "unsafe"

// getfp returns the frame pointer of its caller.
func getfp() unsafe.Pointer

// maxCallers bounds how many frames eachCaller visits.
const maxCallers = 32

// eachCaller calls f with the return address of each of the calling
// goroutine's physical frames, innermost first (inlined calls share their
// caller's), until f returns true. It follows the frame pointers, as the
// runtime's execution tracer does: runtime.Callers decodes tables for every
// frame and made a traced event cost microseconds. Stopping at the first
// frame wanted also keeps the walk away from the outer frames, where a cgo
// callback's C frames may lack frame pointers.
func eachCaller(f func(pc uintptr) bool) {
	fp := getfp()
	for range maxCallers {
		if fp == nil {
			return
		}
		pc := *(*uintptr)(unsafe.Add(fp, unsafe.Sizeof(uintptr(0)))) // the return address sits one word above
		fp = *(*unsafe.Pointer)(fp)                                  // the caller's frame pointer
		if f(pc) {
			return
		}
	}
}
