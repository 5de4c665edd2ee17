package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/simgen/simgen/rewrite/rewritetest"
)

// TestScripts runs the CLI scripts in testdata/script: txtar archives whose comment is a
// testscript script (see github.com/rogpeppe/go-internal/testscript) and whose files are its
// working directory. The simgen command runs the binary TestMain built; simgenmodule writes a
// go.mod (and go.sum) for module PATH that requires this checkout of simgen; reposum copies
// simgen's go.sum, for modules that require what simgen does (and so is in the module cache).
func TestScripts(t *testing.T) {
	root := rewritetest.RepoRoot(t)
	goEnv := map[string]string{}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[name] = strings.TrimSpace(string(out))
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			env.Setenv("SIMGEN_CACHE", filepath.Join(env.WorkDir, ".cache"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"simgen": func(ts *testscript.TestScript, neg bool, args []string) {
				err := ts.Exec(simgenBin, args...)
				if err != nil && !neg {
					ts.Fatalf("simgen %s: %v", strings.Join(args, " "), err)
				}
				if err == nil && neg {
					ts.Fatalf("simgen %s: unexpected success", strings.Join(args, " "))
				}
			},
			"reposum": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: reposum")
				}
				sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs("go.sum"), sum, 0o666))
			},
			"simgenmodule": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: simgenmodule PATH")
				}
				gomod := "module " + args[0] + "\n\ngo 1.26.0\n\nrequire " + rewritetest.ModulePath + " v0.0.0\n\nreplace " + rewritetest.ModulePath + " => " + filepath.ToSlash(root) + "\n"
				sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs("go.mod"), []byte(gomod), 0o666))
				ts.Check(os.WriteFile(ts.MkAbs("go.sum"), sum, 0o666))
			},
		},
	})
}
