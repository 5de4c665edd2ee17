package net_test

import (
	"go/constant"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"
)

// apiExceptions are the documented differences between net's API and this
// package's: where generated code has a different type than the original
// (a channel becomes a *simstd.Chan), keyed by "Type.Field".
var apiExceptions = map[string]string{
	"Dialer.Cancel": "<-chan struct{} becomes *kernel.Chan[struct{}] (simstd.Chan), as the rewriter maps channel types",
}

// TestAPI checks that this package declares every exported name of the
// standard library's net, of the same kind and with the same signature
// (types compared by package name, so that simstd/context.Context stands
// for context.Context and this package's TCPConn for net's), so that
// generated code that mentions any of them compiles. Types of this package
// must have every exported method and field of net's.
func TestAPI(t *testing.T) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, "net", "github.com/simgen/simgen/simstd/net")
	require.NoError(t, err)
	require.Len(t, pkgs, 2)
	var std, sim *types.Package
	for _, p := range pkgs {
		require.Empty(t, p.Errors)
		if p.PkgPath == "net" {
			std = p.Types
		} else {
			sim = p.Types
		}
	}
	qual := func(p *types.Package) string { return p.Name() }
	str := func(t types.Type) string { return types.TypeString(t, qual) }

	checked := 0
	for _, name := range std.Scope().Names() {
		so := std.Scope().Lookup(name)
		if !so.Exported() {
			continue
		}
		checked++
		oo := sim.Scope().Lookup(name)
		if !assertf(t, oo != nil, "%s is not declared", name) {
			continue
		}
		switch so := so.(type) {
		case *types.Const:
			o, ok := oo.(*types.Const)
			if assertf(t, ok, "%s: want a constant, have %T", name, oo) {
				assertf(t, constant.Compare(so.Val(), token.EQL, o.Val()), "%s = %v, want %v", name, o.Val(), so.Val())
			}
		case *types.Var:
			o, ok := oo.(*types.Var)
			if assertf(t, ok, "%s: want a variable, have %T", name, oo) {
				assertf(t, str(so.Type()) == str(o.Type()), "%s has type %s, want %s", name, str(o.Type()), str(so.Type()))
			}
		case *types.Func:
			o, ok := oo.(*types.Func)
			if assertf(t, ok, "%s: want a function, have %T", name, oo) {
				assertf(t, str(so.Type()) == str(o.Type()), "%s:\n have %s\n want %s", name, str(o.Type()), str(so.Type()))
			}
		case *types.TypeName:
			o, ok := oo.(*types.TypeName)
			if !assertf(t, ok, "%s: want a type, have %T", name, oo) {
				continue
			}
			if o.IsAlias() {
				assertf(t, types.Identical(types.Unalias(o.Type()), so.Type()), "%s aliases %s, want net.%s", name, str(types.Unalias(o.Type())), name)
				continue
			}
			compareType(t, name, so.Type(), o.Type(), str)
		}
	}
	require.Greater(t, checked, 100, "the export list of net looks wrong")
}

// compareType checks that own (a type of this package standing for net's
// std) has std's exported methods, with the same signatures, and its
// exported fields, with the same types.
func compareType(t *testing.T, name string, std, own types.Type, str func(types.Type) string) {
	stdSet := types.NewMethodSet(types.NewPointer(std))
	ownSet := types.NewMethodSet(types.NewPointer(own))
	for i := range stdSet.Len() {
		m := stdSet.At(i).Obj()
		if !m.Exported() {
			continue
		}
		sel := ownSet.Lookup(nil, m.Name())
		if !assertf(t, sel != nil, "%s has no method %s", name, m.Name()) {
			continue
		}
		assertf(t, str(m.Type()) == str(sel.Obj().Type()), "%s.%s:\n have %s\n want %s", name, m.Name(), str(sel.Obj().Type()), str(m.Type()))
	}
	ss, ok := std.Underlying().(*types.Struct)
	if !ok {
		return
	}
	os, ok := own.Underlying().(*types.Struct)
	if !assertf(t, ok, "%s is not a struct", name) {
		return
	}
	fields := map[string]*types.Var{}
	for f := range os.Fields() {
		fields[f.Name()] = f
	}
	for f := range ss.Fields() {
		if !f.Exported() {
			continue
		}
		of := fields[f.Name()]
		if !assertf(t, of != nil, "%s has no field %s", name, f.Name()) {
			continue
		}
		if _, ok := apiExceptions[name+"."+f.Name()]; ok {
			continue
		}
		assertf(t, str(f.Type()) == str(of.Type()), "%s.%s has type %s, want %s", name, f.Name(), str(of.Type()), str(f.Type()))
	}
}

func assertf(t *testing.T, ok bool, format string, args ...any) bool {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
	return ok
}
