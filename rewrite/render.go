package rewrite

import (
	"bytes"
	"fmt"
	"go/format"
	"path"
	"strings"

	"github.com/dave/dst/decorator"
)

// render prints the rewritten file as it will be written into outDir: restored with its
// imports updated, gofmt'd, under the generated-code header, with //line directives wherever
// a statement left its original line.
func (c *fileCtx) render(outDir string) (_ []byte, err error) {
	defer func() {
		// dst panics on trees it cannot print; report the file instead of crashing
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: printing the variant failed (simgen bug): %v", c.filename, p)
		}
	}()
	r := decorator.NewRestorerWithImports(c.pkg.PkgPath, restorerResolver(c.importNames()))
	fr := r.FileRestorer()
	if c.names["simstd"] {
		// a local name would shadow the import
		fr.Alias[SimstdPath] = c.fresh("simstd")
	}
	af, err := fr.RestoreFile(c.file)
	if err != nil {
		return nil, fmt.Errorf("%s: restoring the rewritten file: %w", c.filename, err)
	}
	var buf bytes.Buffer
	buf.WriteString(Header + "\n\n")
	if err := format.Node(&buf, r.Fset, af); err != nil {
		return nil, fmt.Errorf("%s: printing the rewritten file: %w", c.filename, err)
	}
	return c.fixLines(buf.Bytes(), outDir)
}

// importNames names every package the variant file may import.
func (c *fileCtx) importNames() map[string]string {
	names := map[string]string{SimstdPath: "simstd"}
	for p := range shimmed {
		names[SimstdPath+"/"+p] = shimName(p)
	}
	for _, p := range redirected {
		names[p] = shimName(p)
	}
	for _, imp := range c.pkg.Types.Imports() {
		names[c.paths.mapPath(imp.Path())] = imp.Name()
	}
	for p, name := range c.extraImports {
		names[p] = name
	}
	return names
}

// shimName is the package name of a std import path: its last element, skipping a major
// version suffix such as math/rand/v2.
func shimName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		return path.Base(path.Dir(p))
	}
	return base
}
