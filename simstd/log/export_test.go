package log_test

import (
	"io"

	simos "github.com/simgen/simgen/simstd/os"
)

func simstdStderr() io.Writer { return simos.Stderr }
