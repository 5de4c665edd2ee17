package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// unsupportedImports are standard packages that block or start goroutines inside the standard
// library, where the simulation cannot reach them.
var unsupportedImports = map[string]string{
	"net/http":     "it starts goroutines and blocks on native network connections and channels inside the standard library; simgen test and run simulate it by translating its source from GOROOT, but gen and --native leave it native",
	"net/rpc":      "it starts goroutines and blocks on native connections and channels inside the standard library; simgen test and run simulate it by translating its source from GOROOT, but gen and --native leave it native",
	"net/smtp":     "it blocks on native network connections",
	"os/exec":      "it starts goroutines and waits for real processes",
	"database/sql": "it starts goroutines and blocks on native channels inside the standard library",
	"expvar":       "it registers handlers with net/http",
	"log/syslog":   "it blocks on native network connections",
	"plugin":       "it loads native code",
}

// unsupportedFuncs are functions that operate on native channels or block natively.
var unsupportedFuncs = map[string]string{
	"reflect.Select":          "it selects over native channels, but the variant's channels are simstd.Chan values",
	"reflect.MakeChan":        "it makes a native channel, which the simulation cannot schedule",
	"reflect.ChanOf":          "it builds native channel types, but the variant's channels are simstd.Chan values",
	"(reflect.Value).Send":    "it sends on a native channel, but the variant's channels are simstd.Chan values",
	"(reflect.Value).Recv":    "it receives from a native channel, but the variant's channels are simstd.Chan values",
	"(reflect.Value).TrySend": "it sends on a native channel, but the variant's channels are simstd.Chan values",
	"(reflect.Value).TryRecv": "it receives from a native channel, but the variant's channels are simstd.Chan values",
	"(reflect.Value).Close":   "it closes a native channel, but the variant's channels are simstd.Chan values",
	"runtime.LockOSThread":    "simulated goroutines do not own OS threads",
}

// checkFile reports the constructs of the original file that cannot be simulated.
func checkFile(c *fileCtx) {
	imported := map[string]*ast.ImportSpec{}
	for _, imp := range c.astFile.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		c.checkImport(imp, path)
		// (std's own second imports, as in net/http, compile: its variant is checked by
		// building it on every CI run, see tests/stdnet)
		if first, ok := imported[path]; ok && path != "C" && !translated[c.pkg.PkgPath] {
			c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(imp.Pos(), false), What: "second import of " + path,
				Why: "it is already imported on line " + strconv.Itoa(c.fset.PositionFor(first.Pos(), false).Line) + ", and simgen's printer keeps one name per imported package",
				Fix: "import the package once"})
		}
		imported[path] = imp
	}
	qualified := map[*ast.Ident]bool{}
	ast.Inspect(c.astFile, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			qualified[n.Sel] = true
			c.checkUse(n, n.Sel)
			c.checkForeignField(n)
		case *ast.CompositeLit:
			c.checkForeignKeys(n)
		case *ast.Ident:
			if !qualified[n] {
				c.checkUse(n, n)
			}
		case *ast.CallExpr:
			c.checkForeignChans(n)
		case *ast.TypeSwitchStmt:
			c.checkChanDirections(n)
		case *ast.StructType:
			c.checkEmbeddedChan(n)
		}
		return true
	})
}

func (c *fileCtx) checkImport(imp *ast.ImportSpec, path string) {
	if c.paths.targets[path] || translated[c.pkg.PkgPath] {
		// A translated package rewritten in this run runs simulated. Inside one, a refused
		// import is std's own plumbing: net/rpc parses HTTP CONNECT replies and hijacks the
		// connections of a native HTTP server, which user code cannot start simulated.
		return
	}
	pos := c.fset.PositionFor(imp.Pos(), false)
	for p, why := range unsupportedImports {
		if path == p || strings.HasPrefix(path, p+"/") {
			c.findings = append(c.findings, Finding{Pos: pos, What: "import of " + path, Why: why,
				Fix: "keep " + path + " out of simulated packages (behind an interface), or mark the import //simgen:ignore to proceed with native behavior"})
		}
	}
}

// checkUse reports references to unsupported functions; id is the identifier naming them.
func (c *fileCtx) checkUse(n ast.Node, id *ast.Ident) {
	fn, ok := c.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return
	}
	name := fn.FullName()
	why, ok := unsupportedFuncs[name]
	if !ok {
		return
	}
	if se, ok := n.(*ast.SelectorExpr); ok && c.isRoutedTestingMethod(se) {
		return // simstd/context stands for it (t.Context)
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(n.Pos(), false), What: name, Why: why,
		Fix: "restructure the code so the simulated part does not need it, or mark the line //simgen:ignore"})
}

// checkForeignChans reports calls that hand channels to, or get channels from, packages that
// are neither simulated nor rewritten: their channels would be native (os/signal.Notify).
func (c *fileCtx) checkForeignChans(call *ast.CallExpr) {
	fn := c.foreignFunc(call)
	if fn == nil {
		return
	}
	path := fn.Pkg().Path()
	if _, reported := unsupportedFuncs[fn.FullName()]; reported {
		return
	}
	if sig := fn.Type().(*types.Signature); sig.Recv() != nil && isDoneSig(fn.Name(), sig) {
		return // rewriteCtxDone reaches the simulated channel
	}
	if !c.exchangesChans(call, fn.Type().(*types.Signature)) {
		return
	}
	// The variant's channels are simstd.Chan values, which path's functions do not take: with
	// the line let through, the variant would not compile, so this finding is binding.
	fix := "keep the call out of simulated code: move it into a file constrained //go:build !simgen and give the variant its own version in a file constrained //go:build simgen"
	if !isStd(path) {
		fix = "generate " + path + " in the same run, or " + fix
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(call.Pos(), false), What: "call of " + fn.FullName(),
		Why: "it exchanges channels with " + path + ", which is not simulated, and the variant's channels are simstd.Chan values (//simgen:ignore cannot let it through: the variant would not compile)",
		Fix: fix, Binding: true})
}

// exchangesChans reports whether call, of a function with signature sig, hands a channel to
// or gets one from the callee. Contexts exchange none: their Done methods keep std's channel
// (rewriteCtxDone). An interface parameter whose methods mention channels exchanges none when
// every argument for it is a value of a package that is not simulated: its methods are that
// package's own, unchanged in the variant.
func (c *fileCtx) exchangesChans(call *ast.CallExpr, sig *types.Signature) bool {
	res := sig.Results()
	for i := range res.Len() {
		// A value of a type the callee's package declares (an *http.Request, say) reaches
		// the variant unchanged; checkForeignField reports reaching into its channels.
		if !c.foreignType(res.At(i).Type()) && mentionsChan(res.At(i).Type(), map[types.Type]bool{}) {
			return true
		}
	}
	params := sig.Params()
	for i := range params.Len() {
		pt := params.At(i).Type()
		if !mentionsChan(pt, map[types.Type]bool{}) || c.foreignType(pt) {
			// As with results, a value of a type the callee's package declares (the
			// *http.Request net/rpc's DialHTTP builds) is passed on unchanged; setting its
			// channel fields is what checkForeignField reports.
			continue
		}
		args := call.Args
		switch {
		case sig.Variadic() && i == params.Len()-1 && !call.Ellipsis.IsValid():
			args = args[min(i, len(args)):]
			pt = pt.(*types.Slice).Elem()
		case i < len(args):
			args = args[i : i+1]
		default:
			args = nil
		}
		if types.IsInterface(pt) && c.foreignMethods(pt) {
			continue
		}
		if !types.IsInterface(pt) || len(args) == 0 {
			return true
		}
		for _, a := range args {
			if !c.foreignValue(a) {
				return true
			}
		}
	}
	return false
}

// foreignMethods reports whether every channel that the methods of interface t mention is
// inside a value of a type declared by a package that is not simulated (http.Handler's
// ServeHTTP takes an *http.Request), so a variant's type implements t with the same method
// signatures as the original.
func (c *fileCtx) foreignMethods(t types.Type) bool {
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for i := range iface.NumMethods() {
		sig := iface.Method(i).Type().(*types.Signature)
		for _, tuple := range []*types.Tuple{sig.Params(), sig.Results()} {
			for j := range tuple.Len() {
				if at := tuple.At(j).Type(); !c.foreignType(at) && mentionsChan(at, map[types.Type]bool{}) {
					return false
				}
			}
		}
	}
	return true
}

// checkForeignKeys reports, in a composite literal of a struct declared in a package that is
// not simulated, a keyed field that holds channels (http.Request{Cancel: ch}), as
// checkForeignField does for selections.
func (c *fileCtx) checkForeignKeys(lit *ast.CompositeLit) {
	t := c.info.TypeOf(lit)
	if p, ok := t.(*types.Pointer); ok { // an elided &T in a literal of []*T
		t = p.Elem()
	}
	st, _ := t.Underlying().(*types.Struct)
	for i, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			if st != nil && i < st.NumFields() {
				c.foreignField(st.Field(i), e.Pos())
			}
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		f, ok := c.info.Uses[key].(*types.Var)
		if !ok || !f.IsField() {
			continue
		}
		c.foreignField(f, key.Pos())
	}
}

// checkForeignField reports the selection of a field that holds channels from a struct
// declared in a package that is not simulated (http.Request.Cancel): its channels are native,
// and the variant's channel operations take simstd.Chan values.
func (c *fileCtx) checkForeignField(se *ast.SelectorExpr) {
	sel, ok := c.info.Selections[se]
	if !ok || sel.Kind() != types.FieldVal {
		return
	}
	c.foreignField(sel.Obj().(*types.Var), se.Sel.Pos())
}

// foreignField reports f, used at pos, if it is a field holding channels of a struct declared
// in a package that is not simulated.
func (c *fileCtx) foreignField(f *types.Var, pos token.Pos) {
	if f.Pkg() == nil || f.Pkg().Path() == c.pkg.PkgPath || c.paths.simulated(f.Pkg().Path()) {
		return
	}
	if !mentionsChan(f.Type(), map[types.Type]bool{}) || c.foreignType(f.Type()) {
		return
	}
	c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(pos, false), What: "field " + f.Name() + " of a " + f.Pkg().Path() + " value",
		Why: "it holds a channel of " + f.Pkg().Path() + ", which is not simulated, and the variant's channels are simstd.Chan values (//simgen:ignore cannot let it through: the variant would not compile)",
		Fix: "keep the code that uses the field out of simulated code (in a file constrained //go:build !simgen)", Binding: true})
}

// foreignType reports whether t, or what t points to, is a named type declared in a package
// that is not simulated: the variant passes its values on unchanged.
func (c *fileCtx) foreignType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	var obj *types.TypeName
	switch t := t.(type) {
	case *types.Named:
		obj = t.Obj()
	case *types.Alias:
		obj = t.Obj()
	default:
		return false
	}
	if _, ok := t.Underlying().(*types.Chan); ok {
		return false // the variant's make, send and receive make and take simstd.Chan values
	}
	return obj.Pkg() != nil && !c.paths.simulated(obj.Pkg().Path()) && !types.IsInterface(t)
}

// foreignValue reports whether the value of e has a type declared in a package that is not
// simulated (or is nil), so that the variant passes it on unchanged.
func (c *fileCtx) foreignValue(e ast.Expr) bool {
	tv, ok := c.info.Types[e]
	if !ok {
		return false
	}
	if tv.IsNil() {
		return true
	}
	t := tv.Type
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	var obj *types.TypeName
	switch t := t.(type) {
	case *types.Named:
		obj = t.Obj()
	case *types.Alias:
		obj = t.Obj()
	default:
		return false
	}
	return obj.Pkg() != nil && !c.paths.simulated(obj.Pkg().Path())
}

func (c *fileCtx) calledFunc(call *ast.CallExpr) *types.Func {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		fn, _ := c.info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := c.info.Uses[f.Sel].(*types.Func)
		return fn
	case *ast.IndexExpr:
		return c.calledFunc(&ast.CallExpr{Fun: f.X})
	case *ast.IndexListExpr:
		return c.calledFunc(&ast.CallExpr{Fun: f.X})
	}
	return nil
}

// mentionsChan reports whether a channel type can be reached from t through its exported
// structure: elements, exported fields, signatures and exported interface methods.
func mentionsChan(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Chan:
		return true
	case *types.Tuple:
		for i := range t.Len() {
			if mentionsChan(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Named, *types.Alias:
		return mentionsChan(t.Underlying(), seen)
	case *types.Pointer:
		return mentionsChan(t.Elem(), seen)
	case *types.Slice:
		return mentionsChan(t.Elem(), seen)
	case *types.Array:
		return mentionsChan(t.Elem(), seen)
	case *types.Map:
		return mentionsChan(t.Key(), seen) || mentionsChan(t.Elem(), seen)
	case *types.Signature:
		return mentionsChan(t.Params(), seen) || mentionsChan(t.Results(), seen)
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() && mentionsChan(f.Type(), seen) {
				return true
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			// a Done method keeps its std channel in the variant (rewriteCtxDone)
			if m := t.Method(i); m.Exported() && !isDoneSig(m.Name(), m.Type().(*types.Signature)) && mentionsChan(m.Type(), seen) {
				return true
			}
		}
	}
	return false
}

// checkEmbeddedChan reports embedded fields of named channel types: Go does not allow
// embedding a type whose underlying type is a pointer, which the variant's channel types are.
func (c *fileCtx) checkEmbeddedChan(st *ast.StructType) {
	for _, f := range st.Fields.List {
		if len(f.Names) > 0 {
			continue
		}
		t := c.info.TypeOf(f.Type)
		if t == nil {
			continue
		}
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem() // struct{ *T } promotes T's methods, which the variant turns into functions
		}
		if _, ok := t.Underlying().(*types.Chan); ok {
			c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(f.Pos(), false), What: "embedded field of channel type " + t.String(),
				Why: "the variant's channel types are pointers to simstd.Chan, and Go does not allow embedding pointer types",
				Fix: "give the field a name", Binding: true})
		}
	}
}

// checkChanDirections reports type switches with cases that differ only in channel
// directions: the variant has one channel type per element type, so the later case could
// never match (and does not compile).
func (c *fileCtx) checkChanDirections(ts *ast.TypeSwitchStmt) {
	seen := map[string]bool{}
	for _, st := range ts.Body.List {
		for _, e := range st.(*ast.CaseClause).List {
			t := c.info.TypeOf(e)
			if t == nil || !mentionsChan(t, map[types.Type]bool{}) {
				continue
			}
			key := undirected(t)
			if seen[key] {
				c.findings = append(c.findings, Finding{Pos: c.fset.PositionFor(e.Pos(), false), What: "type switch case " + types.TypeString(t, nil),
					Why: "an earlier case has the same type up to channel directions, and the variant drops channel directions",
					Fix: "merge the cases", Binding: true})
			}
			seen[key] = true
		}
	}
}

// applyIgnores downgrades the findings on lines marked //simgen:ignore (on the line itself or
// alone on the line above), and all findings when allow is set, except binding ones.
func (c *fileCtx) applyIgnores(allow bool) {
	marked := map[int]bool{}
	for _, cg := range c.astFile.Comments {
		for _, cm := range cg.List {
			if cm.Text == "//simgen:ignore" || strings.HasPrefix(cm.Text, "//simgen:ignore ") {
				line := c.fset.PositionFor(cm.Pos(), false).Line
				marked[line] = true
				marked[line+1] = true
			}
		}
	}
	for i := range c.findings {
		if c.findings[i].Binding {
			continue
		}
		if allow || marked[c.findings[i].Pos.Line] {
			c.findings[i].Ignored = true
		}
	}
}

// isStd reports whether path is a standard library package: its first element has no dot.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// foreignFunc returns the function call calls when it is declared in a package that is
// neither the file's nor simulated; nil otherwise, and for the methods that rewriteSubtests
// routes to simstd (t.Context, through simstd/context.TestContext).
func (c *fileCtx) foreignFunc(call *ast.CallExpr) *types.Func {
	fn := c.calledFunc(call)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	path := fn.Pkg().Path()
	if path == c.pkg.PkgPath || c.paths.simulated(path) {
		return nil
	}
	if se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && c.isRoutedTestingMethod(se) {
		return nil
	}
	return fn
}

// tupleSpread reports whether call passes the results of a call as its arguments (f(g())),
// which cannot be rewritten one by one.
func (c *fileCtx) tupleSpread(call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	_, ok := c.info.TypeOf(call.Args[0]).(*types.Tuple)
	return ok
}
