package rewrite

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPanicPositions runs a variant that panics in rewritten code and checks that the panic's
// stack trace names the original file and lines.
func TestPanicPositions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := t.TempDir()
	rewritetest.WriteModule(t, dir, "example.com/positions", map[string][]byte{"main.go": []byte(`package main

import "fmt"

func main() {
	c := make(chan int)
	done := make(chan struct{})
	go worker(c, done)
	select {
	case c <- 1:
	}
	<-done
}

func worker(c chan int, done chan struct{}) {
	v := <-c
	var m map[string]int
	fmt.Println("got", v)
	m["boom"] = v // line 19: assignment to entry in nil map
	close(done)
}
`)})
	prog, err := Load(LoadConfig{Dir: dir, Patterns: []string{"."}})
	require.NoError(t, err)
	res, err := Generate(prog, Options{Out: filepath.Join(dir, "sim")})
	require.NoError(t, err)
	_, err = res.Write()
	require.NoError(t, err)
	out, err := rewritetest.Go(t, dir, []string{"SIMGEN_SEED=3"}, "run", "./sim")
	require.Error(t, err, "the variant must fail like the original:\n%s", out)
	assert.Contains(t, out, "assignment to entry in nil map")
	assert.Regexp(t, regexp.MustCompile(`main\.worker\([^)]*\)\s+\S*\.\./main\.go:19`), out, "the panic must name the original line:\n%s", out)
	t.Log(out)
}
