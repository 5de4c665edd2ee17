package conformance

import (
	"context"
	"errors"
	"runtime/pprof"
	"sort"
	"sync"
	"testing"
	"time"
)

// closer is a context of the user's own: Done is a channel it closes.
type closer struct {
	context.Context
	once sync.Once
	ch   chan struct{}
}

func newCloser(parent context.Context) *closer {
	return &closer{Context: parent, ch: make(chan struct{})}
}

func (c *closer) Done() <-chan struct{} { return c.ch }

func (c *closer) Err() error {
	select {
	case <-c.ch:
		return context.Canceled
	default:
		return nil
	}
}

func (c *closer) close() { c.once.Do(func() { close(c.ch) }) }

// A user type implementing context.Context is a valid parent, and its Done
// wakes select and receive alike.
func TestUserContextParent(t *testing.T) {
	c := newCloser(context.Background())
	child, cancel := context.WithTimeout(c, time.Hour)
	defer cancel()
	var std context.Context = c
	got := make(chan string, 3)
	go func() { <-child.Done(); got <- "child" }()
	go func() {
		select {
		case <-std.Done():
			got <- "std"
		case <-time.After(time.Hour):
			got <- "timeout"
		}
	}()
	context.AfterFunc(c, func() { got <- "afterfunc" })
	time.Sleep(time.Millisecond)
	c.close()
	var all []string
	for range 3 {
		all = append(all, <-got)
	}
	sort.Strings(all)
	if want := "[afterfunc child std]"; joined(all) != want {
		t.Fatalf("got %v, want %s", all, want)
	}
	if !errors.Is(child.Err(), context.Canceled) {
		t.Fatal(child.Err())
	}
}

// Contexts pass through std packages that take them in other types
// (pprof.Do's func(context.Context)) and come back cancellable.
func TestContextThroughStd(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	errStop := errors.New("stop")
	done := make(chan error)
	pprof.Do(ctx, pprof.Labels("k", "v"), func(lctx context.Context) {
		if v, _ := pprof.Label(lctx, "k"); v != "v" {
			t.Errorf("label %q", v)
		}
		go func() {
			<-lctx.Done()
			done <- context.Cause(lctx)
		}()
	})
	cancel(errStop)
	if err := <-done; err != errStop {
		t.Fatalf("cause %v, want %v", err, errStop)
	}
}

// A std context cancelled by its own goroutine is a valid parent.
func TestCancelledFromGoroutine(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	child, cc := context.WithCancel(context.WithValue(parent, key{}, 1))
	defer cc()
	go func() {
		time.Sleep(time.Millisecond)
		cancel()
	}()
	<-child.Done()
	if child.Value(key{}) != 1 || !errors.Is(child.Err(), context.Canceled) {
		t.Fatal(child.Value(key{}), child.Err())
	}
}

type key struct{}

func joined(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}
