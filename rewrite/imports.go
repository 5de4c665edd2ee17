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
			if n.Path != "" {
				n.Path = c.paths.mapPath(n.Path)
			}
		case *dst.ImportSpec:
			path, err := strconv.Unquote(n.Path.Value)
			if err == nil {
				if mapped := c.paths.mapPath(path); mapped != path {
					n.Path.Value = strconv.Quote(mapped)
				}
			}
		}
		return true
	})
}
