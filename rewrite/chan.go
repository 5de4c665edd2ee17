package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteChans routes channels through simstd: every channel type becomes *simstd.Chan[T]
// (direction dropped; the results of Done methods excepted, see rewriteCtxDone) and make,
// send, receive, comma-ok receive, close, len, cap and range become calls on it. Channel
// operations that are select cases belong to rewriteSelect.
func rewriteChans(c *fileCtx) {
	comm := commOps(c.file)
	dst.Inspect(c.file, func(n dst.Node) bool {
		if it, ok := n.(*dst.InterfaceType); ok {
			c.keepDoneSpecs(it)
		}
		return true
	})
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		switch n := cur.Node().(type) {
		case *dst.ChanType:
			if !c.nativeChans[n] {
				c.replace(cur, n, chanOf(n.Value))
			}
		case *dst.SendStmt:
			if !comm[n] {
				c.rewriteSend(cur, n)
			}
		case *dst.UnaryExpr:
			if n.Op == token.ARROW && !comm[n] {
				c.rewriteRecv(cur, n)
			}
		case *dst.CallExpr:
			c.rewriteChanBuiltin(cur, n)
		case *dst.RangeStmt:
			c.rewriteChanRange(cur, n)
		case *dst.BinaryExpr:
			c.dedupUnion(cur, n)
		}
		return true
	})
}

// dedupUnion removes the terms of a type union that become the same type once channel
// directions are dropped (~chan int | ~<-chan int), which Go rejects as overlapping.
func (c *fileCtx) dedupUnion(cur *dstutil.Cursor, n *dst.BinaryExpr) {
	if n.Op != token.OR {
		return
	}
	terms := flattenUnion(n)
	var keep []dst.Expr
	seen := map[string]bool{}
	for _, t := range terms {
		key, ok := c.termKey(t)
		if !ok {
			return // not a union of types
		}
		if !seen[key] {
			seen[key] = true
			keep = append(keep, t)
		}
	}
	if len(keep) == len(terms) {
		return
	}
	u := keep[0]
	for _, t := range keep[1:] {
		u = &dst.BinaryExpr{X: u, Op: token.OR, Y: t}
	}
	c.replace(cur, n, u)
}

func flattenUnion(e dst.Expr) []dst.Expr {
	if b, ok := e.(*dst.BinaryExpr); ok && b.Op == token.OR {
		return append(flattenUnion(b.X), flattenUnion(b.Y)...)
	}
	return []dst.Expr{e}
}

// termKey identifies a union term by its type with channel directions dropped.
func (c *fileCtx) termKey(e dst.Expr) (string, bool) {
	tilde := ""
	if u, ok := e.(*dst.UnaryExpr); ok && u.Op == token.TILDE {
		tilde, e = "~", u.X
	}
	a, ok := c.astOf(e).(ast.Expr)
	if !ok {
		return "", false
	}
	tv, ok := c.info.Types[a]
	if !ok || !tv.IsType() {
		return "", false
	}
	return tilde + undirected(tv.Type), true
}

// undirected spells t with every channel direction dropped, the way the variant sees it.
func undirected(t types.Type) string {
	s := types.TypeString(t, nil)
	return strings.NewReplacer("<-chan ", "chan ", "chan<- ", "chan ").Replace(s)
}

// replace swaps n for repl under the cursor and records the replacement.
func (c *fileCtx) replace(cur *dstutil.Cursor, n, repl dst.Node) {
	cur.Replace(repl)
	c.replaced(n, repl)
}

// commOps returns the channel operations that are select cases.
func commOps(f *dst.File) map[dst.Node]bool {
	ops := map[dst.Node]bool{}
	dst.Inspect(f, func(n dst.Node) bool {
		cc, ok := n.(*dst.CommClause)
		if !ok || cc.Comm == nil {
			return true
		}
		switch s := cc.Comm.(type) {
		case *dst.SendStmt:
			ops[s] = true
		case *dst.ExprStmt:
			ops[unparen(s.X)] = true
		case *dst.AssignStmt:
			ops[unparen(s.Rhs[0])] = true
		}
		return true
	})
	return ops
}

func (c *fileCtx) rewriteSend(cur *dstutil.Cursor, n *dst.SendStmt) {
	ch := c.chanExpr(n.Chan)
	if ch == nil {
		return
	}
	c.replace(cur, n, &dst.ExprStmt{X: methodCall(ch, "Send", n.Value)})
}

// rewriteRecv turns <-ch into ch.Recv(), or into ch.Recv2() when it is the single right-hand
// side of a two-value assignment or declaration (v, ok := <-ch).
func (c *fileCtx) rewriteRecv(cur *dstutil.Cursor, n *dst.UnaryExpr) {
	ch := c.chanExpr(n.X)
	if ch == nil {
		return
	}
	var ok dst.Expr // where a two-value receive's ok goes
	switch p := cur.Parent().(type) {
	case *dst.AssignStmt:
		if len(p.Lhs) == 2 && len(p.Rhs) == 1 {
			ok = p.Lhs[1]
		}
	case *dst.ValueSpec:
		if len(p.Names) == 2 && len(p.Values) == 1 {
			ok = p.Names[1]
		}
	}
	if ok == nil {
		c.replace(cur, n, methodCall(ch, "Recv"))
		return
	}
	c.replace(cur, n, c.okAs(ok, methodCall(ch, "Recv2")))
}

// okAs returns recv, a two-value receive (Recv2 or Take2), wrapped in simstd.OkAs[B] when its
// ok goes to a variable of a named boolean type B: Go's ok is an untyped boolean, which such a
// variable takes, but the methods return a bool.
func (c *fileCtx) okAs(ok dst.Expr, recv dst.Expr) dst.Expr {
	t := c.typeOf(ok)
	if t == nil || types.Identical(t, types.Typ[types.Bool]) {
		return recv
	}
	if b, isBasic := t.Underlying().(*types.Basic); !isBasic || b.Kind() != types.Bool {
		return recv // an interface: it takes a bool as it would the untyped one
	}
	typ, err := c.typeExpr(t)
	if err != nil {
		c.finding(ok, "receive into "+types.TypeString(t, nil), "simgen cannot name the type in the variant", "receive into a bool and convert it")
		return recv
	}
	return &dst.CallExpr{Fun: &dst.IndexExpr{X: simstd("OkAs"), Index: typ}, Args: []dst.Expr{recv}}
}

func (c *fileCtx) rewriteChanBuiltin(cur *dstutil.Cursor, n *dst.CallExpr) {
	name := c.builtinName(n)
	switch name {
	case "make":
		c.rewriteMakeChan(cur, n)
	case "close", "len", "cap":
		if len(n.Args) != 1 || coreChan(c.typeOf(n.Args[0])) == nil {
			return
		}
		ch := c.chanExpr(n.Args[0])
		if ch == nil {
			return
		}
		method := map[string]string{"close": "Close", "len": "Len", "cap": "Cap"}[name]
		c.replace(cur, n, methodCall(ch, method))
	}
}

// rewriteMakeChan turns make(chan T, n) into simstd.NewChan[T](n), converted back to the
// named type or type parameter the original made.
func (c *fileCtx) rewriteMakeChan(cur *dstutil.Cursor, n *dst.CallExpr) {
	if len(n.Args) == 0 {
		return
	}
	t := c.typeOf(n.Args[0])
	ch := coreChan(t)
	if ch == nil {
		return
	}
	elem := chanElemExpr(n.Args[0])
	if elem == nil {
		var err error
		if elem, err = c.typeExpr(ch.Elem()); err != nil {
			c.finding(n, "make of a channel type", "simgen cannot name its element type in the variant ("+err.Error()+")",
				"use a channel type whose element type is exported")
			return
		}
	}
	var size dst.Expr = &dst.BasicLit{Kind: token.INT, Value: "0"}
	if len(n.Args) > 1 {
		size = c.asInt(n.Args[1])
	}
	var made dst.Expr = &dst.CallExpr{Fun: &dst.IndexExpr{X: simstd("NewChan"), Index: elem}, Args: []dst.Expr{size}}
	if !isPlainChan(t) {
		made = conversion(n.Args[0], made)
	}
	c.replace(cur, n, made)
}

// asInt converts a buffer size of another integer type to int, the parameter type of
// simstd.NewChan; make accepts any integer type.
func (c *fileCtx) asInt(e dst.Expr) dst.Expr {
	tv, ok := c.typeAndValue(e)
	if !ok || tv.Type == nil || types.Identical(tv.Type, types.Typ[types.Int]) {
		return e
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return e
	}
	return &dst.CallExpr{Fun: dst.NewIdent("int"), Args: []dst.Expr{e}}
}

// chanElemExpr returns T when e spells *simstd.Chan[T], the form a channel type literal
// takes once rewritten.
func chanElemExpr(e dst.Expr) dst.Expr {
	star, ok := unparen(e).(*dst.StarExpr)
	if !ok {
		return nil
	}
	idx, ok := star.X.(*dst.IndexExpr)
	if !ok {
		return nil
	}
	if id, ok := idx.X.(*dst.Ident); ok && id.Name == "Chan" && id.Path == SimstdPath {
		return dst.Clone(idx.Index).(dst.Expr)
	}
	return nil
}

// rewriteChanRange turns a range over a channel into a three-clause loop (see rangeLoop):
//
//	for v := range ch { body }   =>   for it, v := simstd.ChanIter(ch); it.Next(&v); { body }
func (c *fileCtx) rewriteChanRange(cur *dstutil.Cursor, n *dst.RangeStmt) {
	if coreChan(c.typeOf(n.X)) == nil {
		return
	}
	ch := c.chanExpr(n.X)
	if ch == nil {
		return
	}
	start := &dst.CallExpr{Fun: simstd("ChanIter"), Args: []dst.Expr{ch}}
	c.derive(start, n.X)
	c.rangeLoop(cur, n, start, []string{"val"})
}

// chanExpr returns an expression of type *simstd.Chan[T] for the channel expression e. A
// named channel type or type parameter is converted first because, unlike the pointer type,
// it has none of simstd.Chan's methods.
func (c *fileCtx) chanExpr(e dst.Expr) dst.Expr {
	t := c.typeOf(e)
	ch := coreChan(t)
	if ch == nil {
		return nil
	}
	if isPlainChan(t) {
		return e
	}
	elem, err := c.typeExpr(ch.Elem())
	if err != nil {
		c.finding(e, "operation on a value of named channel type "+t.String(),
			"simgen cannot name its element type in the variant ("+err.Error()+")",
			"use a channel type whose element type is exported")
		return nil
	}
	conv := conversion(chanOf(elem), e)
	c.derive(conv, e)
	return conv
}

// isPlainChan reports whether t is an unnamed channel type (possibly through an alias), whose
// variant is *simstd.Chan[T] itself.
func isPlainChan(t types.Type) bool {
	_, ok := types.Unalias(t).(*types.Chan)
	return ok
}

// coreChan returns the channel type underlying t: t's underlying type, or the common channel
// type of a type parameter's type set.
func coreChan(t types.Type) *types.Chan {
	if t == nil {
		return nil
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		return typeSetChan(tp.Constraint())
	}
	ch, _ := t.Underlying().(*types.Chan)
	return ch
}

func typeSetChan(constraint types.Type) *types.Chan {
	iface, ok := constraint.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var found *types.Chan
	for i := range iface.NumEmbeddeds() {
		for _, t := range termTypes(iface.EmbeddedType(i)) {
			ch := coreChan(t)
			if ch == nil || (found != nil && !types.Identical(ch.Elem(), found.Elem())) {
				return nil
			}
			found = ch
		}
	}
	return found
}

func termTypes(t types.Type) []types.Type {
	u, ok := t.(*types.Union)
	if !ok {
		return []types.Type{t}
	}
	var ts []types.Type
	for i := range u.Len() {
		ts = append(ts, u.Term(i).Type())
	}
	return ts
}

// methodCall builds recv.method(args...), parenthesizing recv unless it is a primary
// expression, so that *p.Send(v) cannot happen.
func methodCall(recv dst.Expr, method string, args ...dst.Expr) *dst.CallExpr {
	switch recv.(type) {
	case *dst.Ident, *dst.SelectorExpr, *dst.CallExpr, *dst.IndexExpr, *dst.IndexListExpr,
		*dst.SliceExpr, *dst.TypeAssertExpr, *dst.ParenExpr, *dst.CompositeLit, *dst.BasicLit:
	default:
		recv = &dst.ParenExpr{X: recv}
	}
	return &dst.CallExpr{Fun: &dst.SelectorExpr{X: recv, Sel: dst.NewIdent(method)}, Args: args}
}
