package netsim

import (
	"bytes"
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPktQueue checks the queue against a sorted slice through inserts at
// the back (the usual case) and in the middle, pops, compactions and
// growth.
func TestPktQueue(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var q pktQueue
	var want []*packet
	var seq uint64
	now := int64(0)
	for range 20000 {
		if rnd.IntN(2) == 0 && len(want) < 20 || len(want) == 0 {
			seq++
			p := &packet{kind: pktData, seq: seq, when: now + rnd.Int64N(10)}
			if rnd.IntN(4) > 0 {
				p.when = now + 10 + int64(seq) // in order: at the back
			}
			first := q.insert(p)
			i, _ := slices.BinarySearchFunc(want, p, func(a, b *packet) int {
				return cmp.Or(cmp.Compare(a.when, b.when), cmp.Compare(a.seq, b.seq))
			})
			want = slices.Insert(want, i, p)
			require.Equal(t, i == 0, first)
		} else {
			require.Same(t, want[0], q.first())
			require.Same(t, want[0], q.pop())
			want = want[1:]
			now++
		}
		require.Equal(t, len(want), q.len())
		require.Equal(t, want, slices.Clone(q.packets()))
		for _, p := range q.ps[:q.head] {
			require.Nil(t, p) // popped packets are not kept alive
		}
	}
	require.LessOrEqual(t, cap(q.ps), 64, "the queue's array grows with its length, not its history")
}

// TestStream checks the ring against a plain buffer through writes and
// reads that wrap around, growth, and discards.
func TestStream(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var s stream
	var want []byte
	next := byte(0)
	for range 20000 {
		switch rnd.IntN(3) {
		case 0:
			b := make([]byte, rnd.IntN(700))
			for i := range b {
				b[i] = next
				next++
			}
			s.write(b)
			want = append(want, b...)
			clear(b) // the stream holds its own copy
		case 1:
			b := make([]byte, rnd.IntN(900))
			k := s.read(b)
			require.Equal(t, min(len(b), len(want)), k)
			require.True(t, bytes.Equal(want[:k], b[:k]))
			want = want[k:]
		case 2:
			k := rnd.IntN(len(want) + 1)
			s.discard(k)
			want = want[k:]
		}
		require.Equal(t, len(want), s.len())
		if s.len() == 0 {
			require.Zero(t, s.off)
		}
	}
	big := make([]byte, streamKeep+1)
	s.write(big)
	s.discard(s.len())
	require.Nil(t, s.buf, "a drained stream keeps no more than streamKeep")
}

// TestReleaseTwice: giving back a packet twice is caught at once.
func TestReleaseTwice(t *testing.T) {
	n := &Net{}
	p := n.newPacket(packet{kind: pktData, size: 3})
	n.release(p)
	require.Panics(t, func() { n.release(p) })
	require.Same(t, p, n.newPacket(packet{kind: pktFIN}))
	require.Equal(t, packet{kind: pktFIN}, *p)
}
