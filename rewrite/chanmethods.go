package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteChanMethods turns the methods of named channel types into functions. A variant's
// channel types are pointers to simstd.Chan, and Go allows no methods on a named pointer
// type, so the receiver becomes the first parameter and every call passes it:
//
//	func (cw *closeWaiter) Init() { ... }   =>   func simgen_closeWaiter_Init(cw *closeWaiter) { ... }
//	func (cw closeWaiter) Wait() { ... }    =>   func simgen_closeWaiter_Wait(cw closeWaiter) { ... }
//	st.cw.Init(); st.cw.Wait()              =>   simgen_closeWaiter_Init(&st.cw); simgen_closeWaiter_Wait(st.cw)
//
// (An exported method's function is exported: Simgen_T_M.) What needs the methods themselves
// cannot be expressed, and checkChanMethodUses reports it: a method value or expression, and
// a value of such a type stored in an interface (its dynamic type would have no methods).
func rewriteChanMethods(c *fileCtx) {
	c.checkChanMethodUses()
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		switch n := cur.Node().(type) {
		case *dst.FuncDecl:
			c.chanMethodDecl(n)
		case *dst.CallExpr:
			if call := c.namedChanMethodCall(n); call != nil {
				c.replace(cur, n, call)
			}
		}
		return true
	})
}

// chanMethodDecl rewrites fd into a function when it is a method of a named channel type.
func (c *fileCtx) chanMethodDecl(fd *dst.FuncDecl) {
	a, ok := c.astOf(fd).(*ast.FuncDecl)
	if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
		return
	}
	fn, ok := c.info.Defs[a.Name].(*types.Func)
	if !ok {
		return
	}
	named := chanMethodType(fn)
	if named == nil {
		return
	}
	if named.TypeParams().Len() > 0 {
		c.findings = append(c.findings, Finding{Pos: c.pos(fd), What: "method " + fn.Name() + " of generic channel type " + named.Obj().Name(),
			Why: "the variant's channel types are pointers to simstd.Chan, which cannot have methods, and simgen turns methods of channel types into functions only for types without type parameters (//simgen:ignore cannot let it through: the variant would not compile)",
			Fix: "declare the methods on a struct type holding the channel", Binding: true})
		return
	}
	recv := fd.Recv.List[0]
	if len(recv.Names) == 0 {
		recv.Names = []*dst.Ident{dst.NewIdent("_")}
	}
	fd.Recv = nil
	fd.Type.Params.List = append([]*dst.Field{recv}, fd.Type.Params.List...)
	fd.Name.Name = chanMethodFunc(named, fn.Name())
}

// namedChanMethodCall returns the function call that stands for call when it calls a method of a
// named channel type, else nil.
func (c *fileCtx) namedChanMethodCall(call *dst.CallExpr) *dst.CallExpr {
	se, ok := unparen(call.Fun).(*dst.SelectorExpr)
	if !ok {
		return nil
	}
	a, ok := c.astOf(se).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	sel, ok := c.info.Selections[a]
	if !ok || sel.Kind() != types.MethodVal {
		return nil
	}
	fn := sel.Obj().(*types.Func)
	named := chanMethodType(fn)
	if named == nil || named.TypeParams().Len() > 0 {
		return nil
	}
	_, ptrRecv := fn.Type().(*types.Signature).Recv().Type().(*types.Pointer)
	_, ptrX := c.info.TypeOf(a.X).Underlying().(*types.Pointer)
	recv := se.X
	switch {
	case ptrRecv && !ptrX:
		recv = &dst.UnaryExpr{Op: token.AND, X: recv}
	case !ptrRecv && ptrX:
		recv = &dst.StarExpr{X: recv}
	}
	fun := &dst.Ident{Name: chanMethodFunc(named, fn.Name())}
	if p := named.Obj().Pkg(); p.Path() != c.pkg.PkgPath {
		fun.Path = c.paths.mapPath(p.Path())
	}
	out := &dst.CallExpr{Fun: fun, Args: append([]dst.Expr{recv}, call.Args...), Ellipsis: call.Ellipsis}
	out.Decs = call.Decs
	c.derive(out, call)
	return out
}

// chanMethodType returns the named channel type fn is a method of, or nil.
func chanMethodType(fn *types.Func) *types.Named {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return nil
	}
	if _, ok := named.Underlying().(*types.Chan); !ok {
		return nil
	}
	return named.Origin()
}

// chanMethodFunc names the function that method m of named channel type t becomes.
func chanMethodFunc(t *types.Named, m string) string {
	if token.IsExported(m) {
		return "Simgen_" + t.Obj().Name() + "_" + m
	}
	return "simgen_" + t.Obj().Name() + "_" + m
}

// hasChanMethods reports whether t, or the type t points to, is a named channel type with
// methods.
func hasChanMethods(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.NumMethods() == 0 {
		return false
	}
	_, ok = named.Underlying().(*types.Chan)
	return ok
}

// checkChanMethodUses reports what rewriteChanMethods cannot express: method values and
// method expressions of named channel types, and their values converted to interfaces.
func (c *fileCtx) checkChanMethodUses() {
	called := map[*ast.SelectorExpr]bool{}
	var funcs []*types.Signature // the enclosing functions' signatures, innermost last
	var stack []ast.Node
	ast.Inspect(c.astFile, func(n ast.Node) bool {
		if n == nil {
			if top := stack[len(stack)-1]; isFunc(top) {
				funcs = funcs[:len(funcs)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncDecl:
			funcs = append(funcs, c.info.Defs[n.Name].Type().(*types.Signature))
		case *ast.FuncLit:
			funcs = append(funcs, c.info.TypeOf(n).(*types.Signature))
		case *ast.CallExpr:
			if se, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				called[se] = true
			}
			c.checkIfaceArgs(n)
		case *ast.SelectorExpr:
			c.checkChanMethodValue(n, called[n])
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i, r := range n.Rhs {
					c.checkIface(r, c.info.TypeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, v := range n.Values {
					c.checkIface(v, c.info.TypeOf(n.Type))
				}
			}
		case *ast.ReturnStmt:
			if len(funcs) > 0 {
				res := funcs[len(funcs)-1].Results()
				if res.Len() == len(n.Results) {
					for i, r := range n.Results {
						c.checkIface(r, res.At(i).Type())
					}
				}
			}
		case *ast.SendStmt:
			if ch := coreChan(c.info.TypeOf(n.Chan)); ch != nil {
				c.checkIface(n.Value, ch.Elem())
			}
		case *ast.CompositeLit:
			c.checkIfaceElems(n)
		}
		return true
	})
}

func isFunc(n ast.Node) bool {
	switch n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		return true
	}
	return false
}

// checkChanMethodValue reports a method value or method expression of a named channel type.
func (c *fileCtx) checkChanMethodValue(se *ast.SelectorExpr, called bool) {
	sel, ok := c.info.Selections[se]
	if !ok || sel.Kind() == types.FieldVal || called && sel.Kind() == types.MethodVal {
		return
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || chanMethodType(fn) == nil {
		return
	}
	what := "method value "
	if sel.Kind() == types.MethodExpr {
		what = "method expression "
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(se.Sel.Pos(), false), What: what + se.Sel.Name + " of channel type " + sel.Recv().String(),
		Why: "the variant's channel types are pointers to simstd.Chan, which cannot have methods; simgen turns the methods into functions and rewrites their calls, not other uses",
		Fix: "call the method directly (wrap it in a func literal)", Binding: true})
}

// checkIfaceArgs checks the arguments of call against the interface parameters, or the
// interface type it converts to.
func (c *fileCtx) checkIfaceArgs(call *ast.CallExpr) {
	tv, ok := c.info.Types[call.Fun]
	if ok && tv.IsType() {
		if len(call.Args) == 1 {
			c.checkIface(call.Args[0], tv.Type)
		}
		return
	}
	sig, ok := c.info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok || c.tupleSpread(call) {
		return
	}
	params := sig.Params()
	for i, arg := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			pt = params.At(params.Len() - 1).Type()
			if !call.Ellipsis.IsValid() {
				pt = pt.(*types.Slice).Elem()
			}
		case i < params.Len():
			pt = params.At(i).Type()
		default:
			continue
		}
		c.checkIface(arg, pt)
	}
}

// checkIfaceElems checks the elements of a composite literal against interface field and
// element types.
func (c *fileCtx) checkIfaceElems(lit *ast.CompositeLit) {
	t := c.info.TypeOf(lit)
	if t == nil {
		return
	}
	for i, e := range lit.Elts {
		var want types.Type
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			e = kv.Value
			if m, ok := t.Underlying().(*types.Map); ok {
				c.checkIface(kv.Key, m.Key())
			}
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			if kv, ok := lit.Elts[i].(*ast.KeyValueExpr); ok {
				if f, ok := c.info.Uses[kv.Key.(*ast.Ident)].(*types.Var); ok {
					want = f.Type()
				}
			} else if i < u.NumFields() {
				want = u.Field(i).Type()
			}
		case *types.Slice:
			want = u.Elem()
		case *types.Array:
			want = u.Elem()
		case *types.Map:
			want = u.Elem()
		}
		if want != nil {
			c.checkIface(e, want)
		}
	}
}

// checkIface reports e, of a named channel type with methods, where an interface type want
// receives it: in the variant that type has no methods, so the interface would not hold the
// same dynamic type (and for one with methods, the variant would not compile).
func (c *fileCtx) checkIface(e ast.Expr, want types.Type) {
	if want == nil || !types.IsInterface(want) {
		return
	}
	t := c.info.TypeOf(e)
	if t == nil || types.IsInterface(t) || !hasChanMethods(t) {
		return
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(e.Pos(), false), What: "value of channel type " + t.String() + " stored in an interface",
		Why: "the variant's channel types are pointers to simstd.Chan, which cannot have methods; simgen turns the methods into functions, so the interface would not see them",
		Fix: "declare the methods on a struct type holding the channel", Binding: true})
}
