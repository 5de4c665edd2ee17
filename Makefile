# simgen — see README.md. Everything here needs only Go.
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCH_COUNT ?= 6

.PHONY: all test lint bench demo demo-bank

all: test

## test: everything CI runs (vet, then every package's tests, then the fast third-party subset).
## example/bank's own test is left out of the native run: the package has a deliberate race that
## plain go test shows only under load (tests/bank_test.go checks that simgen finds it; make
## demo-bank runs it natively on purpose). -timeout: cmd/simgen's scripts take about 6 minutes on an
## idle 2-core machine and came within seconds of go test's default 10 on a loaded one.
test:
	$(GO) vet ./...
	$(GO) run ./cmd/simgen gen --check --out example/raft/sim ./example/raft
	$(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v '/example/bank$$')
	$(GO) test -count=3 ./tests/conformance
	$(GO) run ./cmd/simgen test ./tests/conformance --seeds 1-50
	$(GO) run ./cmd/simgen test ./tests/stdnet --seeds 1-20 --check-determinism
	$(MAKE) --no-print-directory targets-fast

## lint: gofmt, go vet and staticcheck (pinned, fetched through the module proxy)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: every benchmark (figures recorded in BENCHMARKS.md); HUNT_SEEDS of the unmutated Raft
HUNT_SEEDS ?= 1000
bench:
	$(GO) test -run '^$$' -bench 'PingPong|Yield|Spawn|Select' -benchtime 300000x -count $(BENCH_COUNT) ./simstd
	$(GO) test -run '^$$' -bench 'GoroutineMemory' -benchtime 3x ./simstd
	$(GO) test -run '^$$' -bench . -benchtime 1000000x -count $(BENCH_COUNT) ./internal/kernel
	$(GO) test -run '^$$' -bench 'Contention' -benchtime 500000x -count $(BENCH_COUNT) ./simstd/sync
	$(GO) test -run '^$$' -bench . -count $(BENCH_COUNT) ./simstd/net ./simstd/os
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 50000x -count $(BENCH_COUNT) ./internal/netsim ./simstd/time ./simstd/context
	$(GO) test -run '^$$' -bench . -benchtime 10x -count 3 ./tests/raft
	@$(GO) build -o .simgen-bench ./cmd/simgen
	@for j in 1 2; do echo "== simgen test ./example/bank --seeds 1-200 --keep-going -j $$j"; \
		./.simgen-bench test ./example/bank --seeds 1-200 --keep-going -j $$j 2>&1 | grep -E 'seeds/s|seeds run'; done
	@rm -f .simgen-bench
	SIMGEN_HUNT=1 SIMGEN_SEEDS=1-$(HUNT_SEEDS) $(GO) test -count=1 -run '^TestHunt$$' -v ./tests/raft
	SIMGEN_MUTANTS=all SIMGEN_MUTANT_SEEDS=1000 $(GO) test -count=1 -timeout 30m -run '^TestMutants$$' -v ./tests/raft

## demo: generate example/raft's simulated variant and sweep a 5-node cluster with faults over many seeds
DEMO_SEEDS ?= 300
demo:
	@echo "== 1. example/raft is plain Go (net, time, os, sync, goroutines). Its simulated variant:"
	$(GO) generate ./example/raft
	@$(GO) build -o .simgen-demo ./cmd/simgen
	@echo
	@echo "== 2. Seeds 1-$(DEMO_SEEDS): 5 Raft servers and 3 clients on simulated nodes, each seed drawing its own"
	@echo "      network and faults (partitions, clogs, crash-restarts, pauses, latency, resets), then a liveness"
	@echo "      phase; every history checked for Raft safety and linearizability (porcupine)."
	./.simgen-demo test --as-is ./tests/raft --seeds 1-$(DEMO_SEEDS) --keep-going -- -run '^TestSwarm5$$'
	@echo
	@echo "== 3. One seed's event trace as a space-time diagram:"
	@rm -rf .simgen-demo-trace
	@./.simgen-demo test --as-is ./tests/raft --seed 1 --trace .simgen-demo-trace -- -run '^TestSwarm5$$' > /dev/null
	@./.simgen-demo trace view .simgen-demo-trace/TestSwarm5-seed1.jsonl -o .simgen-demo-timeline.html
	@echo "   open .simgen-demo-timeline.html in a browser"
	@rm -f .simgen-demo

## demo-bank: a plain Go package whose check-then-act bug go test misses; simgen finds and replays it
demo-bank:
	@echo "== 1. The package's own test, natively, 50 times: the bug hides."
	$(GO) test -count=50 ./example/bank
	@echo
	@echo "== 2. The same test on the simulated variant, seeds 1-300, one process per seed:"
	@$(GO) build -o .simgen-demo ./cmd/simgen
	@./.simgen-demo test ./example/bank --seeds 1-300 2>&1 | tee .simgen-demo.out || true
	@echo
	@seed=$$(sed -n 's/.*seed \([0-9]*\) of 1-300 failed.*/\1/p' .simgen-demo.out | head -1); \
	if [ -z "$$seed" ]; then echo "no failing seed found in 300 seeds"; rm -f .simgen-demo .simgen-demo.out; exit 1; fi; \
	echo "== 3. Replaying seed $$seed twice: the same failure and the same trace hash each time:"; \
	for i in 1 2; do SIMGEN_REPORT=1 ./.simgen-demo test ./example/bank --seed $$seed -- -count=1 -v 2>&1 | grep -E 'simgen: seed=|overdrawn'; done; \
	rm -f .simgen-demo .simgen-demo.out

## targets: third-party suites (x/sync, etcd raft, ratelimit, backoff, hashicorp/raft) at pinned versions, natively
## and simulated, as a table (see tests/targets); TARGETS_FLAGS e.g. -only raft -seeds 1-5
TARGETS_FLAGS ?=
.PHONY: targets targets-fast
targets:
	cd tests/targets && $(GO) run . $(TARGETS_FLAGS)

## targets-fast: the fast subset (x/sync errgroup, semaphore, singleflight, seeds 1-3) as a test,
## with the driver's own unit tests; skips when the module proxy cannot serve golang.org/x/sync
targets-fast:
	cd tests/targets && $(GO) vet . && $(GO) test -count=1 .
