//go:build ignore

// This file is added, without the ignore constraint, to the variant of net/http that simgen
// translates from GOROOT (see rewrite/stdhooks.go): it writes trace events for requests and
// responses, which the trace viewer shows on the timeline beside the network's messages.

package http

import (
	"strconv"

	"github.com/simgen/simgen/internal/kernel"
)

// simgenTrace writes an event of kind for the running goroutine.
func simgenTrace(kind, what string) {
	if g := kernel.Current(); g != nil && g.Sim().Tracing() {
		g.Sim().Trace(kernel.TraceEvent{Kind: kind, Detail: what})
	}
}

func simgenTracing() bool {
	g := kernel.Current()
	return g != nil && g.Sim().Tracing()
}

// simgenTraceRoundTrip: a client's transport starts a request; the returned function, run
// when the round trip returns, reports its error if it failed.
func simgenTraceRoundTrip(req *Request) func(*error) {
	if !simgenTracing() || req.URL == nil { // roundTrip itself reports a nil URL
		return func(*error) {}
	}
	what := req.Method + " " + req.URL.String()
	simgenTrace("http.request", what)
	return func(err *error) {
		if *err != nil {
			simgenTrace("http.error", what+": "+(*err).Error())
		}
	}
}

// simgenTraceResponse: a client read the response to req.
func simgenTraceResponse(req *Request, resp **Response, err *error) {
	if !simgenTracing() || *err != nil || *resp == nil {
		return
	}
	simgenTrace("http.response", (*resp).Status+" "+req.Method+" "+req.URL.String())
}

// simgenTraceServe: a server starts handling a request.
func simgenTraceServe(req *Request) {
	if simgenTracing() {
		simgenTrace("http.serve", req.Method+" "+req.RequestURI+" from "+req.RemoteAddr)
	}
}

// simgenTraceRespond: a server finished handling a request.
func simgenTraceRespond(w *response) {
	if simgenTracing() {
		status := w.status
		if status == 0 {
			status = StatusOK
		}
		simgenTrace("http.respond", strconv.Itoa(status)+" "+w.req.Method+" "+w.req.RequestURI+" to "+w.req.RemoteAddr)
	}
}
