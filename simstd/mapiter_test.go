package simstd_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/simgen/simgen/simstd"
)

type pairKey struct{ a, b int }

// mapOrders ranges, in a run with the given seed, over maps of several key kinds with rng, and
// returns the entries produced and the run's trace hash.
func mapOrders(seed uint64, rng func(m any, emit func(k, v any))) string {
	var b strings.Builder
	emit := func(k, v any) { fmt.Fprint(&b, k, "=", v, " ") }
	r := simstd.Run(simstd.Config{Seed: seed}, func() {
		ms := map[int]string{}
		for i := range 12 {
			ms[i*7%13] = fmt.Sprint(i)
		}
		rng(ms, emit)
		b.WriteString("| ")
		rng(map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, emit)
		b.WriteString("| ")
		rng(map[pairKey]bool{{1, 2}: true, {2, 1}: false, {0, 0}: true, {1, 1}: false}, emit)
		b.WriteString("| ")
		rng(map[float64]int{1.5: 1, math.NaN(): 2, -3: 3, math.Inf(1): 4}, emit)
	})
	if r.Err != nil {
		return r.Err.Error()
	}
	return fmt.Sprintf("%s hash %v", b.String(), r.Hash)
}

func rangeAll[K comparable, V any](m map[K]V, emit func(k, v any), iterate bool) {
	if !iterate {
		for k, v := range simstd.MapRange(m) {
			emit(k, v)
		}
		return
	}
	for it, k, v := simstd.MapIter(m); it.Next(&k, &v); {
		emit(k, v)
	}
}

func ranger(iterate bool) func(m any, emit func(k, v any)) {
	return func(m any, emit func(k, v any)) {
		switch m := m.(type) {
		case map[int]string:
			rangeAll(m, emit, iterate)
		case map[string]int:
			rangeAll(m, emit, iterate)
		case map[pairKey]bool:
			rangeAll(m, emit, iterate)
		case map[float64]int:
			rangeAll(m, emit, iterate)
		}
	}
}

// TestMapIterKeepsOrders pins the orders and trace hashes that simstd.MapRange produced for
// these seeds before the rewritten range statements moved to MapIter: both must keep them, so
// that recorded seeds and traces still replay. (NaN=0: the value of a NaN key is read from the
// map, which cannot find it; see MapIter.)
func TestMapIterKeepsOrders(t *testing.T) {
	want := []string{
		"11=9 1=2 9=5 2=4 12=11 7=1 8=3 10=7 3=6 4=8 0=0 5=10 | b=2 d=4 c=3 e=5 a=1 | {2 1}=false {1 2}=true {1 1}=false {0 0}=true | NaN=0 -3=3 +Inf=4 1.5=1  hash 11943404969713320856",
		"8=3 3=6 10=7 1=2 5=10 7=1 11=9 9=5 0=0 4=8 2=4 12=11 | d=4 a=1 b=2 c=3 e=5 | {1 2}=true {1 1}=false {0 0}=true {2 1}=false | -3=3 NaN=0 1.5=1 +Inf=4  hash 17969955191030504331",
		"7=1 0=0 12=11 3=6 11=9 9=5 2=4 8=3 5=10 1=2 10=7 4=8 | e=5 d=4 b=2 a=1 c=3 | {0 0}=true {2 1}=false {1 2}=true {1 1}=false | NaN=0 +Inf=4 1.5=1 -3=3  hash 9547899848240572723",
	}
	for i, w := range want {
		seed := uint64(i + 1)
		assert.Equal(t, w, mapOrders(seed, ranger(true)), "MapIter, seed %d", seed)
		assert.Equal(t, w, mapOrders(seed, ranger(false)), "MapRange, seed %d", seed)
	}
}

// TestMapIterDeletes checks Go's rules during an iteration: an entry deleted before it is
// reached is not produced, a value changed before is produced changed, and an entry added
// is not produced.
func TestMapIterDeletes(t *testing.T) {
	for _, sim := range []bool{false, true} {
		var got []int
		body := func() {
			m := map[int]int{1: 1, 2: 2, 3: 3, 4: 4}
			for it, k, v := simstd.MapIter(m); it.Next(&k, &v); {
				got = append(got, v)
				for other := range m {
					if other != k {
						delete(m, other)
						m[other+100] = 0
						break
					}
				}
				for other := range m {
					if other != k && other < 100 {
						m[other] = -other
					}
				}
			}
		}
		if sim {
			r := simstd.Run(simstd.Config{Seed: 1}, body)
			assert.NoError(t, r.Err)
		} else {
			body()
		}
		assert.NotEmpty(t, got, "sim %v", sim)
		assert.Less(t, len(got), 4, "sim %v: a deleted entry was produced", sim)
		for _, v := range got[1:] {
			assert.Less(t, v, 0, "sim %v: a value read before it was reached", sim)
		}
	}
}

func TestChanIter(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](3)
		c.Send(1)
		c.Send(2)
		c.Send(3)
		c.Close()
		var got []int
		for it, v := simstd.ChanIter(c); it.Next(&v); {
			got = append(got, v)
		}
		assert.Equal(t, []int{1, 2, 3}, got)
		n := 0
		for it, _ := simstd.ChanIter(c); it.Next(nil); {
			n++
		}
		assert.Zero(t, n, "a closed, drained channel ends the loop")
	})
	assert.NoError(t, r.Err)
}

// TestMapIterNaNNative checks that outside a simulation a NaN key's entry has its value, as in
// Go's own range.
func TestMapIterNaNNative(t *testing.T) {
	m := map[float64]int{math.NaN(): 7, 1: 1}
	sum := 0
	for it, _, v := simstd.MapIter(m); it.Next(nil, &v); {
		sum += v
	}
	assert.Equal(t, 8, sum)
}
