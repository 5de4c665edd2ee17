package raftsuite

import (
	"fmt"
	"strconv"

	raft "github.com/simgen/simgen/example/raft/sim"
	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/context"
	"github.com/simgen/simgen/simstd/fault"
	"github.com/simgen/simgen/simstd/math/rand"
	"github.com/simgen/simgen/simstd/time"
)

// Scenario is one kind of run: a cluster, client load, a fault phase and a
// liveness phase.
type Scenario struct {
	Name    string
	Servers int // 3 or 5
	Clients int // concurrent clients, each on a node of its own
	Keys    int // keys the clients spread their operations over
	// Think is a client's mean pause between operations (uniform in
	// [0, 2·Think)); 0 means pauses of 0-19 ms. It sets the load.
	Think time.Duration

	// Chaos is how long the fault phase lasts (virtual time); Faults runs
	// during it and returns a function that heals every fault and restarts
	// every node that is down.
	Chaos  time.Duration
	Faults func(c *Cluster) (heal func())

	// Liveness bounds the time, after healing, within which a new client's
	// request must complete.
	Liveness time.Duration
}

// Port is the port every server listens on.
const Port = 7000

// opTimeout is how long a client waits for one operation before giving up
// on it (its outcome is then unknown).
const opTimeout = 3 * time.Second

// Cluster is a running cluster inside a simulation.
type Cluster struct {
	Servers []*simstd.Node // n1, n2, ...
	Addrs   []string       // "n1:7000", ...
	live    []*raft.Server // the current incarnation of each server (nil before it started)
	booted  []uint64       // the node boot (kernel Node.Boot) in which live[i] started
	obs     *Observations
	clients int           // clients created so far, for IDs and node names
	think   time.Duration // Scenario.Think
	stop    bool
	pending map[int]*Op // each client's operation in flight
}

// Run runs the scenario in a simulation with cfg and returns what it
// observed; the caller checks it (natively) with CheckSafety and
// CheckLinearizable.
func (sc Scenario) Run(cfg simstd.Config) (simstd.Result, *Observations) {
	obs := NewObservations()
	r := simstd.Run(cfg, sc.Main(obs))
	return r, obs
}

// NewObservations returns empty observations for Main to fill.
func NewObservations() *Observations {
	return &Observations{Leaders: map[int][]int{}, Logs: map[int][]Entry{}}
}

// Main returns the simulation's main function: it runs the scenario,
// recording into obs (which stays usable if the run fails part way).
func (sc Scenario) Main(obs *Observations) func() { return func() { sc.body(obs) } }

func (sc Scenario) body(obs *Observations) {
	c := &Cluster{obs: obs, pending: map[int]*Op{}, think: sc.Think}
	for i := range sc.Servers {
		c.Addrs = append(c.Addrs, "n"+strconv.Itoa(i+1)+":"+strconv.Itoa(Port))
	}
	for i := range sc.Servers {
		c.Servers = append(c.Servers, simstd.NewNode("n"+strconv.Itoa(i+1), func() { c.boot(i) }))
	}
	for range sc.Clients {
		c.startClient(sc.Keys)
	}
	heal := func() {}
	if sc.Faults != nil {
		heal = sc.Faults(c)
	}
	time.Sleep(sc.Chaos)
	heal()

	// Liveness: with every fault healed, a new client must get an answer.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), sc.Liveness)
	cl := raft.NewClient(c.Addrs, 1_000_000)
	err := cl.Put(ctx, "liveness", "ok")
	cancel()
	if err != nil {
		obs.Liveness = fmt.Sprintf("no request completed within %v after the faults healed: %v", time.Since(start), err)
	}
	c.stop = true
	// Judge the logs as the servers' current incarnations hold them: a node
	// restarted by heal must have booted (recovered from its disk) first.
	deadline := time.Now().Add(sc.Liveness)
	for i := range c.Servers {
		for !c.bootedNow(i) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !c.bootedNow(i) {
			if obs.Liveness != "" {
				obs.Liveness += "; "
			}
			obs.Liveness += fmt.Sprintf("server %d did not finish booting within %v after the liveness phase", i, sc.Liveness)
			continue
		}
		obs.Logs[i] = []Entry{}
		for _, e := range c.live[i].Log()[1:] {
			obs.Logs[i] = append(obs.Logs[i], Entry{Index: e.Index, Term: e.Term, Cmd: cmdString(e.Command)})
		}
	}
	for _, id := range sortedKeys(c.pending) {
		if op := c.pending[id]; op != nil && op.Kind != "get" {
			op.Return = Unknown
			obs.History = append(obs.History, *op)
		}
	}
}

// cmdString renders a command for the checkers (cheaply: every server
// reports every entry).
func cmdString(c raft.Command) string {
	return c.Op.String() + " " + strconv.Quote(c.Key) + " " + strconv.Quote(c.Value) +
		" client " + strconv.FormatInt(c.ClientID, 10) + " seq " + strconv.FormatInt(c.Seq, 10)
}

// now is the virtual time since the epoch, in nanoseconds.
func now() int64 { return int64(time.Since(simstd.Epoch)) }

// boot is server i's main: it recovers from its disk and serves.
func (c *Cluster) boot(i int) {
	s, err := raft.StartServer(raft.Config{
		ID:      i,
		Peers:   c.Addrs,
		DataDir: "/data",
		OnLeader: func(term int) {
			c.obs.Leaders[term] = append(c.obs.Leaders[term], i)
			c.obs.Elections = append(c.obs.Elections, Election{Term: term, Server: i, At: now()})
		},
		OnApply: func(index, term int, cmd raft.Command) {
			c.obs.Applied = append(c.obs.Applied, Applied{Server: i, Index: index, Term: term, Cmd: cmdString(cmd), At: now()})
		},
	})
	if err != nil {
		panic(fmt.Sprintf("server %d cannot start: %v", i, err))
	}
	for len(c.live) <= i {
		c.live = append(c.live, nil)
		c.booted = append(c.booted, 0)
	}
	c.live[i] = s
	c.booted[i] = c.Servers[i].Kernel().Boot()
}

// bootedNow reports whether server i's current life has started its server.
func (c *Cluster) bootedNow(i int) bool {
	return i < len(c.live) && c.live[i] != nil && c.Servers[i].Up() && c.booted[i] == c.Servers[i].Kernel().Boot()
}

// startClient starts a client on a node of its own, issuing random
// operations until the run ends. Every operation goes into the history:
// writes whose outcome the client never learned as of unknown return time,
// failed reads not at all (they changed nothing).
func (c *Cluster) startClient(keys int) {
	id := c.clients
	c.clients++
	n := simstd.NewNode("c"+strconv.Itoa(id+1), nil)
	n.Go(func() {
		cl := raft.NewClient(c.Addrs, int64(id+1))
		for seq := 0; !c.stop; seq++ {
			op := &Op{Client: id, Key: "k" + strconv.Itoa(rand.Intn(keys)), Call: time.Now().UnixNano()}
			c.pending[id] = op
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			var err error
			switch rand.Intn(3) {
			case 0:
				op.Kind = "get"
				op.Value, err = cl.Get(ctx, op.Key)
			case 1:
				op.Kind, op.Value = "put", fmt.Sprintf("%d.%d", id, seq)
				err = cl.Put(ctx, op.Key, op.Value)
			default:
				op.Kind, op.Value = "append", fmt.Sprintf("[%d.%d]", id, seq)
				err = cl.Append(ctx, op.Key, op.Value)
			}
			cancel()
			c.pending[id] = nil
			switch {
			case err == nil:
				op.Return = time.Now().UnixNano()
			case op.Kind == "get":
				continue
			default:
				op.Return = Unknown
			}
			c.obs.History = append(c.obs.History, *op)
			if c.think > 0 {
				time.Sleep(time.Duration(rand.Int63n(int64(2 * c.think))))
			} else {
				time.Sleep(time.Duration(rand.Intn(20)) * time.Millisecond)
			}
		}
	})
}

// Nemesis is a fault schedule: the standard nemesis restricted to actions,
// over the servers (clients are never faulted).
func Nemesis(actions ...fault.Action) func(c *Cluster) func() {
	return func(c *Cluster) func() {
		return fault.StartNemesis(fault.NemesisConfig{Nodes: c.Servers, Actions: actions})
	}
}

// Swarm is a fault schedule whose network and nemesis are drawn from the
// seed, so that a sweep explores many fault mixes.
func Swarm(c *Cluster) func() {
	netCfg, nem := fault.Swarm{}.Draw(c.Servers)
	fault.SetNetwork(netCfg)
	return fault.StartNemesis(nem)
}

// IsolateLeader is a fault schedule: every interval, whichever server leads
// is cut off from everyone for a while, then the network heals.
func IsolateLeader(interval time.Duration) func(c *Cluster) func() {
	return func(c *Cluster) func() {
		stop := false
		simstd.Go(func() {
			for !stop {
				time.Sleep(interval/2 + time.Duration(rand.Int63n(int64(interval))))
				if stop {
					return
				}
				if l := c.Leader(); l >= 0 {
					fault.Isolate(c.Servers[l])
					time.Sleep(interval)
					fault.Heal()
				}
			}
		})
		return func() { stop = true; fault.Heal() }
	}
}

// Leader returns the index of a server that believes it leads, or -1.
func (c *Cluster) Leader() int {
	for i, s := range c.live {
		if s != nil && c.Servers[i].Up() && s.Status().State == raft.Leader {
			return i
		}
	}
	return -1
}

// Churn is a fault schedule of rapid crash-restarts, partitions and pauses
// (a fault every 50-400 ms, short downtimes): many elections, and crashes
// landing between a server's decisions and their persistence.
func Churn(c *Cluster) func() {
	return fault.StartNemesis(fault.NemesisConfig{
		Nodes:    c.Servers,
		Actions:  []fault.Action{fault.ActCrash, fault.ActPartition, fault.ActPause},
		Interval: fault.Uniform(50*time.Millisecond, 400*time.Millisecond),
		Duration: fault.Uniform(100*time.Millisecond, time.Second),
		Downtime: fault.Uniform(0, 200*time.Millisecond),
	})
}

// KillLeader is a fault schedule aimed at leader changes in the middle of
// replication (Raft's Figure 8): every 100-600 ms the current leader is
// killed and restarted after up to 300 ms, while the other servers are
// sometimes partitioned from each other too.
func KillLeader(c *Cluster) func() {
	stop := false
	simstd.Go(func() {
		for !stop {
			time.Sleep(100*time.Millisecond + time.Duration(rand.Int63n(int64(500*time.Millisecond))))
			if stop {
				return
			}
			l := c.Leader()
			if l < 0 {
				continue
			}
			n := c.Servers[l]
			if rand.Intn(2) == 0 {
				// Cut the leader from all but one follower first, so that
				// its last entries reach a minority only.
				others := []*simstd.Node{}
				for i, x := range c.Servers {
					if i != l {
						others = append(others, x)
					}
				}
				fault.Partition([]*simstd.Node{n, others[rand.Intn(len(others))]}, others)
				time.Sleep(time.Duration(rand.Int63n(int64(50 * time.Millisecond))))
			}
			n.Kill()
			fault.Heal()
			time.Sleep(time.Duration(rand.Int63n(int64(300 * time.Millisecond))))
			if stop {
				return
			}
			n.Restart()
		}
	})
	return func() {
		stop = true
		fault.Heal()
		for _, n := range c.Servers {
			if !n.Up() {
				n.Restart()
			}
		}
	}
}

// Mixed is the scenario the hunt (the mutation suite, make bench) runs:
// the cluster size and the fault mix come from the seed — the swarm's draw
// for half the seeds, churn and leader kills for a quarter each.
func Mixed(seed uint64) Scenario {
	n := 3
	if seed%2 == 0 {
		n = 5
	}
	name, faults := "swarm", Swarm
	switch seed % 4 {
	case 1:
		name, faults = "churn", Churn
	case 2:
		name, faults = "kill-leader", KillLeader
	}
	return Scenario{
		Name:    fmt.Sprintf("%s-%d", name, n),
		Servers: n, Clients: 3, Keys: 3,
		Chaos: 20 * time.Second, Faults: faults,
		Liveness: 10 * time.Second,
	}
}

// CrashRestart is a fault schedule: every interval one random server is
// killed and, after a pause, restarted on its surviving disk.
func CrashRestart(interval time.Duration) func(c *Cluster) func() {
	return func(c *Cluster) func() {
		stop := false
		simstd.Go(func() {
			for !stop {
				time.Sleep(interval/2 + time.Duration(rand.Int63n(int64(interval))))
				if stop {
					return
				}
				n := c.Servers[rand.Intn(len(c.Servers))]
				n.Kill()
				time.Sleep(time.Duration(rand.Int63n(int64(interval))))
				if stop {
					return // heal restarted it; the liveness phase has begun
				}
				n.Restart()
			}
		})
		return func() {
			stop = true
			for _, n := range c.Servers {
				if !n.Up() {
					n.Restart()
				}
			}
		}
	}
}
