// Package sweep runs simulated variants over ranges of seeds, one process per seed and many
// processes in parallel, and summarizes the results: the engine behind simgen test --seeds,
// simgen run --seeds and simgen merge.
package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxSeeds bounds the seeds of one range, far beyond what any sweep can run.
const MaxSeeds = 1 << 40

// Range is the inclusive range of seeds Lo to Hi.
type Range struct{ Lo, Hi uint64 }

// ParseRange parses N (seeds 1 to N) or A-B (seeds A to B), as simstd reads SIMGEN_SEEDS.
func ParseRange(spec string) (Range, error) {
	r := Range{Lo: 1}
	var err error
	if a, b, ok := strings.Cut(spec, "-"); ok {
		if r.Lo, err = strconv.ParseUint(a, 10, 64); err == nil {
			r.Hi, err = strconv.ParseUint(b, 10, 64)
		}
	} else {
		r.Hi, err = strconv.ParseUint(spec, 10, 64)
	}
	if err != nil || r.Hi < r.Lo {
		return Range{}, fmt.Errorf("--seeds %q: want N (seeds 1 to N) or A-B (seeds A to B, A <= B)", spec)
	}
	if r.Hi-r.Lo >= MaxSeeds {
		return Range{}, fmt.Errorf("--seeds %q: more than %d seeds; split the range", spec, uint64(MaxSeeds))
	}
	return r, nil
}

// Len is the number of seeds in r.
func (r Range) Len() uint64 { return r.Hi - r.Lo + 1 }

func (r Range) String() string { return fmt.Sprintf("%d-%d", r.Lo, r.Hi) }

// Shard selects the Index-th of Count interleaved slices of a range: seeds Lo+Index,
// Lo+Index+Count, Lo+Index+2*Count, ... Shards are numbered from 0, as Kubernetes numbers
// JOB_COMPLETION_INDEX, and the Count shards of a range together hold each seed exactly once.
// The zero Shard is the whole range.
type Shard struct{ Index, Count uint64 }

// ParseShard parses i/n with 0 <= i < n.
func ParseShard(spec string) (Shard, error) {
	a, b, ok := strings.Cut(spec, "/")
	i, err1 := strconv.ParseUint(a, 10, 64)
	n, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || n == 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard %q: want i/n, shard i of n with 0 <= i < n (shards are numbered from 0, like JOB_COMPLETION_INDEX)", spec)
	}
	return Shard{Index: i, Count: n}, nil
}

// count is the number of shards, 1 for the zero Shard.
func (s Shard) count() uint64 { return max(s.Count, 1) }

// String is i/n, or 0/1 for the zero Shard.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.count()) }

// ResolveShard decides the shard from the --shard and --shards flags (empty and 0 when not
// given) and the environment: without --shard, a set JOB_COMPLETION_INDEX (a Kubernetes
// Indexed Job) is the index and --shards or SIMGEN_SHARDS the count.
func ResolveShard(flagShard string, flagShards uint64, getenv func(string) string) (Shard, error) {
	if flagShard != "" {
		s, err := ParseShard(flagShard)
		if err != nil {
			return Shard{}, err
		}
		if flagShards != 0 && flagShards != s.Count {
			return Shard{}, fmt.Errorf("--shard %s and --shards %d disagree on the number of shards; --shards is only needed with JOB_COMPLETION_INDEX", flagShard, flagShards)
		}
		return s, nil
	}
	idx := getenv("JOB_COMPLETION_INDEX")
	if idx == "" {
		if flagShards != 0 {
			return Shard{}, fmt.Errorf("--shards %d without a shard index: pass --shard i/%d, or run as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)", flagShards, flagShards)
		}
		return Shard{}, nil
	}
	i, err := strconv.ParseUint(idx, 10, 64)
	if err != nil {
		return Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%q: not a shard index (a non-negative integer)", idx)
	}
	n := flagShards
	if n == 0 {
		v := getenv("SIMGEN_SHARDS")
		if v == "" {
			return Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%s is set but not the number of shards: pass --shards N or set SIMGEN_SHARDS=N (the Job's completions), or --shard 0/1 to run the whole range", idx)
		}
		if n, err = strconv.ParseUint(v, 10, 64); err != nil || n == 0 {
			return Shard{}, fmt.Errorf("SIMGEN_SHARDS=%q: want the number of shards (a positive integer)", v)
		}
	}
	if i >= n {
		return Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%d is not below the number of shards %d (indexes run from 0 to completions-1)", i, n)
	}
	return Shard{Index: i, Count: n}, nil
}

// Set is the seeds of a range that belong to one shard.
type Set struct {
	Range Range
	Shard Shard
}

// Len is the number of seeds in s.
func (s Set) Len() uint64 {
	n := s.Range.Len()
	if s.Shard.Index >= n {
		return 0
	}
	return (n-s.Shard.Index-1)/s.Shard.count() + 1
}

// At returns the k-th seed of s, for k < s.Len(); seeds increase with k.
func (s Set) At(k uint64) uint64 { return s.Range.Lo + s.Shard.Index + k*s.Shard.count() }

// Contains reports whether seed is in s.
func (s Set) Contains(seed uint64) bool {
	return seed >= s.Range.Lo && seed <= s.Range.Hi && (seed-s.Range.Lo)%s.Shard.count() == s.Shard.Index
}

func (s Set) String() string {
	if s.Shard.count() == 1 {
		return s.Range.String()
	}
	return fmt.Sprintf("%s shard %s", s.Range, s.Shard)
}
