package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// reflectMapFuncs maps the methods of reflect.Value that show a map's order to the simstd
// functions that stand for them, and which take the receiver as their first argument.
var reflectMapFuncs = map[string]string{
	"MapKeys":      "ReflectMapKeys",
	"MapRange":     "ReflectMapRange",
	"SetIterKey":   "ReflectSetIterKey",
	"SetIterValue": "ReflectSetIterValue",
}

// rewriteReflectMap makes map iteration through reflect follow the seed, as range statements
// do (rewriteMapRange): encoders and printers in dependencies iterate maps this way.
//
//	v.MapKeys()        =>   simstd.ReflectMapKeys(v)
//	it := v.MapRange() =>   it := simstd.ReflectMapRange(v)    // a *simstd.ReflectMapIter
//	var it reflect.MapIter; k.SetIterKey(&it)   =>   var it simstd.ReflectMapIter; simstd.ReflectSetIterKey(k, &it)
//
// A method value (f := v.MapKeys) or a promoted method keeps reflect's order, which check
// reports.
func rewriteReflectMap(c *fileCtx) {
	called := map[dst.Node]bool{} // selectors that are called, marked before they are visited
	dstutil.Apply(c.file, func(cur *dstutil.Cursor) bool {
		if n, ok := cur.Node().(*dst.CallExpr); ok {
			if se, ok := unparen(n.Fun).(*dst.SelectorExpr); ok {
				called[se] = true
			}
		}
		return true
	}, func(cur *dstutil.Cursor) bool {
		switch n := cur.Node().(type) {
		case *dst.CallExpr:
			if se, ok := unparen(n.Fun).(*dst.SelectorExpr); ok {
				if repl := c.reflectMapCall(n, se); repl != nil {
					c.replace(cur, n, repl)
				}
			}
		case *dst.SelectorExpr:
			if !called[n] {
				c.reflectMapMethodValue(n)
			}
		case *dst.Ident:
			if n.Path == "reflect" && n.Name == "MapIter" { // the type: reflect has nothing else of that name
				c.replace(cur, n, simstd("ReflectMapIter"))
			}
		}
		return true
	})
}

// reflectMethod returns the name of the reflect.Value method se selects, when it is one of
// reflectMapFuncs, and whether it is reached through embedding.
func (c *fileCtx) reflectMethod(se *dst.SelectorExpr) (name string, promoted bool) {
	a, ok := c.astOf(se).(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	sel, ok := c.info.Selections[a]
	if !ok || sel.Kind() != types.MethodVal {
		return "", false
	}
	fn := sel.Obj().(*types.Func)
	recv := fn.Type().(*types.Signature).Recv()
	named, ok := recv.Type().(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "reflect" || named.Obj().Name() != "Value" {
		return "", false
	}
	if _, ok := reflectMapFuncs[fn.Name()]; !ok {
		return "", false
	}
	return fn.Name(), len(sel.Index()) > 1
}

func (c *fileCtx) reflectMapCall(call *dst.CallExpr, se *dst.SelectorExpr) dst.Expr {
	name, promoted := c.reflectMethod(se)
	if name == "" {
		return nil
	}
	if promoted {
		c.finding(se, "reflect.Value."+name+" promoted through an embedded field", "simgen seeds map order only where the method is called on a reflect.Value itself, so this iteration keeps reflect's order, which differs between runs", "call it on the reflect.Value field")
		return nil
	}
	recv := se.X
	if a, ok := c.astOf(se).(*ast.SelectorExpr); ok {
		if _, ptr := c.info.TypeOf(a.X).Underlying().(*types.Pointer); ptr {
			recv = &dst.StarExpr{X: recv}
		}
	}
	return &dst.CallExpr{Fun: simstd(reflectMapFuncs[name]), Args: append([]dst.Expr{recv}, call.Args...)}
}

// reflectMapMethodValue reports a method value of one of reflectMapFuncs' methods.
func (c *fileCtx) reflectMapMethodValue(se *dst.SelectorExpr) {
	if name, _ := c.reflectMethod(se); name != "" {
		c.finding(se, "method value reflect.Value."+name, "simgen seeds map order only in calls of the method, so this iteration keeps reflect's order, which differs between runs", "call the method instead of taking its value")
	}
}
