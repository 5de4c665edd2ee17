package stdnet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func put(t *testing.T, c *http.Client, url string) {
	req, err := http.NewRequest(http.MethodPut, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

func get(t *testing.T, c *http.Client, url string) (string, int) {
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v string
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	}
	return v, resp.StatusCode
}

// TestHTTPKV writes and reads keys through httptest's server and the default transport's
// pooled connections, from concurrent clients.
func TestHTTPKV(t *testing.T) {
	srv := httptest.NewServer(NewKV())
	defer srv.Close()
	c := srv.Client()
	_, code := get(t, c, srv.URL+"/missing")
	assert.Equal(t, http.StatusNotFound, code)

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			put(t, c, fmt.Sprintf("%s/k%d?v=%d", srv.URL, i, i*i))
		}()
	}
	wg.Wait()
	for i := range 4 {
		v, code := get(t, c, fmt.Sprintf("%s/k%d", srv.URL, i))
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, fmt.Sprint(i*i), v)
	}
	resp, err := c.Post(srv.URL+"/k0", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// TestHTTPSAndHTTP2 serves the store over TLS, with HTTP/1.1 and with HTTP/2 (crypto/tls runs
// natively, on the simulated connections).
func TestHTTPSAndHTTP2(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		srv := httptest.NewUnstartedServer(NewKV())
		srv.EnableHTTP2 = h2
		srv.StartTLS()
		c := srv.Client()
		put(t, c, srv.URL+"/k?v=tls")
		resp, err := c.Get(srv.URL + "/k")
		require.NoError(t, err)
		var v string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
		resp.Body.Close()
		assert.Equal(t, "tls", v)
		assert.Equal(t, h2, resp.ProtoMajor == 2, "HTTP/2: %v, got %s", h2, resp.Proto)
		srv.Close()
	}
}

// TestHTTPShutdown shuts a server down gracefully while a request is in flight: Shutdown waits
// for it, Serve returns http.ErrServerClosed, and new requests are refused.
func TestHTTPShutdown(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	inHandler, release := make(chan struct{}), make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inHandler)
		<-release
		w.Write([]byte("done"))
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	url := "http://" + lis.Addr().String() + "/"

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{string(b), err}
	}()
	<-inHandler
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) before the request in flight finished", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, "done", r.body)
	assert.NoError(t, <-shut)
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
	_, err = http.Get(url)
	assert.Error(t, err, "a shut down server refuses connections")
}

// TestHTTPRanges asks for two byte ranges of a served file: net/http streams the multipart
// response through an io.Pipe from a goroutine of its own.
func TestHTTPRanges(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "f.txt", time.Time{}, strings.NewReader("0123456789"))
	}))
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=1-2,6-8")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(resp.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		parts = append(parts, p.Header.Get("Content-Range")+" "+string(b))
	}
	assert.Equal(t, []string{"bytes 1-2/10 12", "bytes 6-8/10 678"}, parts)
}
