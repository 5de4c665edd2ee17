package fault_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// echoMain is a node's main: it echoes every connection on port 7000.
func echoMain() {
	ln, err := snet.Listen("tcp", ":7000")
	if err != nil {
		panic(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		simstd.Go(func() {
			io.Copy(c, c)
			c.Close()
		})
	}
}

// echoRequest sends one message to name's echo server and checks the
// answer, within a second.
func echoRequest(name, msg string) error {
	c, err := snet.DialTimeout("tcp", name+":7000", time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(simtime.Now().Add(time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != msg {
		return fmt.Errorf("echo %q, want %q", buf, msg)
	}
	return nil
}

func cluster(n int) []*simstd.Node {
	var nodes []*simstd.Node
	for i := range n {
		nodes = append(nodes, simstd.NewNode(fmt.Sprintf("n%d", i), echoMain))
	}
	return nodes
}

// TestNemesis runs a client against a three-node cluster under the nemesis
// for two virtual minutes: requests fail while it works, and once it is
// stopped every node answers again.
func TestNemesis(t *testing.T) {
	netSim(t, 5, func(t *testing.T) {
		nodes := cluster(3)
		var log []string
		stop := fault.StartNemesis(fault.NemesisConfig{Nodes: nodes, Log: func(s string) { log = append(log, s) }})
		ok, failed := 0, 0
		end := simtime.Now().Add(2 * time.Minute)
		for i := 0; simtime.Now().Before(end); i++ {
			if echoRequest(nodes[i%3].Name(), fmt.Sprint(i)) == nil {
				ok++
			} else {
				failed++
			}
			simtime.Sleep(100 * time.Millisecond)
		}
		stop()
		stop()
		for _, x := range nodes {
			var err error
			for range 50 {
				if err = echoRequest(x.Name(), "alive?"); err == nil {
					break
				}
				simtime.Sleep(100 * time.Millisecond)
			}
			require.NoError(t, err, "node %s does not answer after the nemesis stopped", x.Name())
			assert.True(t, x.Up())
		}
		assert.NotZero(t, ok)
		assert.NotZero(t, failed, "the nemesis never made a request fail")
		kinds := map[string]bool{}
		for _, l := range log {
			_, what, _ := strings.Cut(l, "nemesis: ")
			kind, _, _ := strings.Cut(what, " ")
			kinds[kind] = true
		}
		assert.GreaterOrEqual(t, len(kinds), 4, "the nemesis did little: %v", log)
		assert.Contains(t, log[len(log)-1], "stopped")
	})
}

// TestNemesisCrashOnly: with crashes only, nodes go down and come back;
// a node without a main function is never crashed.
func TestNemesisCrashOnly(t *testing.T) {
	netSim(t, 10, func(t *testing.T) {
		nodes := append(cluster(2), simstd.NewNode("client", nil))
		var log []string
		stop := fault.StartNemesis(fault.NemesisConfig{
			Nodes:    nodes,
			Actions:  []fault.Action{fault.ActCrash},
			Interval: fault.Fixed(time.Second),
			Downtime: fault.Fixed(2 * time.Second),
			Log:      func(s string) { log = append(log, s) },
		})
		sawDown := 0
		for range 600 {
			simtime.Sleep(100 * time.Millisecond)
			require.True(t, nodes[2].Up())
			if !nodes[0].Up() || !nodes[1].Up() {
				sawDown++
			}
		}
		crashes := map[string]int{}
		for _, l := range log {
			_, what, _ := strings.Cut(l, "nemesis: ")
			if name, ok := strings.CutPrefix(what, "crash "); ok {
				crashes[strings.Fields(name)[0]]++
			}
		}
		assert.Zero(t, crashes["client"])
		assert.GreaterOrEqual(t, crashes["n0"], 3)
		assert.GreaterOrEqual(t, crashes["n1"], 3)
		assert.Greater(t, sawDown, 100)
		stop()
		for _, x := range nodes {
			assert.True(t, x.Up())
		}
	})
}

func drawString(d fault.Swarm) string {
	net, cfg := d.Draw(nil)
	return fmt.Sprintf("%v %v %v %v %v", net, cfg.Actions, cfg.Interval, cfg.Duration, cfg.Downtime)
}

func TestSwarmDraws(t *testing.T) {
	draws := map[string]bool{}
	for seed := range uint64(20) {
		var a, b string
		simstd.Run(simstd.Config{Seed: seed}, func() { a = drawString(fault.Swarm{}) })
		simstd.Run(simstd.Config{Seed: seed}, func() { b = drawString(fault.Swarm{}) })
		require.Equal(t, a, b, "seed %d drew two different mixes", seed)
		draws[a] = true
	}
	assert.Len(t, draws, 20, "seeds drew the same mix")

	lossless := 0
	for seed := range uint64(40) {
		simstd.Run(simstd.Config{Seed: seed}, func() {
			net, cfg := fault.Swarm{Actions: []fault.Action{fault.ActPartition, fault.ActCrash}}.Draw(nil)
			if net.Loss == 0 {
				lossless++
			}
			for _, a := range cfg.Actions {
				if a != fault.ActPartition && a != fault.ActCrash {
					panic(a)
				}
			}
		})
	}
	assert.True(t, lossless > 5 && lossless < 35, "%d of 40 seeds without loss", lossless)
}

// chaos is a run under heavy faults drawn by Swarm: TCP and UDP traffic
// between a client and a three-node cluster under the nemesis.
func chaos() {
	nodes := cluster(3)
	for _, x := range nodes {
		x.Go(func() {
			u, err := snet.ListenPacket("udp", ":9000")
			if err != nil {
				panic(err)
			}
			buf := make([]byte, 64)
			for {
				n, from, err := u.ReadFrom(buf)
				if err != nil {
					return
				}
				u.WriteTo(buf[:n], from)
			}
		})
	}
	swarm := fault.Swarm{
		Loss:     fault.FloatRange{Min: 0.1, Max: 0.3},
		Interval: fault.DurationRange{Min: 100 * time.Millisecond, Max: time.Second},
	}
	net, cfg := swarm.Draw(nodes)
	fault.SetNetwork(net)
	stop := fault.StartNemesis(cfg)
	for i := range 3 {
		simstd.Go(func() {
			u, _ := snet.Dial("udp", nodes[i].Name()+":9000")
			buf := make([]byte, 64)
			for j := range 200 {
				fmt.Fprint(u, j)
				u.SetReadDeadline(simtime.Now().Add(50 * time.Millisecond))
				u.Read(buf)
			}
		})
	}
	for i := 0; i < 300; i++ {
		echoRequest(nodes[i%3].Name(), strings.Repeat("x", i))
		simtime.Sleep(100 * time.Millisecond)
	}
	stop()
}

// TestDeterminism: under heavy faults, a seed replays to the same trace
// hash, and different seeds take different paths.
func TestDeterminism(t *testing.T) {
	hashes := map[uint64]uint64{}
	for seed := range uint64(4) {
		r1 := simstd.Run(simstd.Config{Seed: seed}, chaos)
		r2 := simstd.Run(simstd.Config{Seed: seed}, chaos)
		require.NoError(t, r1.Err)
		require.NoError(t, r2.Err)
		assert.Equal(t, r1.Hash, r2.Hash, "seed %d", seed)
		assert.Equal(t, r1.Steps, r2.Steps, "seed %d", seed)
		assert.Greater(t, r1.Elapsed, 30*time.Second)
		hashes[r1.Hash] = seed
	}
	assert.Len(t, hashes, 4, "different seeds gave the same trace")
}

// TestNemesisBridge: a bridge first partitions the nodes, then one node
// of the larger side talks to both sides, which still cannot talk to each
// other; at the end everything heals. Connected sees each stage.
func TestNemesisBridge(t *testing.T) {
	netSim(t, 10, func(t *testing.T) {
		nodes := cluster(5)
		var log []string
		stop := fault.StartNemesis(fault.NemesisConfig{
			Nodes:    nodes,
			Actions:  []fault.Action{fault.ActBridge},
			Interval: fault.Fixed(time.Second),
			Duration: fault.Fixed(2 * time.Second),
			Log:      func(s string) { log = append(log, s) },
		})
		// reach[i][j]: node i can talk to node j both ways.
		reach := func() [][]bool {
			r := make([][]bool, len(nodes))
			for i, a := range nodes {
				r[i] = make([]bool, len(nodes))
				for j, b := range nodes {
					r[i][j] = fault.Connected(a, b) && fault.Connected(b, a)
				}
			}
			return r
		}
		degrees := func(r [][]bool) []int {
			var d []int
			for i := range r {
				n := 0
				for j := range r[i] {
					if i != j && r[i][j] {
						n++
					}
				}
				d = append(d, n)
			}
			return d
		}
		simtime.Sleep(1500 * time.Millisecond) // partitioned
		part := reach()
		simtime.Sleep(time.Second) // bridged
		bridged := reach()
		simtime.Sleep(time.Second) // healed
		healed := reach()
		stop()

		// A partition of 5 into sides of 1 and 4, or 2 and 3.
		d := degrees(part)
		assert.Subset(t, [][]int{{0, 3}, {1, 2}}, [][]int{uniq(d)}, "partition degrees %v\n%s", d, strings.Join(log, "\n"))
		// The bridge talks to all four others; nobody else does.
		bd := degrees(bridged)
		full := 0
		for i, n := range bd {
			if n == len(nodes)-1 {
				full++
				assert.Less(t, d[i], n)
			}
		}
		assert.Equal(t, 1, full, "bridge degrees %v\n%s", bd, strings.Join(log, "\n"))
		for _, n := range degrees(healed) {
			assert.Equal(t, len(nodes)-1, n)
		}
		require.Len(t, log, 4)
		assert.Contains(t, log[1], "joins")
	})
}

// uniq returns the distinct values of xs in increasing order.
func uniq(xs []int) []int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return slices.Compact(s)
}
