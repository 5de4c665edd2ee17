package kernel

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// WatchdogError reports a goroutine that ran for longer than the watchdog's
// wall-clock bound without reaching a synchronization point.
type WatchdogError struct {
	Goroutine uint64        // the stuck simulated goroutine
	State     string        // its state in the Go runtime's words ("running", "chan receive", …)
	Stack     string        // its stack, from the Go runtime's goroutine dump
	Hint      string        // the likely cause
	Bound     time.Duration // the watchdog's bound
	Steps     uint64
	Elapsed   time.Duration // virtual time when it got stuck
	Strategy  string
}

func (e *WatchdogError) Error() string {
	return fmt.Sprintf("watchdog: goroutine %d ran for %v without reaching a synchronization point [%s]\n%s\n\n%s",
		e.Goroutine, e.Bound, e.State, e.Hint, e.Stack)
}

// watchdog watches one run's step counter from a native goroutine.
type watchdog struct {
	s     *Sim
	quit  chan struct{}
	fire  chan *WatchdogError
	bound time.Duration
}

func startWatchdog(s *Sim) *watchdog {
	w := &watchdog{s: s, quit: make(chan struct{}), fire: make(chan *WatchdogError, 1), bound: s.cfg.Watchdog}
	go w.run()
	return w
}

// fired returns the channel on which the watchdog reports; nil (never ready)
// for a nil watchdog.
func (w *watchdog) fired() chan *WatchdogError {
	if w == nil {
		return nil
	}
	return w.fire
}

func (w *watchdog) stop() {
	if w != nil {
		close(w.quit)
	}
}

func (w *watchdog) run() {
	tick := time.NewTicker(w.bound / 4)
	defer tick.Stop()
	since := time.Now()
	for {
		select {
		case <-w.quit:
			return
		case now := <-tick.C:
			if w.s.pulse.Swap(pulseTick) == 0 { // a decision was made since the last tick
				since = now
				continue
			}
			if now.Sub(since) < w.bound {
				continue
			}
			if g := w.s.cur.Load(); g != nil {
				w.fire <- w.report(g)
				return
			}
		}
	}
}

func (w *watchdog) report(g *G) *WatchdogError {
	state, stack := stuckGoroutine()
	return &WatchdogError{
		Goroutine: g.id,
		State:     state,
		Stack:     stack,
		Hint:      watchdogHint(state),
		Bound:     w.bound,
		Steps:     w.s.stepsStuck(),
		Elapsed:   time.Duration(w.s.nowPub.Load()),
		Strategy:  w.s.strat.String(),
	}
}

// stuckGoroutine finds, in a dump of all goroutines, the simulated goroutine
// that is not suspended as a coroutine: the one the driver is waiting for.
func stuckGoroutine() (state, stack string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, block := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(block, "internal/kernel.(*G).body") {
			continue
		}
		header, _, _ := strings.Cut(block, "\n")
		st := header
		if i := strings.IndexByte(st, '['); i >= 0 {
			st = strings.TrimSuffix(st[i+1:], ":")
			st = strings.TrimSuffix(st, "]")
			st, _, _ = strings.Cut(st, ",")
		}
		if st == "coroutine" || strings.Contains(block, "kernel.parkAbandoned") {
			continue // suspended, or left over from a run abandoned earlier
		}
		return st, block
	}
	return "unknown", string(buf)
}

func watchdogHint(state string) string {
	switch {
	case state == "running" || state == "runnable":
		return "hint: the goroutine is computing without any channel operation, lock, sleep or other call into simstd: a busy loop (polling a variable?), or a very long computation (raise the bound with SIMGEN_WATCHDOG)."
	case strings.Contains(state, "sleep"):
		return "hint: the goroutine called the real time.Sleep: code that was not rewritten (a dependency outside the variant?) uses the time package."
	case strings.Contains(state, "IO wait") || strings.Contains(state, "syscall"):
		return "hint: the goroutine is in real I/O or a system call: code that was not rewritten uses the real network or disk."
	default:
		return "hint: the goroutine is blocked in a real Go primitive the simulation does not control: code that was not rewritten, or a channel or lock shared with a goroutine outside the simulation."
	}
}
