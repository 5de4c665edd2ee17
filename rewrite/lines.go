package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/dst"
)

// A lineWant says that the statement starting output line outLine must report pos.
type lineWant struct {
	outLine int
	col     int
	pos     token.Position
	// doc marks the first line of a declaration's doc comment: its directive is followed by a
	// blank line, so that it does not become part of the doc comment (gofmt would move it to
	// the end of the comment).
	doc bool
}

// fixLines makes the variant report the original file:line for every statement, declaration
// and the package clause. Edits mostly stay on their lines, but the header, gofmt and the
// statements some rewrites add shift lines; wherever the compiler's idea of a line would differ
// from the original, a //line directive naming the original file (relative to outDir, so the
// output stays machine independent) is inserted before it. The result is verified by parsing.
func (c *fileCtx) fixLines(src []byte, outDir string) ([]byte, error) {
	src = stripLineDirectives(src)
	// Reformat before placing directives: the printer reformats a doc comment (Go 1.19 doc
	// comment syntax) only where the comment abuts its declaration by position, which the
	// restored tree's positions do not show but the reparsed source does. Reformatting after
	// placing them would move the lines they number: a pre-1.19 comment such as "//\n// doc\n//"
	// loses its blank first and last lines.
	src, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("%s: formatting the variant: %w", c.filename, err)
	}
	wants, err := c.lineWants(src)
	if err != nil {
		return nil, err
	}
	out := insertDirectives(src, wants, func(p token.Position) string { return directiveName(c.absName(p.Filename), outDir) })
	out, err = format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s: formatting the variant: %w", c.filename, err)
	}
	if err := c.verifyLines(out, outDir); err != nil {
		return nil, err
	}
	return out, nil
}

// stripLineDirectives removes the original file's own //line directives: the positions they
// set are already part of the original positions the variant's directives restore, and left in
// place they would number the lines that follow them in the variant.
func stripLineDirectives(src []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	out := lines[:0]
	for _, l := range lines {
		if !bytes.HasPrefix(l, []byte("//line ")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, nil)
}

// lineWants pairs the anchors of the printed output with the original lines they must keep.
func (c *fileCtx) lineWants(src []byte) ([]lineWant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, c.filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%s: the rewritten file does not parse (simgen bug): %w", c.filename, err)
	}
	dstAnchors := dstAnchorList(c.file)
	astAnchors := astAnchorList(f)
	if err := sameShapes(dstAnchors, astAnchors); err != nil {
		return nil, fmt.Errorf("%s: %w (simgen bug)", c.filename, err)
	}
	wants := c.packageWants(f, fset)
	for i, n := range dstAnchors {
		p, ok := c.lineOf(n)
		if !ok || isImportDecl(n) {
			continue
		}
		op := fset.Position(astAnchors[i].Pos())
		wants = append(wants, lineWant{outLine: op.Line, col: op.Column, pos: p})
		if w, ok := c.docWant(n, astAnchors[i], fset); ok {
			wants = append(wants, w)
		}
	}
	return wants, nil
}

// packageWants anchors the package clause, unless it has a doc comment on the first line: a
// directive there would become part of the doc comment, and nothing before the first
// declaration can fail at run time anyway.
func (c *fileCtx) packageWants(f *ast.File, fset *token.FileSet) []lineWant {
	orig := c.astFile
	switch {
	case orig.Doc == nil || f.Doc == nil:
		op := fset.Position(f.Package)
		return []lineWant{{outLine: op.Line, col: op.Column, pos: c.fset.PositionFor(orig.Package, true)}}
	case c.fset.PositionFor(orig.Doc.Pos(), true).Line >= 2:
		op := fset.Position(f.Doc.Pos())
		return []lineWant{{outLine: op.Line, col: op.Column, pos: c.fset.PositionFor(orig.Doc.Pos(), true), doc: true}}
	}
	return nil
}

// isImportDecl reports whether n is an import declaration, whose lines simgen rearranges and
// which cannot fail at run time.
func isImportDecl(n dst.Node) bool {
	gd, ok := n.(*dst.GenDecl)
	return ok && gd.Tok == token.IMPORT
}

// docWant anchors the doc comment of a declaration that has one in both the original and the
// output.
func (c *fileCtx) docWant(n dst.Node, printed ast.Node, fset *token.FileSet) (lineWant, bool) {
	orig, out := declDoc(c.dec.Ast.Nodes[n]), declDoc(printed)
	if orig == nil || out == nil {
		return lineWant{}, false
	}
	p := c.fset.PositionFor(orig.Pos(), true)
	if p.Line < 2 {
		return lineWant{}, false
	}
	op := fset.Position(out.Pos())
	return lineWant{outLine: op.Line, col: op.Column, pos: p, doc: true}, true
}

func declDoc(n ast.Node) *ast.CommentGroup {
	switch n := n.(type) {
	case *ast.FuncDecl:
		return n.Doc
	case *ast.GenDecl:
		return n.Doc
	}
	return nil
}

// dstAnchorList and astAnchorList list the statements and declarations of a file in the same
// order, leaving out empty statements, which the printer may drop.
func dstAnchorList(f *dst.File) []dst.Node {
	var out []dst.Node
	dst.Inspect(f, func(n dst.Node) bool {
		if _, empty := n.(*dst.EmptyStmt); n != nil && isAnchor(n) && !empty {
			out = append(out, n)
		}
		return true
	})
	return out
}

func astAnchorList(f *ast.File) []ast.Node {
	var out []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.EmptyStmt:
		case ast.Stmt, ast.Decl:
			out = append(out, n)
		}
		return true
	})
	return out
}

func sameShapes(d []dst.Node, a []ast.Node) error {
	if len(d) != len(a) {
		return fmt.Errorf("printed file has %d statements and declarations, the tree %d", len(a), len(d))
	}
	for i := range d {
		if reflect.TypeOf(d[i]).Elem().Name() != reflect.TypeOf(a[i]).Elem().Name() {
			return fmt.Errorf("statement %d is a %T in the tree but a %T once printed", i, d[i], a[i])
		}
	}
	return nil
}

// insertDirectives inserts a //line directive before each wanted line the compiler would
// otherwise number differently. Only anchors that begin their line count: a directive applies
// to whole lines.
func insertDirectives(src []byte, wants []lineWant, name func(token.Position) string) []byte {
	sort.SliceStable(wants, func(i, j int) bool { return wants[i].outLine < wants[j].outLine })
	lines := bytes.SplitAfter(src, []byte("\n"))
	before := map[int]string{}
	curFile, delta := "", 0 // the compiler numbers output line L as curFile:L+delta; "" is the file itself
	done := map[int]bool{}
	for _, w := range wants {
		if done[w.outLine] || w.outLine < 1 || w.outLine > len(lines) || w.col != firstColumn(lines[w.outLine-1]) {
			continue
		}
		done[w.outLine] = true
		file := name(w.pos)
		if file == curFile && w.outLine+delta == w.pos.Line {
			continue
		}
		if w.doc {
			before[w.outLine] = "//line " + file + ":" + strconv.Itoa(w.pos.Line-1) + "\n\n"
		} else {
			before[w.outLine] = "//line " + file + ":" + strconv.Itoa(w.pos.Line) + "\n"
		}
		curFile, delta = file, w.pos.Line-w.outLine
	}
	var out bytes.Buffer
	for i, l := range lines {
		out.WriteString(before[i+1])
		out.Write(l)
	}
	return out.Bytes()
}

// firstColumn returns the 1-based column of the first non-blank byte of line.
func firstColumn(line []byte) int {
	return len(line) - len(bytes.TrimLeft(line, " \t")) + 1
}

// directiveName spells an original file name as seen from outDir.
func directiveName(filename, outDir string) string {
	if rel, err := filepath.Rel(outDir, filename); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filename)
}

// absName resolves a file name from a position of the original file, which a //line
// directive of its own may have made relative to the file's directory.
func (c *fileCtx) absName(name string) string {
	if !filepath.IsAbs(name) {
		name = filepath.Join(filepath.Dir(c.filename), name)
	}
	return filepath.Clean(name)
}

// verifyLines checks, on the final text, that every anchor reports its original position.
func (c *fileCtx) verifyLines(src []byte, outDir string) error {
	fset := token.NewFileSet()
	outName := filepath.Join(outDir, filepath.Base(c.filename))
	f, err := parser.ParseFile(fset, outName, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("%s: the variant does not parse (simgen bug): %w", c.filename, err)
	}
	anchors := astAnchorList(f)
	dstAnchors := dstAnchorList(c.file)
	if err := sameShapes(dstAnchors, anchors); err != nil {
		return fmt.Errorf("%s: %w (simgen bug)", c.filename, err)
	}
	file := fset.File(f.Pos())
	for i, n := range dstAnchors {
		want, ok := c.lineOf(n)
		if !ok || isImportDecl(n) {
			continue
		}
		pos := anchors[i].Pos()
		if !startsLine(file, src, pos) {
			continue
		}
		got := fset.PositionFor(pos, true)
		if filepath.Clean(got.Filename) != c.absName(want.Filename) || got.Line != want.Line {
			return fmt.Errorf("%s: a statement of the variant reports %s:%d instead of %s:%d (simgen bug)",
				c.filename, got.Filename, got.Line, want.Filename, want.Line)
		}
	}
	return nil
}

func startsLine(file *token.File, src []byte, pos token.Pos) bool {
	off := file.Offset(pos)
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return strings.TrimLeft(string(src[start:off]), " \t") == ""
}
