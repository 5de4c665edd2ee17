package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A channel with a buffer of one (a timer's, a wake-up signal) is a single
// allocation, and its buffer behaves as any other.
func TestChanOfOne(t *testing.T) {
	var c *Chan[[2]int]
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() { c = NewChan[[2]int](1) }))
	assert.Equal(t, 1, c.Cap())
	c.Send([2]int{1, 2})
	assert.Equal(t, 1, c.Len())
	assert.Equal(t, [2]int{1, 2}, c.Recv())
	c.Send([2]int{3, 4})
	assert.Equal(t, [2]int{3, 4}, c.Recv())
}
