//go:build simgen

package stdnet

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTTPPartition serves the store from machine srv and calls it from machine cli with a
// client timeout, through a partition: requests on the pooled connection and on new ones
// time out as they would on a real network (the client's timeout, reported as a timeout by
// *url.Error), and succeed again once the partition heals. Simulation only: a partition
// needs machines.
func TestHTTPPartition(t *testing.T) {
	up := make(chan error, 1)
	srvNode := simstd.NewNode("srv", func() {
		lis, err := net.Listen("tcp", ":80")
		up <- err
		if err == nil {
			http.Serve(lis, NewKV())
		}
	})
	require.NoError(t, <-up)
	done := make(chan struct{})
	simstd.NewNode("cli", func() {
		defer close(done)
		c := &http.Client{Timeout: 2 * time.Second}
		put(t, c, "http://srv/a?v=1")
		v, code := get(t, c, "http://srv/a")
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "1", v)

		fault.Partition([]*simstd.Node{simstd.CurrentNode()}, []*simstd.Node{srvNode})
		start := time.Now()
		_, err := c.Get("http://srv/a")
		assertTimeout(t, err, "on the pooled connection")
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "the client waited for its timeout")

		fresh := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{}}
		_, err = fresh.Get("http://srv/a")
		assertTimeout(t, err, "dialing a new connection")

		fault.Heal()
		v, code = get(t, c, "http://srv/a")
		assert.Equal(t, http.StatusOK, code, "healed")
		assert.Equal(t, "1", v)
	})
	<-done
}

func assertTimeout(t *testing.T, err error, what string) {
	t.Helper()
	var ue *url.Error
	if assert.True(t, errors.As(err, &ue), "%s: want a *url.Error, got %v", what, err) {
		assert.True(t, ue.Timeout(), "%s: want a timeout, got %v", what, err)
	}
}
