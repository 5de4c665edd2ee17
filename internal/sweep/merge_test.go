package sweep

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/require"
)

func jsonLines(t *testing.T, recs ...Record) string {
	var b strings.Builder
	for _, r := range recs {
		data, err := json.Marshal(r)
		require.NoError(t, err)
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// shardRecs returns the records of shard i of n of seeds 1-10 of ./p, failing at the seeds in fail.
func shardRecs(i, n uint64, fail ...uint64) []Record {
	s := Set{Range: Range{1, 10}, Shard: Shard{i, n}}
	var out []Record
	for k := range s.Len() {
		seed := s.At(k)
		r := Record{Seed: seed, Package: "./p", Outcome: Pass, Hash: "h", Seeds: "1-10", Shard: s.Shard.String(), Runs: []simstd.RunRecord{{Seed: seed}}}
		for _, f := range fail {
			if f == seed {
				r.Outcome, r.Kind = Fail, simstd.KindTest
			}
		}
		out = append(out, r)
	}
	return out
}

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name               string
		files              [][]Record
		runs, failed, dups int
		notRun             uint64
		seeds              string
		problems           []string
	}{
		{
			name:  "all shards",
			files: [][]Record{shardRecs(0, 3), shardRecs(1, 3, 5), shardRecs(2, 3)},
			runs:  10, failed: 1, seeds: "1-10 in 3 shards",
		},
		{
			name:     "a missing shard",
			files:    [][]Record{shardRecs(0, 3), shardRecs(2, 3)},
			runs:     7,
			seeds:    "1-10 in 3 shards with shard 1 missing",
			problems: []string{"no results for ./p from shard 1 of 3 (seeds 1-10)"},
		},
		{
			name:  "a shard that stopped at its first failure",
			files: [][]Record{shardRecs(0, 2), shardRecs(1, 2, 4)[:2]},
			runs:  7, failed: 1, notRun: 3, seeds: "1-10 in 2 shards",
		},
		{
			name:  "the same file twice",
			files: [][]Record{shardRecs(0, 1), shardRecs(0, 1)},
			runs:  10, dups: 10, seeds: "1-10",
		},
		{
			name:     "two files disagree about a seed",
			files:    [][]Record{shardRecs(0, 1), shardRecs(0, 1, 7)[6:7]},
			runs:     10,
			seeds:    "1-10",
			problems: []string{"seed 7 of ./p: f0 says pass (hash h) but f1 says fail (hash h)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m Merger
			for i, recs := range tc.files {
				require.NoError(t, m.Add(strings.NewReader(jsonLines(t, recs...)), "f"+string(rune('0'+i))))
			}
			m.Finish()
			require.Equal(t, tc.runs, m.Summary.Runs)
			require.Equal(t, tc.failed, m.Summary.Failed)
			require.Equal(t, tc.dups, m.Duplicates)
			require.Equal(t, tc.notRun, m.Summary.NotRun)
			require.Equal(t, tc.seeds, m.Summary.Seeds)
			require.Len(t, m.Problems, len(tc.problems), "%q", m.Problems)
			for i, p := range tc.problems {
				require.Contains(t, m.Problems[i], p)
			}
		})
	}
}

func TestMergeRejectsOtherFiles(t *testing.T) {
	for _, tc := range []struct{ data, err string }{
		{"not json\n", "x.json:1: not a simgen result line"},
		{"\n{\"seed\":1}\n", "x.json:2: not a simgen result line (no package or outcome)"},
		{`{"seed":2,"package":"./p","outcome":"pass","seeds":"1-10","shard":"0/2"}` + "\n", "seed 2 of ./p is not in shard 0/2 of seeds 1-10"},
		{`{"seed":2,"package":"./p","outcome":"pass","seeds":"10-1","shard":"0/2"}` + "\n", `"10-1"`},
	} {
		var m Merger
		require.ErrorContains(t, m.Add(strings.NewReader(tc.data), "x.json"), tc.err)
	}
}
