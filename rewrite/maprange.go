package rewrite

import (
	"go/types"

	"github.com/dave/dst"
)

// rewriteMapRange makes map iteration order a function of the simulation's seed:
//
//	for k, v := range m   =>   for k, v := range simstd.MapRange(m)
//
// simstd.MapRange yields the entries in an order drawn from the seed; see its documentation for
// how it orders keys that have no natural order.
func rewriteMapRange(c *fileCtx) {
	dst.Inspect(c.file, func(n dst.Node) bool {
		r, ok := n.(*dst.RangeStmt)
		if !ok || !isMap(c.typeOf(r.X)) || !c.rangeFuncAllowed(r, "a map") {
			return true
		}
		call := &dst.CallExpr{Fun: simstd("MapRange"), Args: []dst.Expr{r.X}}
		c.derive(call, r.X)
		r.X = call
		return true
	})
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
