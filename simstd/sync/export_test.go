package sync

// Queued returns the numbers of goroutines blocked in RLock and in Lock.
func (rw *RWMutex) Queued() (readers, writers int) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return len(rw.rq), len(rw.wq)
}

// Waiters returns the number of goroutines blocked in Wait.
func (c *Cond) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}
