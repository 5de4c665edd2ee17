// Package simgen holds the source of simgen's runtime: simstd and the internal packages it
// imports. The simgen command writes it into the user's cache and builds variants against it,
// so a simgen binary always runs the simstd that matches itself, on any module, without
// network access and without a requirement in the user's go.mod.
package simgen

import "embed"

// Runtime is the module's go.mod and the simstd and internal trees, test files included (the
// extraction leaves them out).
//
//go:embed go.mod simstd internal
var Runtime embed.FS
