//go:build pins

// This file is never built: its imports keep the target modules in go.mod and go.sum (go mod
// tidy considers every build tag), which pins the versions the driver downloads.
package main

import (
	_ "github.com/cenkalti/backoff/v4"
	_ "github.com/hashicorp/raft"
	_ "go.etcd.io/raft/v3"
	_ "go.etcd.io/raft/v3/rafttest"
	_ "go.uber.org/ratelimit"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/sync/semaphore"
	_ "golang.org/x/sync/singleflight"
)
