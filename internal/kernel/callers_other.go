//go:build !amd64 && !arm64

package kernel

import "runtime"

// maxCallers bounds how many frames eachCaller visits.
const maxCallers = 32

// eachCaller calls f with the return addresses of the calling goroutine's
// frames, innermost first, until f returns true.
func eachCaller(f func(pc uintptr) bool) {
	var pcs [maxCallers]uintptr
	for _, pc := range pcs[:runtime.Callers(2, pcs[:])] {
		if f(pc) {
			return
		}
	}
}
