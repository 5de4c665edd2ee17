package simstd

import (
	"math"
	"reflect"
	"sync"
)

// A pkgInit is the initialization of one simulated package, as its variant registers it.
type pkgInit struct {
	path string
	// vars point at the package-level variables that no rerun initializer assigns.
	vars []any
	// beforeFuncs holds, index for index with vars, the value each had before the package's
	// init functions ran natively, for the variables they changed; nil for the others.
	beforeFuncs []reflect.Value
	// saved holds, for the others, the value each had when the process's first run
	// started (after TestMain, say); nil until then.
	saved []reflect.Value
	// initVars and initFuncs run the package's variable initializers and its init
	// functions, in Go's order; with rerun set, only those that can run again.
	initVars, initFuncs func(rerun bool)
}

// pkgInits is every registered package initialization, in registration order, which is
// the order Go initialized the packages in: a package's init function registers it after
// the packages it imports registered theirs.
var pkgInits struct {
	mu   sync.Mutex
	list []*pkgInit
}

// RegisterInit is called by the init function of a variant in place of the package's own
// initialization: it runs initVars(false), then initFuncs(false), which is the package's
// initialization in Go's order, and registers the package so that every run that Test,
// Main or RunJudged starts begins with fresh package state:
//
//   - each variable vars points at gets back the value it had when the process's first run
//     started, or, if the package's init functions changed it, the value it had before
//     they ran (they run again);
//   - then initVars(true) and initFuncs(true) run inside the run, on its clock.
//
// Packages are reinitialized in the order Go initialized them. Generated code calls
// RegisterInit; it is not meant for hand-written code.
func RegisterInit(path string, vars []any, initVars, initFuncs func(rerun bool)) {
	initVars(false)
	before := saveVars(vars)
	initFuncs(false)
	p := &pkgInit{path: path, vars: vars, beforeFuncs: make([]reflect.Value, len(vars)), initVars: initVars, initFuncs: initFuncs}
	for i, v := range vars {
		if !sameValue(before[i], reflect.ValueOf(v).Elem()) {
			p.beforeFuncs[i] = before[i]
		}
	}
	pkgInits.mu.Lock()
	defer pkgInits.mu.Unlock()
	pkgInits.list = append(pkgInits.list, p)
}

// initPackages gives a run fresh package state (see RegisterInit). It runs on the run's
// main goroutine, before the test or main function, so what the initializers start
// (timers, goroutines, channels) belongs to the run. Test, Main and RunJudged run one
// simulation at a time, so package state is never shared by two runs.
func initPackages() {
	pkgInits.mu.Lock()
	list := pkgInits.list
	for _, p := range list {
		if p.saved == nil {
			p.saved = saveVars(p.vars)
		}
	}
	pkgInits.mu.Unlock()
	for _, p := range list {
		for i, v := range p.vars {
			val := p.saved[i]
			if b := p.beforeFuncs[i]; b.IsValid() {
				val = b
			}
			reflect.ValueOf(v).Elem().Set(val)
		}
	}
	for _, p := range list {
		p.initVars(true)
		p.initFuncs(true)
	}
}

// saveVars copies the values vars point at.
func saveVars(vars []any) []reflect.Value {
	out := make([]reflect.Value, len(vars))
	for i, v := range vars {
		e := reflect.ValueOf(v).Elem()
		c := reflect.New(e.Type()).Elem()
		c.Set(e)
		out[i] = c
	}
	return out
}

// sameValue reports whether a and b, of one type, hold the same value, comparing maps,
// slices, pointers, channels and functions by identity, not by what they refer to: whether
// an assignment changed a variable, not whether the state it reaches changed.
func sameValue(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Map, reflect.Pointer, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return a.Pointer() == b.Pointer()
	case reflect.Slice:
		return a.Pointer() == b.Pointer() && a.Len() == b.Len() && a.Cap() == b.Cap()
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Complex64, reflect.Complex128:
		ac, bc := a.Complex(), b.Complex()
		return math.Float64bits(real(ac)) == math.Float64bits(real(bc)) && math.Float64bits(imag(ac)) == math.Float64bits(imag(bc))
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	default: // unsigned integers
		return a.Uint() == b.Uint()
	}
}
