package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteCtxBridge converts contexts where a variant calls a package that is not simulated
// (std's log/slog and runtime/pprof, or a dependency left native). The variant's
// contexts are simstd/context.Context values, whose Done is a simulated channel; that package
// takes and returns std context.Context values:
//
//	slog.InfoContext(ctx, msg)   =>   slog.InfoContext(context.ToStd(ctx), msg)
//	r.Context()                  =>   context.FromStd(r.Context())
//
// (context is simstd/context.) ToStd's Done is a real channel closed when the simulated
// context is cancelled; FromStd bridges the other way and unwraps a ToStd adapter, so a
// context that goes out and comes back is the same context. Only parameters and single
// results of type context.Context itself are converted; a context inside another type (a
// func(context.Context) parameter, a struct field, a second result) stays a simgen check
// finding (see exchangesChans).
func rewriteCtxBridge(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		call, ok := cur.Node().(*dst.CallExpr)
		if !ok {
			return true
		}
		a, ok := c.astOf(call).(*ast.CallExpr)
		if !ok || len(a.Args) != len(call.Args) {
			return true
		}
		fn := c.foreignFunc(a)
		if fn == nil || c.tupleSpread(a) {
			return true
		}
		sig := fn.Type().(*types.Signature)
		for i, arg := range a.Args {
			if bridgedParam(sig, i) && !c.foreignValue(arg) {
				call.Args[i] = c.wrapCtx("ToStd", call.Args[i])
			}
		}
		if bridgedResult(sig) {
			c.replace(cur, call, c.wrapCtx("FromStd", call))
		}
		return true
	})
}

// wrapCtx returns the call of simstd/context's conversion fn on e.
func (c *fileCtx) wrapCtx(fn string, e dst.Expr) *dst.CallExpr {
	return &dst.CallExpr{Fun: simstdFunc("context." + fn), Args: []dst.Expr{e}}
}

// foreignFunc returns the function call calls when it is declared in a package that is
// neither the file's nor simulated; nil otherwise, and for the methods that rewriteSubtests
// routes to simstd (t.Context, through simstd/context.TestContext).
func (c *fileCtx) foreignFunc(call *ast.CallExpr) *types.Func {
	fn := c.calledFunc(call)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	path := fn.Pkg().Path()
	if path == c.pkg.PkgPath || c.paths.simulated(path) {
		return nil
	}
	if se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && c.isRoutedTestingMethod(se) {
		return nil
	}
	return fn
}

// tupleSpread reports whether call passes the results of a call as its arguments (f(g())):
// they cannot be converted one by one.
func (c *fileCtx) tupleSpread(call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	_, ok := c.info.TypeOf(call.Args[0]).(*types.Tuple)
	return ok
}

// bridgedParam reports whether the i'th argument of a call of a function with signature sig
// is passed for a parameter of type context.Context itself (not for a ...context.Context).
func bridgedParam(sig *types.Signature, i int) bool {
	params := sig.Params()
	if i >= params.Len() || sig.Variadic() && i >= params.Len()-1 {
		return false
	}
	return isStdContext(params.At(i).Type())
}

// bridgedResult reports whether a function of signature sig returns one result, of type
// context.Context.
func bridgedResult(sig *types.Signature) bool {
	return sig.Results().Len() == 1 && isStdContext(sig.Results().At(0).Type())
}

// isStdContext reports whether t is std's context.Context.
func isStdContext(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "context" && named.Obj().Name() == "Context"
}
