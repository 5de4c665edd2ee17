package godebug

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLookupGODEBUG(t *testing.T) {
	for _, tc := range []struct {
		list, value string
		found       bool
	}{
		{"", "", false},
		{"randseednop=0", "0", true},
		{"x=1,randseednop=0,y=2", "0", true},
		{"randseednop=0,randseednop=1", "1", true}, // the last one wins
		{"randseednop=0#0x3", "0", true},           // bisect pattern ignored
		{"randseednopx=0,xrandseednop=0", "", false},
	} {
		v, ok := Lookup(tc.list, "randseednop")
		assert.Equal(t, tc.value, v, tc.list)
		assert.Equal(t, tc.found, ok, tc.list)
	}
}

func TestGodebugEnvOverridesDefault(t *testing.T) {
	t.Setenv("GODEBUG", "randseednop=0")
	assert.Equal(t, "0", Value("randseednop"))
	t.Setenv("GODEBUG", "other=1")
	assert.Equal(t, "", Value("randseednop"), "a go1.26 module's default sets no randseednop")
}
