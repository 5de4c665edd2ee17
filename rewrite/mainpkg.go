package rewrite

import (
	"github.com/dave/dst"
)

// rewriteMain runs a main package's main function inside a simulation:
//
//	func main() { body }   =>   func main() { simstd.Main(func() { body }) }
//
// simstd.Main takes the seed from SIMGEN_SEED and reproduces the original's exit status.
func rewriteMain(c *fileCtx) {
	if c.pkg.Name != "main" || c.isTest {
		return
	}
	for _, d := range c.file.Decls {
		fd, ok := d.(*dst.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != "main" || fd.Body == nil {
			continue
		}
		wrapBody(c, fd, simstd("Main"), nil, nil)
	}
}

// wrapBody moves fd's statements into a function literal passed to fn:
// fn(args..., func(params) { body }). The new statement keeps fd's line.
func wrapBody(c *fileCtx, fd *dst.FuncDecl, fn dst.Expr, args []dst.Expr, params *dst.FieldList) {
	if params == nil {
		params = &dst.FieldList{Opening: true, Closing: true}
	}
	lit := &dst.FuncLit{
		Type: &dst.FuncType{Func: true, Params: params},
		Body: &dst.BlockStmt{List: fd.Body.List},
	}
	call := &dst.ExprStmt{X: &dst.CallExpr{Fun: fn, Args: append(args, lit)}}
	if line, ok := c.lineOf(fd); ok {
		c.lines[call] = line
	}
	fd.Body.List = []dst.Stmt{call}
}
