package kernel

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Select hands back every case it is done with, so a loop of selects
// allocates nothing once warm: not the cases, and not the wake-up of a
// partner.
func TestSelectRecyclesCases(t *testing.T) {
	a, b, out := NewChan[int](1), NewChan[struct{}](1), NewChan[int](1)
	allocs := testing.AllocsPerRun(100, func() {
		a.Send(1)
		switch ra, rb := a.RecvCase(), b.DiscardCase(); Select(false, ra, rb) {
		case 0:
			if v := ra.Take(); v != 1 {
				t.Errorf("received %d, want 1", v)
			}
		case 1:
			t.Error("b is empty")
		}
		switch Select(false, out.SendCase(2), b.DiscardCase()) {
		case 0:
			out.Recv()
		case 1:
			t.Error("b is empty")
		}
	})
	assert.Zero(t, allocs)
}

// The receive case that proceeded keeps its value until Take, even when
// another select on its channel runs first (as in m[f()] = <-c, where f
// selects too): Select does not hand it back.
func TestSelectKeepsProceededCase(t *testing.T) {
	c := NewChan[int](2)
	c.Send(1)
	c.Send(2)
	r := c.RecvCase()
	require.Equal(t, 0, Select(false, r))
	r2 := c.RecvCase()
	assert.NotSame(t, r, r2, "a case whose value is unread was reused")
	require.Equal(t, 0, Select(false, r2))
	assert.Equal(t, 2, r2.Take())
	assert.Equal(t, 1, r.Take())
	assert.Same(t, r, c.RecvCase(), "Take hands the case back")
}

// A case that did not proceed, or whose value is discarded, is handed back
// cleared: it keeps no value alive and a new select starts afresh.
func TestSelectReleasedCasesAreCleared(t *testing.T) {
	a, b := NewChan[*int](1), NewChan[*int](0)
	v := new(int)
	a.Send(v)
	rb := b.RecvCase()
	sb := b.SendCase(v)
	require.Equal(t, 0, Select(true, a.DiscardCase(), rb, sb))
	assert.Same(t, rb, b.RecvCase())
	assert.Nil(t, rb.Value)
	s := b.SendCase(nil)
	assert.Same(t, sb, s)
	assert.Nil(t, s.v)
	assert.Nil(t, s.w.val)
}

// Natively, selects on shared channels run in parallel: a case handed back
// by one goroutine is reused by another at once. Every value arrives exactly
// once (run with -race to check the hand-over).
func TestSelectRecyclingInParallel(t *testing.T) {
	const workers, each = 4, 2000
	in, out, quit := NewChan[int](0), NewChan[int](0), NewChan[struct{}](0)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				switch r, q := in.RecvCase(), quit.DiscardCase(); Select(false, r, q) {
				case 0:
					v := r.Take()
					switch Select(false, out.SendCase(v), quit.DiscardCase()) {
					case 1:
						return
					}
				case 1:
					return
				}
			}
		}()
	}
	go func() {
		for i := range workers * each {
			in.Send(i)
		}
	}()
	seen := make([]bool, workers*each)
	for range workers * each {
		v := out.Recv()
		require.False(t, seen[v], "value %d delivered twice", v)
		seen[v] = true
	}
	quit.Close()
	wg.Wait()
}
