package simstd_test

import (
	"runtime"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChanUnbufferedHandoff(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		done := simstd.NewChan[bool](0)
		simstd.Go(func() {
			for i := range 3 {
				c.Send(i)
			}
			done.Send(true)
		})
		for i := range 3 {
			assert.Equal(t, i, c.Recv())
		}
		assert.True(t, done.Recv())
	})
}

func TestChanBufferedFIFOLenCap(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[string](3)
		assert.Equal(t, 3, c.Cap())
		c.Send("a")
		c.Send("b")
		assert.Equal(t, 2, c.Len())
		assert.Equal(t, "a", c.Recv())
		c.Send("c")
		c.Send("d")
		assert.Equal(t, 3, c.Len())
		assert.Equal(t, []string{"b", "c", "d"}, []string{c.Recv(), c.Recv(), c.Recv()})
		assert.Equal(t, 0, c.Len())
	})
}

func TestChanBufferedFullBlocksSender(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](1)
		sent := simstd.NewChan[int](2)
		simstd.Go(func() {
			c.Send(1)
			sent.Send(1)
			c.Send(2) // blocks until 1 is received
			sent.Send(2)
		})
		assert.Equal(t, 1, sent.Recv())
		assert.Equal(t, 1, c.Recv())
		assert.Equal(t, 2, sent.Recv())
		assert.Equal(t, 2, c.Recv())
	})
}

func TestChanCloseDrainsThenZero(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](2)
		c.Send(7)
		c.Close()
		v, ok := c.Recv2()
		assert.Equal(t, 7, v)
		assert.True(t, ok)
		v, ok = c.Recv2()
		assert.Equal(t, 0, v)
		assert.False(t, ok)
		assert.Equal(t, 0, c.Recv())
	})
}

func TestChanCloseWakesReceivers(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		res := simstd.NewChan[bool](3)
		for range 3 {
			simstd.Go(func() {
				_, ok := c.Recv2()
				res.Send(ok)
			})
		}
		c.Close()
		for range 3 {
			assert.False(t, res.Recv())
		}
	})
}

func TestChanMisusePanics(t *testing.T) {
	dual(t, func(t *testing.T) {
		var nilc *simstd.Chan[int]
		closed := simstd.NewChan[int](1)
		closed.Close()
		for _, tc := range []struct {
			msg string
			f   func()
		}{
			{"send on closed channel", func() { closed.Send(1) }},
			{"close of closed channel", func() { closed.Close() }},
			{"close of nil channel", func() { nilc.Close() }},
		} {
			p := panicValue(tc.f)
			require.NotNil(t, p, tc.msg)
			err, ok := p.(runtime.Error)
			require.True(t, ok, "%T is a runtime.Error", p)
			assert.Equal(t, tc.msg, err.Error())
		}
	})
}

// Go's own panics carry the same messages: the shim must match them.
func TestChanMisuseMessagesMatchGo(t *testing.T) {
	var nilc chan int
	closed := make(chan int)
	close(closed)
	for _, f := range []func(){func() { closed <- 1 }, func() { close(closed) }, func() { close(nilc) }} {
		p := panicValue(f)
		require.Implements(t, (*runtime.Error)(nil), p)
	}
	assert.Equal(t, "send on closed channel", panicValue(func() { closed <- 1 }).(error).Error())
	assert.Equal(t, "close of closed channel", panicValue(func() { close(closed) }).(error).Error())
	assert.Equal(t, "close of nil channel", panicValue(func() { close(nilc) }).(error).Error())
}

func TestChanCloseWakesBlockedSenderWithPanic(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		res := simstd.NewChan[any](1)
		started := simstd.NewChan[bool](0)
		simstd.Go(func() {
			started.Send(true)
			res.Send(panicValue(func() { c.Send(1) }))
		})
		started.Recv()
		simstd.Gosched()
		c.Close()
		p := res.Recv()
		if p != nil { // the sender may also have reached Send after Close
			assert.Equal(t, "send on closed channel", p.(error).Error())
		}
	})
}

func TestChanRange(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		simstd.Go(func() {
			for i := range 5 {
				c.Send(i)
			}
			c.Close()
		})
		var got []int
		for v := range c.Range() {
			got = append(got, v)
		}
		assert.Equal(t, []int{0, 1, 2, 3, 4}, got)
	})
}

func TestSelectDefault(t *testing.T) {
	dual(t, func(t *testing.T) {
		var nilc *simstd.Chan[int]
		c := simstd.NewChan[int](0)
		assert.Equal(t, -1, simstd.Select(true, c.RecvCase(), nilc.RecvCase(), nilc.SendCase(1)))
		b := simstd.NewChan[int](1)
		assert.Equal(t, 0, simstd.Select(true, b.SendCase(5)))
		assert.Equal(t, -1, simstd.Select(true, b.SendCase(6)))
		r := b.RecvCase()
		assert.Equal(t, 0, simstd.Select(true, r))
		assert.Equal(t, 5, r.Value)
		assert.True(t, r.OK)
	})
}

// TrySend and TryRecv are a select of one case and a default.
func TestTrySendTryRecv(t *testing.T) {
	dual(t, func(t *testing.T) {
		var nilc *simstd.Chan[int]
		assert.Equal(t, -1, nilc.TrySend(1))
		assert.Equal(t, -1, nilc.TryRecv().Case())

		c := simstd.NewChan[int](0)
		assert.Equal(t, -1, c.TrySend(1), "no receiver")
		assert.Equal(t, -1, c.TryRecv().Case(), "no sender")

		b := simstd.NewChan[int](1)
		assert.Equal(t, 0, b.TrySend(5))
		assert.Equal(t, -1, b.TrySend(6), "full")
		p := b.TryRecv()
		assert.Equal(t, 0, p.Case())
		assert.Equal(t, 5, p.Value)
		assert.True(t, p.OK)
		assert.Equal(t, -1, b.TryRecv().Case(), "empty")

		// A blocked partner completes either operation.
		simstd.Go(func() { c.Send(7) })
		for p = c.TryRecv(); p.Case() != 0; p = c.TryRecv() {
		}
		assert.Equal(t, 7, p.Value)
		got := simstd.NewChan[int](1)
		simstd.Go(func() { got.Send(c.Recv()) })
		for c.TrySend(8) != 0 {
		}
		assert.Equal(t, 8, got.Recv())

		c.Close()
		p = c.TryRecv()
		assert.Equal(t, 0, p.Case(), "closed is ready")
		assert.False(t, p.OK)
		assert.Equal(t, "send on closed channel", panicValue(func() { c.TrySend(1) }).(error).Error())
	})
}

// SelectSend and SelectRecv are a select of one case and no default: the
// operation itself.
func TestSelectSendSelectRecv(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		simstd.Go(func() { c.Send(7) })
		p := c.SelectRecv()
		assert.Equal(t, 0, p.Case())
		v, ok := p.Take2()
		assert.Equal(t, 7, v)
		assert.True(t, ok)

		got := simstd.NewChan[int](1)
		simstd.Go(func() { got.Send(c.Recv()) })
		assert.Equal(t, 0, c.SelectSend(8))
		assert.Equal(t, 8, got.Recv())

		c.Close()
		p = c.SelectRecv()
		assert.Equal(t, 0, p.Case())
		assert.False(t, p.OK)
		assert.Equal(t, "send on closed channel", panicValue(func() { c.SelectSend(1) }).(error).Error())
	})
}

// A goroutine blocked in a select of one case waits as in Go's goroutine
// dumps, where the compiler made it the channel operation.
func TestSelectOfOneCaseBlocksAsItsOperation(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		c := simstd.NewChan[int](0)
		var nilc *simstd.Chan[int]
		simstd.Go(func() { nilc.SelectRecv() })
		c.SelectRecv()
	})
	var dl *simstd.DeadlockError
	require.ErrorAs(t, r.Err, &dl)
	msg := dl.Error()
	assert.Contains(t, msg, "goroutine 1 [chan receive]")
	assert.Contains(t, msg, "[chan receive (nil chan)]")
}

func TestSelectClosedIsReady(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		c.Close()
		r := c.RecvCase()
		assert.Equal(t, 0, simstd.Select(false, r))
		assert.False(t, r.OK)
		p := panicValue(func() { simstd.Select(false, c.SendCase(1)) })
		assert.Equal(t, "send on closed channel", p.(error).Error())
	})
}

func TestSelectBlocksUntilSend(t *testing.T) {
	dual(t, func(t *testing.T) {
		a, b := simstd.NewChan[int](0), simstd.NewChan[string](0)
		simstd.Go(func() { b.Send("hi") })
		ra, rb := a.RecvCase(), b.RecvCase()
		assert.Equal(t, 1, simstd.Select(false, ra, rb))
		assert.Equal(t, "hi", rb.Value)
		assert.True(t, rb.OK)
		// The select's stale case on a must not swallow a later send.
		simstd.Go(func() { a.Send(3) })
		assert.Equal(t, 3, a.Recv())
	})
}

func TestSelectSendCaseMeetsReceiver(t *testing.T) {
	dual(t, func(t *testing.T) {
		c := simstd.NewChan[int](0)
		got := simstd.NewChan[int](1)
		simstd.Go(func() { got.Send(c.Recv()) })
		never := simstd.NewChan[int](0)
		assert.Equal(t, 1, simstd.Select(false, never.RecvCase(), c.SendCase(42)))
		assert.Equal(t, 42, got.Recv())
	})
}

func TestSelectChoosesAmongReadyCases(t *testing.T) {
	dual(t, func(t *testing.T) {
		a, b := simstd.NewChan[int](1), simstd.NewChan[int](1)
		counts := [2]int{}
		for range 200 {
			a.Send(1)
			b.Send(1)
			i := simstd.Select(false, a.RecvCase(), b.RecvCase())
			counts[i]++
			// drain the other
			if i == 0 {
				b.Recv()
			} else {
				a.Recv()
			}
		}
		assert.Greater(t, counts[0], 40)
		assert.Greater(t, counts[1], 40)
	})
}

// Many goroutines selecting over shared channels lose no value and deliver
// none twice.
func TestSelectManyProducersConsumers(t *testing.T) {
	dual(t, func(t *testing.T) {
		const producers, per = 4, 50
		a, b := simstd.NewChan[int](0), simstd.NewChan[int](2)
		sum := simstd.NewChan[int](0)
		for p := range producers {
			simstd.Go(func() {
				for i := range per {
					v := p*per + i
					simstd.Select(false, a.SendCase(v), b.SendCase(v))
				}
			})
		}
		for range 3 {
			simstd.Go(func() {
				s := 0
				for range producers * per / 3 {
					ra, rb := a.RecvCase(), b.RecvCase()
					if simstd.Select(false, ra, rb) == 0 {
						s += ra.Value
					} else {
						s += rb.Value
					}
				}
				sum.Send(s)
			})
		}
		total := 0
		for range 3 {
			total += sum.Recv()
		}
		// 200 values, 3 consumers take 66 each: 2 remain.
		for range 2 {
			ra, rb := a.RecvCase(), b.RecvCase()
			if simstd.Select(false, ra, rb) == 0 {
				total += ra.Value
			} else {
				total += rb.Value
			}
		}
		n := producers * per
		assert.Equal(t, n*(n-1)/2, total)
	})
}
