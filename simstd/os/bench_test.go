package os_test

import (
	"testing"

	"github.com/simgen/simgen/simstd"
	os "github.com/simgen/simgen/simstd/os"
)

// BenchmarkWriteSync appends 4 KiB records to a log and fsyncs after each,
// as a write-ahead log (a Raft node's) does: on the real file system (in
// b.TempDir) and on a simulated node's disk, where each Write and Sync is
// also a scheduling point. The log is truncated every 16 MiB, as a log
// compacted by snapshots would be, so that memory stays bounded.
func BenchmarkWriteSync(b *testing.B) {
	const segment = 4096 // records between truncations
	rec := make([]byte, 4096)
	i := 0
	writeSync := func(b *testing.B, f *os.File) {
		if i++; i%segment == 0 {
			if err := f.Truncate(0); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := f.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("real", func(b *testing.B) {
		f, err := os.OpenFile(b.TempDir()+"/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		b.SetBytes(int64(len(rec)))
		b.ResetTimer()
		for range b.N {
			writeSync(b, f)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/record")
	})
	b.Run("sim", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		b.ResetTimer()
		r := simstd.Run(simstd.Config{Seed: 1}, func() {
			f, err := os.OpenFile("/tmp/log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				panic(err)
			}
			for range b.N {
				writeSync(b, f)
			}
		})
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/record")
	})
}
