package log_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/simstd"
	simlog "github.com/simgen/simgen/simstd/log"
	simos "github.com/simgen/simgen/simstd/os"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shim declares every name of std log, so rewritten imports compile.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("log", "github.com/simgen/simgen/simstd/log", nil)
	require.NoError(t, err)
	assert.Empty(t, diffs)
}

// Lines logged in a simulation are events of its trace, with the caller's
// position; Lshortfile names the caller as std log would.
func TestLogLinesAreTraced(t *testing.T) {
	var out bytes.Buffer
	simlog.SetOutput(&out)
	simlog.SetFlags(simlog.Lshortfile)
	t.Cleanup(func() {
		simlog.SetOutput(simlog.Writer())
		simlog.SetFlags(simlog.LstdFlags)
	})
	simlog.Printf("native %d", 1)
	assert.Regexp(t, `^log_test\.go:\d+: native 1\n$`, out.String())

	simlog.SetOutput(simstdStderr())
	var trace bytes.Buffer
	r := simstd.Run(simstd.Config{Seed: 1, Trace: &trace}, func() {
		simstd.NewNode("n1", func() { simlog.Println("hello from n1") })
	})
	require.NoError(t, r.Err)
	found := false
	for sc := bufio.NewScanner(&trace); sc.Scan(); {
		var ev simstd.TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		if ev.Kind == "log" {
			found = true
			assert.Equal(t, "n1", ev.Node)
			assert.Regexp(t, `log_test\.go:\d+: hello from n1$`, ev.Detail)
			assert.Regexp(t, `^log_test\.go:\d+$`, ev.Pos)
		}
	}
	assert.True(t, found, "no log event in the trace")
}

// Two simulated goroutines logging to one Logger whose output is a simulated
// file (every write a scheduling point) take turns instead of blocking each
// other on std's real lock.
func TestLoggerOnSimulatedFile(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			f, err := simos.Create("/log")
			require.NoError(t, err)
			l := simlog.New(f, "", 0)
			done := simstd.NewChan[int](0)
			for g := range 2 {
				simstd.Go(func() {
					for i := range 20 {
						l.Printf("g%d line %d", g, i)
					}
					done.Send(1)
				})
			}
			done.Recv()
			done.Recv()
			data, err := simos.ReadFile("/log")
			require.NoError(t, err)
			assert.Equal(t, 40, bytes.Count(data, []byte("\n")))
		})
		require.NoError(t, r.Err, "seed %d", seed)
	}
}

// In a simulation, time stamps are the virtual time, formatted as std log
// formats them; outside, the same format with the real time.
func TestTimestampsAreVirtual(t *testing.T) {
	var out bytes.Buffer
	l := simlog.New(&out, "p: ", simlog.LstdFlags|simlog.Lmicroseconds|simlog.Lshortfile)
	l.Print("native")
	assert.Regexp(t, `^p: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} log_test\.go:\d+: native\n$`, out.String())

	out.Reset()
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		time.Sleep(time.Hour + 1500*time.Microsecond)
		l.Printf("at %d", 1)
		l.SetFlags(simlog.Ldate | simlog.Ltime | simlog.Lmsgprefix)
		l.Println("prefix last")
	})
	require.NoError(t, r.Err)
	assert.Regexp(t, `^p: 2025/01/01 01:00:00\.001500 log_test\.go:\d+: at 1\n2025/01/01 01:00:00 p: prefix last\n$`, out.String())
}
