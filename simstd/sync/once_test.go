package sync_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd/sync"
)

func TestOnce(t *testing.T) {
	dual(t, func(t *testing.T) {
		var once sync.Once
		var calls, finished atomic.Int32
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				once.Do(func() {
					calls.Add(1)
					sleep(5 * time.Millisecond) // others must wait for f to return
					finished.Store(1)
				})
				assert.EqualValues(t, 1, finished.Load(), "Do returned before f finished")
			})
		}
		wg.Wait()
		require.EqualValues(t, 1, calls.Load())
	})
}

func TestOncePanicCountsAsDone(t *testing.T) {
	dual(t, func(t *testing.T) {
		var once sync.Once
		require.PanicsWithValue(t, "first", func() { once.Do(func() { panic("first") }) })
		once.Do(func() { t.Error("f ran twice") })
	})
}

func TestOnceFuncs(t *testing.T) {
	dual(t, func(t *testing.T) {
		var n atomic.Int32
		f := sync.OnceFunc(func() { n.Add(1) })
		v := sync.OnceValue(func() int { return int(n.Add(10)) })
		vs := sync.OnceValues(func() (int, error) { n.Add(100); return 7, errors.New("e") })
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				f()
				assert.Equal(t, 11, v()) // f ran before v in every goroutine
				x, err := vs()
				assert.Equal(t, 7, x)
				assert.EqualError(t, err, "e")
			})
		}
		wg.Wait()
		require.EqualValues(t, 111, n.Load())

		p := sync.OnceValue(func() int { panic("again") })
		require.PanicsWithValue(t, "again", func() { p() })
		require.PanicsWithValue(t, "again", func() { p() })
	})
}
