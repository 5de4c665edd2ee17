package rewrite

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// goLine finds the "go 1.N" line in a golden case's comment.
var goLine = regexp.MustCompile(`(?m)^go (1\.\d+)$`)

// TestGoldenGoLine runs the golden cases of testdata/*/goline/, whose modules have the go line
// their comment gives instead of simgen's own, as a user's module does: the variant keeps the
// module's language version, so its files must be valid at it.
func TestGoldenGoLine(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "goline", "*.txtar"))
	require.NoError(t, err)
	root := t.TempDir()
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		require.NoError(t, err)
		name := strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(f, "testdata"+string(filepath.Separator))), ".txtar")
		gc := &goldenCase{name: name, file: f, ar: ar, inputs: map[string][]byte{}}
		for _, af := range ar.Files {
			if !isExpectation(af.Name) {
				gc.inputs[af.Name] = af.Data
			}
		}
		m := goLine.FindSubmatch(ar.Comment)
		require.NotNil(t, m, "%s: the comment names no go line", f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(root, strings.ReplaceAll(name, "/", "_"))
			rewritetest.WriteModule(t, dir, gc.modulePath(), gc.inputs)
			setGoLine(t, filepath.Join(dir, "go.mod"), string(m[1]))
			got, res := goldenRun(t, dir, rewrites)
			if *update {
				gc.write(t, got)
			} else {
				gc.compare(t, got)
			}
			if res == nil {
				return
			}
			_, err := res.Write()
			require.NoError(t, err)
			if out, err := rewritetest.Go(t, dir, nil, "vet", "./..."); err != nil {
				t.Fatalf("the variant does not compile:\n%s", out)
			}
		})
	}
}

func setGoLine(t *testing.T, gomod, v string) {
	t.Helper()
	data, err := os.ReadFile(gomod)
	require.NoError(t, err)
	data = regexp.MustCompile(`(?m)^go .*$`).ReplaceAll(data, []byte("go "+v))
	require.NoError(t, os.WriteFile(gomod, data, 0o666))
}
