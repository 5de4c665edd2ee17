package rewrite

import (
	"fmt"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"
)

// typeExpr spells t as a type expression of the variant: channel types become
// *simstd.Chan[T] and packages are referred to by their variant import paths. It fails for
// types the file cannot name: unexported types of other packages, types in internal packages
// it may not import, and struct or interface types with another package's unexported fields
// or methods.
func (c *fileCtx) typeExpr(t types.Type) (dst.Expr, error) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return &dst.Ident{Name: "Pointer", Path: "unsafe"}, nil
		}
		return dst.NewIdent(types.Default(t).(*types.Basic).Name()), nil
	case *types.Named:
		return c.namedExpr(t.Obj(), t.TypeArgs())
	case *types.Alias:
		return c.namedExpr(t.Obj(), t.TypeArgs())
	case *types.TypeParam:
		return dst.NewIdent(t.Obj().Name()), nil
	case *types.Pointer:
		return c.wrapType(t.Elem(), func(e dst.Expr) dst.Expr { return &dst.StarExpr{X: e} })
	case *types.Slice:
		return c.wrapType(t.Elem(), func(e dst.Expr) dst.Expr { return &dst.ArrayType{Elt: e} })
	case *types.Array:
		n := &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(t.Len(), 10)}
		return c.wrapType(t.Elem(), func(e dst.Expr) dst.Expr { return &dst.ArrayType{Len: n, Elt: e} })
	case *types.Chan:
		return c.wrapType(t.Elem(), chanOf)
	case *types.Map:
		k, err := c.typeExpr(t.Key())
		if err != nil {
			return nil, err
		}
		return c.wrapType(t.Elem(), func(e dst.Expr) dst.Expr { return &dst.MapType{Key: k, Value: e} })
	case *types.Signature:
		return c.funcTypeExpr(t)
	case *types.Struct:
		return c.structExpr(t)
	case *types.Interface:
		return c.interfaceExpr(t)
	}
	return nil, fmt.Errorf("cannot spell type %s", t)
}

func (c *fileCtx) wrapType(elem types.Type, wrap func(dst.Expr) dst.Expr) (dst.Expr, error) {
	e, err := c.typeExpr(elem)
	if err != nil {
		return nil, err
	}
	return wrap(e), nil
}

// chanOf is the variant's spelling of a channel of elem: *simstd.Chan[elem].
func chanOf(elem dst.Expr) dst.Expr {
	return &dst.StarExpr{X: &dst.IndexExpr{X: simstd("Chan"), Index: elem}}
}

func (c *fileCtx) namedExpr(obj *types.TypeName, args *types.TypeList) (dst.Expr, error) {
	var base dst.Expr
	switch {
	case obj.Pkg() == nil || obj.Pkg() == c.pkg.Types:
		base = dst.NewIdent(obj.Name())
	case !obj.Exported():
		return nil, fmt.Errorf("type %s.%s is not exported", obj.Pkg().Path(), obj.Name())
	case !internalVisible(obj.Pkg().Path(), c.pkg.PkgPath):
		return nil, fmt.Errorf("type %s.%s is in an internal package", obj.Pkg().Path(), obj.Name())
	case obj.Pkg().Path() == "reflect" && obj.Name() == "MapIter":
		base = simstd("ReflectMapIter") // see rewriteReflectMap
	default:
		p := c.paths.mapPath(obj.Pkg().Path())
		c.extraImports[p] = obj.Pkg().Name()
		base = &dst.Ident{Name: obj.Name(), Path: p}
	}
	if args.Len() == 0 {
		return base, nil
	}
	var indices []dst.Expr
	for i := range args.Len() {
		e, err := c.typeExpr(args.At(i))
		if err != nil {
			return nil, err
		}
		indices = append(indices, e)
	}
	if len(indices) == 1 {
		return &dst.IndexExpr{X: base, Index: indices[0]}, nil
	}
	return &dst.IndexListExpr{X: base, Indices: indices}, nil
}

func (c *fileCtx) funcTypeExpr(sig *types.Signature) (*dst.FuncType, error) {
	params, err := c.fieldList(sig.Params(), sig.Variadic())
	if err != nil {
		return nil, err
	}
	results, err := c.fieldList(sig.Results(), false)
	if err != nil {
		return nil, err
	}
	ft := &dst.FuncType{Func: true, Params: params}
	if results != nil && len(results.List) > 0 {
		ft.Results = results
	}
	return ft, nil
}

func (c *fileCtx) fieldList(tuple *types.Tuple, variadic bool) (*dst.FieldList, error) {
	fl := &dst.FieldList{Opening: true, Closing: true}
	for i := range tuple.Len() {
		v := tuple.At(i)
		t := v.Type()
		last := variadic && i == tuple.Len()-1
		if last {
			t = t.(*types.Slice).Elem()
		}
		e, err := c.typeExpr(t)
		if err != nil {
			return nil, err
		}
		if last {
			e = &dst.Ellipsis{Elt: e}
		}
		fl.List = append(fl.List, &dst.Field{Type: e})
	}
	return fl, nil
}

func (c *fileCtx) structExpr(s *types.Struct) (dst.Expr, error) {
	fl := &dst.FieldList{Opening: true, Closing: true}
	for i := range s.NumFields() {
		f := s.Field(i)
		if !f.Exported() && f.Pkg() != c.pkg.Types {
			// spelled here, the field would belong to this package: another type
			return nil, fmt.Errorf("field %s of a struct type is unexported in %s", f.Name(), f.Pkg().Path())
		}
		e, err := c.typeExpr(f.Type())
		if err != nil {
			return nil, err
		}
		field := &dst.Field{Type: e}
		if !f.Embedded() {
			field.Names = []*dst.Ident{dst.NewIdent(f.Name())}
		}
		if tag := s.Tag(i); tag != "" {
			field.Tag = &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(tag)}
		}
		fl.List = append(fl.List, field)
	}
	return &dst.StructType{Fields: fl}, nil
}

func (c *fileCtx) interfaceExpr(it *types.Interface) (dst.Expr, error) {
	if it.Empty() {
		return dst.NewIdent("any"), nil
	}
	fl := &dst.FieldList{Opening: true, Closing: true}
	for i := range it.NumEmbeddeds() {
		e, err := c.typeExpr(it.EmbeddedType(i))
		if err != nil {
			return nil, err
		}
		fl.List = append(fl.List, &dst.Field{Type: e})
	}
	for i := range it.NumExplicitMethods() {
		m := it.ExplicitMethod(i)
		if !m.Exported() && m.Pkg() != c.pkg.Types {
			return nil, fmt.Errorf("method %s of an interface type is unexported in %s", m.Name(), m.Pkg().Path())
		}
		ft, err := c.funcTypeExpr(m.Type().(*types.Signature))
		if err != nil {
			return nil, err
		}
		if isDoneSig(m.Name(), m.Type().(*types.Signature)) {
			// a Done method keeps context.Context's signature (rewriteCtxDone)
			ft.Results.List[0].Type = c.nativeDoneChan()
		}
		ft.Func = false
		fl.List = append(fl.List, &dst.Field{Names: []*dst.Ident{dst.NewIdent(m.Name())}, Type: ft})
	}
	return &dst.InterfaceType{Methods: fl}, nil
}
