package sweep

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Range
		err  string
	}{
		{spec: "10", want: Range{1, 10}},
		{spec: "1", want: Range{1, 1}},
		{spec: "5-9", want: Range{5, 9}},
		{spec: "0-0", want: Range{0, 0}},
		{spec: "7-7", want: Range{7, 7}},
		{spec: "0", err: `--seeds "0": want N`},
		{spec: "9-5", err: "A <= B"},
		{spec: "", err: "want N"},
		{spec: "x", err: "want N"},
		{spec: "1-", err: "want N"},
		{spec: "-3", err: "want N"},
		{spec: "1-2-3", err: "want N"},
		{spec: "0-18446744073709551615", err: "more than"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseRange(tc.spec)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Shard
		err  bool
	}{
		{spec: "0/1", want: Shard{0, 1}},
		{spec: "3/4", want: Shard{3, 4}},
		{spec: "4/4", err: true},
		{spec: "0/0", err: true},
		{spec: "1", err: true},
		{spec: "a/2", err: true},
		{spec: "-1/2", err: true},
		{spec: "1/2/3", err: true},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseShard(tc.spec)
			if tc.err {
				require.ErrorContains(t, err, "want i/n")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestResolveShard(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shard  string
		shards uint64
		env    map[string]string
		want   Shard
		err    string
	}{
		{name: "none", want: Shard{}},
		{name: "flag", shard: "1/3", want: Shard{1, 3}},
		{name: "flag wins over the Job index", shard: "1/3", env: map[string]string{"JOB_COMPLETION_INDEX": "2", "SIMGEN_SHARDS": "5"}, want: Shard{1, 3}},
		{name: "flag and matching --shards", shard: "1/3", shards: 3, want: Shard{1, 3}},
		{name: "flag and other --shards", shard: "1/3", shards: 4, err: "disagree"},
		{name: "--shards alone", shards: 4, err: "without a shard index"},
		{name: "index and --shards", shards: 4, env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, want: Shard{3, 4}},
		{name: "index and SIMGEN_SHARDS", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "SIMGEN_SHARDS": "2"}, want: Shard{0, 2}},
		{name: "--shards wins over SIMGEN_SHARDS", shards: 3, env: map[string]string{"JOB_COMPLETION_INDEX": "2", "SIMGEN_SHARDS": "2"}, want: Shard{2, 3}},
		{name: "index without a count", env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, err: "pass --shards N or set SIMGEN_SHARDS"},
		{name: "index too large", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, err: "not below the number of shards 2"},
		{name: "bad index", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "x"}, err: "not a shard index"},
		{name: "bad SIMGEN_SHARDS", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "SIMGEN_SHARDS": "0"}, err: "SIMGEN_SHARDS"},
		{name: "bad flag", shard: "2/2", err: "want i/n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveShard(tc.shard, tc.shards, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestSetSeeds(t *testing.T) {
	seeds := func(s Set) []uint64 {
		var out []uint64
		for k := range s.Len() {
			out = append(out, s.At(k))
		}
		return out
	}
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, seeds(Set{Range: Range{1, 5}}))
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, seeds(Set{Range: Range{1, 5}, Shard: Shard{0, 1}}))
	require.Equal(t, []uint64{11, 14, 17, 20}, seeds(Set{Range: Range{10, 20}, Shard: Shard{1, 3}}), "interleaved")
	require.Equal(t, []uint64{12, 15, 18}, seeds(Set{Range: Range{10, 20}, Shard: Shard{2, 3}}))
	require.Empty(t, seeds(Set{Range: Range{1, 2}, Shard: Shard{2, 3}}), "more shards than seeds")
	require.Equal(t, "1-5", Set{Range: Range{1, 5}}.String())
	require.Equal(t, "1-5 shard 1/2", Set{Range: Range{1, 5}, Shard: Shard{1, 2}}.String())
}

// Together the shards of a range hold each of its seeds exactly once, and Contains agrees
// with At.
func TestShardsPartitionTheRange(t *testing.T) {
	for _, r := range []Range{{1, 1}, {1, 10}, {5, 17}, {0, 99}, {1000, 1006}} {
		for n := uint64(1); n <= 12; n++ {
			count := map[uint64]int{}
			for i := range n {
				s := Set{Range: r, Shard: Shard{i, n}}
				var prev uint64
				for k := range s.Len() {
					seed := s.At(k)
					require.True(t, s.Contains(seed))
					require.True(t, k == 0 || seed > prev, "seeds increase")
					prev = seed
					count[seed]++
				}
				for seed := r.Lo; seed <= r.Hi; seed++ {
					require.Equal(t, (seed-r.Lo)%n == i, s.Contains(seed))
				}
			}
			require.Len(t, count, int(r.Len()), "range %v, %d shards", r, n)
			for seed, c := range count {
				require.Equal(t, 1, c, "seed %d", seed)
				require.True(t, seed >= r.Lo && seed <= r.Hi)
			}
		}
	}
}
