// Command raftkv runs a node of the raft key-value store, or talks to a
// cluster as a client.
//
//	raftkv serve -id 0 -peers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 -data /tmp/kv0
//	raftkv put    -servers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 key value
//	raftkv append -servers ... key value
//	raftkv get    -servers ... key
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/simgen/simgen/example/raft"
)

const usage = `usage:
  raftkv serve -id N -peers host:port,... -data DIR [-listen addr] [-election 300ms] [-heartbeat 50ms] [-q]
  raftkv get -servers host:port,... [-timeout 10s] key
  raftkv put -servers host:port,... [-timeout 10s] key value
  raftkv append -servers host:port,... [-timeout 10s] key value
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = serve(args)
	case "get", "put", "append":
		err = client(cmd, args)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "raftkv:", err)
		os.Exit(1)
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// serve runs one node until SIGINT or SIGTERM.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	id := fs.Int("id", 0, "this node's index in -peers")
	peers := fs.String("peers", "", "comma-separated host:port of every node, in the same order on every node")
	listen := fs.String("listen", "", "address to listen on (default: this node's entry in -peers)")
	data := fs.String("data", "", "data directory")
	election := fs.Duration("election", 300*time.Millisecond, "base election timeout")
	heartbeat := fs.Duration("heartbeat", 50*time.Millisecond, "heartbeat interval")
	snapshot := fs.Int("snapshot", 10000, "take a snapshot after this many applied entries (0: never)")
	quiet := fs.Bool("q", false, "do not log role changes and applied commands")
	fs.Parse(args)
	if *peers == "" || *data == "" {
		return fmt.Errorf("serve needs -peers and -data")
	}
	logger := log.New(os.Stderr, fmt.Sprintf("raftkv[%d] ", *id), log.LstdFlags|log.Lmicroseconds)
	cfg := raft.Config{
		ID:                *id,
		Peers:             splitList(*peers),
		Listen:            *listen,
		DataDir:           *data,
		ElectionTimeout:   *election,
		HeartbeatInterval: *heartbeat,
		SnapshotThreshold: *snapshot,
		Logger:            logger,
	}
	if *quiet {
		cfg.Logger = nil
	} else {
		cfg.OnApply = func(index, term int, cmd raft.Command) {
			logger.Printf("applied %d (term %d): %s %q %q from client %d #%d", index, term, cmd.Op, cmd.Key, cmd.Value, cmd.ClientID, cmd.Seq)
		}
	}
	s, err := raft.StartServer(cfg)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return s.Close()
}

// client runs one operation against the cluster.
func client(op string, args []string) error {
	fs := flag.NewFlagSet(op, flag.ExitOnError)
	servers := fs.String("servers", "", "comma-separated host:port of the cluster's nodes")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	fs.Parse(args)
	want := 2
	if op == "get" {
		want = 1
	}
	if *servers == "" || fs.NArg() != want {
		return fmt.Errorf("%s needs -servers and %d argument(s)", op, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// Each invocation is a new client: a random ID keeps the servers'
	// duplicate detection from confusing it with an earlier one.
	c := raft.NewClient(splitList(*servers), rand.Int63())
	defer c.Close()
	key := fs.Arg(0)
	switch op {
	case "get":
		v, err := c.Get(ctx, key)
		if err != nil {
			return err
		}
		fmt.Println(v)
		return nil
	case "put":
		return c.Put(ctx, key, fs.Arg(1))
	default:
		return c.Append(ctx, key, fs.Arg(1))
	}
}
