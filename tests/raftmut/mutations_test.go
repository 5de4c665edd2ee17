package raftmut

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const srcDir = "../../example/raft"

// sources reads the non-test Go files of example/raft.
func sources(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(srcDir, "*.go"))
	require.NoError(t, err)
	src := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		src[filepath.Base(f)] = data
	}
	require.NotEmpty(t, src)
	return src
}

// build writes files into a fresh directory under this package's directory
// and compiles it there. The directory's leading "_" keeps it out of ./...
// patterns, so a concurrent `go test ./...` never sees a half-written or
// mutated copy; named explicitly, it builds as part of the module.
func build(t *testing.T, name string, files map[string][]byte) {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_mut-"+name+"-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	for f, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	out, err := exec.Command("go", "build", "./"+filepath.ToSlash(dir)).CombinedOutput()
	require.NoError(t, err, "go build of %s:\n%s", name, out)
}

// Every mutation applies to the current example/raft source exactly once, and
// the mutated package still compiles. The unmutated copy must compile too, or
// the check would prove nothing.
func TestMutationsApplyAndCompile(t *testing.T) {
	ms, err := Load("mutations.txt")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(ms), 7)
	src := sources(t)

	t.Run("original", func(t *testing.T) {
		t.Parallel()
		build(t, "original", src)
	})
	for _, m := range ms {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			orig, ok := src[m.File]
			require.True(t, ok, "mutation %s edits %s, which is not a file of example/raft", m.Name, m.File)
			mutated, err := m.Apply(orig)
			require.NoError(t, err)
			require.NotEqual(t, orig, mutated)
			files := map[string][]byte{}
			for f, data := range src {
				files[f] = data
			}
			files[m.File] = mutated
			build(t, m.Name, files)
		})
	}
}

func TestParseAndApply(t *testing.T) {
	ms, err := Parse([]byte(`comment
-- a.mut --
file: x.go
desc: change b
kind: safety
old:
	b := 1
new:
	b := 2
	c := 3
-- del.mut --
file: x.go
desc: delete b
old:
	b := 1
new:
`))
	require.NoError(t, err)
	require.Len(t, ms, 2)
	require.Equal(t, Mutation{Name: "a", File: "x.go", Desc: "change b", Kind: "safety",
		Old: []byte("\tb := 1\n"), New: []byte("\tb := 2\n\tc := 3\n")}, ms[0])
	require.Empty(t, ms[1].New)

	out, err := ms[0].Apply([]byte("a\n\tb := 1\nc\n"))
	require.NoError(t, err)
	require.Equal(t, "a\n\tb := 2\n\tc := 3\nc\n", string(out))
	out, err = ms[1].Apply([]byte("a\n\tb := 1\nc\n"))
	require.NoError(t, err)
	require.Equal(t, "a\nc\n", string(out))

	_, err = ms[0].Apply([]byte("a\n"))
	require.ErrorContains(t, err, "not found")
	_, err = ms[0].Apply([]byte("\tb := 1\n\tb := 1\n"))
	require.ErrorContains(t, err, "2 times")
	_, err = ms[0].Apply([]byte("x\tb := 1\n"))
	require.ErrorContains(t, err, "start at a line")

	for _, bad := range []string{
		"-- a.txt --\nfile: x\ndesc: d\nold:\nx\nnew:\ny\n",            // wrong name
		"-- a.mut --\nfile: x\nold:\nx\nnew:\ny\n",                     // no desc
		"-- a.mut --\nfile: x\ndesc: d\nold:\nx\n",                     // no new
		"-- a.mut --\nfile: x\ndesc: d\nold:\nnew:\ny\n",               // empty old
		"-- a.mut --\nfile: x\ndesc: d\nkind: bad\nold:\nx\nnew:\ny\n", // bad kind
		"-- a.mut --\nfile: x\ndesc: d\nold:\nx\nnew:\nx\n",            // no change
		"no files\n",
	} {
		_, err := Parse([]byte(bad))
		require.Error(t, err, "%q", bad)
	}
}
