package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteGo turns go statements into simstd.Go calls. As with go, the function value, receiver
// and arguments are evaluated at the statement, into temporaries that the new goroutine's
// closure calls with:
//
//	go f(x, y)               =>  func() { fn, arg0 := f, x; simstd.Go(func() { fn(arg0, y) }) }()
//	go func() { ... }()      =>  simstd.Go(func() { ... })
//	go func(i int) { ... }(x) => func(i int) { simstd.Go(func() { ... }) }(x)
//
// The temporaries live in a function literal called on the spot rather than in a block, so
// that gofmt keeps a short go statement on its line. Values whose evaluation has no effect
// (declared functions, function literals, constants) are used in place, which also keeps
// untyped constants and type inference working.
func rewriteGo(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		if g, ok := cur.Node().(*dst.GoStmt); ok {
			if repl := c.goStmt(g); repl != nil {
				c.replace(cur, g, repl)
			}
		}
		return true
	})
}

func (c *fileCtx) goStmt(g *dst.GoStmt) dst.Stmt {
	call := g.Call
	if lit, ok := call.Fun.(*dst.FuncLit); ok && noResults(lit.Type) {
		if len(call.Args) == 0 && len(lit.Type.Params.List) == 0 {
			return simstdGo(lit)
		}
		// The literal's parameters are the temporaries: calling it evaluates the arguments.
		body := lit.Body
		lit.Body = &dst.BlockStmt{List: []dst.Stmt{simstdGo(&dst.FuncLit{Type: nullary(), Body: body})}}
		return &dst.ExprStmt{X: call}
	}
	if repl := c.namedChanMethodCall(call); repl != nil {
		// as rewriteChanMethods does, whichever runs first: the receiver is an argument
		call = repl
	}
	b := &goBinder{c: c}
	fun := b.fun(call)
	args := b.args(call)
	if fun == nil || args == nil && len(call.Args) > 0 {
		return nil
	}
	goCall := simstdGo(&dst.FuncLit{
		Type: nullary(),
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ExprStmt{X: &dst.CallExpr{Fun: fun, Args: args, Ellipsis: call.Ellipsis}}}},
	})
	if len(b.stmts) == 0 {
		return goCall
	}
	bind := &dst.FuncLit{Type: nullary(), Body: &dst.BlockStmt{List: append(b.flush(), goCall)}}
	return &dst.ExprStmt{X: &dst.CallExpr{Fun: bind}}
}

func nullary() *dst.FuncType {
	return &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}}
}

func noResults(ft *dst.FuncType) bool {
	return ft.Results == nil || len(ft.Results.List) == 0
}

func simstdGo(fn dst.Expr) dst.Stmt {
	return &dst.ExprStmt{X: &dst.CallExpr{Fun: simstd("Go"), Args: []dst.Expr{fn}}}
}

// goBinder collects the temporaries of one go statement, in evaluation order.
type goBinder struct {
	c     *fileCtx
	lhs   []dst.Expr
	rhs   []dst.Expr
	stmts []dst.Stmt
	n     int
}

// bind evaluates e into a new temporary and returns a reference to it.
func (b *goBinder) bind(e dst.Expr, name string) dst.Expr {
	b.lhs = append(b.lhs, dst.NewIdent(name))
	b.rhs = append(b.rhs, e)
	if len(b.stmts) == 0 {
		b.stmts = append(b.stmts, nil) // placeholder for the shared assignment
	}
	ref := dst.NewIdent(name)
	b.c.derive(ref, e)
	return ref
}

func (b *goBinder) argName() string {
	name := b.c.goArgPrefix() + strconv.Itoa(b.n)
	b.n++
	return name
}

// flush returns the statements evaluating every temporary: one assignment, plus one per
// multi-valued call, which cannot share an assignment.
func (b *goBinder) flush() []dst.Stmt {
	var out []dst.Stmt
	for _, s := range b.stmts {
		if s == nil {
			if len(b.lhs) > 0 {
				out = append(out, &dst.AssignStmt{Lhs: b.lhs, Tok: token.DEFINE, Rhs: b.rhs})
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// fun returns what the closure calls.
func (b *goBinder) fun(call *dst.CallExpr) dst.Expr {
	c := b.c
	if recv, method, ok := c.chanMethodCall(call); ok {
		return &dst.SelectorExpr{X: b.chanRecv(recv), Sel: method}
	}
	if c.isStaticFunc(call.Fun) {
		return call.Fun
	}
	return b.bind(call.Fun, c.goFuncName())
}

// chanRecv binds the channel a rewritten close, len or cap is called on, keeping the
// conversion of a named channel type outside the temporary so the result is the same whether
// rewriteChans ran before or after this rewrite.
func (b *goBinder) chanRecv(recv dst.Expr) dst.Expr {
	if conv, ok := recv.(*dst.CallExpr); ok && b.c.astOf(conv) != nil && b.c.dec.Ast.Nodes[conv] == nil && len(conv.Args) == 1 {
		conv.Args[0] = b.bind(conv.Args[0], b.argName())
		return conv
	}
	return b.bind(recv, b.argName())
}

// chanMethodCall recognizes ch.Close() and friends created by rewriteChans from a builtin call.
func (c *fileCtx) chanMethodCall(call *dst.CallExpr) (recv dst.Expr, method *dst.Ident, ok bool) {
	sel, isSel := call.Fun.(*dst.SelectorExpr)
	if !isSel || c.dec.Ast.Nodes[call] != nil || len(call.Args) != 0 {
		return nil, nil, false
	}
	orig, isCall := c.astOf(call).(*ast.CallExpr)
	if !isCall {
		return nil, nil, false
	}
	if id, isID := ast.Unparen(orig.Fun).(*ast.Ident); isID {
		if _, builtin := c.info.Uses[id].(*types.Builtin); builtin {
			return sel.X, sel.Sel, true
		}
	}
	return nil, nil, false
}

// isStaticFunc reports whether evaluating e has no effect and always yields the same function:
// a declared function (possibly instantiated), a method expression, a builtin or a literal.
func (c *fileCtx) isStaticFunc(e dst.Expr) bool {
	switch e := unparen(e).(type) {
	case *dst.FuncLit:
		return true
	case *dst.Ident:
		switch c.objectOf(e).(type) {
		case *types.Func, *types.Builtin:
			return true
		}
	case *dst.IndexExpr:
		return c.isStaticFunc(e.X)
	case *dst.IndexListExpr:
		return c.isStaticFunc(e.X)
	case *dst.SelectorExpr:
		a, ok := c.astOf(e).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		sel := c.info.Selections[a]
		return sel != nil && sel.Kind() == types.MethodExpr
	}
	return false
}

// args returns the closure's arguments, binding those that must be evaluated now.
func (b *goBinder) args(call *dst.CallExpr) []dst.Expr {
	c := b.c
	var out []dst.Expr
	for _, a := range call.Args {
		tv, _ := c.typeAndValue(a)
		switch {
		case tv.Value != nil || tv.IsNil() || isFuncLit(a):
			out = append(out, a)
		case isTuple(tv.Type):
			out = append(out, b.bindTuple(a, tv.Type.(*types.Tuple))...)
		default:
			bound, ok := b.convertUntyped(a, tv.Type)
			if !ok {
				return nil
			}
			out = append(out, b.bind(bound, b.argName()))
		}
	}
	return out
}

func isFuncLit(e dst.Expr) bool {
	_, ok := unparen(e).(*dst.FuncLit)
	return ok
}

func isTuple(t types.Type) bool {
	tup, ok := t.(*types.Tuple)
	return ok && tup.Len() > 1
}

// bindTuple binds the results of a multi-valued call f(g()) in an assignment of its own.
func (b *goBinder) bindTuple(e dst.Expr, tup *types.Tuple) []dst.Expr {
	var lhs, refs []dst.Expr
	for range tup.Len() {
		name := b.argName()
		lhs = append(lhs, dst.NewIdent(name))
		refs = append(refs, dst.NewIdent(name))
	}
	b.stmts = append(b.stmts, &dst.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: []dst.Expr{e}})
	return refs
}

// convertUntyped gives a context-typed argument (a comparison, say, or a shift of an untyped
// constant) the type it has in the call, because the temporary would otherwise take the
// default type and no longer fit the parameter.
func (b *goBinder) convertUntyped(a dst.Expr, t types.Type) (dst.Expr, bool) {
	if !contextTyped(a) || t == nil || isDefaultType(t) {
		return a, true
	}
	te, err := b.c.typeExpr(t)
	if err != nil {
		b.c.finding(a, "argument of a go statement", "simgen cannot name its type ("+err.Error()+")",
			"convert the argument to the parameter type explicitly")
		return nil, false
	}
	return conversion(te, a), true
}

// conversion builds T(x), parenthesizing T when it is not a (qualified) name.
func conversion(t, x dst.Expr) dst.Expr {
	if _, ok := t.(*dst.Ident); !ok {
		t = &dst.ParenExpr{X: t}
	}
	return &dst.CallExpr{Fun: t, Args: []dst.Expr{x}}
}

// contextTyped reports whether the type of e comes from where it is used.
func contextTyped(e dst.Expr) bool {
	switch e := unparen(e).(type) {
	case *dst.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR, token.SHL, token.SHR:
			return true
		}
	case *dst.UnaryExpr:
		return e.Op == token.NOT
	}
	return false
}

func isDefaultType(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && (b.Kind() == types.Bool || b.Kind() == types.Int)
}

// goFuncName and goArgPrefix name the temporaries of go statements; they are spelled nowhere
// else in the file, so they cannot shadow what the closure refers to.
func (c *fileCtx) goFuncName() string {
	if c.goFn == "" {
		c.goFn = c.fresh("fn")
	}
	return c.goFn
}

func (c *fileCtx) goArgPrefix() string {
	if c.goArg == "" {
		c.goArg = c.freshPrefix("arg")
	}
	return c.goArg
}
