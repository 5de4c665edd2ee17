package rewrite

import (
	"go/ast"
	"go/types"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/dst"
)

// rewriteTests runs every test function of a _test.go file in a fresh simulation:
//
//	func TestX(t *testing.T) { body }   =>   func TestX(t *testing.T) { simstd.Test(t, func(t *testing.T) { body }) }
//
// A leading t.Parallel() stays outside (leadingParallel). TestMain, benchmarks, examples and
// fuzz targets are left alone.
func rewriteTests(c *fileCtx) {
	if !c.isTest {
		return
	}
	for _, d := range c.file.Decls {
		fd, ok := d.(*dst.FuncDecl)
		if !ok || fd.Body == nil || !c.isTestFunc(fd) {
			continue
		}
		param := fd.Type.Params.List[0]
		inner := &dst.Field{Type: dst.Clone(param.Type).(dst.Expr)}
		outer := "t"
		if len(param.Names) == 1 && param.Names[0].Name != "_" {
			outer = param.Names[0].Name
			inner.Names = []*dst.Ident{dst.NewIdent(outer)}
		} else {
			outer = c.fresh("t")
			inner.Names = []*dst.Ident{dst.NewIdent("_")}
			param.Names = []*dst.Ident{dst.NewIdent(outer)}
		}
		params := &dst.FieldList{Opening: true, Closing: true, List: []*dst.Field{inner}}
		parallel := c.leadingParallel(fd, outer)
		if parallel != nil {
			fd.Body.List = fd.Body.List[1:]
		}
		wrapBody(c, fd, simstd("Test"), []dst.Expr{dst.NewIdent(outer)}, params)
		if parallel != nil {
			fd.Body.List = append([]dst.Stmt{parallel}, fd.Body.List...)
		}
	}
}

// leadingParallel returns the test's first statement when it is t.Parallel() (as written, or
// as rewriteSubtests routes it): it stays outside the simulation, where the testing package
// pauses the test until the sequential tests are done, as Go does. simstd.Test runs one
// simulation at a time, so the parallel tests' runs follow each other, one legal schedule.
func (c *fileCtx) leadingParallel(fd *dst.FuncDecl, param string) dst.Stmt {
	if len(fd.Body.List) == 0 {
		return nil
	}
	es, ok := fd.Body.List[0].(*dst.ExprStmt)
	if !ok {
		return nil
	}
	call, ok := c.astOf(es.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil
	}
	se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || se.Sel.Name != "Parallel" || !c.isTestingTMethod(se) {
		return nil
	}
	if id, ok := ast.Unparen(se.X).(*ast.Ident); !ok || id.Name != param {
		return nil
	}
	return es
}

// isTestFunc reports whether go test runs fd as a test: func TestXxx(*testing.T).
func (c *fileCtx) isTestFunc(fd *dst.FuncDecl) bool {
	if fd.Recv != nil || fd.Type.TypeParams != nil || !isTestName(fd.Name.Name) {
		return false
	}
	afd, ok := c.astOf(fd).(*ast.FuncDecl)
	if !ok {
		return false
	}
	fn, ok := c.info.Defs[afd.Name].(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return false
	}
	ptr, ok := sig.Params().At(0).Type().(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == "T"
}

// isTestName mirrors go test: "Test" followed by nothing or by a non-lowercase rune.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}
