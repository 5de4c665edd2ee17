//lint:file-ignore SA1019 the deprecated API is what this package provides

package ioutil_test

import (
	"io"
	"strings"
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/internal/simtest"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/io/ioutil"
	"github.com/simgen/simgen/simstd/os"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("io/ioutil", "github.com/simgen/simgen/simstd/io/ioutil", nil)
	require.NoError(t, err)
	for _, d := range diffs {
		t.Error(d)
	}
}

func TestFiles(t *testing.T) {
	simtest.Dual(t, func(t *testing.T) {
		dir := ""
		if !simstd.InSimulation() {
			dir = t.TempDir()
		}
		d, err := ioutil.TempDir(dir, "x*y")
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(d, "y"))
		require.NoError(t, ioutil.WriteFile(d+"/b", []byte("bb"), 0o644))
		require.NoError(t, ioutil.WriteFile(d+"/a", []byte("a"), 0o644))
		b, err := ioutil.ReadFile(d + "/b")
		require.NoError(t, err)
		assert.Equal(t, "bb", string(b))
		f, err := ioutil.TempFile(d, "t")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		list, err := ioutil.ReadDir(d)
		require.NoError(t, err)
		require.Len(t, list, 3)
		assert.Equal(t, "a", list[0].Name())
		assert.Equal(t, int64(2), list[1].Size())
		_, err = ioutil.ReadDir(d + "/nope")
		assert.True(t, os.IsNotExist(err))
		all, err := ioutil.ReadAll(ioutil.NopCloser(strings.NewReader("r")))
		require.NoError(t, err)
		assert.Equal(t, "r", string(all))
		n, err := io.WriteString(ioutil.Discard, "gone")
		assert.Equal(t, 4, n)
		assert.NoError(t, err)
		require.NoError(t, os.RemoveAll(d))
	})
}
