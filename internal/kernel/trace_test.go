package kernel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pingPong is a small program with spawns, blocks, wake-ups, a clock jump
// and a node.
func pingPong() {
	c := NewChan[int](0)
	g := Current()
	g.Go(func() { c.Send(1) }) // line: spawn
	c.Recv()
	wake := g.sim.NewTimer(func() { g.sim.Ready(g) })
	wake.ScheduleAfter(time.Second)
	g.Park("sleep")
	n, _ := g.sim.NewNode("a", func() {})
	_ = n.Kill()
}

func traceOf(t *testing.T, seed uint64, fn func()) ([]TraceEvent, Result) {
	t.Helper()
	var buf bytes.Buffer
	r := Run(Config{Seed: seed, Trace: &buf}, fn)
	require.NoError(t, r.Err)
	var evs []TraceEvent
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var ev TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		evs = append(evs, ev)
	}
	return evs, r
}

func TestTraceDoesNotChangeTheRun(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		_, traced := traceOf(t, seed, pingPong)
		plain := Run(Config{Seed: seed}, pingPong)
		require.Equal(t, plain.Hash, traced.Hash)
		require.Equal(t, plain.Steps, traced.Steps)
		a, _ := traceOf(t, seed, pingPong)
		b, _ := traceOf(t, seed, pingPong)
		require.Equal(t, a, b, "seed %d: same seed, different traces", seed)
	}
}

// BenchmarkTrace measures a goroutine switch with tracing off and on; the
// difference over the events written is the cost per event.
func BenchmarkTrace(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		var w io.Writer
		if on {
			name, w = "on", io.Discard
		}
		b.Run(name, func(b *testing.B) {
			cw := &countWriter{w: w}
			cfg := Config{Seed: 1}
			if on {
				cfg.Trace = cw
			}
			r := Run(cfg, func() {
				c := NewChan[int](0)
				Current().Go(func() {
					for i := 0; i < b.N; i++ {
						c.Send(i)
					}
				})
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c.Recv()
				}
			})
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			if on {
				b.ReportMetric(float64(cw.lines)/float64(b.N), "events/op")
			}
		})
	}
}

type countWriter struct {
	w     io.Writer
	lines int
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return c.w.Write(p)
}
