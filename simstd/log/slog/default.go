package slog

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"time"

	simlog "github.com/simgen/simgen/simstd/log"
	simtime "github.com/simgen/simgen/simstd/time"
)

// defaultLevel is the level SetLogLoggerLevel last set (Info before), which std's default
// handler, and so simDefault, logs from.
var defaultLevel = func() *slog.LevelVar {
	v := new(slog.LevelVar)
	v.Set(LevelInfo)
	return v
}()

// simDefault is the default Logger inside a simulation while std's is its own.
var simDefault = slog.New(&defaultHandler{})

// isStdDefault reports whether h is the handler of std's initial default Logger, which writes
// through std log's default Logger.
func isStdDefault(h Handler) bool {
	return fmt.Sprintf("%T", h) == "*slog.defaultHandler"
}

// defaultHandler formats records as std's default handler does ("INFO msg k=v") and writes
// them through simstd/log's default Logger, whose time stamps are virtual.
type defaultHandler struct {
	// ops are the WithAttrs and WithGroup calls that made this handler, in order; Handle
	// replays them on a TextHandler of its own, which formats attributes as std's default
	// handler does (the same code in std).
	ops []withOp
}

// withOp is one WithGroup (group set) or WithAttrs call.
type withOp struct {
	group string
	attrs []Attr
}

func (h *defaultHandler) Enabled(_ context.Context, l Level) bool {
	return l >= defaultLevel.Level()
}

func (h *defaultHandler) WithAttrs(as []Attr) Handler {
	if len(as) == 0 {
		return h
	}
	return &defaultHandler{ops: append(slices.Clip(h.ops), withOp{attrs: slices.Clone(as)})}
}

func (h *defaultHandler) WithGroup(name string) Handler {
	if name == "" {
		return h
	}
	return &defaultHandler{ops: append(slices.Clip(h.ops), withOp{group: name})}
}

func (h *defaultHandler) Handle(ctx context.Context, r Record) error {
	var buf bytes.Buffer
	// The record's level and message are the text handler's first top-level attributes
	// (the time is left out: the line has its own stamp); they go in front, unquoted, as std
	// writes them.
	handling, level, msg := false, false, false
	drop := func(groups []string, a Attr) Attr {
		switch {
		case !handling || len(groups) > 0:
		case a.Key == LevelKey && !level:
			level = true
			return Attr{}
		case a.Key == MessageKey && !msg:
			msg = true
			return Attr{}
		}
		return a
	}
	var th Handler = slog.NewTextHandler(&buf, &HandlerOptions{ReplaceAttr: drop})
	for _, op := range h.ops {
		if op.group != "" {
			th = th.WithGroup(op.group)
		} else {
			th = th.WithAttrs(op.attrs)
		}
	}
	r.Time = time.Time{}
	handling = true
	if err := th.Handle(ctx, r); err != nil {
		return err
	}
	line := r.Level.String() + " " + r.Message
	if attrs := strings.TrimSuffix(buf.String(), "\n"); attrs != "" {
		line += " " + attrs
	}
	return simlog.Output(2, line)
}

// logAt logs at level through l, as std's Logger methods do, with the virtual time inside a
// simulation and the position of the caller of the exported function that called it.
func logAt(ctx context.Context, l *Logger, level Level, msg string, args []any, attrs []Attr) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !l.Enabled(ctx, level) {
		return
	}
	var pcs [1]uintptr
	runtime.Callers(3, pcs[:]) // skip Callers, logAt and its caller
	r := slog.NewRecord(simtime.Now(), level, msg, pcs[0])
	if attrs != nil {
		r.AddAttrs(attrs...)
	} else {
		r.Add(args...)
	}
	_ = l.Handler().Handle(ctx, r)
}
