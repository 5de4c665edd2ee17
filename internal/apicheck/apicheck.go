// Package apicheck checks that a simstd shim declares every exported name of
// the standard library package it stands for, with the same kind and a
// compatible type, so that code whose import was rewritten still compiles.
// It is used by the shims' tests.
package apicheck

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Compare loads the standard package std and its shim, and returns one line
// per exported name of std that shim lacks or declares differently, except
// the names in exceptions (name, or Type.Method, to the reason). Types of
// std and of shim with the same name are taken as equal (the shim's File
// stands for os.File); aliases are resolved.
func Compare(std, shim string, exceptions map[string]string) ([]string, error) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, std, shim)
	if err != nil {
		return nil, err
	}
	byPath := map[string]*types.Package{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("loading %s: %v", p.PkgPath, p.Errors[0])
		}
		byPath[p.PkgPath] = p.Types
	}
	sp, hp := byPath[std], byPath[shim]
	if sp == nil || hp == nil {
		return nil, fmt.Errorf("could not load %s and %s", std, shim)
	}
	c := &cmp{prefix: strings.TrimSuffix(shim, std)}
	var diffs []string
	report := func(name, format string, args ...any) {
		if _, ok := exceptions[name]; ok {
			return
		}
		diffs = append(diffs, name+": "+fmt.Sprintf(format, args...))
	}
	for _, name := range sp.Scope().Names() {
		so := sp.Scope().Lookup(name)
		if !so.Exported() {
			continue
		}
		ho := hp.Scope().Lookup(name)
		if ho == nil {
			report(name, "missing")
			continue
		}
		if kind(so) != kind(ho) {
			report(name, "is a %s in %s, a %s in the shim", kind(so), std, kind(ho))
			continue
		}
		switch so := so.(type) {
		case *types.Const:
			hc := ho.(*types.Const)
			if !c.same(so.Type(), hc.Type()) || !constant.Compare(so.Val(), token.EQL, hc.Val()) {
				report(name, "constant %s %s, shim has %s %s", so.Type(), so.Val(), hc.Type(), hc.Val())
			}
		case *types.Var, *types.Func:
			if !c.same(so.Type(), ho.Type()) {
				report(name, "type %s, shim has %s", so.Type(), ho.Type())
			}
		case *types.TypeName:
			// Method sets of the pointer type, so that pointer and value
			// receivers both count.
			sm := types.NewMethodSet(types.NewPointer(so.Type()))
			hm := types.NewMethodSet(types.NewPointer(ho.Type()))
			for i := range sm.Len() {
				m := sm.At(i).Obj()
				if !m.Exported() {
					continue
				}
				mname := name + "." + m.Name()
				hsel := hm.Lookup(m.Pkg(), m.Name())
				if hsel == nil {
					hsel = hm.Lookup(hp, m.Name())
				}
				if hsel == nil {
					report(mname, "missing method")
					continue
				}
				if !c.same(m.Type(), hsel.Obj().Type()) {
					report(mname, "method type %s, shim has %s", m.Type(), hsel.Obj().Type())
				}
			}
			if st, ok := types.Unalias(so.Type()).Underlying().(*types.Struct); ok {
				ht, _ := types.Unalias(ho.Type()).Underlying().(*types.Struct)
				for i := range st.NumFields() {
					f := st.Field(i)
					if !f.Exported() {
						continue
					}
					found := false
					for j := range ht.NumFields() {
						if ht.Field(j).Name() == f.Name() && c.same(f.Type(), ht.Field(j).Type()) {
							found = true
						}
					}
					if !found {
						report(name+"."+f.Name(), "missing or different field")
					}
				}
			}
		}
	}
	slices.Sort(diffs)
	return diffs, nil
}

func kind(o types.Object) string {
	switch o.(type) {
	case *types.Const:
		return "const"
	case *types.Var:
		return "var"
	case *types.Func:
		return "func"
	case *types.TypeName:
		return "type"
	}
	return "?"
}

// cmp compares types of a standard package with those of its shim, where
// the shim of standard package p is prefix+p.
type cmp struct{ prefix string }

// same reports whether a (from std) and b (from the shim) are the same type,
// taking a named type of a standard package and the type of the same name
// in that package's shim as equal (simstd/io/ioutil's TempFile returns a
// simstd/os File).
func (c *cmp) same(a, b types.Type) bool {
	a, b = types.Unalias(a), types.Unalias(b)
	switch a := a.(type) {
	case *types.Named:
		bn, ok := b.(*types.Named)
		if !ok {
			return false
		}
		ao, bo := a.Obj(), bn.Obj()
		if ao.Pkg() != nil && bo.Pkg() != nil && ao.Name() == bo.Name() && bo.Pkg().Path() == c.prefix+ao.Pkg().Path() {
			return true
		}
		return types.Identical(a, b)
	case *types.Pointer:
		bp, ok := b.(*types.Pointer)
		return ok && c.same(a.Elem(), bp.Elem())
	case *types.Slice:
		bs, ok := b.(*types.Slice)
		return ok && c.same(a.Elem(), bs.Elem())
	case *types.Array:
		ba, ok := b.(*types.Array)
		return ok && a.Len() == ba.Len() && c.same(a.Elem(), ba.Elem())
	case *types.Map:
		bm, ok := b.(*types.Map)
		return ok && c.same(a.Key(), bm.Key()) && c.same(a.Elem(), bm.Elem())
	case *types.Chan:
		bc, ok := b.(*types.Chan)
		return ok && a.Dir() == bc.Dir() && c.same(a.Elem(), bc.Elem())
	case *types.Signature:
		bs, ok := b.(*types.Signature)
		return ok && a.Variadic() == bs.Variadic() && c.tuple(a.Params(), bs.Params()) && c.tuple(a.Results(), bs.Results())
	}
	return types.Identical(a, b)
}

func (c *cmp) tuple(a, b *types.Tuple) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		if !c.same(a.At(i).Type(), b.At(i).Type()) {
			return false
		}
	}
	return true
}
