//go:build ignore

// This file is added, without the ignore constraint, to the variant of net/rpc that simgen
// translates from GOROOT (see rewrite/stdhooks.go): it writes trace events for calls and
// responses, which the trace viewer shows on the timeline beside the network's messages.

package rpc

import (
	"net"

	"github.com/simgen/simgen/internal/kernel"
)

// simgenTrace writes an event of kind for the running goroutine, naming the remote end of
// conn when it is a network connection.
func simgenTrace(kind, what string, conn any) {
	g := kernel.Current()
	if g == nil || !g.Sim().Tracing() {
		return
	}
	if c, ok := conn.(interface{ RemoteAddr() net.Addr }); ok && c.RemoteAddr() != nil {
		what += " " + c.RemoteAddr().String()
	}
	g.Sim().Trace(kernel.TraceEvent{Kind: kind, Detail: what})
}

// simgenTraceCall: a client sends a call.
func simgenTraceCall(client *Client, call *Call) {
	var conn any
	if c, ok := client.codec.(*gobClientCodec); ok {
		conn = c.rwc
	}
	simgenTrace("rpc.call", call.ServiceMethod+" to", conn)
}

// simgenTraceDone: a call completes, with its reply or its error.
func simgenTraceDone(call *Call) {
	what := call.ServiceMethod + ": ok"
	if call.Error != nil {
		what = call.ServiceMethod + ": " + call.Error.Error()
	}
	simgenTrace("rpc.done", what, nil)
}

// simgenTraceServe: a server starts serving a request.
func simgenTraceServe(req *Request, codec ServerCodec) {
	var conn any
	if c, ok := codec.(*gobServerCodec); ok {
		conn = c.rwc
	}
	simgenTrace("rpc.serve", req.ServiceMethod+" from", conn)
}

// simgenTraceRespond: a server sends its response.
func simgenTraceRespond(req *Request, codec ServerCodec, errmsg string) {
	what := req.ServiceMethod + ": ok to"
	if errmsg != "" {
		what = req.ServiceMethod + ": " + errmsg + " to"
	}
	var conn any
	if c, ok := codec.(*gobServerCodec); ok {
		conn = c.rwc
	}
	simgenTrace("rpc.respond", what, conn)
}
