package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"golang.org/x/tools/go/packages"
)

// rewritePkgInit makes a package's initialization repeatable, so that every run starts from
// the package state Go's initialization gives, made inside the run (on its clock, with its
// goroutines and channels) rather than natively before it:
//
//	var x = f()              =>   var x T
//	                              func simgenInitVar0() { x = f() }
//	func init() { body }     =>   func simgenInitFunc0() { body }
//
// and the first file of the package gets the one init function left, which runs them all
// natively in Go's order (types.Info.InitOrder, then the init functions in file order), as
// before, and registers the package with simstd.RegisterInit: at the start of every run,
// simstd restores the variables nothing reruns and runs the initializers again, except those
// that reach code outside the simulation with effects a second run would trip over
// (flag.String, expvar.Publish: see initAnalysis.safe), and variable initializers that make no
// state (initAnalysis.stateful). Constant initializers stay in place. The test
// files of a package add their part through hooks, since the package also builds without
// them. docs/design.md, "Package initialization inside the simulation", has the rules.
func rewritePkgInit(c *fileCtx) {
	pl := c.initPlan()
	if pl == nil {
		return
	}
	var decls []dst.Decl
	for _, d := range c.file.Decls {
		decls = append(decls, d)
		switch d := d.(type) {
		case *dst.GenDecl:
			if d.Tok == token.VAR {
				decls = append(decls, c.moveInitializers(pl, d)...)
			}
		case *dst.FuncDecl:
			if f, ok := pl.funcOf[c.astOf(d)]; ok {
				d.Name.Name = pl.name("Func", f.index)
			}
		}
	}
	var kept []dst.Decl
	for _, d := range decls {
		if gd, ok := d.(*dst.GenDecl); ok && gd.Tok == token.VAR && len(gd.Specs) == 0 {
			continue // every variable of it was blank and moved
		}
		kept = append(kept, d)
	}
	c.file.Decls = kept
	switch c.filename {
	case pl.first:
		c.file.Decls = append(c.file.Decls, pl.orchestrator()...)
	case pl.firstTest:
		c.file.Decls = append(c.file.Decls, pl.testHooks())
	}
}

// An initPlan is how one package's initialization is made repeatable (see rewritePkgInit).
// It is computed once per package from its original syntax and types.
type initPlan struct {
	path   string // the package's import path, as it registers
	prefix string // starts every generated name; no identifier of the package starts with it
	// vars lists, in Go's order, the initializers that move into functions.
	vars []*initVar
	// varOf maps each variable that a moved initializer assigns to it.
	varOf map[*types.Var]*initVar
	// funcs lists the init functions in Go's order; funcOf maps their declarations to them.
	funcs  []*initFunc
	funcOf map[ast.Node]*initFunc
	// snap and testSnap are the package-level variables of the package's files and of its
	// test files: each run restores them (simstd.RegisterInit), before the initializers
	// that run again assign theirs.
	snap, testSnap []string
	// owned and testOwned are those of them that a moved initializer assigns.
	owned, testOwned []string
	// first is the file that gets the orchestrating init function; firstTest, when set, is
	// the test file that hooks the test files' part into it.
	first, firstTest string
}

// An initVar is one moved initializer: a variable, or several assigned by one call.
type initVar struct {
	index int
	init  *types.Initializer
	// stateful and safe are initAnalysis's verdicts; rerun, both: the initializer runs again
	// in every run, not only natively at process start.
	stateful, safe, rerun bool
	test                  bool   // it is declared in a _test.go file
	why                   string // the call that makes it unsafe, if any
}

// An initFunc is one init function.
type initFunc struct {
	index int
	rerun bool
	test  bool
	why   string    // the call that makes it unsafe, if any
	pos   token.Pos // of its declaration
}

// incompleteWarning says, for a package that is not complete, what keeps its initialization
// native: what it starts (goroutines, timers) then runs outside the simulation.
func (pl *initPlan) incompleteWarning(c *fileCtx) *Finding {
	if pl.complete() {
		return nil
	}
	var pos token.Pos
	why := ""
	for _, v := range pl.vars {
		if v.stateful && !v.rerun {
			pos, why = v.init.Lhs[0].Pos(), v.why
			break
		}
	}
	for _, f := range pl.funcs {
		if !f.rerun && (pos == token.NoPos || f.pos < pos) {
			pos, why = f.pos, f.why
		}
	}
	what := "it"
	if why != "" {
		what = "it calls " + why + ", which"
	}
	return &Finding{Pos: c.fset.PositionFor(pos, false),
		What:    "package initialization of " + c.pkg.PkgPath + " left native",
		Why:     what + " a run cannot repeat (state outside the package, or a call into another package), so the package initializes once, natively, before any run: goroutines and timers it starts run outside the simulation, and its runs share its state",
		Fix:     "move that part of the initialization into a function the tests call, or out of the package",
		Ignored: true}
}

// complete reports whether all of the package's initialization that makes state runs again
// in every run: simstd pins the packages that are not (see simstd.RegisterInit).
func (pl *initPlan) complete() bool {
	for _, v := range pl.vars {
		if v.stateful && !v.rerun {
			return false
		}
	}
	for _, f := range pl.funcs {
		if !f.rerun {
			return false
		}
	}
	return true
}

func (pl *initPlan) name(kind string, i int) string {
	return pl.prefix + kind + strconv.Itoa(i)
}

// initPlan returns the plan of c's package, or nil when its initialization stays as it is:
// translated std packages (their state is std's), packages with nothing to initialize, and
// packages with a variable whose type the variant cannot spell.
func (c *fileCtx) initPlan() *initPlan {
	if pl, ok := c.paths.initPlans[c.pkg]; ok {
		return pl
	}
	pl := c.makeInitPlan()
	if c.paths.initPlans == nil {
		c.paths.initPlans = map[*packages.Package]*initPlan{}
	}
	c.paths.initPlans[c.pkg] = pl
	return pl
}

func (c *fileCtx) makeInitPlan() *initPlan {
	base := c.pkg.PkgPath
	if strings.HasSuffix(c.pkg.Name, "_test") {
		base = strings.TrimSuffix(base, "_test") // an external test package
	}
	if translated[base] || !c.paths.reinit[base] {
		return nil
	}
	for _, name := range []string{"append", "any", "bool", "nil", "true", "false"} {
		if obj := c.pkg.Types.Scope().Lookup(name); obj != nil {
			c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(obj.Pos(), false),
				What:    "package initialization of " + c.pkg.PkgPath + " left native",
				Why:     "the package declares " + name + ", which the code simgen generates to repeat its initialization uses as Go's predeclared identifier, so the package initializes once, natively, before any run, and its runs share its state",
				Fix:     "rename " + name,
				Ignored: true})
			return nil
		}
	}
	pl := &initPlan{path: c.pkg.PkgPath, varOf: map[*types.Var]*initVar{}, funcOf: map[ast.Node]*initFunc{}}
	typed := map[*types.Var]bool{} // variables declared with an explicit type
	for _, f := range c.pkg.Syntax {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, s := range gd.Specs {
					vs := s.(*ast.ValueSpec)
					for _, n := range vs.Names {
						if v, ok := c.info.Defs[n].(*types.Var); ok && vs.Type != nil {
							typed[v] = true
						}
					}
				}
			}
		}
	}
	an := newInitAnalysis(c)
	hasTest, hasNonTest := false, false
	for _, f := range c.pkg.Syntax {
		name := c.fset.Position(f.Package).Filename
		free := unconstrained(f, name)
		if isTestFile(name) {
			hasTest = true
			if pl.firstTest == "" || free && !unconstrained(fileNamed(c.pkg, c.fset, pl.firstTest), pl.firstTest) {
				pl.firstTest = name
			}
		} else {
			hasNonTest = true
			if pl.first == "" || free && !unconstrained(fileNamed(c.pkg, c.fset, pl.first), pl.first) {
				pl.first = name
			}
		}
	}
	if !hasNonTest {
		pl.first, pl.firstTest = pl.firstTest, ""
	} else if !hasTest {
		pl.firstTest = ""
	}
	scratch := *c
	scratch.extraImports = map[string]string{}
	for _, in := range c.info.InitOrder {
		if len(in.Lhs) == 1 {
			if tv, ok := c.info.Types[in.Rhs]; ok && tv.Value != nil {
				continue // a constant: static, and nothing it depends on can change
			}
		}
		if allBlank(in.Lhs) && !hasEffects(c.info, in.Rhs) {
			continue // var _ I = (*T)(nil): nothing to repeat
		}
		for _, v := range in.Lhs {
			if v.Name() == "_" || typed[v] {
				continue
			}
			if _, err := scratch.typeExpr(v.Type()); err != nil {
				c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(v.Pos(), false),
					What:    "package initialization of " + c.pkg.PkgPath + " left native",
					Why:     "the type of " + v.Name() + " cannot be spelled in the variant (" + err.Error() + "), so the package initializes once, natively, before any run, and its runs share its state",
					Fix:     "declare " + v.Name() + " with a type the package can name (an interface, say)",
					Ignored: true})
				return nil
			}
		}
		an.unsafeCall = ""
		iv := &initVar{index: len(pl.vars), init: in, stateful: an.stateful(in.Rhs), safe: an.safe(in.Rhs), test: isTestFile(c.fset.Position(in.Lhs[0].Pos()).Filename)}
		iv.why = an.unsafeCall
		iv.rerun = iv.stateful && iv.safe
		if iv.rerun {
			for _, v := range in.Lhs {
				an.rerunVars[v] = true
			}
		}
		pl.vars = append(pl.vars, iv)
		for _, v := range in.Lhs {
			pl.varOf[v] = iv
		}
	}
	for _, f := range c.pkg.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != "init" || fd.Body == nil {
				continue
			}
			an.unsafeCall = ""
			fn := &initFunc{index: len(pl.funcs), rerun: an.safe(fd.Body), test: isTestFile(c.fset.Position(fd.Pos()).Filename)}
			fn.why, fn.pos = an.unsafeCall, fd.Pos()
			pl.funcs = append(pl.funcs, fn)
			pl.funcOf[fd] = fn
		}
	}
	for _, f := range c.pkg.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, s := range gd.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					v, ok := c.info.Defs[n].(*types.Var)
					if !ok || v.Name() == "_" {
						continue
					}
					_, owned := pl.varOf[v]
					if isTestFile(c.fset.Position(n.Pos()).Filename) && pl.firstTest != "" {
						pl.testSnap = append(pl.testSnap, v.Name())
						if owned {
							pl.testOwned = append(pl.testOwned, v.Name())
						}
					} else {
						pl.snap = append(pl.snap, v.Name())
						if owned {
							pl.owned = append(pl.owned, v.Name())
						}
					}
				}
			}
		}
	}
	if w := pl.incompleteWarning(c); w != nil {
		c.findings = append(c.findings, *w)
	}
	if len(pl.vars) == 0 && len(pl.funcs) == 0 && len(pl.snap) == 0 && len(pl.testSnap) == 0 {
		return nil
	}
	pl.prefix = an.freshPrefix("simgenInit")
	return pl
}

func allBlank(vars []*types.Var) bool {
	for _, v := range vars {
		if v.Name() != "_" {
			return false
		}
	}
	return true
}

// hasEffects reports whether evaluating e may call a function, receive from a channel, or
// read a package-level variable.
func hasEffects(info *types.Info, e ast.Expr) bool {
	effects := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // not called here
		case *ast.CallExpr:
			if tv, ok := info.Types[ast.Unparen(n.Fun)]; !ok || !tv.IsType() {
				effects = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				effects = true
			}
		case *ast.Ident:
			// reading a variable whose initializer moved, before it runs
			if v, ok := info.Uses[n].(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				effects = true
			}
		}
		return !effects
	})
	return effects
}

// unconstrained reports whether f, named name, builds under every build configuration: no
// //go:build line, no GOOS or GOARCH suffix.
func unconstrained(f *ast.File, name string) bool {
	if f == nil {
		return false
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, cm := range cg.List {
			if strings.HasPrefix(cm.Text, "//go:build") || strings.HasPrefix(cm.Text, "// +build") {
				return false
			}
		}
	}
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(name), ".go"), "_test")
	parts := strings.Split(base, "_")
	for _, p := range parts[1:] {
		if knownOS[p] || knownArch[p] {
			return false
		}
	}
	return true
}

// knownOS and knownArch are the values of GOOS and GOARCH that file names can carry (go/build's
// syslist).
var (
	knownOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl",
		"netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
	knownArch = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64",
		"mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc",
		"sparc64", "wasm")
)

func fileNamed(pkg *packages.Package, fset *token.FileSet, name string) *ast.File {
	for _, f := range pkg.Syntax {
		if fset.Position(f.Package).Filename == name {
			return f
		}
	}
	return nil
}

// internalVisible reports whether package from may import path under Go's internal rule.
func internalVisible(path, from string) bool {
	i := strings.LastIndex(path, "/internal/")
	switch {
	case i >= 0:
	case strings.HasSuffix(path, "/internal"):
		i = len(path) - len("/internal")
	case path == "internal" || strings.HasPrefix(path, "internal/"):
		return false // std's
	default:
		return true
	}
	parent := path[:i]
	return from == parent || strings.HasPrefix(from, parent+"/")
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }

// moveInitializers replaces the moved initializers of d by typed declarations and returns
// the functions that now hold them, one per initializer, each keeping its line.
func (c *fileCtx) moveInitializers(pl *initPlan, d *dst.GenDecl) []dst.Decl {
	var specs []dst.Spec
	var fns []dst.Decl
	for _, s := range d.Specs {
		vs := s.(*dst.ValueSpec)
		if len(vs.Values) == 0 {
			specs = append(specs, vs)
			continue
		}
		vars := make([]*types.Var, len(vs.Names))
		var iv *initVar
		for i, n := range vs.Names {
			if a, ok := c.astOf(n).(*ast.Ident); ok {
				vars[i], _ = c.info.Defs[a].(*types.Var)
			}
			if vars[i] != nil && pl.varOf[vars[i]] != nil {
				iv = pl.varOf[vars[i]]
			}
		}
		if iv == nil {
			specs = append(specs, vs) // constant
			continue
		}
		var repl []dst.Spec
		if len(vs.Values) == 1 && len(vs.Names) > 1 {
			// one initializer assigns them all: v1, v2 = f()
			repl = c.typedSpecs(vs, vars)
			fns = append(fns, c.initVarFunc(pl, iv, vs.Names, vs.Values))
		} else {
			for i := range vs.Names {
				if vars[i] == nil || pl.varOf[vars[i]] == nil {
					repl = append(repl, &dst.ValueSpec{Names: []*dst.Ident{vs.Names[i]}, Type: cloneOrNil(vs.Type), Values: []dst.Expr{vs.Values[i]}})
					continue
				}
				repl = append(repl, c.typedSpecs(vs, vars[i:i+1])...)
				fns = append(fns, c.initVarFunc(pl, pl.varOf[vars[i]], vs.Names[i:i+1], vs.Values[i:i+1]))
			}
		}
		if len(repl) > 0 {
			moveDecs(vs, repl[0])
		}
		specs = append(specs, repl...)
	}
	d.Specs = specs
	if len(specs) > 1 && !d.Lparen {
		d.Lparen = true
	}
	return fns
}

// typedSpecs declares vars without their initializer: var x T, with the spec's own type when
// it has one. Blank variables need no declaration.
func (c *fileCtx) typedSpecs(vs *dst.ValueSpec, vars []*types.Var) []dst.Spec {
	var out []dst.Spec
	for _, v := range vars {
		if v == nil || v.Name() == "_" {
			continue
		}
		typ := cloneOrNil(vs.Type)
		if typ == nil {
			var err error
			typ, err = c.typeExpr(v.Type())
			if err != nil {
				panic("simgen bug: the plan checked that " + v.Name() + "'s type can be spelled: " + err.Error())
			}
		}
		out = append(out, &dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(v.Name())}, Type: typ})
	}
	return out
}

func cloneOrNil(e dst.Expr) dst.Expr {
	if e == nil {
		return nil
	}
	return dst.Clone(e).(dst.Expr)
}

// initVarFunc returns func <prefix>Var<i>() { names = values }, the assignment on the line of
// the first name.
func (c *fileCtx) initVarFunc(pl *initPlan, iv *initVar, names []*dst.Ident, values []dst.Expr) dst.Decl {
	var lhs []dst.Expr
	for _, n := range names {
		lhs = append(lhs, dst.NewIdent(n.Name))
	}
	as := &dst.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: values}
	fd := &dst.FuncDecl{
		Name: dst.NewIdent(pl.name("Var", iv.index)),
		Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}},
		Body: &dst.BlockStmt{List: []dst.Stmt{as}},
	}
	if a := c.astOf(names[0]); a != nil {
		// the function is printed on one line when it fits, so the declaration carries it
		pos := c.fset.PositionFor(a.Pos(), true)
		c.lines[as], c.lines[fd] = pos, pos
	}
	fd.Decs.Before = dst.EmptyLine
	return fd
}

// orchestrator returns the package's init function and the two functions it registers:
//
//	func init() {
//		simstd.RegisterInit("p", append([]any{&v, ...}, simgenInitTestSnap...), append([]any{&v, ...}, simgenInitTestOwned...),
//			simgenInitVars, simgenInitFuncs, complete)
//	}
//	func simgenInitVars(rerun bool)  { ...every moved initializer, in Go's order... }
//	func simgenInitFuncs(rerun bool) { ...every init function, in file order... }
//
// RegisterInit runs them natively at once, as Go would have, and again in every run with
// rerun set: what must not run again is guarded by if !rerun.
func (pl *initPlan) orchestrator() []dst.Decl {
	hooks := pl.firstTest != ""
	var vars, funcs []dst.Stmt
	for _, v := range pl.vars {
		if !hooks || !v.test {
			vars = append(vars, initCall(pl.name("Var", v.index), v.rerun))
		}
	}
	for _, f := range pl.funcs {
		if !hooks || !f.test {
			funcs = append(funcs, initCall(pl.name("Func", f.index), f.rerun))
		}
	}
	if hooks {
		vars = append(vars, hookCall(pl.prefix+"TestVars"))
		funcs = append(funcs, hookCall(pl.prefix+"TestFuncs"))
	}
	var snap, owned dst.Expr = varPointers(pl.snap), varPointers(pl.owned)
	if hooks {
		snap = &dst.CallExpr{Fun: dst.NewIdent("append"), Args: []dst.Expr{snap, dst.NewIdent(pl.prefix + "TestSnap")}, Ellipsis: true}
		owned = &dst.CallExpr{Fun: dst.NewIdent("append"), Args: []dst.Expr{owned, dst.NewIdent(pl.prefix + "TestOwned")}, Ellipsis: true}
	}
	register := &dst.CallExpr{Fun: simstd("RegisterInit"), Args: []dst.Expr{
		&dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(pl.path)},
		snap, owned, dst.NewIdent(pl.prefix + "Vars"), dst.NewIdent(pl.prefix + "Funcs"),
		dst.NewIdent(strconv.FormatBool(pl.complete())),
	}}
	initFn := &dst.FuncDecl{
		Name: dst.NewIdent("init"),
		Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}},
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ExprStmt{X: register}}},
	}
	initFn.Decs.Before = dst.EmptyLine
	initFn.Decs.Start = dst.Decorations{"// " + initDoc}
	out := []dst.Decl{initFn, rerunFunc(pl.prefix+"Vars", vars), rerunFunc(pl.prefix+"Funcs", funcs)}
	if hooks {
		hookVars := &dst.GenDecl{Tok: token.VAR, Lparen: true, Specs: []dst.Spec{
			&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(pl.prefix + "TestVars"), dst.NewIdent(pl.prefix + "TestFuncs")}, Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true, List: []*dst.Field{{Type: dst.NewIdent("bool")}}}}},
			&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(pl.prefix + "TestSnap"), dst.NewIdent(pl.prefix + "TestOwned")}, Type: &dst.ArrayType{Elt: dst.NewIdent("any")}},
		}}
		hookVars.Decs.Before = dst.EmptyLine
		hookVars.Decs.Start = dst.Decorations{"// set by the test files' part of the initialization"}
		out = append([]dst.Decl{hookVars}, out...)
	}
	return out
}

// initDoc explains the generated init function to a reader of the variant.
const initDoc = "init runs the package's initialization as Go would, and registers it to run again at the start of every simulated run (simgen)."

// initCall calls one moved initializer or init function; what does not rerun runs only
// natively, at process start.
func initCall(name string, rerun bool) dst.Stmt {
	var s dst.Stmt = &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent(name)}}
	if !rerun {
		s = &dst.IfStmt{Cond: &dst.UnaryExpr{Op: token.NOT, X: dst.NewIdent("rerun")}, Body: &dst.BlockStmt{List: []dst.Stmt{s}}}
	}
	return s
}

// hookCall calls the test files' part, which is nil when the package builds without them.
func hookCall(name string) dst.Stmt {
	return &dst.IfStmt{
		Cond: &dst.BinaryExpr{X: dst.NewIdent(name), Op: token.NEQ, Y: dst.NewIdent("nil")},
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent(name), Args: []dst.Expr{dst.NewIdent("rerun")}}}}},
	}
}

func rerunFunc(name string, body []dst.Stmt) *dst.FuncDecl {
	fd := &dst.FuncDecl{Name: dst.NewIdent(name), Type: rerunType(), Body: &dst.BlockStmt{List: body}}
	fd.Decs.Before = dst.EmptyLine
	return fd
}

// rerunType is func(rerun bool).
func rerunType() *dst.FuncType {
	return &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true, List: []*dst.Field{{Names: []*dst.Ident{dst.NewIdent("rerun")}, Type: dst.NewIdent("bool")}}}}
}

// testHooks returns the test files' part of the initialization, hooked into the package's:
//
//	var _ = func() bool { simgenInitTestVars = func(rerun bool) {...}; ...; return true }()
//
// A variable initializer runs before any init function, so the hooks are set in time.
func (pl *initPlan) testHooks() dst.Decl {
	part := func(name string, calls []dst.Stmt) dst.Stmt {
		return &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(pl.prefix + name)}, Tok: token.ASSIGN, Rhs: []dst.Expr{
			&dst.FuncLit{Type: rerunType(), Body: &dst.BlockStmt{List: calls}}}}
	}
	var vars, funcs []dst.Stmt
	for _, v := range pl.vars {
		if v.test {
			vars = append(vars, initCall(pl.name("Var", v.index), v.rerun))
		}
	}
	for _, f := range pl.funcs {
		if f.test {
			funcs = append(funcs, initCall(pl.name("Func", f.index), f.rerun))
		}
	}
	body := []dst.Stmt{
		part("TestVars", vars),
		part("TestFuncs", funcs),
		&dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(pl.prefix + "TestSnap")}, Tok: token.ASSIGN, Rhs: []dst.Expr{varPointers(pl.testSnap)}},
		&dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(pl.prefix + "TestOwned")}, Tok: token.ASSIGN, Rhs: []dst.Expr{varPointers(pl.testOwned)}},
		&dst.ReturnStmt{Results: []dst.Expr{dst.NewIdent("true")}},
	}
	d := &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
		Names:  []*dst.Ident{dst.NewIdent("_")},
		Values: []dst.Expr{&dst.CallExpr{Fun: &dst.FuncLit{Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}, Results: &dst.FieldList{List: []*dst.Field{{Type: dst.NewIdent("bool")}}}}, Body: &dst.BlockStmt{List: body}}}},
	}}}
	d.Decs.Before = dst.EmptyLine
	d.Decs.Start = dst.Decorations{"// the test files' part of the package's initialization (simgen)"}
	return d
}

// varPointers returns []any{&a, &b, ...}.
func varPointers(names []string) dst.Expr {
	lit := &dst.CompositeLit{Type: &dst.ArrayType{Elt: dst.NewIdent("any")}}
	for _, n := range names {
		lit.Elts = append(lit.Elts, &dst.UnaryExpr{Op: token.AND, X: dst.NewIdent(n)})
	}
	return lit
}

// initAnalysis decides which initializers run again in every run: those that are stateful
// and safe.
type initAnalysis struct {
	c     *fileCtx
	decls map[*types.Func]*ast.FuncDecl // the package's functions and methods
	memo  map[*types.Func]bool          // whether each is safe (viaBody)
	// stateMemo is whether each is stateful (viaBody)
	stateMemo map[*types.Func]bool
	// unsafeCall names the first call safe found unsafe since it was cleared, for the
	// warning.
	unsafeCall string
	// rerunVars are the variables whose initializers run again, decided in Go's order, so
	// before any initializer that depends on them
	rerunVars map[*types.Var]bool
}

func newInitAnalysis(c *fileCtx) *initAnalysis {
	an := &initAnalysis{c: c, decls: map[*types.Func]*ast.FuncDecl{}, memo: map[*types.Func]bool{}, stateMemo: map[*types.Func]bool{}, rerunVars: map[*types.Var]bool{}}
	for _, f := range c.pkg.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
					an.decls[fn] = fd
				}
			}
		}
	}
	return an
}

// freshPrefix returns base, or base followed by a number and "_", such that no identifier of
// the package starts with it.
func (an *initAnalysis) freshPrefix(base string) string {
	used := func(p string) bool {
		for id := range an.c.info.Defs {
			if strings.HasPrefix(id.Name, p) {
				return true
			}
		}
		for id := range an.c.info.Uses {
			if strings.HasPrefix(id.Name, p) {
				return true
			}
		}
		return false
	}
	p := base
	for i := 2; used(p); i++ {
		p = base + strconv.Itoa(i) + "_"
	}
	return p
}

// safe reports whether running n again in every run is safe: every function it calls,
// directly or through the package's own functions, is simgen's shim of a std package or on
// the list of std packages without global effects a repeat would trip over (pureStd). A
// call into another package makes it unsafe, and its package is then pinned (see
// simstd.RegisterInit). Calls through function values and interfaces count as safe: what they
// call is not known statically.
func (an *initAnalysis) safe(n ast.Node) bool {
	ok := true
	ast.Inspect(n, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !ok || !isCall {
			return ok
		}
		if fn := an.callee(call); fn != nil && !an.funcSafe(fn) {
			ok = false
			if an.unsafeCall == "" {
				an.unsafeCall = fn.FullName()
			}
		}
		return ok
	})
	return ok
}

func (an *initAnalysis) callee(call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	switch f := fun.(type) {
	case *ast.Ident:
		fn, _ := an.c.info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		if sel, ok := an.c.info.Selections[f]; ok {
			fn, _ := sel.Obj().(*types.Func)
			return fn
		}
		fn, _ := an.c.info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

func (an *initAnalysis) funcSafe(fn *types.Func) bool {
	fn = fn.Origin()
	pkg := fn.Pkg()
	switch {
	case pkg == nil:
		return true // error.Error
	case pkg == an.c.pkg.Types:
		return an.viaBody(fn, an.memo, true, an.safe)
	case pureStd[pkg.Path()]:
		return true
	case an.c.paths.targets[pkg.Path()]:
		// Another package's function may reach state a repeat trips over (a flag); its
		// body is not looked into, so the call runs once, natively.
		return false
	}
	return an.c.paths.simulated(pkg.Path()) // simgen's shims
}

// stateful reports whether evaluating the initializer e makes state that a run may change or
// that belongs to a run: it calls simulated code (time.Now, sync.OnceFunc, a rewritten
// package), makes a map, slice, channel or pointer, does a channel operation, writes
// anything but a local variable, or reads a variable whose initializer runs again, directly or
// through the package's own functions. An initializer that is not (errors.New("x"),
// regexp.MustCompile, a struct value) keeps its native value, restored in every run, so a
// value such as a sentinel error keeps its identity for code that captured it natively.
func (an *initAnalysis) stateful(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // made, not run; a call of it is looked into below
		case *ast.CallExpr:
			if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok && an.stateful(lit.Body) {
				found = true
			}
			if tv, ok := an.c.info.Types[ast.Unparen(n.Fun)]; ok && tv.IsBuiltin() {
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && (id.Name == "make" || id.Name == "new") {
					found = true
				}
			}
			if fn := an.callee(n); fn != nil && an.funcStateful(fn) {
				found = true
			}
		case *ast.CompositeLit:
			switch an.c.info.TypeOf(n).Underlying().(type) {
			case *types.Map, *types.Slice:
				found = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND || n.Op == token.ARROW {
				found = true
			}
		case *ast.SendStmt, *ast.GoStmt:
			found = true
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || n.Tok != token.DEFINE && an.mayBeShared(l)
			}
		case *ast.IncDecStmt:
			found = found || an.mayBeShared(n.X)
		case *ast.Ident:
			if v, ok := an.c.info.Uses[n].(*types.Var); ok && an.rerunVars[v] {
				found = true // a value made again in every run: var alias = registry
			}
		}
		return !found
	})
	return found
}

// mayBeShared reports whether an assignment to e may write state outside the function: e is
// not a local variable (a package-level variable, a field, an element, through a pointer or
// a receiver).
func (an *initAnalysis) mayBeShared(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return true
	}
	v, ok := an.c.info.Uses[id].(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// viaBody decides a property of one of the package's own functions from its body, once. A
// function without a body, or one being decided (a recursive call), has the property assume.
func (an *initAnalysis) viaBody(fn *types.Func, memo map[*types.Func]bool, assume bool, of func(ast.Node) bool) bool {
	if v, seen := memo[fn]; seen {
		return v
	}
	memo[fn] = assume
	v := assume
	if fd, ok := an.decls[fn]; ok {
		v = of(fd.Body)
	}
	memo[fn] = v
	return v
}

func (an *initAnalysis) funcStateful(fn *types.Func) bool {
	fn = fn.Origin()
	pkg := fn.Pkg()
	switch {
	case pkg == nil:
		return false
	case pkg == an.c.pkg.Types:
		return an.viaBody(fn, an.stateMemo, false, an.stateful)
	}
	return an.c.paths.simulated(pkg.Path()) && !translated[pkg.Path()]
}

// pureStd lists std packages whose functions a package initializer may call again in every
// run: they keep no global state, or none that a repeated call changes (gob.Register with the
// same type and name, mime.AddExtensionType). flag, expvar, net/http, database/sql,
// os/signal and runtime, among others, are not on it.
var pureStd = setOf(
	"bufio", "bytes", "cmp", "container/heap", "container/list", "container/ring",
	"crypto/hmac", "crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512", "crypto/subtle",
	"embed", "encoding", "encoding/base32", "encoding/base64", "encoding/binary", "encoding/csv",
	"encoding/gob", "encoding/hex", "encoding/json", "encoding/pem", "encoding/xml", "errors",
	"fmt", "hash", "hash/adler32", "hash/crc32", "hash/crc64", "hash/fnv", "html", "html/template",
	"io", "io/fs", "iter", "log/slog", "math", "math/big", "math/bits", "math/cmplx", "mime",
	"net/netip", "net/url", "path", "reflect", "regexp", "regexp/syntax", "slices", "sort",
	"strconv", "strings", "text/tabwriter", "text/template", "unicode", "unicode/utf16",
	"unicode/utf8", "unique",
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}
