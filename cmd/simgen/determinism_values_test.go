package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ptrKeysTest ranges over a map whose keys are pointers to equal values, so
// the simulation orders them by address. Its second run of a seed allocates
// them in the other order, around a third object: the addresses, and the
// order the test sees, differ between the two processes while every
// scheduling decision is the same.
const ptrKeysTest = `package ptrkeys

import (
	"testing"

	"example.com/m/native"
)

type node struct{ n int }

var sink *node

func TestOrder(t *testing.T) {
	var a, b *node
	if native.Second() {
		b = new(node)
		sink = new(node)
		a = new(node)
	} else {
		a = new(node)
		b = new(node)
	}
	m := map[*node]string{a: "a", b: "b"}
	order := ""
	for k := range m {
		order += m[k]
	}
	t.Log(order)
}
`

func TestCheckDeterminismSeesMapOrderByAddress(t *testing.T) {
	dir := module(t, map[string]string{"native/native.go": nondetHelper, "ptrkeys/ptrkeys_test.go": ptrKeysTest})

	// native stays native: its marker file must be on the real disk, not the simulated one.
	r := simgen(t, dir, nil, "test", "./ptrkeys", "--native", "example.com/m/native", "--seed", "1", "--check-determinism")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "simgen: seed 1 of ./ptrkeys is not deterministic: two runs of TestOrder differ", r.stderr)
	assert.Regexp(t, `nondeterministic in TestOrder: two runs diverge at step \d+ \(trace event \d+\)\n`+
		`\s+run 1: step \d+, g\d+ on main maprange \(2 keys ordered by address, addresses hash [0-9a-f]{16}\) at ptrkeys_test\.go:25\n`,
		r.stdout, "the divergence is at the range statement")
}

// keysTest fails on purpose so that every seed's output shows the order
// maps.Keys produced.
const keysTest = `package keys

import (
	"maps"
	"slices"
	"testing"
)

func TestKeys(t *testing.T) {
	m := map[string]bool{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		m[k] = true
	}
	t.Fatalf("order %s.", slices.Collect(maps.Keys(m)))
}
`

func TestMapsKeysOrderIsSeeded(t *testing.T) {
	dir := module(t, map[string]string{"keys/keys_test.go": keysTest})

	orderRE := regexp.MustCompile(`order \[([a-h ]+)\]\.`)
	distinct := map[string]bool{}
	for _, seed := range []string{"1", "2", "3"} {
		r := simgen(t, dir, nil, "test", "./keys", "--seed", seed, "--check-determinism")
		require.Equal(t, 1, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "every seed ran twice, with the same outcome and trace hashes",
			"replays of a seed see the same order")
		order := orderRE.FindStringSubmatch(r.stdout)
		require.NotNil(t, order, r.stdout)
		distinct[order[1]] = true
	}
	assert.Greater(t, len(distinct), 1, "seeds draw different orders")
}

// maphashTest fails on purpose so that its output shows a hash made with a
// seed drawn inside the simulation.
const maphashTest = `package mh

import (
	"hash/maphash"
	"testing"
)

func TestHash(t *testing.T) {
	var h maphash.Hash
	h.WriteString("hello")
	t.Fatalf("hashes %x %x.", maphash.String(maphash.MakeSeed(), "hello"), h.Sum64())
}
`

func TestMaphashReplays(t *testing.T) {
	dir := module(t, map[string]string{"mh/mh_test.go": maphashTest})

	hashRE := regexp.MustCompile(`hashes [0-9a-f]+ [0-9a-f]+\.`)
	hashes := func(seed string) string {
		r := simgen(t, dir, nil, "test", "./mh", "--seed", seed)
		require.Equal(t, 1, r.code, r.stdout+r.stderr)
		h := hashRE.FindString(r.stdout)
		require.NotEmpty(t, h, r.stdout)
		return h
	}
	first := hashes("1")
	assert.Equal(t, first, hashes("1"), "a replay in another process hashes alike")
	assert.NotEqual(t, first, hashes("2"), "the seeds come from the simulation's seed")
}
