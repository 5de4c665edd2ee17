package kernel

// watchKey keys, in Sim.exts, the run's watches (see Watch).
type watchKey struct{}

// watches are a run's pending watches, in the order they were added.
type watches struct{ ws []watch }

// watch is one condition the run polls: ready is a non-blocking check, fire
// what to do, once, when it first holds.
type watch struct {
	ready func() bool
	fire  func()
}

// Watch registers with the run a condition it does not control: state that
// code outside the simulation changes, such as a std context's Done channel
// closed by std code. Whenever no goroutine is runnable, or a timer is due,
// the run calls ready, in registration order, before it moves the clock or
// declares a deadlock, and calls fire (on the driver) the first time ready
// returns true; fire readies the goroutines waiting for it. A change made by
// the simulation's own goroutines is therefore seen at a point the seed
// fixes; one made by a native goroutine at whatever point it is first seen.
// The watch is dropped once it fired, or with the run.
func (s *Sim) Watch(ready func() bool, fire func()) {
	w := s.Ext(watchKey{}, func() any { return new(watches) }).(*watches)
	w.ws = append(w.ws, watch{ready: ready, fire: fire})
}

// pollWatches fires the watches whose condition holds and reports whether
// any did: the driver then lets the goroutines they readied run before it
// moves the clock or declares a deadlock.
func (s *Sim) pollWatches() bool {
	v, ok := s.exts[watchKey{}]
	if !ok {
		return false
	}
	w := v.(*watches)
	pending := w.ws
	w.ws = nil // fire may add watches, to a new slice
	fired := false
	keep := pending[:0]
	for _, x := range pending {
		if s.state == running && x.ready() {
			x.fire()
			fired = true
			continue
		}
		keep = append(keep, x)
	}
	clear(pending[len(keep):])
	w.ws = append(keep, w.ws...)
	return fired
}
