package fssim

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testEnv is an Env for tests: a fixed clock and a seeded generator.
type testEnv struct {
	r      *rand.Rand
	events []uint64
}

func newEnv(seed uint64) *testEnv { return &testEnv{r: rand.New(rand.NewPCG(seed, 0))} }

func (e *testEnv) Now() time.Time     { return time.Unix(0, 0) }
func (e *testEnv) Rand() uint64       { return e.r.Uint64() }
func (e *testEnv) Event(v uint64)     { e.events = append(e.events, v) }
func newFS(seed uint64, f Faults) *FS { return New(newEnv(seed), func() Faults { return f }) }

func open(t *testing.T, f *FS, path string, flag int) *Handle {
	t.Helper()
	h, err := f.Open(path, flag, 0o644)
	require.NoError(t, err)
	return h
}

func read(t *testing.T, f *FS, path string) string {
	t.Helper()
	h, err := f.Open(path, os.O_RDONLY, 0)
	if err == syscall.ENOENT {
		return "<missing>"
	}
	require.NoError(t, err)
	st, err := h.Stat()
	require.NoError(t, err)
	b := make([]byte, st.Size)
	n, err := h.Pread(b, 0)
	require.NoError(t, err)
	return string(b[:n])
}

func syncDir(t *testing.T, f *FS, path string) {
	t.Helper()
	require.NoError(t, open(t, f, path, os.O_RDONLY).Sync())
}

func TestCrashRollsBackToSyncs(t *testing.T) {
	f := newFS(1, Faults{})
	require.NoError(t, f.Mkdir("/d", 0o755))
	syncDir(t, f, "/")
	h := open(t, f, "/d/f", os.O_RDWR|os.O_CREATE)
	_, err := h.Write([]byte("synced"))
	require.NoError(t, err)
	require.NoError(t, h.Sync())
	syncDir(t, f, "/d")
	_, err = h.Write([]byte(" lost"))
	require.NoError(t, err)
	require.NoError(t, f.Rename("/d/f", "/d/g"))
	require.NoError(t, f.Mkdir("/d/sub", 0o755))
	require.NoError(t, f.Chmod("/d", 0o700))
	assert.Equal(t, "synced lost", read(t, f, "/d/g"))

	f.Crash()
	assert.Equal(t, "synced", read(t, f, "/d/f"))
	assert.Equal(t, "<missing>", read(t, f, "/d/g"))
	_, err = f.Stat("/d/sub", true)
	assert.Equal(t, syscall.ENOENT, err)
	st, err := f.Stat("/d", true)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755)&^Umask, st.Mode.Perm(), "metadata rolls back too")
	_, err = h.Write([]byte("x"))
	assert.Equal(t, ErrClosed, err, "handles die in a crash")
	assert.Equal(t, -1, h.Fd())
	st, _ = f.Stat("/d/f", true)
	assert.Equal(t, uint64(1), st.Nlink)
}

func TestLinkCountsAfterCrash(t *testing.T) {
	f := newFS(1, Faults{})
	h := open(t, f, "/tmp/a", os.O_RDWR|os.O_CREATE)
	require.NoError(t, h.Sync())
	require.NoError(t, f.Link("/tmp/a", "/tmp/b"))
	syncDir(t, f, "/tmp")
	require.NoError(t, f.Link("/tmp/a", "/tmp/c"))
	st, _ := f.Stat("/tmp/a", true)
	assert.Equal(t, uint64(3), st.Nlink)
	f.Crash()
	st, _ = f.Stat("/tmp/a", true)
	assert.Equal(t, uint64(2), st.Nlink)
}

// TestRandomOpsCrash applies random writes, truncations and syncs to a file,
// crashes, and checks the file against a model: without torn writes it
// holds exactly its last synced contents; with them, one of the states its
// pending changes went through, or one of those plus a prefix of the next
// write.
func TestRandomOpsCrash(t *testing.T) {
	// scale 1 stays in the first chunk; larger scales cross chunks.
	for _, c := range []struct {
		torn  bool
		scale int
		seeds uint64
	}{{false, 1, 200}, {true, 1, 200}, {false, 1000, 30}, {true, 1000, 30}} {
		torn, scale := c.torn, c.scale
		for seed := uint64(1); seed <= c.seeds; seed++ {
			t.Run(fmt.Sprintf("torn=%v/scale=%d/seed=%d", torn, scale, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(seed, 1))
				f := newFS(seed, Faults{TornWrites: torn})
				h := open(t, f, "/tmp/f", os.O_RDWR|os.O_CREATE)
				syncDir(t, f, "/tmp")
				var cur []byte
				durable := []byte{}
				states := [][]byte{{}} // states since the last sync, durable first
				var writes []writeOp   // writes[i] leads from states[i] to states[i+1] (nil: not a write)
				for range r.IntN(30) {
					switch r.IntN(6) {
					case 0:
						require.NoError(t, h.Sync())
						durable = slices.Clone(cur)
						states, writes = [][]byte{durable}, nil
						continue
					case 1:
						size := int64(r.IntN(200 * scale))
						require.NoError(t, h.Truncate(size))
						cur = resized(cur, size)
						writes = append(writes, writeOp{})
					default:
						p := make([]byte, 1+r.IntN(50*scale))
						for i := range p {
							p[i] = byte('a' + r.IntN(26))
						}
						off := int64(r.IntN(150 * scale))
						_, err := h.Pwrite(p, off)
						require.NoError(t, err)
						cur = applyWrite(cur, p, off)
						writes = append(writes, writeOp{p: p, off: off})
					}
					states = append(states, slices.Clone(cur))
				}
				require.Equal(t, string(cur), read(t, f, "/tmp/f"))
				f.Crash()
				got := []byte(read(t, f, "/tmp/f"))
				if !torn {
					assert.Equal(t, string(durable), string(got))
					return
				}
				ok := false
				for k, s := range states {
					if bytes.Equal(s, got) {
						ok = true
					}
					if k < len(writes) && writes[k].p != nil {
						w := writes[k]
						// The only candidate cut: where got stops matching the write.
						m := len(got) - int(w.off)
						if len(got) <= len(s) && int(w.off) < len(got) {
							m = 0
							for m < len(w.p) && int(w.off)+m < len(got) && got[int(w.off)+m] == w.p[m] {
								m++
							}
						}
						if m > 0 && m < len(w.p) && bytes.Equal(applyWrite(slices.Clone(s), w.p[:m], w.off), got) {
							ok = true
						}
					}
				}
				assert.True(t, ok, "the torn file (%d bytes) is no prefix of its pending changes", len(got))
			})
		}
	}
}

type writeOp struct {
	p   []byte
	off int64
}

func resized(b []byte, size int64) []byte {
	if int64(len(b)) >= size {
		return b[:size]
	}
	return append(b, make([]byte, size-int64(len(b)))...)
}

func applyWrite(b, p []byte, off int64) []byte {
	if end := off + int64(len(p)); end > int64(len(b)) {
		b = resized(b, end)
	}
	copy(b[off:], p)
	return b
}

func TestFaultsDrawOnlyWhenEnabled(t *testing.T) {
	env := newEnv(1)
	faults := Faults{}
	f := New(env, func() Faults { return faults })
	h := open(t, f, "/tmp/f", os.O_RDWR|os.O_CREATE)
	before := *env.r
	_, err := h.Write([]byte("x"))
	require.NoError(t, err)
	require.NoError(t, h.Sync())
	assert.Equal(t, before, *env.r, "no fault configured, no draw")

	faults.WriteErr = 1
	_, err = h.Write([]byte("x"))
	assert.Equal(t, syscall.EIO, err)
	assert.Len(t, env.events, 1, "an injected fault is an event")
	assert.Equal(t, uint64(1), f.Stats.WriteFaults)
}

func TestSyncCostDoesNotGrowWithTheFile(t *testing.T) {
	f := newFS(1, Faults{})
	h := open(t, f, "/tmp/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND)
	rec := make([]byte, 4096)
	for range 1000 {
		_, err := h.Write(rec)
		require.NoError(t, err)
		require.NoError(t, h.Sync())
	}
	assert.Empty(t, h.n.undo, "a sync empties the undo log")
	assert.LessOrEqual(t, cap(h.n.undo), 4)
	assert.LessOrEqual(t, len(f.dirty), 64, "the dirty list does not grow with syncs")
}

// BenchmarkWriteSync4K is the file system's own cost of appending a 4 KiB
// record and syncing, without the scheduling points of simstd/os.
func BenchmarkWriteSync4K(b *testing.B) {
	f := newFS(1, Faults{})
	h, _ := f.Open("/tmp/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	rec := make([]byte, 4096)
	b.SetBytes(int64(len(rec)))
	i := 0
	for b.Loop() {
		if i++; i%4096 == 0 { // a 16 MiB log, compacted
			if err := h.Truncate(0); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := h.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := h.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}
