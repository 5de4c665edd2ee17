package raft

// The simulated variant in ./sim is what tests/raft runs; make test checks it
// is up to date (simgen gen --check).
//go:generate go run github.com/simgen/simgen/cmd/simgen gen --out sim .
