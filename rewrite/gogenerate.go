package rewrite

import (
	"strings"

	"github.com/dave/dst"
)

// rewriteGoGenerate drops //go:generate directives from the variant: they
// belong to the original package, and a copy in the variant would make
// `go generate ./...` run them again from the variant's directory, generating
// a variant of the variant. Directives are found where Go programs put them:
// in the file's leading comments and around top-level declarations.
func rewriteGoGenerate(c *fileCtx) {
	strip := func(d *dst.Decorations) {
		var kept dst.Decorations
		for _, s := range *d {
			if !strings.HasPrefix(s, "//go:generate ") {
				kept = append(kept, s)
			}
		}
		if len(kept) != len(*d) {
			*d = kept
		}
	}
	strip(&c.file.Decs.Start)
	strip(&c.file.Decs.Package)
	strip(&c.file.Decs.Name)
	for _, d := range c.file.Decls {
		strip(&d.Decorations().Start)
		strip(&d.Decorations().End)
	}
}
