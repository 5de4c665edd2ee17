package rewrite

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteCtxDone keeps the variant's contexts std context.Context values, whose Done method
// returns a real <-chan struct{}, while the variant waits on simulated channels. Every call of
// a method Done() <-chan struct{} (context.Context's, or any with its signature) becomes a
// call that yields the simulated channel (context is simstd/context):
//
//	ctx.Done()   =>   context.DoneOf(ctx)     (an interface's method, or promoted from one)
//	t.Done()     =>   t.SimgenDone()          (a method declared in a rewritten package)
//	r.Done()     =>   context.ChanOf(r.Done()) (another package's concrete method)
//
// and every method of that signature declared in the package keeps it, for std and native code
// (a user context type still implements context.Context), with its body moved to SimgenDone:
//
//	func (c *C) Done() <-chan struct{} { body }
//	=>
//	func (c *C) SimgenDone() *simstd.Chan[struct{}] { body }
//	func (simgenR *C) Done() <-chan struct{} { return context.NativeDone(simgenR.SimgenDone()) }
//
// NativeDone's real channel closes with the simulated one; ChanOf maps it back. An unexported
// type that implements context.Context, has no AfterFunc and is embedded by no struct type of
// the package (see afterFuncTwin) also gets
//
//	func (simgenR *C) AfterFunc(f func()) func() bool { return context.UserAfterFunc(simgenR, f) }
//
// the method std looks for on a parent: a std context derived from a C (by std or native
// code) is then cancelled by a simulated goroutine, not by std's native watcher. The result
// types of these methods, and those of interface methods of the same signature, stay
// <-chan struct{} (nativeChans). A method value of Done (f := ctx.Done) is a finding.
func rewriteCtxDone(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		switch n := cur.Node().(type) {
		case *dst.CallExpr:
			c.rewriteDoneCall(cur, n)
		case *dst.SelectorExpr:
			c.checkDoneValue(cur, n)
		}
		return true
	})
	var decls []dst.Decl
	for _, d := range c.file.Decls {
		decls = append(decls, d)
		if fd, ok := d.(*dst.FuncDecl); ok && c.isDoneDecl(fd) {
			decls = append(decls, c.doneTwin(fd))
			if af := c.afterFuncTwin(fd); af != nil {
				decls = append(decls, af)
			}
		}
	}
	c.file.Decls = decls
}

// isDoneSig reports whether a method named name with signature sig is a Done method as
// context.Context declares it.
func isDoneSig(name string, sig *types.Signature) bool {
	if name != "Done" || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	ch, ok := sig.Results().At(0).Type().(*types.Chan)
	if !ok || ch.Dir() != types.RecvOnly {
		return false
	}
	st, ok := types.Unalias(ch.Elem()).(*types.Struct)
	return ok && st.NumFields() == 0
}

// doneSelection returns the method a selector expression selects when it is a Done method
// (see isDoneSig), with the selection.
func (c *fileCtx) doneSelection(se *ast.SelectorExpr) (*types.Func, *types.Selection) {
	sel, ok := c.info.Selections[se]
	if !ok || sel.Kind() == types.FieldVal {
		return nil, nil
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || !isDoneSig(fn.Name(), fn.Type().(*types.Signature)) {
		return nil, nil
	}
	return fn, sel
}

func (c *fileCtx) rewriteDoneCall(cur *dstutil.Cursor, call *dst.CallExpr) {
	se, ok := call.Fun.(*dst.SelectorExpr)
	if !ok || len(call.Args) != 0 {
		return
	}
	ase, ok := c.astOf(se).(*ast.SelectorExpr)
	if !ok {
		return
	}
	fn, sel := c.doneSelection(ase)
	if fn == nil || sel.Kind() != types.MethodVal {
		return
	}
	recv := fn.Type().(*types.Signature).Recv()
	var repl dst.Expr
	switch {
	case recv != nil && types.IsInterface(recv.Type()):
		repl = &dst.CallExpr{Fun: simstdFunc("context.DoneOf"), Args: []dst.Expr{se.X}}
	case fn.Pkg() != nil && (fn.Pkg() == c.pkg.Types || c.paths.targets[fn.Pkg().Path()]):
		repl = &dst.CallExpr{Fun: &dst.SelectorExpr{X: se.X, Sel: dst.NewIdent("SimgenDone")}}
	default:
		repl = &dst.CallExpr{Fun: simstdFunc("context.ChanOf"), Args: []dst.Expr{call}}
		c.derive(repl, call)
		cur.Replace(repl)
		return
	}
	c.replace(cur, call, repl)
}

// checkDoneValue reports a Done method used other than by calling it on a value (f :=
// ctx.Done, or a method expression (*T).Done): the function returns the real channel, which
// the variant cannot wait on.
func (c *fileCtx) checkDoneValue(cur *dstutil.Cursor, se *dst.SelectorExpr) {
	ase, ok := c.astOf(se).(*ast.SelectorExpr)
	if !ok {
		return
	}
	fn, sel := c.doneSelection(ase)
	if fn == nil {
		return
	}
	if call, ok := cur.Parent().(*dst.CallExpr); ok && call.Fun == se && sel.Kind() == types.MethodVal {
		return // rewriteDoneCall's
	}
	c.findings = append(c.findings, Finding{Pos: c.pos(se), What: "method value " + fn.FullName(),
		Why:     "the variant's Done calls are rewritten to reach the simulated channel, which a function value of Done does not (//simgen:ignore cannot let it through: the variant would not compile)",
		Fix:     "call the method where the channel is needed (func() <-chan struct{} { return ctx.Done() })",
		Binding: true})
}

// keepDoneSpecs keeps the result types of an interface's Done methods (see isDoneSig) native;
// rewriteChans calls it, so that it holds whichever rewrite runs first.
func (c *fileCtx) keepDoneSpecs(it *dst.InterfaceType) {
	for _, f := range it.Methods.List {
		if len(f.Names) != 1 {
			continue
		}
		if fn, ok := c.defOf(f.Names[0]).(*types.Func); ok && isDoneSig(fn.Name(), fn.Type().(*types.Signature)) {
			c.keepResult(f.Type.(*dst.FuncType))
		}
	}
}

// defOf returns the object the original of the identifier id defines.
func (c *fileCtx) defOf(id *dst.Ident) types.Object {
	a, ok := c.astOf(id).(*ast.Ident)
	if !ok {
		return nil
	}
	return c.info.Defs[a]
}

// nativeDoneChan returns a <-chan struct{} type expression that stays a std channel in the
// variant: the result type of a Done method.
func (c *fileCtx) nativeDoneChan() *dst.ChanType {
	ch := &dst.ChanType{Dir: dst.RECV, Value: &dst.StructType{Fields: &dst.FieldList{Opening: true, Closing: true}}}
	c.nativeChans[ch] = true
	return ch
}

// keepResult marks the channel type of ft's single result native.
func (c *fileCtx) keepResult(ft *dst.FuncType) {
	if ch, ok := ft.Results.List[0].Type.(*dst.ChanType); ok {
		c.nativeChans[ch] = true
	}
}

// isDoneDecl reports whether fd declares a Done method (see isDoneSig), renaming it to
// SimgenDone if so.
func (c *fileCtx) isDoneDecl(fd *dst.FuncDecl) bool {
	if fd.Recv == nil || fd.Name.Name != "Done" {
		return false
	}
	fn, ok := c.defOf(fd.Name).(*types.Func)
	if !ok || !isDoneSig(fn.Name(), fn.Type().(*types.Signature)) {
		return false
	}
	fd.Name.Name = "SimgenDone"
	return true
}

// doneTwin returns the Done method that stands beside fd, renamed SimgenDone, for std and
// native code: it returns NativeDone of SimgenDone's channel.
func (c *fileCtx) doneTwin(fd *dst.FuncDecl) *dst.FuncDecl {
	ft := &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true},
		Results: &dst.FieldList{List: []*dst.Field{{Type: c.nativeDoneChan()}}}}
	simDone := &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(twinRecv), Sel: dst.NewIdent("SimgenDone")}}
	return c.twin(fd, "Done", ft, &dst.CallExpr{Fun: simstdFunc("context.NativeDone"), Args: []dst.Expr{simDone}})
}

// twinRecv names the receiver of the methods rewriteCtxDone adds.
const twinRecv = "simgenR"

// twin returns the method name, of type ft, with fd's receiver type, returning result, on
// fd's line.
func (c *fileCtx) twin(fd *dst.FuncDecl, name string, ft *dst.FuncType, result dst.Expr) *dst.FuncDecl {
	recv := &dst.Field{Names: []*dst.Ident{dst.NewIdent(twinRecv)}, Type: dst.Clone(fd.Recv.List[0].Type).(dst.Expr)}
	ret := &dst.ReturnStmt{Results: []dst.Expr{result}}
	m := &dst.FuncDecl{
		Recv: &dst.FieldList{Opening: true, Closing: true, List: []*dst.Field{recv}},
		Name: dst.NewIdent(name),
		Type: ft,
		Body: &dst.BlockStmt{List: []dst.Stmt{ret}},
	}
	m.Decs.Before = dst.NewLine
	if line, ok := c.lineOf(fd); ok {
		c.lines[m], c.lines[ret] = line, line
	}
	return m
}

// afterFuncTwin returns the AfterFunc method for the receiver of fd, a Done method renamed
// SimgenDone (on the pointer when only the pointer is a context), or nil when the receiver
// type is not a context.Context, already has an AfterFunc (a method or a field, at any
// depth), or may be embedded (see embeddable).
func (c *fileCtx) afterFuncTwin(fd *dst.FuncDecl) *dst.FuncDecl {
	fn, ok := c.defOf(fd.Name).(*types.Func)
	if !ok {
		return nil
	}
	recv := fn.Type().(*types.Signature).Recv().Type()
	recvExpr := dst.Clone(fd.Recv.List[0].Type).(dst.Expr)
	if _, isPtr := recv.(*types.Pointer); !isPtr && !c.implementsContext(recv) {
		// Done on the value, the other methods on the pointer: *T is the context
		recv, recvExpr = types.NewPointer(recv), &dst.StarExpr{X: recvExpr}
	}
	if obj, _, _ := types.LookupFieldOrMethod(recv, true, c.pkg.Types, "AfterFunc"); obj != nil || !c.implementsContext(recv) || c.embeddable(recv) {
		return nil
	}
	empty := func() *dst.FieldList { return &dst.FieldList{Opening: true, Closing: true} }
	fType := &dst.FuncType{Func: true, Params: empty()}
	stopType := &dst.FuncType{Func: true, Params: empty(), Results: &dst.FieldList{List: []*dst.Field{{Type: dst.NewIdent("bool")}}}}
	ft := &dst.FuncType{Func: true,
		Params:  &dst.FieldList{Opening: true, Closing: true, List: []*dst.Field{{Names: []*dst.Ident{dst.NewIdent("f")}, Type: fType}}},
		Results: &dst.FieldList{List: []*dst.Field{{Type: stopType}}}}
	m := c.twin(fd, "AfterFunc", ft, &dst.CallExpr{Fun: simstdFunc("context.UserAfterFunc"), Args: []dst.Expr{dst.NewIdent(twinRecv), dst.NewIdent("f")}})
	m.Recv.List[0].Type = recvExpr
	return m
}

// embeddable reports whether a struct type may embed t's named type, at any depth: an
// AfterFunc added to t would be promoted to it, beside or past its other methods (its Done may
// come from another embedded field, or another field may have an AfterFunc). Other packages
// (external tests included) may embed an exported type or one an alias names, which this
// package cannot see; for an unexported one every struct type of the package is checked,
// named or not.
func (c *fileCtx) embeddable(t types.Type) bool {
	target := baseNamed(t)
	if target == nil {
		return true
	}
	if target.Obj().Exported() {
		return true
	}
	var structs []*types.Struct
	for _, obj := range c.info.Defs {
		if tn, ok := obj.(*types.TypeName); ok && tn.IsAlias() && tn.Exported() && baseNamed(tn.Type()) != nil && baseNamed(tn.Type()).Origin() == target.Origin() {
			return true // another package may embed it by the alias
		}
		if obj != nil {
			if st, ok := obj.Type().Underlying().(*types.Struct); ok {
				structs = append(structs, st)
			}
		}
	}
	for _, tv := range c.info.Types {
		if tv.Type != nil {
			if st, ok := tv.Type.Underlying().(*types.Struct); ok {
				structs = append(structs, st)
			}
		}
	}
	seen := map[*types.Struct]bool{}
	for _, st := range structs {
		if embedsNamed(st, target, seen) {
			return true
		}
	}
	return false
}

// embedsNamed reports whether st embeds target, or a struct that does; seen holds the
// structs already looked into.
func embedsNamed(st *types.Struct, target *types.Named, seen map[*types.Struct]bool) bool {
	if seen[st] {
		return false
	}
	seen[st] = true
	for i := range st.NumFields() {
		f := st.Field(i)
		if !f.Embedded() {
			if inner, ok := f.Type().Underlying().(*types.Struct); ok && embedsNamed(inner, target, seen) {
				return true // a field of struct type embedding it: its selectors are checked too
			}
			continue
		}
		n := baseNamed(f.Type())
		if n == nil {
			continue
		}
		if n.Origin() == target.Origin() {
			return true
		}
		if inner, ok := n.Underlying().(*types.Struct); ok && embedsNamed(inner, target, seen) {
			return true
		}
	}
	return false
}

// baseNamed returns the named type t is or points to, or nil.
func baseNamed(t types.Type) *types.Named {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// implementsContext reports whether t's method set has context.Context's methods (Done is
// checked by the caller): Deadline() (time.Time, bool), Err() error and Value(any) any. It
// is checked by signature, as the package need not import context. From a file that is not
// a test, methods declared in test files do not count: they are not in the package's build.
func (c *fileCtx) implementsContext(t types.Type) bool {
	method := func(name string) *types.Signature {
		obj, _, _ := types.LookupFieldOrMethod(t, false, c.pkg.Types, name)
		fn, ok := obj.(*types.Func)
		if !ok || !c.isTest && strings.HasSuffix(c.fset.PositionFor(fn.Pos(), false).Filename, "_test.go") {
			return nil
		}
		return fn.Type().(*types.Signature)
	}
	empty := types.NewInterfaceType(nil, nil).Complete()
	isAny := func(t types.Type) bool { return types.Identical(types.Unalias(t), empty) }
	errT := types.Universe.Lookup("error").Type()
	deadline, err, value := method("Deadline"), method("Err"), method("Value")
	if deadline == nil || err == nil || value == nil {
		return false
	}
	if deadline.Params().Len() != 0 || deadline.Results().Len() != 2 ||
		!isNamed(deadline.Results().At(0).Type(), "time", "Time") || !types.Identical(deadline.Results().At(1).Type(), types.Typ[types.Bool]) {
		return false
	}
	if err.Params().Len() != 0 || err.Results().Len() != 1 || !types.Identical(err.Results().At(0).Type(), errT) {
		return false
	}
	return value.Params().Len() == 1 && value.Results().Len() == 1 && !value.Variadic() &&
		isAny(value.Params().At(0).Type()) && isAny(value.Results().At(0).Type())
}

// isNamed reports whether t is the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}
