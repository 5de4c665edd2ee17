//go:build !amd64 && !arm64

package kernel

import (
	"runtime"
	"strconv"
	"strings"
)

// getg returns the calling goroutine's id, parsed from its stack header. It is
// much slower than the assembly versions but serves the same purpose: an
// identity unique among live goroutines.
func getg() uintptr {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	id, _ := strconv.ParseUint(s, 10, 64)
	return uintptr(id)
}
