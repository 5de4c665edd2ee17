package atomic_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	stdatomic "sync/atomic"
	"testing"
	"unsafe"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/sync"
	"github.com/simgen/simgen/simstd/sync/atomic"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exported lists the exported functions, types and methods of the package
// in dir ("Type.Method" for methods), without its tests.
func exported(t *testing.T, dir string) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	require.NoError(t, err)
	var names []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if !d.Name.IsExported() {
						continue
					}
					if d.Recv != nil && !ast.IsExported(recvType(d)) {
						continue // noCopy.Lock
					}
					name := d.Name.Name
					if d.Recv != nil {
						name = recvType(d) + "." + name
					}
					names = append(names, name)
				case *ast.GenDecl:
					for _, s := range d.Specs {
						if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
							names = append(names, ts.Name.Name)
						}
					}
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// recvType returns the name of a method's receiver type.
func recvType(d *ast.FuncDecl) string {
	typ := d.Recv.List[0].Type
	if st, ok := typ.(*ast.StarExpr); ok {
		typ = st.X
	}
	if ix, ok := typ.(*ast.IndexExpr); ok {
		typ = ix.X
	}
	return typ.(*ast.Ident).Name
}

// The shim has every function, type and method of sync/atomic.
func TestMirrorsSyncAtomic(t *testing.T) {
	std := exported(t, filepath.Join(build.Default.GOROOT, "src", "sync", "atomic"))
	require.Contains(t, std, "Int64.Add", "parsing sync/atomic")
	assert.Equal(t, std, exported(t, "."))
}

// Outside a simulation the operations are sync/atomic's.
func TestNative(t *testing.T) {
	var i32 int32
	assert.Equal(t, int32(5), atomic.AddInt32(&i32, 5))
	assert.Equal(t, int32(5), atomic.OrInt32(&i32, 2))
	assert.Equal(t, int32(7), atomic.AndInt32(&i32, 3))
	assert.Equal(t, int32(3), atomic.LoadInt32(&i32))
	assert.True(t, atomic.CompareAndSwapInt32(&i32, 3, 4))
	assert.False(t, atomic.CompareAndSwapInt32(&i32, 3, 5))
	assert.Equal(t, int32(4), atomic.SwapInt32(&i32, 9))
	atomic.StoreInt32(&i32, 1)
	assert.Equal(t, int32(1), i32)

	var u64 uint64
	atomic.StoreUint64(&u64, 1<<40)
	assert.Equal(t, uint64(1<<40+1), atomic.AddUint64(&u64, 1))

	x := 1
	var p unsafe.Pointer
	atomic.StorePointer(&p, unsafe.Pointer(&x))
	assert.Equal(t, unsafe.Pointer(&x), atomic.LoadPointer(&p))

	var n atomic.Int64
	n.Store(3)
	assert.Equal(t, int64(10), n.Add(7))
	assert.Equal(t, int64(10), n.Or(1))
	assert.Equal(t, int64(11), n.And(2))
	assert.Equal(t, int64(2), n.Swap(8))
	assert.True(t, n.CompareAndSwap(8, 0))

	var b atomic.Bool
	assert.False(t, b.Swap(true))
	assert.True(t, b.Load())

	var ptr atomic.Pointer[int]
	assert.Nil(t, ptr.Load())
	ptr.Store(&x)
	assert.Same(t, &x, ptr.Load())

	var v atomic.Value
	assert.Nil(t, v.Load())
	v.Store("a")
	assert.Equal(t, "a", v.Swap("b"))
	assert.True(t, v.CompareAndSwap("b", "c"))
	assert.PanicsWithValue(t, "sync/atomic: store of inconsistently typed value into Value", func() { v.Store(1) })
}

// lostUpdates runs two goroutines that each increment a counter n times with
// a load and a store (not an atomic add), and returns how many increments
// were lost.
func lostUpdates(n int) int64 {
	var c atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		simstd.Go(func() {
			defer wg.Done()
			for range n {
				v := c.Load()
				c.Store(v + 1) // the bug: another goroutine may have stored meanwhile
			}
		})
	}
	wg.Wait()
	return int64(2*n) - c.Load()
}

// Atomic operations are scheduling points: the lost update between a Load
// and a Store, which Go shows, is found within a few seeds.
func TestLostUpdateIsFound(t *testing.T) {
	const bound = 20
	found := 0
	first := uint64(0)
	for seed := uint64(1); seed <= bound; seed++ {
		var lost int64
		r := simstd.Run(simstd.Config{Seed: seed}, func() { lost = lostUpdates(100) })
		require.NoError(t, r.Err)
		if lost > 0 {
			found++
			if first == 0 {
				first = seed
			}
		}
	}
	t.Logf("lost updates in %d of %d seeds, first at seed %d", found, bound, first)
	assert.Positive(t, found, "no seed of %d interleaved a Load and a Store", bound)
	assert.Less(t, found, bound, "a switch at every atomic operation: they are light points")
}

// An atomic Add loses no update, however the goroutines interleave.
func TestNoLostUpdateWithAdd(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		var c atomic.Int64
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				simstd.Go(func() {
					defer wg.Done()
					for range 100 {
						c.Add(1)
					}
				})
			}
			wg.Wait()
		})
		require.NoError(t, r.Err)
		assert.Equal(t, int64(300), c.Load())
	}
}

// Benchmarks: an atomic add natively, the shim's outside a simulation, and
// the shim's inside one (a light scheduling point), against std's there.
func BenchmarkAdd(b *testing.B) {
	b.Run("std", func(b *testing.B) {
		var c stdatomic.Int64
		for b.Loop() {
			c.Add(1)
		}
	})
	b.Run("shim-native", func(b *testing.B) {
		var c atomic.Int64
		for b.Loop() {
			c.Add(1)
		}
	})
	b.Run("std-simulated", func(b *testing.B) {
		simstd.Run(simstd.Config{Seed: 1}, func() {
			var c stdatomic.Int64
			for b.Loop() {
				c.Add(1)
			}
		})
	})
	b.Run("shim-simulated", func(b *testing.B) {
		simstd.Run(simstd.Config{Seed: 1}, func() {
			var c atomic.Int64
			for b.Loop() {
				c.Add(1)
			}
		})
	})
}
