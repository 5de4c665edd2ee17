package fault_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	snet "github.com/simgen/simgen/simstd/net"
	simtime "github.com/simgen/simgen/simstd/time"
)

// TestTraceNetworkEvents checks that messages and faults appear in a run's
// trace: every delivery pairs with a send of the same message id, and a
// partition and its heal are recorded.
func TestTraceNetworkEvents(t *testing.T) {
	var buf bytes.Buffer
	r := simstd.Run(simstd.Config{Seed: 1, Trace: &buf}, func() {
		srv := simstd.NewNode("srv", func() {
			ln, err := snet.Listen("tcp", ":80")
			if err != nil {
				panic(err)
			}
			c, err := ln.Accept()
			if err != nil {
				panic(err)
			}
			io.Copy(c, c)
		})
		simtime.Sleep(simtime.Millisecond)
		c, err := snet.Dial("tcp", "srv:80")
		require.NoError(t, err)
		_, err = c.Write([]byte("hello"))
		require.NoError(t, err)
		got := make([]byte, 5)
		_, err = io.ReadFull(c, got)
		require.NoError(t, err)
		fault.Isolate(srv)
		simtime.Sleep(simtime.Second)
		fault.Heal()
	})
	require.NoError(t, r.Err)
	sends := map[uint64]simstd.TraceEvent{}
	delivered, faults := 0, []string{}
	for sc := bufio.NewScanner(&buf); sc.Scan(); {
		var ev simstd.TraceEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		switch ev.Kind {
		case "net.send":
			sends[ev.Msg] = ev
		case "net.deliver":
			s, ok := sends[ev.Msg]
			require.True(t, ok, "delivery of message %d that was never sent", ev.Msg)
			assert.Equal(t, s.Node, ev.Peer)
			assert.Equal(t, s.Peer, ev.Node)
			assert.Greater(t, ev.T, s.T, "a message takes time")
			delivered++
		case "fault":
			faults = append(faults, ev.Detail)
		}
	}
	assert.GreaterOrEqual(t, delivered, 4, "SYN, SYN-ACK, data there and back")
	assert.Equal(t, []string{"isolate srv", "heal"}, faults)
}
