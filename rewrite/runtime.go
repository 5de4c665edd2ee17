package rewrite

import (
	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// runtimeFuncs are the runtime functions that observe the scheduler and so have simstd
// counterparts of the same name.
var runtimeFuncs = map[string]bool{"Gosched": true, "NumGoroutine": true}

// rewriteRuntime routes runtime.Gosched and runtime.NumGoroutine, called or used as values,
// to simstd. The runtime import goes away by itself when nothing else uses it.
func rewriteRuntime(c *fileCtx) {
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		if id, ok := cur.Node().(*dst.Ident); ok && id.Path == "runtime" && runtimeFuncs[id.Name] {
			c.replace(cur, id, simstd(id.Name))
		}
		return true
	})
}
