// Package slog stands for the standard library's log/slog package in simulated variants.
// Every type is std's (an alias), so loggers, handlers and records pass to and from code that
// was not rewritten unchanged, and contexts are std's: a variant's context reaches a function
// here through simstd/context.ToStd, as it does any package that is not simulated.
//
// What differs inside a simulation is the clock and the output of the default logger:
//   - A TextHandler or JSONHandler made here writes the virtual time of the call that logs
//     (simstd/time.Now), not the record's real time, so a seed logs the same lines every run.
//     The user's ReplaceAttr, if any, sees the virtual time.
//   - While the default logger is std's own (SetDefault was not called), Default and the
//     package-level functions (Info, ...) write through simstd/log's default logger, as std's
//     write through std log's: "2025/01/01 00:00:00 INFO msg k=v", virtual time stamps, one
//     "log" event per line in the run's trace.
//
// Outside a simulation everything behaves exactly like std log/slog. Methods of a Logger made
// by std (not by this package's New) with a handler made by std keep the real clock.
package slog

import (
	"context"
	"io"
	"log"
	"log/slog"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	simtime "github.com/simgen/simgen/simstd/time"
)

// The types of std log/slog.
type (
	Attr           = slog.Attr
	Handler        = slog.Handler
	HandlerOptions = slog.HandlerOptions
	JSONHandler    = slog.JSONHandler
	Kind           = slog.Kind
	Level          = slog.Level
	LevelVar       = slog.LevelVar
	Leveler        = slog.Leveler
	LogValuer      = slog.LogValuer
	Logger         = slog.Logger
	MultiHandler   = slog.MultiHandler
	Record         = slog.Record
	Source         = slog.Source
	TextHandler    = slog.TextHandler
	Value          = slog.Value
)

// The keys of the built-in attributes.
const (
	TimeKey    = slog.TimeKey
	LevelKey   = slog.LevelKey
	MessageKey = slog.MessageKey
	SourceKey  = slog.SourceKey
)

// The kinds of Value.
const (
	KindAny       = slog.KindAny
	KindBool      = slog.KindBool
	KindDuration  = slog.KindDuration
	KindFloat64   = slog.KindFloat64
	KindInt64     = slog.KindInt64
	KindString    = slog.KindString
	KindTime      = slog.KindTime
	KindUint64    = slog.KindUint64
	KindGroup     = slog.KindGroup
	KindLogValuer = slog.KindLogValuer
)

// The levels.
const (
	LevelDebug = slog.LevelDebug
	LevelInfo  = slog.LevelInfo
	LevelWarn  = slog.LevelWarn
	LevelError = slog.LevelError
)

// DiscardHandler discards all log output, as std's.
var DiscardHandler Handler = slog.DiscardHandler

// simulated reports whether the caller is a simulated goroutine.
func simulated() bool { return kernel.Current() != nil }

// NewTextHandler is std's, with time stamps from simstd/time's clock.
func NewTextHandler(w io.Writer, opts *HandlerOptions) *TextHandler {
	return slog.NewTextHandler(w, virtualTime(opts))
}

// NewJSONHandler is std's, with time stamps from simstd/time's clock.
func NewJSONHandler(w io.Writer, opts *HandlerOptions) *JSONHandler {
	return slog.NewJSONHandler(w, virtualTime(opts))
}

// virtualTime returns a copy of opts whose ReplaceAttr, inside a simulation, gives the
// built-in time attribute the virtual time before the user's ReplaceAttr sees it. A handler
// calls ReplaceAttr during the logging call, so the virtual time is that of the call.
func virtualTime(opts *HandlerOptions) *HandlerOptions {
	var o HandlerOptions
	if opts != nil {
		o = *opts
	}
	user := o.ReplaceAttr
	o.ReplaceAttr = func(groups []string, a Attr) Attr {
		if len(groups) == 0 && a.Key == TimeKey && a.Value.Kind() == KindTime && simulated() {
			a.Value = slog.TimeValue(simtime.Now())
		}
		if user != nil {
			return user(groups, a)
		}
		return a
	}
	return &o
}

// New is std's New.
func New(h Handler) *Logger { return slog.New(h) }

// NewLogLogger is std's NewLogLogger: it returns a std *log.Logger.
func NewLogLogger(h Handler, level Level) *log.Logger { return slog.NewLogLogger(h, level) }

// NewMultiHandler is std's NewMultiHandler.
func NewMultiHandler(handlers ...Handler) *MultiHandler { return slog.NewMultiHandler(handlers...) }

// NewRecord is std's NewRecord.
func NewRecord(t time.Time, level Level, msg string, pc uintptr) Record {
	return slog.NewRecord(t, level, msg, pc)
}

// SetDefault is std's SetDefault.
func SetDefault(l *Logger) { slog.SetDefault(l) }

// SetLogLoggerLevel is std's; the default logger of a simulation follows the level it sets.
func SetLogLoggerLevel(level Level) (oldLevel Level) {
	defaultLevel.Set(level)
	return slog.SetLogLoggerLevel(level)
}

// Default returns std's default Logger; inside a simulation, while that is std's own default
// logger, one that writes through simstd/log instead.
func Default() *Logger {
	l := slog.Default()
	if simulated() && isStdDefault(l.Handler()) {
		return simDefault
	}
	return l
}

// With calls Default().With.
func With(args ...any) *Logger { return Default().With(args...) }

// The package-level logging functions log through Default, as std's do, with records made at
// simstd/time's clock.

// Debug logs through Default.
func Debug(msg string, args ...any) {
	logAt(context.Background(), Default(), LevelDebug, msg, args, nil)
}

// DebugContext logs through Default.
func DebugContext(ctx context.Context, msg string, args ...any) {
	logAt(ctx, Default(), LevelDebug, msg, args, nil)
}

// Info logs through Default.
func Info(msg string, args ...any) { logAt(context.Background(), Default(), LevelInfo, msg, args, nil) }

// InfoContext logs through Default.
func InfoContext(ctx context.Context, msg string, args ...any) {
	logAt(ctx, Default(), LevelInfo, msg, args, nil)
}

// Warn logs through Default.
func Warn(msg string, args ...any) { logAt(context.Background(), Default(), LevelWarn, msg, args, nil) }

// WarnContext logs through Default.
func WarnContext(ctx context.Context, msg string, args ...any) {
	logAt(ctx, Default(), LevelWarn, msg, args, nil)
}

// Error logs through Default.
func Error(msg string, args ...any) {
	logAt(context.Background(), Default(), LevelError, msg, args, nil)
}

// ErrorContext logs through Default.
func ErrorContext(ctx context.Context, msg string, args ...any) {
	logAt(ctx, Default(), LevelError, msg, args, nil)
}

// Log logs through Default.
func Log(ctx context.Context, level Level, msg string, args ...any) {
	logAt(ctx, Default(), level, msg, args, nil)
}

// LogAttrs logs through Default.
func LogAttrs(ctx context.Context, level Level, msg string, attrs ...Attr) {
	logAt(ctx, Default(), level, msg, nil, attrs)
}

// The Attr and Value constructors are std's.

func Any(key string, value any) Attr            { return slog.Any(key, value) }
func Bool(key string, v bool) Attr              { return slog.Bool(key, v) }
func Duration(key string, v time.Duration) Attr { return slog.Duration(key, v) }
func Float64(key string, v float64) Attr        { return slog.Float64(key, v) }
func Group(key string, args ...any) Attr        { return slog.Group(key, args...) }
func GroupAttrs(key string, attrs ...Attr) Attr { return slog.GroupAttrs(key, attrs...) }
func Int(key string, value int) Attr            { return slog.Int(key, value) }
func Int64(key string, value int64) Attr        { return slog.Int64(key, value) }
func String(key, value string) Attr             { return slog.String(key, value) }
func Time(key string, v time.Time) Attr         { return slog.Time(key, v) }
func Uint64(key string, v uint64) Attr          { return slog.Uint64(key, v) }
func AnyValue(v any) Value                      { return slog.AnyValue(v) }
func BoolValue(v bool) Value                    { return slog.BoolValue(v) }
func DurationValue(v time.Duration) Value       { return slog.DurationValue(v) }
func Float64Value(v float64) Value              { return slog.Float64Value(v) }
func GroupValue(as ...Attr) Value               { return slog.GroupValue(as...) }
func Int64Value(v int64) Value                  { return slog.Int64Value(v) }
func IntValue(v int) Value                      { return slog.IntValue(v) }
func StringValue(value string) Value            { return slog.StringValue(value) }
func TimeValue(v time.Time) Value               { return slog.TimeValue(v) }
func Uint64Value(v uint64) Value                { return slog.Uint64Value(v) }
