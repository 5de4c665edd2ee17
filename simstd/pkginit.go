package simstd

import (
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
)

// A pkgInit is the initialization of one simulated package, as its variant registers it.
type pkgInit struct {
	path string
	// vars point at the package's variables.
	vars []any
	// restore holds, index for index with vars, the value each gets back in every run when
	// package initialization changed it natively (it runs again, unless pinned): its value
	// before the package's initialization, or before a later package's (a registration);
	// the zero Value for the others.
	restore []reflect.Value
	// last holds the values of vars as the last package initialization left them, and
	// lastFP their fingerprints, to notice what the next one changes, in place too.
	last   []reflect.Value
	lastFP []uint64
	// saved holds, for the others, the value each had when the process's first run
	// started (after TestMain, say); nil until then.
	saved []reflect.Value
	// initVars and initFuncs run the package's variable initializers and its init
	// functions, in Go's order; with rerun set, only those that can run again.
	initVars, initFuncs func(rerun bool)
	// complete is set when all of the package's initialization runs again.
	complete bool
	// owned holds the pointers of vars that an initializer of their own assigns.
	owned map[any]bool
	// held are the goroutines its native initialization started under simgen test or
	// run, not started then (see initGoroutines); started natively if it ends pinned.
	held []func()
	// changedBy lists the later packages whose native initialization changed vars.
	changedBy []*pkgInit
	// pinned is set, at the first run, for a package whose state initialization that does
	// not run again changed, directly or through another pinned package: its
	// initialization does not run again either, and vars get back their values from the
	// first run's start, so that nothing is registered twice or lost.
	pinned bool
	// overridden is set, at the first run, when code that ran after package
	// initialization (TestMain, say) changed a variable that initialization had set: the
	// package is pinned, so that the change is not undone by initialization running again.
	overridden bool
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
//     started (what TestMain set, say), or, if package initialization changed it, its
//     value from before that initialization, which runs again: from before the init
//     functions, or, for a variable no initializer of its own assigns (owned lists those
//     that one does), from before the variable initializers;
//   - then initVars(true) and initFuncs(true) run inside the run, on its clock.
//
// complete says that all of the package's initialization runs again with rerun set. A
// package that is not complete or whose initialized state changed before the first run
// (TestMain set a variable an init function sets), and the packages whose state its
// initialization changed or that changed its state, are pinned: they do not run their initialization again, and
// their variables get back their values from the first run's start, so that nothing is
// registered twice or lost. Packages are reinitialized in the order Go initialized them.
// Generated code calls RegisterInit; it is not meant for hand-written code.
func RegisterInit(path string, vars, owned []any, initVars, initFuncs func(rerun bool), complete bool) {
	if complete && underSimgen() {
		initGoroutines.start()
	}
	before, beforeFP := saveVars(vars...), fingerprints(vars)
	initVars(false)
	afterVars, afterFP := saveVars(vars...), fingerprints(vars)
	initFuncs(false)
	held := initGoroutines.stop()
	p := &pkgInit{path: path, vars: vars, restore: make([]reflect.Value, len(vars)), last: saveVars(vars...), lastFP: fingerprints(vars), initVars: initVars, initFuncs: initFuncs, complete: complete, held: held}
	p.owned = map[any]bool{}
	for _, o := range owned {
		p.owned[o] = true
	}
	for i, v := range vars {
		switch {
		case afterFP[i] != p.lastFP[i]:
			p.restore[i] = afterVars[i] // an init function changed it
		case !p.owned[v] && beforeFP[i] != afterFP[i]:
			p.restore[i] = before[i] // another variable's initializer changed it: var _ = register(...)
		}
	}
	pkgInits.mu.Lock()
	defer pkgInits.mu.Unlock()
	for _, q := range pkgInits.list {
		q.noticeChanges(p)
	}
	pkgInits.list = append(pkgInits.list, p)
}

// noticeChanges compares p's variables with what they were after the previous package
// initialization, by, which just ran. A change is undone at the start of every run, since
// by's initialization redoes it, unless p ends pinned (see pin).
func (p *pkgInit) noticeChanges(by *pkgInit) {
	for i, v := range p.vars {
		fp := fingerprint(reflect.ValueOf(v).Elem(), fingerprintDepth)
		if fp == p.lastFP[i] {
			continue
		}
		if !p.restore[i].IsValid() {
			p.restore[i] = p.last[i]
		}
		p.last[i], p.lastFP[i] = saveVars(v)[0], fp
		if len(p.changedBy) == 0 || p.changedBy[len(p.changedBy)-1] != by {
			p.changedBy = append(p.changedBy, by)
		}
	}
}

// noticeOverrides sets overridden, comparing the variables that package initialization set
// (an initializer of their own, an init function, another package) as the first run starts
// with what initialization left: TestMain changed one (Timeout = time.Millisecond, a map
// filled), which running initialization again would undo.
func (p *pkgInit) noticeOverrides() {
	for i, v := range p.vars {
		if (p.restore[i].IsValid() || p.owned[v]) && fingerprint(reflect.ValueOf(v).Elem(), fingerprintDepth) != p.lastFP[i] {
			p.overridden = true
		}
	}
}

// pin marks the packages whose initialization must not run again: those whose
// initialization does not all run again (a flag, a call into another package) or whose
// initialized state TestMain changed, those their initialization changed, and those that
// changed a pinned package, until nothing changes.
func pin(list []*pkgInit) {
	for _, p := range list {
		p.pinned = !p.complete || p.overridden
	}
	for changed := true; changed; {
		changed = false
		for _, p := range list {
			for _, q := range p.changedBy {
				if !p.pinned && q.pinned {
					p.pinned, changed = true, true
				}
				if p.pinned && !q.pinned {
					q.pinned, changed = true, true
				}
			}
		}
	}
}

// initPackages gives a run fresh package state (see RegisterInit). It runs on the run's
// main goroutine, before the test or main function, so what the initializers start
// (timers, goroutines, channels) belongs to the run. Test, Main and RunJudged run one
// simulation at a time, so package state is never shared by two runs.
func initPackages() {
	pkgInits.mu.Lock()
	list := pkgInits.list
	fresh := false
	for _, p := range list {
		if p.saved == nil {
			p.saved, fresh = saveVars(p.vars...), true
			p.noticeOverrides()
		}
	}
	if fresh {
		pin(list)
		for _, p := range list {
			if p.pinned {
				for _, fn := range p.held {
					go fn()
				}
			}
			p.held = nil
		}
	}
	pkgInits.mu.Unlock()
	for _, p := range list {
		for i, v := range p.vars {
			val := p.saved[i]
			if r := p.restore[i]; r.IsValid() && !p.pinned {
				val = r
			}
			reflect.ValueOf(v).Elem().Set(val)
		}
	}
	for _, p := range list {
		if !p.pinned {
			p.initVars(true)
			p.initFuncs(true)
		}
	}
}

// saveVars copies the values vars point at.
func saveVars(vars ...any) []reflect.Value {
	out := make([]reflect.Value, len(vars))
	for i, v := range vars {
		e := reflect.ValueOf(v).Elem()
		c := reflect.New(e.Type()).Elem()
		c.Set(e)
		out[i] = c
	}
	return out
}

// fingerprintDepth is how far fingerprint follows pointers, maps and slices: registries are
// a pointer or a map away from the variable that holds them.
const fingerprintDepth = 3

func fingerprints(vars []any) []uint64 {
	out := make([]uint64, len(vars))
	for i, v := range vars {
		out[i] = fingerprint(reflect.ValueOf(v).Elem(), fingerprintDepth)
	}
	return out
}

// fingerprint hashes v and, depth levels deep, what its pointers, slices and maps refer to
// (map entries in an order-independent way, slices' first elements), so that a change made
// in place, such as a registration into a registry that a variable points to, shows.
func fingerprint(v reflect.Value, depth int) uint64 {
	h := uint64(14695981039346656037)
	mix := func(x uint64) {
		for range 8 {
			h ^= x & 0xff
			h *= 1099511628211
			x >>= 8
		}
	}
	mix(uint64(v.Kind()))
	if runtimeOwned(v.Type()) {
		return h // its state is the simulation's or the Go runtime's, not the program's
	}
	switch v.Kind() {
	case reflect.Bool:
		mix(uint64(b2i(v.Bool())))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		mix(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		mix(v.Uint())
	case reflect.Float32, reflect.Float64:
		mix(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		mix(math.Float64bits(real(v.Complex())))
		mix(math.Float64bits(imag(v.Complex())))
	case reflect.String:
		for _, b := range []byte(v.String()) {
			mix(uint64(b))
		}
		mix(uint64(v.Len()))
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		mix(uint64(v.Pointer()))
	case reflect.Pointer:
		mix(uint64(v.Pointer()))
		if depth > 0 && !v.IsNil() && !runtimeOwned(v.Type().Elem()) {
			mix(fingerprint(v.Elem(), depth-1))
		}
	case reflect.Interface:
		if !v.IsNil() {
			mix(fingerprint(v.Elem(), depth))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			mix(fingerprint(v.Field(i), depth))
		}
	case reflect.Array:
		for i := range min(v.Len(), maxFingerprintElems) {
			mix(fingerprint(v.Index(i), depth))
		}
	case reflect.Slice:
		mix(uint64(v.Pointer()))
		mix(uint64(v.Len()))
		if depth > 0 {
			for i := range min(v.Len(), maxFingerprintElems) {
				mix(fingerprint(v.Index(i), depth-1))
			}
		}
	case reflect.Map:
		mix(uint64(v.Pointer()))
		mix(uint64(v.Len()))
		if depth > 0 && v.Len() <= maxFingerprintElems {
			var sum uint64
			for it := v.MapRange(); it.Next(); {
				sum += fingerprint(it.Key(), depth-1)*31 ^ fingerprint(it.Value(), depth-1)
			}
			mix(sum)
		}
	}
	return h
}

// runtimeOwned reports whether values of t belong to simgen's runtime (a channel, a timer, a
// mutex: the kernel's types and simstd's std shims): their state changes by itself, as a native ticker made at init fires, so looking
// into them would report changes the program did not make.
func runtimeOwned(t reflect.Type) bool {
	p := t.PkgPath()
	return strings.HasPrefix(p, "github.com/simgen/simgen/internal/") || strings.HasPrefix(p, "github.com/simgen/simgen/simstd/")
}

// maxFingerprintElems bounds the elements of one slice, array or map that fingerprint looks
// at; a larger map shows changes in its length only.
const maxFingerprintElems = 256

// initGoroutines holds back the goroutines that the native initialization of a complete
// package starts under simgen test or run: every run starts its own, and a native one left
// running could pick up the run's channels (its range over a package channel starting after
// the run made a new one) and wake a simulated goroutine from outside. Only native code
// before the first run (TestMain) could have used them.
var initGoroutines heldGoroutines

type heldGoroutines struct {
	active atomic.Bool // set between start and stop: the cheap check native Go makes
	mu     sync.Mutex
	fns    []func()
}

func (h *heldGoroutines) start() { h.active.Store(true) }

func (h *heldGoroutines) stop() []func() {
	h.active.Store(false)
	h.mu.Lock()
	defer h.mu.Unlock()
	fns := h.fns
	h.fns = nil
	return fns
}

// hold keeps fn instead of starting it, between start and stop. Package initialization
// runs on one goroutine, so a goroutine it starts never races with stop.
func (h *heldGoroutines) hold(fn func()) bool {
	if !h.active.Load() {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fns = append(h.fns, fn)
	return true
}

// underSimgen reports whether simgen test or simgen run started the process: every test or
// main function then runs simulated.
func underSimgen() bool {
	return os.Getenv(EnvUnderSimgenTest) != "" || os.Getenv(EnvUnderSimgenRun) != ""
}
