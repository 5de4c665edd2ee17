package rewrite

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/simgen/simgen/rewrite/rewritetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of the golden files")

// A goldenCase is one txtar file of testdata/<rewrite>/: input files, expected outputs under
// out/ (the variant written with --out out), and optionally the expected "error" or "warnings".
type goldenCase struct {
	name   string
	file   string
	ar     *txtar.Archive
	inputs map[string][]byte
}

func loadGoldenCases(t *testing.T) []*goldenCase {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	require.NoError(t, err)
	var cases []*goldenCase
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		require.NoError(t, err)
		gc := &goldenCase{name: strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(f, "testdata"+string(filepath.Separator))), ".txtar"), file: f, ar: ar, inputs: map[string][]byte{}}
		for _, af := range ar.Files {
			if !isExpectation(af.Name) {
				gc.inputs[af.Name] = af.Data
			}
		}
		cases = append(cases, gc)
	}
	return cases
}

func isExpectation(name string) bool {
	return strings.HasPrefix(name, "out/") || name == "error" || name == "warnings"
}

func (gc *goldenCase) modulePath() string {
	return "example.com/" + strings.NewReplacer("/", "_", "-", "_").Replace(gc.name)
}

// goldenRun generates the variant of the case's module into dir/out and returns the
// expectation sections it produces.
func goldenRun(t *testing.T, dir string, rws []rewriteStep) (map[string][]byte, *Result) {
	t.Helper()
	prog, err := Load(LoadConfig{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		return map[string][]byte{"error": []byte(rewritetest.Normalize(err.Error(), dir) + "\n")}, nil
	}
	return goldenGenerate(t, dir, prog, rws)
}

// goldenGenerate rewrites a loaded program; rewriting leaves the loaded syntax and types
// untouched, so one load serves several runs.
func goldenGenerate(t *testing.T, dir string, prog *Program, rws []rewriteStep) (map[string][]byte, *Result) {
	t.Helper()
	got := map[string][]byte{}
	res, err := generate(prog, Options{Out: filepath.Join(dir, "out")}, rws)
	if res != nil && len(res.Warnings) > 0 {
		var b strings.Builder
		for _, w := range res.Warnings {
			b.WriteString(rewritetest.Normalize(w.String(), dir) + "\n")
		}
		got["warnings"] = []byte(b.String())
	}
	if err != nil {
		got["error"] = []byte(rewritetest.Normalize(err.Error(), dir) + "\n")
		return got, nil
	}
	for _, f := range res.Files {
		rel, err := filepath.Rel(dir, f.Path)
		require.NoError(t, err)
		got[filepath.ToSlash(rel)] = f.Data
	}
	return got, res
}

func TestGolden(t *testing.T) {
	root := t.TempDir()
	for _, gc := range loadGoldenCases(t) {
		t.Run(gc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(root, strings.ReplaceAll(gc.name, "/", "_"))
			rewritetest.WriteModule(t, dir, gc.modulePath(), gc.inputs)
			got, res := goldenRun(t, dir, rewrites)
			if *update {
				gc.write(t, got)
			} else {
				gc.compare(t, got)
			}
			if res == nil {
				return
			}
			again, _ := goldenRun(t, dir, rewrites)
			assert.Equal(t, got, again, "regenerating must give byte-identical output")
			_, err := res.Write()
			require.NoError(t, err)
			changes, err := res.Changes()
			require.NoError(t, err)
			assert.Empty(t, changes, "nothing is stale right after writing")
			// vet type-checks each package with its tests; build, without them
			for _, args := range [][]string{{"vet", "./..."}, {"build", "./..."}} {
				if out, err := rewritetest.Go(t, dir, nil, args...); err != nil {
					t.Fatalf("the variant does not compile (go %s):\n%s", strings.Join(args, " "), out)
				}
			}
		})
	}
}

func (gc *goldenCase) compare(t *testing.T, got map[string][]byte) {
	t.Helper()
	want := map[string][]byte{}
	for _, af := range gc.ar.Files {
		if isExpectation(af.Name) {
			want[af.Name] = af.Data
		}
	}
	for _, name := range sortedKeys(want, got) {
		assert.Equal(t, string(want[name]), string(got[name]), "%s: section %s (run with -update to accept)", gc.file, name)
	}
}

func (gc *goldenCase) write(t *testing.T, got map[string][]byte) {
	t.Helper()
	ar := &txtar.Archive{Comment: gc.ar.Comment}
	for _, af := range gc.ar.Files {
		if !isExpectation(af.Name) {
			ar.Files = append(ar.Files, af)
		}
	}
	names := sortedKeys(got)
	for _, name := range names {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: got[name]})
	}
	require.NoError(t, os.WriteFile(gc.file, txtar.Format(ar), 0o666))
}

func sortedKeys(ms ...map[string][]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestRewriteOrder checks that the rewrites do not depend on the order they run in: every
// golden case gives the same variant with the rewrites reversed and rotated.
func TestRewriteOrder(t *testing.T) {
	root := t.TempDir()
	orders := [][]rewriteStep{reversed(rewrites)}
	for i := 1; i < len(rewrites); i += 2 {
		orders = append(orders, append(append([]rewriteStep{}, rewrites[i:]...), rewrites[:i]...))
	}
	for _, gc := range loadGoldenCases(t) {
		t.Run(gc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(root, strings.ReplaceAll(gc.name, "/", "_"))
			rewritetest.WriteModule(t, dir, gc.modulePath(), gc.inputs)
			prog, err := Load(LoadConfig{Dir: dir, Patterns: []string{"./..."}})
			if err != nil {
				return
			}
			want, _ := goldenGenerate(t, dir, prog, rewrites)
			for _, order := range orders {
				got, _ := goldenGenerate(t, dir, prog, order)
				if !assert.Equal(t, want, got, "order %s", orderNames(order)) {
					return
				}
			}
		})
	}
}

func reversed(rws []rewriteStep) []rewriteStep {
	out := make([]rewriteStep, len(rws))
	for i, rw := range rws {
		out[len(rws)-1-i] = rw
	}
	return out
}

func orderNames(rws []rewriteStep) string {
	var names []string
	for _, rw := range rws {
		names = append(names, rw.name)
	}
	return strings.Join(names, ",")
}
