package net_test

import (
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiExceptions are the documented differences between net's API and this
// package's: where generated code has a different type than the original
// (a channel becomes a *simstd.Chan).
var apiExceptions = map[string]string{
	"Dialer.Cancel": "<-chan struct{} becomes *kernel.Chan[struct{}] (simstd.Chan), as the rewriter maps channel types",
}

// TestAPI checks that this package declares every exported name of the
// standard library's net with the same kind and a compatible type, so that
// generated code that mentions any of them compiles.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("net", "github.com/simgen/simgen/simstd/net", apiExceptions)
	require.NoError(t, err)
	assert.Empty(t, diffs)
}
