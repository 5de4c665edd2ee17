package netsim

import (
	"time"

	"github.com/simgen/simgen/internal/kernel"
)

// waitq holds the goroutines blocked on one condition of a socket. Waking
// empties it; each woken goroutine re-examines the socket and queues again
// if it must go on waiting.
//
// ws holds the waiters by value and keeps its array across wakeAll, so that
// a socket's steady traffic allocates nothing to block on it. Only
// goroutines of the socket's run wait (enter makes sure), so every waiter is
// a simulated goroutine's.
type waitq struct{ ws []kernel.Waiter }

// wait parks g until the next wakeAll. reason appears in deadlock reports.
func (q *waitq) wait(g *kernel.G, reason string) {
	w := *kernel.NewWaiter(g)
	q.ws = append(q.ws, w)
	w.Block(reason)
}

// wakeAll makes every waiter runnable. Waking only queues a goroutine, none
// runs before wakeAll returns, so nothing joins q while it is read and its
// array can be reused at once.
func (q *waitq) wakeAll(s *kernel.Sim) {
	ws := q.ws
	if len(ws) == 0 {
		return
	}
	for i := range ws {
		if !ws[i].Stale() {
			ws[i].Wake(s)
		}
	}
	clear(ws) // let the woken goroutines be collected once they end
	q.ws = ws[:0]
}

// deadline is a socket's read or write deadline on the virtual clock.
type deadline struct {
	set   bool
	at    int64 // virtual time since Epoch
	timer *kernel.Timer
}

func (d *deadline) passed(now int64) bool { return d.set && now >= d.at }

// virtual converts a deadline to virtual time since Epoch.
func virtual(t time.Time) int64 { return int64(t.Sub(kernel.Epoch)) }

// setDeadline sets d to t (zero: none) and wakes q when it passes, on the
// timer of node (whose Kill cancels it along with the socket).
func (n *Net) setDeadline(d *deadline, node *kernel.Node, t time.Time, q *waitq) {
	if d.timer != nil {
		d.timer.Cancel()
	}
	if t.IsZero() {
		d.set = false
		return
	}
	d.set, d.at = true, virtual(t)
	if d.at <= n.now() {
		q.wakeAll(n.sim)
		return
	}
	if d.timer == nil {
		d.timer = n.sim.NewTimer(func() { q.wakeAll(n.sim) })
		d.timer.Describe("net deadline")
		d.timer.SetNode(node)
	}
	d.timer.Schedule(d.at)
}

func (d *deadline) stop() {
	if d.timer != nil {
		d.timer.Cancel()
	}
}

// enter begins an operation on a socket of n: it returns the calling
// goroutine after a scheduling point. Once the run is over, sockets are dead
// and enter returns nil (Close succeeds, anything else fails with
// net.ErrClosed). From a goroutine outside a running simulation it panics.
func (n *Net) enter() *kernel.G {
	g := kernel.Current()
	if g != nil && g.Sim() == n.sim {
		g.Sync()
		return g
	}
	if g == nil && n.sim.Over() {
		return nil
	}
	panic(foreignUse{})
}
