package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// testingMethods are the methods of *testing.T that a simulation must see
// differently: Run and Parallel block on the testing package's own
// goroutines, which a simulated goroutine must not do, and TempDir creates a
// directory on the real disk only. simstd has counterparts taking the
// receiver as their first argument.
var testingMethods = map[string]string{"Run": "Subtest", "Parallel": "Parallel", "TempDir": "TempDir"}

// rewriteSubtests routes t.Run, t.Parallel and t.TempDir on a *testing.T to
// simstd, so that a subtest's body runs as a simulated goroutine and its
// temporary directory exists on the simulated disk:
//
//	t.Run(name, f)   =>   simstd.Subtest(t, name, f)
//	t.Parallel()     =>   simstd.Parallel(t)
//	t.TempDir()      =>   simstd.TempDir(t)
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
		if !ok || testingMethods[sel.Sel.Name] == "" || !c.isTestingTMethod(call) {
			return true
		}
		repl := &dst.CallExpr{
			Fun:  simstd(testingMethods[sel.Sel.Name]),
			Args: append([]dst.Expr{sel.X}, call.Args...),
		}
		repl.Decs = call.Decs
		c.replace(cur, call, repl)
		return true
	})
}

// isTestingTMethod reports whether call calls a method on a value of type
// *testing.T (declared on T or promoted from the testing package's own
// embedded types; not through a user type embedding *testing.T).
func (c *fileCtx) isTestingTMethod(call *dst.CallExpr) bool {
	a, ok := c.astOf(call).(*ast.CallExpr)
	if !ok {
		return false
	}
	se, ok := ast.Unparen(a.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if s := c.info.Selections[se]; s == nil || s.Kind() != types.MethodVal {
		return false
	}
	ptr, ok := c.info.TypeOf(se.X).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == "T"
}
