package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// testingMethods are the methods of *testing.T that block on the testing
// package's own goroutines, which a simulated goroutine must not do: simstd
// has counterparts taking the receiver as their first argument.
var testingMethods = map[string]string{"Run": "Subtest", "Parallel": "Parallel"}

// rewriteSubtests routes t.Run and t.Parallel on a *testing.T to simstd, so
// that a subtest's body runs as a simulated goroutine:
//
//	t.Run(name, f)   =>   simstd.Subtest(t, name, f)
//	t.Parallel()     =>   simstd.Parallel(t)
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

// isTestingTMethod reports whether call calls a method of *testing.T.
func (c *fileCtx) isTestingTMethod(call *dst.CallExpr) bool {
	a, ok := c.astOf(call).(*ast.CallExpr)
	if !ok {
		return false
	}
	se, ok := ast.Unparen(a.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := c.info.Selections[se]
	if s == nil || s.Kind() != types.MethodVal || len(s.Index()) != 1 { // promoted through embedding: leave it
		return false
	}
	fn := s.Obj().(*types.Func)
	recv := fn.Type().(*types.Signature).Recv()
	ptr, ok := recv.Type().(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == "T"
}
