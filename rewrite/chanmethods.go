package rewrite

import (
	"fmt"
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
	named := c.rewrittenChanMethodType(fn)
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
		c.extraImports[fun.Path] = p.Name() // the file may reach the type without importing it
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

// rewrittenChanMethodType is chanMethodType for a type of a package rewritten in this run (or
// simstd): a native package's methods stay methods.
func (c *fileCtx) rewrittenChanMethodType(fn *types.Func) *types.Named {
	named := chanMethodType(fn)
	if named == nil {
		return nil
	}
	if p := named.Obj().Pkg(); p == nil || p.Path() != c.pkg.PkgPath && !c.paths.simulated(p.Path()) {
		return nil
	}
	return named
}

// chanMethodFunc names the function that method m of named channel type t becomes.
// The type name's length keeps names apart that underscores alone would not (type a_b,
// method c; type a, method b_c).
func chanMethodFunc(t *types.Named, m string) string {
	name := fmt.Sprintf("imgen%d_%s_%s", len(t.Obj().Name()), t.Obj().Name(), m)
	if token.IsExported(m) {
		return "S" + name
	}
	return "s" + name
}

// hasChanMethods reports whether t, or the type t points to, is a named channel type with
// methods, of a package rewritten in this run.
func (c *fileCtx) hasChanMethods(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.NumMethods() == 0 {
		return false
	}
	if _, ok := named.Underlying().(*types.Chan); !ok {
		return false
	}
	p := named.Obj().Pkg()
	return p != nil && (p.Path() == c.pkg.PkgPath || c.paths.simulated(p.Path()))
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
			switch {
			case n.Tok != token.ASSIGN:
			case len(n.Lhs) == len(n.Rhs):
				for i, r := range n.Rhs {
					c.checkIface(r, c.info.TypeOf(n.Lhs[i]))
				}
			case len(n.Rhs) == 1:
				c.checkIfaceTuple(n.Rhs[0], func(i int) types.Type { return c.info.TypeOf(n.Lhs[i]) })
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				want := c.info.TypeOf(n.Type)
				for _, v := range n.Values {
					c.checkIface(v, want)
				}
				if len(n.Values) == 1 && len(n.Names) > 1 {
					c.checkIfaceTuple(n.Values[0], func(int) types.Type { return want })
				}
			}
		case *ast.ReturnStmt:
			if len(funcs) > 0 {
				res := funcs[len(funcs)-1].Results()
				switch {
				case res.Len() == len(n.Results):
					for i, r := range n.Results {
						c.checkIface(r, res.At(i).Type())
					}
				case len(n.Results) == 1:
					c.checkIfaceTuple(n.Results[0], func(i int) types.Type { return res.At(i).Type() })
				}
			}
		case *ast.IndexExpr:
			if m, ok := c.info.TypeOf(n.X).Underlying().(*types.Map); ok {
				c.checkIface(n.Index, m.Key())
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
	c.checkChanMethodTypeArgs()
}

// checkChanMethodTypeArgs reports a named channel type with methods passed as a type
// argument: in the variant the type has none, so it would not satisfy a constraint with
// methods, and generic code that stores it in an interface would not see them.
func (c *fileCtx) checkChanMethodTypeArgs() {
	for id, inst := range c.info.Instances {
		if c.fset.File(id.Pos()) != c.fset.File(c.astFile.Pos()) {
			continue
		}
		var tparams *types.TypeParamList
		switch t := inst.Type.(type) {
		case *types.Signature:
			if fn, ok := c.info.Uses[id].(*types.Func); ok {
				tparams = fn.Type().(*types.Signature).TypeParams()
			}
		case *types.Named:
			tparams = t.Origin().TypeParams()
		}
		for i := range inst.TypeArgs.Len() {
			arg := inst.TypeArgs.At(i)
			if tparams == nil || i >= tparams.Len() || !c.hasChanMethods(arg) {
				continue
			}
			// Even under any, generic code may store the value in an interface (fmt.Println(x)),
			// where it would lose its methods.
			c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(id.Pos(), false), What: "type argument " + arg.String() + " of " + id.Name,
				Why: "the variant's channel types are pointers to simstd.Chan, which cannot have methods; simgen turns the methods into functions, so the type would not satisfy a constraint's methods, nor keep them in an interface (//simgen:ignore cannot let it through: the variant would not compile or would differ)",
				Fix: "declare the methods on a struct type holding the channel", Binding: true})
		}
	}
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
	if !ok || c.rewrittenChanMethodType(fn) == nil {
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
	if !ok {
		return
	}
	params := sig.Params()
	param := func(i int) types.Type {
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			pt := params.At(params.Len() - 1).Type()
			if !call.Ellipsis.IsValid() {
				pt = pt.(*types.Slice).Elem()
			}
			return pt
		case i < params.Len():
			return params.At(i).Type()
		}
		return nil
	}
	if c.tupleSpread(call) { // f(g()), fmt.Println(g())
		c.checkIfaceTuple(call.Args[0], param)
		return
	}
	for i, arg := range call.Args {
		c.checkIface(arg, param(i))
	}
}

// checkIfaceElems checks the elements of a composite literal against interface field and
// element types.
func (c *fileCtx) checkIfaceElems(lit *ast.CompositeLit) {
	t := c.info.TypeOf(lit)
	if p, ok := t.(*types.Pointer); ok { // an elided &T in a literal of []*T
		t = p.Elem()
	}
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
	c.checkIfaceType(e.Pos(), c.info.TypeOf(e), want)
}

// checkIfaceTuple checks the values of the multi-value expression e against wants.
func (c *fileCtx) checkIfaceTuple(e ast.Expr, wants func(i int) types.Type) {
	tuple, ok := c.info.TypeOf(e).(*types.Tuple)
	if !ok {
		return
	}
	for i := range tuple.Len() {
		c.checkIfaceType(e.Pos(), tuple.At(i).Type(), wants(i))
	}
}

// checkIfaceType reports a value of type t, at pos, where an interface type want receives it.
func (c *fileCtx) checkIfaceType(pos token.Pos, t, want types.Type) {
	if want == nil || !types.IsInterface(want) {
		return
	}
	if t == nil || types.IsInterface(t) || !c.hasChanMethods(t) {
		return
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(pos, false), What: "value of channel type " + t.String() + " stored in an interface",
		Why: "the variant's channel types are pointers to simstd.Chan, which cannot have methods; simgen turns the methods into functions, so the interface would not see them",
		Fix: "declare the methods on a struct type holding the channel", Binding: true})
}
