#include "textflag.h"

// func getg() uintptr
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVD g, R0
	MOVD R0, ret+0(FP)
	RET

// func getfp() unsafe.Pointer
// Returns the frame pointer register as its caller (the Go-ABI wrapper the
// compiler puts in front of an assembly function) left it.
TEXT ·getfp(SB),NOSPLIT|NOFRAME,$0-8
	MOVD R29, ret+0(FP)
	RET
