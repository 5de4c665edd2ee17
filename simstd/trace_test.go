package simstd_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTraceEvents(t *testing.T) {
	var buf bytes.Buffer
	r := simstd.Run(simstd.Config{Seed: 1, Trace: &buf}, func() {
		c := simstd.NewChan[int](0)
		simstd.Go(func() { c.Send(1) })
		c.Recv()
		time.Sleep(time.Second)
		a := simstd.NewNode("a", func() {})
		a.Kill()
	})
	require.NoError(t, r.Err)
	var evs []simstd.TraceEvent
	kinds := map[string]int{}
	for sc := bufio.NewScanner(&buf); sc.Scan(); {
		var ev simstd.TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		evs = append(evs, ev)
		kinds[ev.Kind]++
	}
	assert.Equal(t, 3, kinds["spawn"], "main, the go statement, and node a's main")
	assert.Equal(t, 2, kinds["exit"], "the sender and node a's main (main's return ends the run)")
	assert.GreaterOrEqual(t, kinds["block"], 2)
	assert.Equal(t, 1, kinds["time"])
	assert.Equal(t, 1, kinds["timer"], "the sleep's timer")
	assert.Equal(t, 2, kinds["node"], "created, killed")
	last := evs[len(evs)-1]
	assert.Equal(t, "end", last.Kind)
	assert.Equal(t, "ok", last.Detail)
	assert.Equal(t, r.Steps, last.Step)
	for _, ev := range evs {
		switch ev.Kind {
		case "spawn":
			assert.Regexp(t, `^trace_test\.go:\d+$`, ev.Pos, "where the goroutine was started")
		case "block":
			assert.NotEmpty(t, ev.Reason)
			assert.Regexp(t, `^trace_test\.go:\d+$`, ev.Pos)
		case "time":
			assert.Equal(t, int64(time.Second), ev.T)
		case "run":
			assert.Regexp(t, `^trace_test\.go:\d+$`, ev.Pos, "where goroutine %d resumes (or was started)", ev.G)
		case "timer":
			assert.Equal(t, "time.Sleep", ev.Detail)
			assert.Equal(t, "main", ev.Node)
		case "node":
			assert.Equal(t, "a", ev.Node)
		}
	}
}
