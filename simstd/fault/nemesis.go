package fault

import (
	"fmt"
	"strings"
	"time"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
)

// Action is a kind of fault the nemesis injects.
type Action uint8

// The nemesis's faults.
const (
	// ActPartition splits the nodes into two random sides (one of them
	// maybe a single node) for a Duration.
	ActPartition Action = iota
	// ActOneWay cuts the links from one random group of nodes to the rest,
	// one way only, for a Duration.
	ActOneWay
	// ActClog clogs random nodes one by one, then unclogs them in another
	// random order (FoundationDB's swizzle-clog), over a Duration.
	ActClog
	// ActCrash kills a random node that is up and restarts it after a
	// Downtime. Only nodes with a main function are crashed (Restart runs
	// it again): the first crash of each node restarts it at once, which
	// tells the nemesis whether it can be restarted; nodes without one are
	// left alone.
	ActCrash
	// ActPause pauses a random node (SIGSTOP) for a Duration.
	ActPause
	// ActSpike multiplies the latency between nodes by SpikeFactor for a
	// Duration.
	ActSpike
	// ActReset resets the TCP connections between two random nodes.
	ActReset
	// ActBridge partitions the nodes (at least three) into a smaller and a
	// larger side, and after half a Duration heals the partition the way
	// networks often heal, piecewise: one node of the larger side, the
	// bridge, reconnects to the smaller side, so that it talks to every
	// node while the two sides still cannot talk to each other (Jepsen's
	// bridge). The rest heals at the end of the Duration. Each side may
	// have elected a leader by then, and the bridge follows only one.
	ActBridge
)

// AllActions lists every Action.
var AllActions = []Action{ActPartition, ActOneWay, ActClog, ActCrash, ActPause, ActSpike, ActReset, ActBridge}

var actionNames = [...]string{"partition", "one-way partition", "swizzle-clog", "crash", "pause", "latency spike", "reset", "bridge"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", a)
}

// NemesisConfig configures StartNemesis. Zero fields mean the defaults.
type NemesisConfig struct {
	// Nodes are the nodes the nemesis may fault (default: every node but
	// the default one, as of StartNemesis).
	Nodes []*simstd.Node
	// Actions are the faults it chooses from, uniformly (default:
	// AllActions).
	Actions []Action
	// Interval is the quiet time before each fault (default
	// Uniform(1s, 5s)).
	Interval Dist
	// Duration is how long a partition, clog, pause or spike lasts
	// (default Uniform(1s, 10s)).
	Duration Dist
	// Downtime is how long a crashed node stays down (default
	// Uniform(0, 5s)).
	Downtime Dist
	// SpikeFactor multiplies the latency during a spike (default 20).
	SpikeFactor float64
	// Log, when set, receives a line for every fault injected and lifted.
	Log func(line string)
}

// nemesis is the state of one StartNemesis.
type nemesis struct {
	cfg     NemesisConfig
	net     *netsim.Net
	stopped bool
	paused  []*simstd.Node // paused by the nemesis, not resumed yet
	down    []*simstd.Node // crashed by the nemesis, not restarted yet

}

// StartNemesis starts injecting random faults into the run, one at a time,
// from a goroutine on the default node: partitions, bridges, swizzle-clogs,
// crash-restarts, pauses, latency spikes and resets, chosen and timed from
// the seed. The returned stop ends it and repairs what it did: it heals
// every partition and clog (Heal), ends any latency spike, resumes the
// nodes it paused and restarts those it crashed, so that a liveness phase
// can follow. stop must be called from inside the simulation; calling it
// again does nothing.
func StartNemesis(cfg NemesisConfig) (stop func()) {
	g, n := current("StartNemesis")
	if cfg.Nodes == nil {
		cfg.Nodes = simstd.Nodes()[1:]
	}
	if len(cfg.Actions) == 0 {
		cfg.Actions = AllActions
	}
	if cfg.Interval == nil {
		cfg.Interval = Uniform(time.Second, 5*time.Second)
	}
	if cfg.Duration == nil {
		cfg.Duration = Uniform(time.Second, 10*time.Second)
	}
	if cfg.Downtime == nil {
		cfg.Downtime = Uniform(0, 5*time.Second)
	}
	if cfg.SpikeFactor <= 0 {
		cfg.SpikeFactor = 20
	}
	nm := &nemesis{cfg: cfg, net: n}
	g.Sim().DefaultNode().Go(g, nm.run)
	return nm.stop
}

func (nm *nemesis) logf(format string, args ...any) {
	if nm.cfg.Log != nil {
		nm.cfg.Log(fmt.Sprintf("%v nemesis: ", nm.net.Sim().Now()) + fmt.Sprintf(format, args...))
	}
}

func (nm *nemesis) intn(n int) int { return int(nm.net.Random().Uint64() % uint64(n)) }

func (nm *nemesis) sample(d Dist) time.Duration { return d.Sample(nm.net.Random()) }

// sleep waits d and reports whether the nemesis is still running.
func (nm *nemesis) sleep(d time.Duration) bool {
	simtime.Sleep(d)
	return !nm.stopped
}

// shuffled returns the nodes in a random order.
func (nm *nemesis) shuffled(nodes []*simstd.Node) []*simstd.Node {
	out := append([]*simstd.Node(nil), nodes...)
	for i := len(out) - 1; i > 0; i-- {
		j := nm.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func names(ns []*simstd.Node) string {
	s := make([]string, len(ns))
	for i, x := range ns {
		s[i] = x.Name()
	}
	return strings.Join(s, ",")
}

func (nm *nemesis) run() {
	for nm.sleep(nm.sample(nm.cfg.Interval)) {
		nm.inject(nm.cfg.Actions[nm.intn(len(nm.cfg.Actions))])
		if nm.stopped {
			return
		}
	}
}

// cut cuts (on) or heals the links from every node of a to every node of b,
// and back when both.
func (nm *nemesis) cut(a, b []*simstd.Node, both, on bool) {
	for _, x := range a {
		for _, y := range b {
			nm.net.Cut(x.Kernel(), y.Kernel(), on)
			if both {
				nm.net.Cut(y.Kernel(), x.Kernel(), on)
			}
		}
	}
}

func (nm *nemesis) inject(act Action) {
	nodes := nm.cfg.Nodes
	switch act {
	case ActPartition, ActOneWay:
		if len(nodes) < 2 {
			return
		}
		s := nm.shuffled(nodes)
		k := 1 + nm.intn(len(s)-1)
		a, b := s[:k], s[k:]
		both := act == ActPartition
		nm.cut(a, b, both, true)
		arrow := "|"
		if !both {
			arrow = "->"
		}
		nm.logf("%v %s %s %s", act, names(a), arrow, names(b))
		if !nm.sleep(nm.sample(nm.cfg.Duration)) {
			return
		}
		nm.cut(a, b, both, false)
		nm.logf("heal %s %s %s", names(a), arrow, names(b))
	case ActBridge:
		nm.bridge(nodes)
	case ActClog:
		if len(nodes) == 0 {
			return
		}
		s := nm.shuffled(nodes)[:1+nm.intn(len(nodes))]
		step := nm.sample(nm.cfg.Duration) / time.Duration(2*len(s))
		for _, x := range s {
			nm.net.ClogNode(x.Kernel(), true)
			nm.logf("clog %s", x.Name())
			if !nm.sleep(step) {
				return
			}
		}
		for _, x := range nm.shuffled(s) {
			nm.net.ClogNode(x.Kernel(), false)
			nm.logf("unclog %s", x.Name())
			if !nm.sleep(step) {
				return
			}
		}
	case ActCrash:
		x := nm.pickUp(nodes, true)
		if x == nil {
			return
		}
		x.Kill()
		nm.down = append(nm.down, x)
		nm.logf("crash %s", x.Name())
		if !nm.sleep(nm.sample(nm.cfg.Downtime)) {
			return
		}
		nm.down = remove(nm.down, x)
		if x.State() == "down" { // unless someone restarted it meanwhile
			x.Restart()
			nm.logf("restart %s", x.Name())
		}
	case ActPause:
		x := nm.pickUp(nodes, false)
		if x == nil {
			return
		}
		x.Pause()
		nm.paused = append(nm.paused, x)
		nm.logf("pause %s", x.Name())
		if !nm.sleep(nm.sample(nm.cfg.Duration)) {
			return
		}
		nm.paused = remove(nm.paused, x)
		x.Resume()
		nm.logf("resume %s", x.Name())
	case ActSpike:
		d := nm.sample(nm.cfg.Duration)
		nm.net.Spike(nm.cfg.SpikeFactor, d)
		nm.logf("latency x%g for %v", nm.cfg.SpikeFactor, d)
		nm.sleep(d)
	case ActReset:
		if len(nodes) < 2 {
			return
		}
		s := nm.shuffled(nodes)
		nm.net.ResetConns(s[0].Kernel(), s[1].Kernel())
		nm.logf("reset %s<->%s", s[0].Name(), s[1].Name())
	}
}

// bridge injects ActBridge.
func (nm *nemesis) bridge(nodes []*simstd.Node) {
	if len(nodes) < 3 {
		return
	}
	s := nm.shuffled(nodes)
	k := 1 + nm.intn((len(s)-1)/2) // the smaller side's size
	small, large := s[:k], s[k:]
	d := nm.sample(nm.cfg.Duration)
	nm.cut(small, large, true, true)
	nm.logf("bridge: partition %s | %s", names(small), names(large))
	if !nm.sleep(d / 2) {
		return
	}
	nm.cut(small, large[:1], true, false)
	nm.logf("bridge: %s joins %s and %s", large[0].Name(), names(small), names(large[1:]))
	if !nm.sleep(d - d/2) {
		return
	}
	nm.cut(small, large[1:], true, false)
	nm.logf("heal %s | %s", names(small), names(large))
}

// pickUp returns a random node that is up (and, for a crash, has a main
// function to restart), or nil.
func (nm *nemesis) pickUp(nodes []*simstd.Node, crash bool) *simstd.Node {
	var up []*simstd.Node
	for _, x := range nodes {
		if x.Up() && (!crash || x.HasMain()) {
			up = append(up, x)
		}
	}
	if len(up) == 0 {
		return nil
	}
	return up[nm.intn(len(up))]
}

func remove(ns []*simstd.Node, x *simstd.Node) []*simstd.Node {
	for i, o := range ns {
		if o.Kernel() == x.Kernel() {
			return append(ns[:i], ns[i+1:]...)
		}
	}
	return ns
}

// stop ends the nemesis and repairs the network and nodes.
func (nm *nemesis) stop() {
	if nm.stopped {
		return
	}
	g := kernel.Current()
	if g == nil || g.Sim() != nm.net.Sim() {
		panic("fault: the nemesis's stop called outside its simulation")
	}
	nm.stopped = true
	nm.net.Heal()
	nm.net.Spike(1, 0)
	for _, x := range nm.paused {
		x.Resume()
	}
	for _, x := range nm.down {
		if x.State() == "down" {
			x.Restart()
		}
	}
	nm.paused, nm.down = nil, nil
	nm.logf("stopped; network healed, nodes resumed and restarted")
	g.Sync()
}
