package os_test

import (
	stdos "os"
	"testing"

	"github.com/simgen/simgen/simstd"
	os "github.com/simgen/simgen/simstd/os"
	"github.com/simgen/simgen/simstd/path/filepath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A node's disk starts with the process's working directory, the test's package directory,
// as a snapshot: testdata is read by the relative paths a test uses natively, listings are in
// name order, and nothing the simulation writes reaches the real tree.
func TestHomeIsTheWorkingDirectory(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		assert.Equal(t, "alpha\n", contents("testdata/home/a.txt"))
		assert.Equal(t, "beta\n", contents("testdata/home/sub/b.txt"))
		ents, err := os.ReadDir("testdata/home")
		require.NoError(t, err)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		assert.Equal(t, []string{"a.txt", "sub"}, names)
		matches, err := filepath.Glob("testdata/home/*.txt")
		require.NoError(t, err)
		assert.Equal(t, []string{"testdata/home/a.txt"}, matches)

		must(os.WriteFile("testdata/home/a.txt", []byte("changed"), 0o644))
		must(os.WriteFile("testdata/home/new.txt", []byte("new"), 0o644))
		must(os.RemoveAll("testdata/home/sub"))
		assert.Equal(t, "changed", contents("testdata/home/a.txt"))
		assert.Equal(t, "<missing>", contents("testdata/home/sub/b.txt"))

		n := newNode("n")
		on(n, func() {
			assert.Equal(t, "alpha\n", contents("testdata/home/a.txt"), "every node has its own snapshot")
			must(os.Remove("testdata/home/a.txt"))
		})
		crash(n)
		on(n, func() {
			assert.Equal(t, "alpha\n", contents("testdata/home/a.txt"), "the snapshot is durable; the unsynced removal is lost")
		})
	})
	data, err := stdos.ReadFile("testdata/home/a.txt")
	require.NoError(t, err)
	assert.Equal(t, "alpha\n", string(data), "the real tree is never written")
	_, err = stdos.Stat("testdata/home/new.txt")
	assert.True(t, stdos.IsNotExist(err))
	_, err = stdos.Stat("testdata/home/sub/b.txt")
	assert.NoError(t, err)
}
