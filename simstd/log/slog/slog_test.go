package slog_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	stdlog "log"
	stdslog "log/slog"
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/internal/apicheck"
	"github.com/simgen/simgen/simstd"
	simlog "github.com/simgen/simgen/simstd/log"
	"github.com/simgen/simgen/simstd/log/slog"
	simtime "github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shim declares every name of std log/slog, so rewritten imports compile.
func TestAPI(t *testing.T) {
	diffs, err := apicheck.Compare("log/slog", "github.com/simgen/simgen/simstd/log/slog", nil)
	require.NoError(t, err)
	assert.Empty(t, diffs)
}

func run(t *testing.T, f func()) {
	t.Helper()
	r := simstd.Run(simstd.Config{Seed: 1}, f)
	require.NoError(t, r.Err)
}

// Handlers made by the shim write the virtual time of the logging call, through Logger
// methods too, and the user's ReplaceAttr sees it.
func TestHandlersWriteVirtualTime(t *testing.T) {
	var text, js bytes.Buffer
	var seen []time.Time
	run(t, func() {
		th := slog.NewTextHandler(&text, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				seen = append(seen, a.Value.Time())
			}
			return a
		}})
		l := slog.New(th)
		l.Info("first", "n", 1)
		simtime.Sleep(1500 * time.Millisecond)
		l.Warn("second")
		slog.New(slog.NewJSONHandler(&js, nil)).Error("json")
	})
	assert.Equal(t, "time=2025-01-01T00:00:00.000Z level=INFO msg=first n=1\n"+
		"time=2025-01-01T00:00:01.500Z level=WARN msg=second\n", text.String())
	assert.Equal(t, `{"time":"2025-01-01T00:00:01.5Z","level":"ERROR","msg":"json"}`+"\n", js.String())
	require.Len(t, seen, 2)
	assert.Equal(t, 1500*time.Millisecond, seen[1].Sub(seen[0]))
}

// Outside a simulation the shim's handlers write what std's write.
func TestHandlersNative(t *testing.T) {
	r := stdslog.NewRecord(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), slog.LevelInfo, "m", 0)
	r.Add("k", "v w")
	var shim, std bytes.Buffer
	require.NoError(t, slog.NewTextHandler(&shim, nil).WithGroup("g").Handle(context.Background(), r))
	require.NoError(t, stdslog.NewTextHandler(&std, nil).WithGroup("g").Handle(context.Background(), r))
	assert.Equal(t, std.String(), shim.String())
	shim.Reset()
	std.Reset()
	require.NoError(t, slog.NewJSONHandler(&shim, nil).Handle(context.Background(), r))
	require.NoError(t, stdslog.NewJSONHandler(&std, nil).Handle(context.Background(), r))
	assert.Equal(t, std.String(), shim.String())
}

// Inside a simulation the untouched default logger writes std's default format through
// simstd/log: virtual time stamps, attributes, groups and levels as std's default handler
// writes them (the expected lines are std's, captured natively below).
func TestDefaultLogger(t *testing.T) {
	logAll := func(info func(string, ...any), def *slog.Logger) {
		info("hello", "n", 1, "s", "two words")
		def.With("a", 1).WithGroup("g").Info("grouped", "b", 2)
		def.Debug("hidden at the default level")
		def.Warn("warned", slog.Group("h", "c", 3))
	}
	var native bytes.Buffer
	stdOut, stdFlags := stdlog.Writer(), stdlog.Flags()
	stdlog.SetOutput(&native)
	stdlog.SetFlags(0)
	t.Cleanup(func() {
		stdlog.SetOutput(stdOut)
		stdlog.SetFlags(stdFlags)
	})
	logAll(stdslog.Info, stdslog.Default())

	var sim bytes.Buffer
	simOut := simlog.Writer()
	simlog.SetOutput(&sim)
	t.Cleanup(func() { simlog.SetOutput(simOut) })
	run(t, func() {
		simtime.Sleep(2 * time.Second)
		logAll(slog.Info, slog.Default())
	})
	lines := strings.Split(strings.TrimSuffix(sim.String(), "\n"), "\n")
	want := strings.Split(strings.TrimSuffix(native.String(), "\n"), "\n")
	require.Len(t, lines, len(want), "sim:\n%s\nnative:\n%s", sim.String(), native.String())
	for i, l := range lines {
		assert.Equal(t, "2025/01/01 00:00:02 "+want[i], l)
	}
}

// SetDefault hands the package-level functions to the user's logger, as in std, with records
// made at the virtual time.
func TestSetDefault(t *testing.T) {
	old := stdslog.Default()
	t.Cleanup(func() { stdslog.SetDefault(old) })
	var out bytes.Buffer
	var got time.Time
	run(t, func() {
		slog.SetDefault(slog.New(stdslog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				got = a.Value.Time()
			}
			return a
		}})))
		simtime.Sleep(time.Second)
		slog.InfoContext(context.Background(), "x")
	})
	assert.Contains(t, out.String(), "msg=x")
	assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC), got.UTC(), "a std handler sees the record's virtual time")
}

// The default logger's lines are "log" events of the run's trace, as simstd/log's are.
func TestDefaultLoggerIsTraced(t *testing.T) {
	var trace bytes.Buffer
	r := simstd.Run(simstd.Config{Seed: 1, Trace: &trace}, func() { slog.Info("traced", "n", 1) })
	require.NoError(t, r.Err)
	var details []string
	for sc := bufio.NewScanner(&trace); sc.Scan(); {
		var ev simstd.TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		if ev.Kind == "log" {
			details = append(details, ev.Detail)
		}
	}
	assert.Equal(t, []string{"2025/01/01 00:00:00 INFO traced n=1"}, details)
}
