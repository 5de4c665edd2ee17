#include "textflag.h"

// func getg() uintptr
// Reads the runtime's g pointer from thread-local storage (the two macros of the
// runtime's go_tls.h, inlined because that header is not shipped to user packages).
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ TLS, CX
	MOVQ 0(CX)(TLS*1), AX
	MOVQ AX, ret+0(FP)
	RET

// func getfp() unsafe.Pointer
// Returns the frame pointer register as its caller (the Go-ABI wrapper the
// compiler puts in front of an assembly function) left it.
TEXT ·getfp(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ BP, ret+0(FP)
	RET
