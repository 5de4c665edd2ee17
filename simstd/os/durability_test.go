package os_test

import (
	"errors"
	"fmt"
	"io/fs"
	stdos "os"
	"strings"
	"syscall"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/simgen/simgen/simstd/fault"
	os "github.com/simgen/simgen/simstd/os"
	"github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file run only in a simulation: crashes, durability and
// disk faults have no native counterpart.

// newNode returns a node that runs nothing by itself (its main returns at
// once), so that it can be killed and restarted.
func newNode(name string) *simstd.Node { return simstd.NewNode(name, func() {}) }

// on runs fn on node n and waits for it to return.
func on(n *simstd.Node, fn func()) {
	done := simstd.NewChan[struct{}](1)
	n.Go(func() {
		fn()
		done.Send(struct{}{})
	})
	done.Recv()
}

// crash kills n and boots it again.
func crash(n *simstd.Node) { n.Restart() }

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// syncDir makes the entries of directory name durable.
func syncDir(name string) {
	d, err := os.Open(name)
	must(err)
	must(d.Sync())
	must(d.Close())
}

// writeSynced writes name and syncs it (not its directory).
func writeSynced(name, data string, flag int) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|flag, 0o644)
	must(err)
	_, err = f.WriteString(data)
	must(err)
	must(f.Sync())
	must(f.Close())
}

func contents(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "<missing>"
		}
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// durableDir creates /data and makes it durable.
func durableDir() {
	must(os.Mkdir("/data", 0o755))
	syncDir("/")
}

func TestUnsyncedDataIsLost(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			writeSynced("/data/f", "v1", os.O_TRUNC)
			syncDir("/data")
			must(os.WriteFile("/data/f", []byte("v2, not synced"), 0o644))
			f, err := os.OpenFile("/data/f", os.O_WRONLY|os.O_APPEND, 0)
			must(err)
			_, err = f.WriteString(" and more")
			must(err)
			assert.Equal(t, "v2, not synced and more", contents("/data/f"), "before the crash")
		})
		crash(n)
		on(n, func() { assert.Equal(t, "v1", contents("/data/f"), "only the synced contents survive") })
	})
}

func TestSyncedDataSurvives(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			writeSynced("/data/f", "v1", os.O_TRUNC)
			syncDir("/data")
			writeSynced("/data/f", "+v2", os.O_APPEND)
			f, err := os.OpenFile("/data/f", os.O_WRONLY|os.O_APPEND|os.O_SYNC, 0)
			must(err)
			_, err = f.WriteString("+v3 (O_SYNC)")
			must(err)
			// Not closed: closing changes nothing to durability.
		})
		crash(n)
		on(n, func() { assert.Equal(t, "v1+v2+v3 (O_SYNC)", contents("/data/f")) })
	})
}

func TestNewEntryNeedsDirSync(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			writeSynced("/data/lost", "synced file, unsynced entry", 0)
			writeSynced("/data/kept", "synced file and entry", 0)
			syncDir("/data")
			writeSynced("/data/lost2", "created after the directory sync", 0)
			must(os.Mkdir("/data/sub", 0o755))
			must(os.Mkdir("/notsynced", 0o755))
		})
		crash(n)
		on(n, func() {
			assert.Equal(t, "<missing>", contents("/data/lost2"))
			assert.Equal(t, "synced file and entry", contents("/data/kept"))
			_, err := os.Stat("/data/sub")
			assert.ErrorIs(t, err, fs.ErrNotExist, "a new directory needs its parent synced")
			_, err = os.Stat("/notsynced")
			assert.ErrorIs(t, err, fs.ErrNotExist)
			entries, err := os.ReadDir("/data")
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"kept", "lost"}, names, "/data as it was synced")
		})
	})
}

func TestEntryWithoutFileSyncIsEmpty(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			must(os.WriteFile("/data/f", []byte("never synced"), 0o644))
			syncDir("/data")
		})
		crash(n)
		on(n, func() { assert.Equal(t, "", contents("/data/f"), "the name survives, the data does not") })
	})
}

func TestRenameDurability(t *testing.T) {
	// The atomic-replace pattern: write a temporary file, sync it, rename it
	// over the real one, sync the directory.
	for _, dirSync := range []bool{false, true} {
		t.Run(fmt.Sprintf("dirsync=%v", dirSync), func(t *testing.T) {
			simstd.Test(t, func(t *testing.T) {
				n := newNode("db")
				on(n, func() {
					durableDir()
					writeSynced("/data/current", "v1", 0)
					syncDir("/data")
					writeSynced("/data/current.tmp", "v2", 0)
					must(os.Rename("/data/current.tmp", "/data/current"))
					if dirSync {
						syncDir("/data")
					}
					assert.Equal(t, "v2", contents("/data/current"))
				})
				crash(n)
				on(n, func() {
					if dirSync {
						assert.Equal(t, "v2", contents("/data/current"))
					} else {
						assert.Equal(t, "v1", contents("/data/current"), "an unsynced rename is undone")
					}
					assert.Equal(t, "<missing>", contents("/data/current.tmp"))
				})
			})
		})
	}
}

func TestRemoveNeedsDirSync(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			writeSynced("/data/a", "a", 0)
			writeSynced("/data/b", "b", 0)
			syncDir("/data")
			must(os.Remove("/data/a"))
			must(os.Remove("/data/b"))
			syncDir("/data")
			writeSynced("/data/c", "c", 0)
			syncDir("/data")
			must(os.Remove("/data/c"))
		})
		crash(n)
		on(n, func() {
			assert.Equal(t, "<missing>", contents("/data/a"))
			assert.Equal(t, "c", contents("/data/c"), "an unsynced remove is undone")
		})
	})
}

func TestCrossDirectoryRename(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			must(os.Mkdir("/a", 0o755))
			must(os.Mkdir("/b", 0o755))
			syncDir("/")
			writeSynced("/a/f", "f", 0)
			syncDir("/a")
			must(os.Rename("/a/f", "/b/f"))
			syncDir("/b") // only the new parent
		})
		crash(n)
		on(n, func() {
			assert.Equal(t, "f", contents("/a/f"), "the old name survives: /a was not synced")
			assert.Equal(t, "f", contents("/b/f"), "the new name survives: /b was synced")
			a, _ := os.Stat("/a/f")
			b, _ := os.Stat("/b/f")
			assert.True(t, os.SameFile(a, b))
		})
	})
}

func TestTornWrites(t *testing.T) {
	const records, size = 10, 100
	var full strings.Builder
	for i := range records {
		full.WriteString(strings.Repeat(string(rune('a'+i)), size))
	}
	lengths := map[int]bool{}
	for seed := uint64(1); seed <= 100; seed++ {
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			n := newNode("db")
			fault.SetNodeDisk(n, fault.Disk{TornWrites: true})
			on(n, func() {
				durableDir()
				writeSynced("/data/log", full.String()[:size], 0)
				syncDir("/data")
				f, err := os.OpenFile("/data/log", os.O_WRONLY|os.O_APPEND, 0)
				must(err)
				for i := 1; i < records; i++ {
					_, err := f.WriteString(full.String()[i*size : (i+1)*size])
					must(err)
				}
			})
			crash(n)
			on(n, func() {
				got := contents("/data/log")
				if len(got) < size || !strings.HasPrefix(full.String(), got) {
					panic(fmt.Sprintf("seed %d: after a torn crash the log is not a prefix of its writes: %d bytes", seed, len(got)))
				}
				lengths[len(got)] = true
			})
		})
		require.NoError(t, r.Err)
	}
	partial := false
	for l := range lengths {
		partial = partial || l%size != 0
	}
	assert.Greater(t, len(lengths), 5, "torn writes keep prefixes of various lengths: %v", lengths)
	assert.True(t, partial, "some write is cut in the middle: %v", lengths)
	assert.True(t, lengths[size], "sometimes only the synced part survives: %v", lengths)
}

func TestNoTornWritesByDefault(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		on(n, func() {
			durableDir()
			writeSynced("/data/log", "synced", 0)
			syncDir("/data")
			f, err := os.OpenFile("/data/log", os.O_WRONLY|os.O_APPEND, 0)
			must(err)
			_, err = f.WriteString("unsynced")
			must(err)
		})
		crash(n)
		on(n, func() { assert.Equal(t, "synced", contents("/data/log")) })
	})
}

func TestInjectedIOErrors(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		must(os.WriteFile("/tmp/f", []byte("data"), 0o644))
		assert.Equal(t, fault.Disk{}, fault.DiskOf(simstd.CurrentNode()))

		fault.SetDisk(fault.Disk{WriteErr: 1})
		f, err := os.OpenFile("/tmp/f", os.O_RDWR, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte("x"))
		wantPathErr(t, err, "write", "/tmp/f", syscall.EIO)
		assert.ErrorIs(t, err, syscall.EIO)
		wantPathErr(t, f.Sync(), "sync", "/tmp/f", syscall.EIO)
		wantPathErr(t, f.Truncate(0), "truncate", "/tmp/f", syscall.EIO)
		b := make([]byte, 4)
		_, err = f.ReadAt(b, 0)
		require.NoError(t, err, "reads still work")
		assert.Equal(t, "data", string(b), "a failed write writes nothing")

		fault.SetDisk(fault.Disk{ReadErr: 1})
		_, err = f.Read(b)
		wantPathErr(t, err, "read", "/tmp/f", syscall.EIO)
		_, err = os.ReadFile("/tmp/f")
		assert.ErrorIs(t, err, syscall.EIO)
		_, err = f.Write([]byte("x"))
		require.NoError(t, err, "writes work again")

		// A node's own setting overrides the run's.
		n := newNode("n")
		fault.SetNodeDisk(n, fault.Disk{})
		assert.Equal(t, fault.Disk{}, fault.DiskOf(n))
		assert.Equal(t, fault.Disk{ReadErr: 1}, fault.DiskOf(simstd.CurrentNode()))
		on(n, func() {
			must(os.WriteFile("/tmp/g", []byte("g"), 0o644))
			assert.Equal(t, "g", contents("/tmp/g"))
		})

		fault.SetDisk(fault.Disk{WriteErr: 0.5, ReadErr: 0.5})
		var ok, failed int
		for range 200 {
			if _, err := f.WriteAt([]byte("y"), 0); err != nil {
				failed++
			} else {
				ok++
			}
			if _, err := f.ReadAt(b[:1], 0); err != nil {
				failed++
			} else {
				ok++
			}
		}
		assert.InDelta(t, 200, ok, 60)
		assert.InDelta(t, 200, failed, 60)
		assert.Panics(t, func() { fault.SetDisk(fault.Disk{WriteErr: 2}) })
	})
}

func TestNodesHaveSeparateDisks(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		a, b := newNode("a"), newNode("b")
		on(a, func() { must(os.WriteFile("/tmp/f", []byte("a's"), 0o644)) })
		on(b, func() { must(os.WriteFile("/tmp/f", []byte("b's"), 0o644)) })
		on(a, func() { assert.Equal(t, "a's", contents("/tmp/f")) })
		on(b, func() {
			assert.Equal(t, "b's", contents("/tmp/f"))
			h, _ := os.Hostname()
			assert.Equal(t, "b", h)
			must(os.Chdir("/tmp"))
		})
		assert.Equal(t, "<missing>", contents("/tmp/f"), "the default node has its own disk too")
		home, err := stdos.Getwd()
		require.NoError(t, err)
		wd, _ := os.Getwd()
		assert.Equal(t, home, wd, "each node has its own working directory, at boot the process's")
		on(b, func() {
			wd, _ := os.Getwd()
			assert.Equal(t, "/tmp", wd)
		})
		crash(b)
		on(b, func() {
			wd, _ := os.Getwd()
			assert.Equal(t, home, wd, "a restarted node starts where it booted")
		})
	})
}

func TestFilesDieWithTheirNode(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		n := newNode("db")
		var f *os.File
		on(n, func() {
			var err error
			f, err = os.Create("/tmp/f")
			must(err)
		})
		n.Kill()
		_, err := f.Write([]byte("x"))
		wantPathErr(t, err, "write", "/tmp/f", os.ErrClosed)
		n.Restart()
		_, err = f.Write([]byte("x"))
		assert.ErrorIs(t, err, os.ErrClosed, "a handle of an earlier life stays dead")
		on(n, func() {
			g, err := os.Create("/tmp/g")
			must(err)
			assert.Equal(t, uintptr(3), g.Fd(), "descriptors start again at 3")
		})
	})
}

func TestExitKillsTheNode(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		after := false
		n := newNode("n")
		n.Go(func() {
			must(os.WriteFile("/tmp/unsynced", []byte("x"), 0o644))
			os.Exit(3)
			after = true
		})
		time.Sleep(time.Second)
		assert.Equal(t, "down", n.State())
		assert.False(t, after, "Exit returned")
		n.Restart()
		on(n, func() { assert.Equal(t, "<missing>", contents("/tmp/unsynced")) })
		on(n, func() { assert.Equal(t, 1001, os.Getpid()) })
		assert.Equal(t, 1000, os.Getpid())
	})
}

func TestVirtualTimestamps(t *testing.T) {
	simstd.Test(t, func(t *testing.T) {
		time.Sleep(time.Hour)
		must(os.WriteFile("/tmp/f", nil, 0o644))
		fi, err := os.Stat("/tmp/f")
		require.NoError(t, err)
		assert.Equal(t, simstd.Epoch.Add(time.Hour), fi.ModTime())
	})
}

// TestDeterminism runs a workload with crashes, torn writes and injected
// errors twice per seed: the trace hashes must match.
func TestDeterminism(t *testing.T) {
	workload := func() {
		fault.SetDisk(fault.Disk{WriteErr: 0.1, ReadErr: 0.1, TornWrites: true})
		nodes := []*simstd.Node{newNode("a"), newNode("b")}
		for _, n := range nodes {
			n.Go(func() {
				f, err := os.CreateTemp("", "log")
				if err != nil {
					return
				}
				for i := range 20 {
					_, _ = fmt.Fprintf(f, "record %d\n", i)
					if i%3 == 0 {
						_ = f.Sync()
					}
					_, _ = os.ReadFile(f.Name())
				}
			})
		}
		time.Sleep(time.Millisecond)
		for _, n := range nodes {
			crash(n)
		}
		for _, n := range nodes {
			on(n, func() {
				entries, _ := os.ReadDir("/tmp")
				for _, e := range entries {
					_, _ = os.ReadFile("/tmp/" + e.Name())
				}
			})
		}
	}
	hashes := map[uint64]bool{}
	for seed := uint64(1); seed <= 5; seed++ {
		r1 := simstd.Run(simstd.Config{Seed: seed}, workload)
		r2 := simstd.Run(simstd.Config{Seed: seed}, workload)
		require.NoError(t, r1.Err)
		require.NoError(t, r2.Err)
		assert.Equal(t, r1.Hash, r2.Hash, "seed %d", seed)
		hashes[r1.Hash] = true
	}
	assert.Len(t, hashes, 5, "different seeds, different runs")
}

// TestFileOpsAreSchedulingPoints checks that the seed decides how goroutines
// interleave between file operations: two unsynchronized read-modify-write
// increments of a counter file lose an update under some seeds only.
func TestFileOpsAreSchedulingPoints(t *testing.T) {
	finals := map[string]bool{}
	for seed := uint64(1); seed <= 30; seed++ {
		var final string
		r := simstd.Run(simstd.Config{Seed: seed}, func() {
			must(os.WriteFile("/tmp/n", []byte("0"), 0o644))
			done := simstd.NewChan[struct{}](2)
			for range 2 {
				simstd.Go(func() {
					b, err := os.ReadFile("/tmp/n")
					must(err)
					n := 0 // the other goroutine may be between WriteFile's truncation and its write
					if len(b) > 0 {
						n = int(b[0] - '0')
					}
					must(os.WriteFile("/tmp/n", []byte(fmt.Sprint(n+1)), 0o644))
					done.Send(struct{}{})
				})
			}
			done.Recv()
			done.Recv()
			final = contents("/tmp/n")
		})
		require.NoError(t, r.Err)
		finals[final] = true
	}
	assert.True(t, finals["1"], "some seed loses an update: %v", finals)
	assert.True(t, finals["2"], "some seed serializes the increments: %v", finals)
}
