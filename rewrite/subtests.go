package rewrite

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// testingMethods are the methods of *testing.T that a simulation must see
// differently: Run and Parallel block on the testing package's own
// goroutines, which a simulated goroutine must not do; Cleanup functions
// must run inside the simulation, before its goroutines are unwound, and
// Context's channel must be the simulation's; TempDir creates a directory
// on the real disk only; Setenv and Chdir must see Parallel as the
// simulation does. simstd has counterparts taking the receiver as their
// first argument.
var testingMethods = map[string]string{"Run": "Subtest", "Parallel": "Parallel", "TempDir": "TempDir", "Cleanup": "Cleanup", "Context": "context.TestContext",
	"Setenv": "Setenv", "Chdir": "Chdir"}

// tbMethods are the testingMethods also routed when called through the
// testing.TB interface (a helper's tb.Cleanup): their simstd counterparts
// take a testing.TB.
var tbMethods = map[string]bool{"Cleanup": true, "Context": true}

// rewriteSubtests routes t.Run, t.Parallel, t.Cleanup, t.Context and
// t.TempDir on a *testing.T (Cleanup and Context also on a testing.TB) to
// simstd, so that a subtest's body runs as a simulated goroutine with Go's
// ordering of parallel subtests, cleanups run inside the simulation, the
// context is cancelled there, and the temporary directory exists on the
// simulated disk:
//
//	t.Run(name, f)   =>   simstd.Subtest(t, name, f)
//	t.Parallel()     =>   simstd.Parallel(t)
//	t.Cleanup(f)     =>   simstd.Cleanup(t, f)
//	t.Context()      =>   context.TestContext(t)   (simstd/context)
//	t.TempDir()      =>   simstd.TempDir(t)
//	t.Setenv(k, v)   =>   simstd.Setenv(t, k, v)   (and t.Chdir)
//
// Method values (f := t.Run) are left alone; simgen check reports nothing for
// them because they are rare and work outside a simulation.
func rewriteSubtests(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		call, ok := cur.Node().(*dst.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*dst.SelectorExpr)
		if !ok || testingMethods[sel.Sel.Name] == "" {
			return true
		}
		a, ok := c.astOf(call).(*ast.CallExpr)
		if !ok {
			return true
		}
		if se, ok := ast.Unparen(a.Fun).(*ast.SelectorExpr); !ok || !c.isRoutedTestingMethod(se) {
			return true
		}
		repl := &dst.CallExpr{
			Fun:  simstdFunc(testingMethods[sel.Sel.Name]),
			Args: append([]dst.Expr{sel.X}, call.Args...),
		}
		repl.Decs = call.Decs
		c.replace(cur, call, repl)
		return true
	})
}

// simstdFunc refers to a function of simstd ("Subtest") or of one of its
// packages ("context.TestContext").
func simstdFunc(name string) *dst.Ident {
	if pkg, fn, ok := strings.Cut(name, "."); ok {
		return &dst.Ident{Name: fn, Path: SimstdPath + "/" + pkg}
	}
	return simstd(name)
}

// isRoutedTestingMethod reports whether rewriteSubtests routes calls of the
// method se selects to simstd: one of testingMethods on a *testing.T, or
// one of tbMethods on a testing.TB.
func (c *fileCtx) isRoutedTestingMethod(se *ast.SelectorExpr) bool {
	if testingMethods[se.Sel.Name] == "" {
		return false
	}
	return c.isTestingTMethod(se) || tbMethods[se.Sel.Name] && c.isTestingTBMethod(se)
}

// isTestingTMethod reports whether se selects a method on a value of type
// *testing.T (declared on T or promoted from the testing package's own
// embedded types; not through a user type embedding *testing.T).
func (c *fileCtx) isTestingTMethod(se *ast.SelectorExpr) bool {
	if s := c.info.Selections[se]; s == nil || s.Kind() != types.MethodVal {
		return false
	}
	ptr, ok := c.info.TypeOf(se.X).(*types.Pointer)
	if !ok {
		return false
	}
	return isTestingNamed(ptr.Elem(), "T")
}

// isTestingTBMethod reports whether se selects a method on a value of the
// interface type testing.TB.
func (c *fileCtx) isTestingTBMethod(se *ast.SelectorExpr) bool {
	if s := c.info.Selections[se]; s == nil || s.Kind() != types.MethodVal {
		return false
	}
	return isTestingNamed(c.info.TypeOf(se.X), "TB")
}

func isTestingNamed(t types.Type, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == name
}
