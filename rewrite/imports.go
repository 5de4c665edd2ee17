package rewrite

import (
	"strconv"

	"github.com/dave/dst"
)

// rewriteImports points imports at the variant's packages: shimmed standard packages (time,
// net, sync, ...) at their simstd counterparts and packages generated in the same run at their
// variants. The counterparts keep the package names, so references only change their path;
// rewriting the import specs too keeps each import's alias, dot or blank name.
func rewriteImports(c *fileCtx) {
	dst.Inspect(c.file, func(n dst.Node) bool {
		switch n := n.(type) {
		case *dst.Ident:
			if shim, ok := redirected[n.Path+"."+n.Name]; ok {
				n.Path = shim
			} else if n.Path != "" {
				n.Path = c.paths.mapPath(c.vendored(n.Path))
			}
		case *dst.ImportSpec:
			path, err := strconv.Unquote(n.Path.Value)
			path = c.vendored(path)
			if err == nil {
				if mapped := c.paths.mapPath(path); mapped != path {
					n.Path.Value = strconv.Quote(mapped)
				}
			}
		}
		return true
	})
}

// redirected maps std declarations, of packages that are otherwise passed through, to the
// simstd packages that simulate them: io.Pipe blocks on native channels.
var redirected = map[string]string{
	"io.Pipe":       SimstdPath + "/iopipe",
	"io.PipeReader": SimstdPath + "/iopipe",
	"io.PipeWriter": SimstdPath + "/iopipe",
}

// vendored returns the std package path of path as imported by a translated std package:
// std source imports its vendored packages by their module paths.
func (c *fileCtx) vendored(path string) string {
	if translated[c.pkg.PkgPath] && translated["vendor/"+path] {
		return "vendor/" + path
	}
	return path
}
