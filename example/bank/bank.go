// Package bank is a small account service written as ordinary Go. It has a
// concurrency bug that plain `go test` almost never shows and a simulation
// finds in a few seeds: Transfer checks the balance and debits it in two
// separate critical sections. `make demo` runs it until example/raft exists.
package bank

import (
	"errors"
	"fmt"
	"sync"
)

// ErrInsufficient is returned by Transfer when the source account lacks funds.
var ErrInsufficient = errors.New("bank: insufficient funds")

// Bank holds account balances and records every transfer in an audit log
// kept by a background goroutine.
type Bank struct {
	mu       sync.Mutex
	balances map[string]int // guarded by mu; never negative
	audit    chan string    // transfers to record, consumed by the auditor
	log      []string       // written only by the auditor
	done     chan struct{}  // closed when the auditor has drained audit
}

// New returns a bank with the given opening balances and starts its auditor.
func New(opening map[string]int) *Bank {
	b := &Bank{balances: map[string]int{}, audit: make(chan string, 16), done: make(chan struct{})}
	for name, v := range opening {
		b.balances[name] = v
	}
	go func() {
		for entry := range b.audit {
			b.log = append(b.log, entry)
		}
		close(b.done)
	}()
	return b
}

// Close stops the auditor and returns the audit log.
func (b *Bank) Close() []string {
	close(b.audit)
	<-b.done
	return b.log
}

// Balance returns the balance of account name.
func (b *Bank) Balance(name string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.balances[name]
}

// Transfer moves amount from one account to another.
func (b *Bank) Transfer(from, to string, amount int) error {
	if b.Balance(from) < amount { // BUG: the check and the debit are not atomic
		return ErrInsufficient
	}
	b.audit <- fmt.Sprintf("%s->%s %d", from, to, amount)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.balances[from] -= amount
	b.balances[to] += amount
	return nil
}

// Snapshot returns a copy of every balance.
func (b *Bank) Snapshot() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]int, len(b.balances))
	for name, v := range b.balances {
		out[name] = v
	}
	return out
}
