package sweep

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSuffix(b.b.String(), "\n"), "\n")
}

// Plain progress prints a line per tenth of the seeds, at most one per LinesEvery, and at least
// one per LinesAtLeast; never one per seed.
func TestProgressLines(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	var out syncBuffer
	p := newLines(&out, 1000, clock.now, 0)
	for done := uint64(1); done <= 99; done++ { // the first tenth, too early for a line
		p.Update(done, 0)
	}
	clock.advance(LinesEvery)
	p.Update(100, 1) // a tenth done and LinesEvery passed
	p.Update(101, 1)
	clock.advance(LinesEvery)
	p.Update(150, 1) // still in the same tenth: nothing
	clock.advance(LinesAtLeast)
	p.Update(151, 2) // LinesAtLeast without a line
	p.Finish()
	require.Equal(t, []string{
		"simgen: 100/1000 seeds (10%), 1 failed, 20.0 seeds/s, 5s elapsed, about 45s left",
		"simgen: 151/1000 seeds (15%), 2 failed, 3.8 seeds/s, 40s elapsed, about 3m45s left",
	}, out.lines())
}

// A sweep whose seeds are slow still gets a line every LinesAtLeast.
func TestProgressLinesWithoutUpdates(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	var out syncBuffer
	p := newLines(&out, 10, clock.now, time.Millisecond)
	p.Update(1, 0)
	clock.advance(LinesAtLeast)
	deadline := time.Now().Add(time.Minute) // generous: the line comes from a goroutine
	for out.lines()[0] == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.Finish()
	require.Equal(t, []string{"simgen: 1/10 seeds (10%), 0 failed, 0.0 seeds/s, 30s elapsed, about 4m30s left"}, out.lines())
}

func TestProgressBarDrawsAndClears(t *testing.T) {
	var out bytes.Buffer
	p := NewBar(&out, 10)
	for i := uint64(1); i <= 5; i++ {
		p.Update(i, 1)
	}
	p.Finish()
	require.Contains(t, out.String(), "seeds, 1 failed")
	require.Contains(t, out.String(), "/10")
	require.True(t, strings.HasSuffix(out.String(), "\r"), "the bar is erased before the summary: %q", out.String())
}

func TestNewProgressPicksLinesForPipes(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, 10)
	_, ok := p.(*lines)
	require.True(t, ok)
	p.Finish()
}
