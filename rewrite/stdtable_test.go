package rewrite

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdTable checks docs/design.md's table of std packages against the rewriter's lists, so
// that the one table users read is the rewriter's truth.
func TestStdTable(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "design.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9/.]+)` \\| (simulated|shim, std types|translated|refused) \\|$")
	got := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		got[m[1]] = m[2]
	}
	want := map[string]string{}
	for p := range shimmed {
		want[p] = "simulated"
		if stdTyped[p] {
			want[p] = "shim, std types"
		}
	}
	for p := range unsupportedImports {
		want[p] = "refused"
	}
	for p := range translated {
		want[p] = "translated"
	}
	assert.Equal(t, want, got)
}
