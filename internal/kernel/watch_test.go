package kernel

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A watch fires once its condition holds, before the run declares a
// deadlock; one registered by another's fire is kept (found by review: it
// was dropped, and the run reported a deadlock).
func TestWatch(t *testing.T) {
	res := Run(Config{Seed: 1}, func() {
		s := Current().Sim()
		a, b := NewChan[struct{}](0), NewChan[struct{}](0)
		polls := 0
		s.Watch(func() bool { polls++; return polls == 3 }, func() {
			CloseBy(a, s)
			s.Watch(func() bool { return true }, func() { CloseBy(b, s) })
		})
		for i := range 2 { // a poll before each timer
			s.NewTimer(func() {}).ScheduleAfter(time.Duration(i+1) * time.Millisecond)
		}
		a.Recv()
		b.Recv()
		assert.Equal(t, 3, polls)
	})
	require.NoError(t, res.Err)

	res = Run(Config{Seed: 1}, func() {
		Current().Sim().Watch(func() bool { return false }, func() {})
		NewChan[struct{}](0).Recv()
	})
	var dl *DeadlockError
	require.ErrorAs(t, res.Err, &dl, "a watch that never fires does not keep the run alive")
}
