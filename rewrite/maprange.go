package rewrite

import (
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteMapRange makes map iteration order a function of the simulation's seed:
//
//	for k, v := range m { body }   =>   for it, k, v := simstd.MapIter(m); it.Next(&k, &v); { body }
//
// simstd.MapIter produces the entries in an order drawn from the seed; see its documentation
// for how it orders keys that have no natural order. See rangeLoop for why a three-clause loop.
func rewriteMapRange(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		r, ok := cur.Node().(*dst.RangeStmt)
		if !ok || !isMap(c.typeOf(r.X)) {
			return true
		}
		start := &dst.CallExpr{Fun: simstd("MapIter"), Args: []dst.Expr{r.X}}
		c.derive(start, r.X)
		c.rangeLoop(cur, r, start, []string{"key", "val"})
		return true
	})
}

// rangeLoop replaces the range statement n, under cur, with a three-clause loop over an
// iterator that start makes. start returns the iterator followed by one zero value per
// iteration variable (len(temps) of them), whose types it infers, and the iterator's Next
// method takes a pointer to each variable (nil for an absent or blank one):
//
//	for k, v := range x { body }   =>   for it, k, v := start; it.Next(&k, &v); { body }
//	for a, b = range x { body }    =>   for it, key, val := start; it.Next(&key, &val); { a, b = key, val; body }
//
// A three-clause loop is valid from go1.18 (range-over-func needs go1.23) and keeps the loop
// variable semantics of the file's language version on its own: before go1.22 k and v are
// shared by all iterations, from go1.22 each iteration gets a copy, made before the condition
// that fills it in, exactly as for the range statement. The assignment form assigns at the top
// of the body, so that its operands (m[i], s.f) are evaluated on every iteration, as Go does.
//
// The names it, key and val, numbered if need be, are spelled nowhere in the file, so they
// capture nothing the body refers to; nested loops may reuse them, since an inner loop's names
// shadow the outer ones only inside the inner loop. They are not reserved, so that the map and
// channel rewrites pick the same names whichever runs first.
func (c *fileCtx) rangeLoop(cur *dstutil.Cursor, n *dst.RangeStmt, start *dst.CallExpr, temps []string) {
	it := c.unspelled("it")
	vars := []dst.Expr{n.Key, n.Value}[:len(temps)]
	lhs := []dst.Expr{dst.NewIdent(it)}
	var args, assignL, assignR []dst.Expr
	for i, v := range vars {
		if v == nil || isBlank(v) {
			lhs = append(lhs, dst.NewIdent("_"))
			args = append(args, dst.NewIdent("nil"))
			continue
		}
		name := ""
		if n.Tok == token.DEFINE {
			lhs = append(lhs, v)
			name = v.(*dst.Ident).Name
		} else {
			name = c.unspelled(temps[i])
			lhs = append(lhs, dst.NewIdent(name))
			assignL = append(assignL, v)
			assignR = append(assignR, dst.NewIdent(name))
		}
		args = append(args, &dst.UnaryExpr{Op: token.AND, X: dst.NewIdent(name)})
	}
	body := n.Body
	if len(assignL) > 0 {
		assign := &dst.AssignStmt{Lhs: assignL, Tok: token.ASSIGN, Rhs: assignR}
		body.List = append([]dst.Stmt{assign}, body.List...)
	}
	loop := &dst.ForStmt{
		Init: &dst.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: []dst.Expr{start}},
		Cond: methodCall(dst.NewIdent(it), "Next", args...),
		Body: body,
	}
	c.replace(cur, n, loop)
}

// unspelled returns base, numbered if need be, such that no identifier in the file spells it.
// Unlike fresh it does not reserve the name.
func (c *fileCtx) unspelled(base string) string {
	name := base
	for i := 1; c.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}

func isBlank(e dst.Expr) bool {
	id, ok := e.(*dst.Ident)
	return ok && id.Name == "_"
}

// isMap reports whether t is a map type or a type parameter whose type set holds only maps.
func isMap(t types.Type) bool {
	if t == nil {
		return false
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		iface, ok := tp.Constraint().Underlying().(*types.Interface)
		if !ok || iface.NumEmbeddeds() == 0 {
			return false
		}
		for i := range iface.NumEmbeddeds() {
			for _, term := range termTypes(iface.EmbeddedType(i)) {
				if !isMap(term) {
					return false
				}
			}
		}
		return true
	}
	_, ok := t.Underlying().(*types.Map)
	return ok
}
