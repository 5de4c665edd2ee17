package rewrite

import (
	"embed"
	"go/token"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// stdHookFiles holds, per translated std package, a file added to its variant: functions the
// hooks below call, written against the package's unexported API of the Go release simgen is
// tested with (cmd/simgen's netrpc and nethttp scripts check every hook's event, so a release
// that changes them fails there).
//
//go:embed stdhooks
var stdHookFiles embed.FS

// stdHooks maps a translated std package to the calls inserted at the start of some of its
// functions (keyed "(*Recv).name" or "name"): trace events at the points a request and its
// response pass, so the timeline shows a call that crosses a partition.
var stdHooks = map[string]struct {
	file  string            // in stdHookFiles
	calls map[string]string // function -> the statement inserted first in its body
}{
	"net/http": {file: "stdhooks/net_http.go", calls: map[string]string{
		"(*Transport).roundTrip":      "defer simgenTraceRoundTrip(req)(&err)",
		"(*persistConn).readResponse": "defer simgenTraceResponse(rc.treq.Request, &resp, &err)",
		"(serverHandler).ServeHTTP":   "simgenTraceServe(req)",
		"(*response).finishRequest":   "simgenTraceRespond(w)",
	}},
	"net/rpc": {file: "stdhooks/net_rpc.go", calls: map[string]string{
		"(*Client).send":         "simgenTraceCall(client, call)",
		"(*Call).done":           "simgenTraceDone(call)",
		"(*service).call":        "simgenTraceServe(req, codec)",
		"(*Server).sendResponse": "simgenTraceRespond(req, codec, errmsg)",
	}},
}

// rewriteStdHooks adapts the files of a translated std package: it drops their //go:linkname
// directives, which promise std's symbols to other packages (the variant is another package,
// and a linkname naming a std symbol from outside std does not link), and inserts the hook
// calls.
func rewriteStdHooks(c *fileCtx) {
	if !translated[c.pkg.PkgPath] {
		return
	}
	// A function without a body is declared for a linkname to pull in a symbol (net/http's
	// badRoundTrip; the translated packages have no assembly): without linknames it cannot
	// be, so it goes too.
	decls := c.file.Decls[:0]
	for _, d := range c.file.Decls {
		if fd, ok := d.(*dst.FuncDecl); ok && fd.Body == nil {
			continue
		}
		decls = append(decls, d)
	}
	c.file.Decls = decls
	dst.Inspect(c.file, func(n dst.Node) bool {
		if n != nil {
			decs := n.Decorations()
			decs.Start = dropLinknames(decs.Start)
			decs.End = dropLinknames(decs.End)
		}
		return true
	})
	hooks, ok := stdHooks[c.pkg.PkgPath]
	if !ok {
		return
	}
	for _, d := range c.file.Decls {
		fd, ok := d.(*dst.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		call, ok := hooks.calls[funcKey(fd)]
		if !ok {
			continue
		}
		fd.Body.List = append([]dst.Stmt{hookStmt(call)}, fd.Body.List...)
	}
}

func dropLinknames(decs dst.Decorations) dst.Decorations {
	out := decs[:0]
	for _, d := range decs {
		if !strings.HasPrefix(d, "//go:linkname ") {
			out = append(out, d)
		}
	}
	return out
}

// hookStmt parses the statement src of a hook.
func hookStmt(src string) dst.Stmt {
	f, err := decorator.ParseFile(token.NewFileSet(), "hook.go", "package p\nfunc _() {\n"+src+"\n}\n", 0)
	if err != nil {
		panic("rewrite: bad hook " + src + ": " + err.Error()) // a bug in stdHooks
	}
	stmt := f.Decls[0].(*dst.FuncDecl).Body.List[0]
	stmt.Decorations().Before, stmt.Decorations().After = dst.NewLine, dst.NewLine
	return stmt
}

// funcKey names fd as stdHooks does: "(*Recv).name", "(Recv).name" or "name".
func funcKey(fd *dst.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*dst.StarExpr); ok {
		star, t = "*", s.X
	}
	if ix, ok := t.(*dst.IndexExpr); ok {
		t = ix.X
	}
	id, ok := t.(*dst.Ident)
	if !ok {
		return fd.Name.Name
	}
	return "(" + star + id.Name + ")." + fd.Name.Name
}

// stdHookFile returns the file added to the variant of the translated std package path, or nil.
func stdHookFile(path string) []byte {
	hooks, ok := stdHooks[path]
	if !ok {
		return nil
	}
	data, err := stdHookFiles.ReadFile(hooks.file)
	if err != nil {
		panic("rewrite: " + err.Error()) // embedded above
	}
	// The runtime module has no go line: state the version the file needs (any).
	return []byte(strings.Replace(Header+"\n\n"+string(data), "//go:build ignore\n", "//go:build "+minVersion+"\n", 1))
}
