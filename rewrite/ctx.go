package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/packages"
)

// SimstdPath is the import path of the runtime package generated code calls.
const SimstdPath = "github.com/simgen/simgen/simstd"

// shimmed lists the standard packages with a simstd counterpart at SimstdPath + "/" + path.
// Each counterpart keeps the std package name, so rewriting the import path is enough.
var shimmed = map[string]bool{
	"time":          true,
	"net":           true,
	"sync":          true,
	"sync/atomic":   true,
	"context":       true,
	"os":            true,
	"path/filepath": true,
	"io/ioutil":     true,
	"log":           true,
	"log/slog":      true,
	"math/rand":     true,
	"math/rand/v2":  true,
	"crypto/rand":   true,
	"maps":          true,
	"hash/maphash":  true,

	"testing/synctest": true,
}

// translated lists the standard packages whose own source, from the GOROOT of the go command
// that loads the program, simgen rewrites like a dependency in every simgen test and run: their
// variants are written into the runtime module, at SimstdPath + "/" + path, and never into
// simgen's repository. Where they are not loaded as dependencies (gen, --native) they stay
// native and check refuses them (unsupportedImports).
var translated = map[string]bool{
	"net/rpc":         true,
	"net/rpc/jsonrpc": true,

	// encoding/gob encodes maps in reflect's order; translated, it follows the seed
	// (rewriteReflectMap)
	"encoding/gob":     true,
	"internal/saferio": true,

	"net/http":                     true,
	"net/http/httptest":            true,
	"net/http/internal":            true,
	"net/http/internal/ascii":      true,
	"net/http/internal/httpcommon": true,
	"net/http/internal/testcert":   true,
	// net/http's vendored dependencies: a package outside std cannot import them by these paths
	"vendor/golang.org/x/net/http/httpguts":    true,
	"vendor/golang.org/x/net/http/httpproxy":   true,
	"vendor/golang.org/x/net/http2/hpack":      true,
	"vendor/golang.org/x/net/idna":             true,
	"vendor/golang.org/x/text/secure/bidirule": true,
	"vendor/golang.org/x/text/transform":       true,
	"vendor/golang.org/x/text/unicode/bidi":    true,
	"vendor/golang.org/x/text/unicode/norm":    true,
}

// stdStubs maps std-internal packages that translated packages import, and that cannot be
// translated themselves (they reach into the runtime), to simgen's stand-ins with the part of
// their API the translated packages use.
var stdStubs = map[string]string{
	"internal/godebug": SimstdPath + "/internal/stdstub/godebug",
}

// TranslatedStd returns the std packages simgen translates from GOROOT, sorted.
func TranslatedStd() []string {
	out := make([]string, 0, len(translated))
	for p := range translated {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// translatedPath is the import path of the variant of the translated std package path.
func translatedPath(path string) string {
	if rest, ok := strings.CutPrefix(path, "vendor/"); ok {
		// a path element "vendor" would make the go command look for a vendor directory
		return SimstdPath + "/internal/vendored/" + rest
	}
	return SimstdPath + "/" + path
}

// stdTyped lists the shimmed packages whose API keeps std's types: their types are aliases of
// std's and their functions take std contexts. To the checks they are packages that are not
// simulated.
var stdTyped = map[string]bool{"log/slog": true, "context": true}

// pathMap maps the import paths of the original program to those of the variant.
type pathMap struct {
	// variants maps the packages generated in this run to their variants' import paths, so
	// variants import each other rather than the native originals.
	variants map[string]string
	// targets holds the import paths of every package generated in this run.
	targets map[string]bool
	// reinit holds the import paths of the packages whose initialization is repeated in
	// every run: the targets and the other packages of their modules (see rewritePkgInit).
	reinit map[string]bool
	// initPlans caches each package's initialization plan (see rewritePkgInit); a nil plan
	// means its initialization stays as it is.
	initPlans map[*packages.Package]*initPlan
}

// simulated reports whether the code of path runs simulated and speaks the variant's types
// (channels, contexts): it is generated in this run, shimmed by simstd (except stdTyped), or
// simstd itself.
func (m *pathMap) simulated(path string) bool {
	return m.targets[path] || shimmed[path] && !stdTyped[path] || path == SimstdPath || strings.HasPrefix(path, SimstdPath+"/")
}

func (m *pathMap) mapPath(path string) string {
	if v, ok := m.variants[path]; ok {
		return v
	}
	if shimmed[path] {
		return SimstdPath + "/" + path
	}
	if stub, ok := stdStubs[path]; ok {
		return stub
	}
	return path
}

// fileCtx is what every rewrite sees of one file: its dst tree and the original types.
type fileCtx struct {
	fset     *token.FileSet
	pkg      *packages.Package
	info     *types.Info
	dec      *decorator.Decorator
	astFile  *ast.File
	file     *dst.File
	filename string
	paths    *pathMap
	// isTest is set for _test.go files.
	isTest bool
	// origin maps a node a rewrite created to the node it stands for, so types and original
	// lines stay available whichever rewrite ran first.
	origin map[dst.Node]dst.Node
	// lines holds the original line of every statement, declaration and case clause, and the
	// line inherited by the statements a rewrite created in their place.
	lines map[dst.Node]token.Position
	// names holds every identifier spelled in the file, for picking fresh names.
	names    map[string]bool
	findings []Finding
	// extraImports names packages that typeExpr refers to but the package does not import.
	extraImports map[string]string
	// outDir is where the variant of the file is written.
	outDir string
	// goFn and goArg name the temporaries of go statements (see gostmt.go).
	goFn, goArg string
	// nativeChans holds the channel types that stay std channels in the variant: the results
	// of Done methods (see rewriteCtxDone).
	nativeChans map[*dst.ChanType]bool
}

func newFileCtx(fset *token.FileSet, pkg *packages.Package, astFile *ast.File, paths *pathMap) (*fileCtx, error) {
	dec := decorator.NewDecoratorWithImports(fset, pkg.PkgPath, newDecoratorResolver(pkg.TypesInfo.Uses))
	f, err := dec.DecorateFile(astFile)
	if err != nil {
		return nil, err
	}
	filename := fset.Position(astFile.Package).Filename
	c := &fileCtx{
		fset:     fset,
		pkg:      pkg,
		info:     pkg.TypesInfo,
		dec:      dec,
		astFile:  astFile,
		file:     f,
		filename: filename,
		paths:    paths,
		isTest:   strings.HasSuffix(filename, "_test.go"),
		origin:   map[dst.Node]dst.Node{},
		lines:    map[dst.Node]token.Position{},
		names:    map[string]bool{},

		extraImports: map[string]string{},
		nativeChans:  map[*dst.ChanType]bool{},
	}
	c.recordLines()
	ast.Inspect(astFile, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !c.isPkgName(id) {
			c.names[id.Name] = true
		}
		return true
	})
	return c, nil
}

// isPkgName reports whether id names an imported package; the restorer manages those names.
func (c *fileCtx) isPkgName(id *ast.Ident) bool {
	_, ok := c.info.Uses[id].(*types.PkgName)
	if !ok {
		_, ok = c.info.Defs[id].(*types.PkgName)
	}
	return ok
}

// astOf returns the original syntax node that n is or stands for.
func (c *fileCtx) astOf(n dst.Node) ast.Node {
	for n != nil {
		if a, ok := c.dec.Ast.Nodes[n]; ok {
			return a
		}
		n = c.origin[n]
	}
	return nil
}

// typeOf returns the original type of e, or nil when e has none (a type expression
// created by a rewrite, for example).
func (c *fileCtx) typeOf(e dst.Expr) types.Type {
	a, ok := c.astOf(e).(ast.Expr)
	if !ok {
		return nil
	}
	return c.info.TypeOf(a)
}

func (c *fileCtx) typeAndValue(e dst.Expr) (types.TypeAndValue, bool) {
	a, ok := c.astOf(e).(ast.Expr)
	if !ok {
		return types.TypeAndValue{}, false
	}
	tv, ok := c.info.Types[ast.Unparen(a)]
	return tv, ok
}

// objectOf returns the object an identifier (possibly a qualified one) refers to.
func (c *fileCtx) objectOf(id *dst.Ident) types.Object {
	switch a := c.astOf(id).(type) {
	case *ast.Ident:
		return c.info.ObjectOf(a)
	case *ast.SelectorExpr:
		return c.info.ObjectOf(a.Sel)
	}
	return nil
}

// pos returns the original position of n.
func (c *fileCtx) pos(n dst.Node) token.Position {
	if a := c.astOf(n); a != nil {
		return c.fset.PositionFor(a.Pos(), false)
	}
	if p, ok := c.lines[n]; ok {
		return p
	}
	return token.Position{Filename: c.filename}
}

// replaced records that new stands for old: it inherits old's types and decorations, and the
// statements a rewrite created inside new inherit old's line.
func (c *fileCtx) replaced(old, new dst.Node) {
	c.origin[new] = old
	moveDecs(old, new)
	line, ok := c.lineOf(old)
	if !ok {
		return
	}
	dst.Inspect(new, func(n dst.Node) bool {
		if n == nil {
			return false
		}
		if _, orig := c.dec.Ast.Nodes[n]; orig {
			return false
		}
		if _, has := c.lines[n]; has {
			return false
		}
		if isAnchor(n) {
			c.lines[n] = line
		}
		return true
	})
}

// derive records that the expression new has the same type as old without moving anything.
func (c *fileCtx) derive(new, old dst.Node) {
	c.origin[new] = old
}

func (c *fileCtx) lineOf(n dst.Node) (token.Position, bool) {
	for n != nil {
		if p, ok := c.lines[n]; ok {
			return p, true
		}
		if a, ok := c.dec.Ast.Nodes[n]; ok {
			return c.fset.PositionFor(a.Pos(), true), true
		}
		n = c.origin[n]
	}
	return token.Position{}, false
}

// recordLines remembers the original (//line-adjusted) line of every anchor node.
func (c *fileCtx) recordLines() {
	dst.Inspect(c.file, func(n dst.Node) bool {
		if n == nil || !isAnchor(n) {
			return true
		}
		if a, ok := c.dec.Ast.Nodes[n]; ok {
			c.lines[n] = c.fset.PositionFor(a.Pos(), true)
		}
		return true
	})
}

// isAnchor reports whether n starts a line whose original number the output must keep.
func isAnchor(n dst.Node) bool {
	switch n.(type) {
	case dst.Stmt, dst.Decl:
		return true
	}
	return false
}

// moveDecs moves the comments and line breaks around old to new.
func moveDecs(old, new dst.Node) {
	if old == nil || new == nil {
		return
	}
	od, nd := old.Decorations(), new.Decorations()
	if od == nil || nd == nil {
		return
	}
	*nd = *od
	*od = dst.NodeDecs{}
}

// fresh returns a name based on base that no identifier in the file spells, and reserves it.
func (c *fileCtx) fresh(base string) string {
	name := base
	for i := 1; c.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	c.names[name] = true
	return name
}

// freshPrefix returns a prefix p such that p followed by any digits is spelled nowhere in
// the file, for families of temporaries such as sel0, sel1, ...
func (c *fileCtx) freshPrefix(base string) string {
	p := base
	for i := 1; c.prefixUsed(p); i++ {
		p = base + strconv.Itoa(i) + "_"
	}
	return p
}

func (c *fileCtx) prefixUsed(p string) bool {
	for name := range c.names {
		if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// simstd returns a reference to an exported name of simstd.
func simstd(name string) *dst.Ident {
	return &dst.Ident{Name: name, Path: SimstdPath}
}

// finding records a finding at n's original position.
func (c *fileCtx) finding(n dst.Node, what, why, fix string) {
	c.findings = append(c.findings, Finding{Pos: c.pos(n), What: what, Why: why, Fix: fix})
}

func unparen(e dst.Expr) dst.Expr {
	for {
		p, ok := e.(*dst.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// builtinName returns the name of the builtin a call calls, or "".
func (c *fileCtx) builtinName(call *dst.CallExpr) string {
	id, ok := unparen(call.Fun).(*dst.Ident)
	if !ok || id.Path != "" {
		return ""
	}
	if b, ok := c.objectOf(id).(*types.Builtin); ok {
		return b.Name()
	}
	return ""
}
