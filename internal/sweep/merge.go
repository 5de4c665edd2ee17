package sweep

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Merger combines the --json records of the shards of sweeps, as simgen merge does.
type Merger struct {
	Summary Summary
	// Problems are reasons the merged result is incomplete or inconsistent: a shard with no
	// results, or one seed recorded twice with different outcomes or trace hashes.
	Problems   []string
	Duplicates int // records of a seed already seen, with the same outcome and hash, ignored

	files  []string
	seen   map[seedKey]seen
	groups map[groupKey]*group
}

type seedKey struct {
	pkg  string
	seed uint64
}

type seen struct {
	file    int
	outcome string
	hash    string
}

// groupKey is one sharded sweep of one package.
type groupKey struct {
	pkg, seeds string
	shards     uint64
}

type group struct {
	rng     Range
	records map[uint64]uint64 // shard index -> records
}

// Add reads the records of one file; name is for messages.
func (m *Merger) Add(r io.Reader, name string) error {
	if m.seen == nil {
		m.seen, m.groups = map[seedKey]seen{}, map[groupKey]*group{}
	}
	m.files = append(m.files, name)
	fi := len(m.files) - 1
	return ReadRecords(r, name, func(rec Record) error {
		k := seedKey{rec.Package, rec.Seed}
		if old, ok := m.seen[k]; ok {
			if old.outcome == rec.Outcome && old.hash == rec.Hash {
				m.Duplicates++
				return nil
			}
			m.Problems = append(m.Problems, fmt.Sprintf("seed %d of %s: %s says %s (hash %s) but %s says %s (hash %s): the runs differ, so the code is not deterministic or the files come from different builds",
				rec.Seed, rec.Package, m.files[old.file], old.outcome, old.hash, name, rec.Outcome, rec.Hash))
			return nil
		}
		m.seen[k] = seen{fi, rec.Outcome, rec.Hash}
		if err := m.group(rec); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m.Summary.Add(rec)
		return nil
	})
}

// group counts rec towards its shard of its sweep.
func (m *Merger) group(rec Record) error {
	if rec.Seeds == "" || rec.Shard == "" {
		return nil // written by hand or by another tool: no coverage to check
	}
	rng, err := ParseRange(rec.Seeds)
	if err != nil {
		return fmt.Errorf("seed %d of %s: %v", rec.Seed, rec.Package, err)
	}
	sh, err := ParseShard(rec.Shard)
	if err != nil {
		return fmt.Errorf("seed %d of %s: %v", rec.Seed, rec.Package, err)
	}
	if !(Set{rng, sh}).Contains(rec.Seed) {
		return fmt.Errorf("seed %d of %s is not in shard %s of seeds %s", rec.Seed, rec.Package, sh, rng)
	}
	k := groupKey{rec.Package, rec.Seeds, sh.Count}
	g := m.groups[k]
	if g == nil {
		g = &group{rng: rng, records: map[uint64]uint64{}}
		m.groups[k] = g
	}
	g.records[sh.Index]++
	return nil
}

// Finish completes the summary: which seeds were swept, which shards sent nothing, and how
// many seeds of the shards that did are missing (they stopped at a failure).
func (m *Merger) Finish() {
	keys := slices.SortedFunc(maps.Keys(m.groups), func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(a.pkg, b.pkg), cmp.Compare(a.seeds, b.seeds), cmp.Compare(a.shards, b.shards))
	})
	var desc []string
	for _, k := range keys {
		g := m.groups[k]
		want := min(k.shards, g.rng.Len()) // shards beyond the range's length have no seeds
		var missing []string
		for i := range want {
			n, ok := g.records[i]
			if !ok {
				missing = append(missing, strconv.FormatUint(i, 10))
				continue
			}
			m.Summary.NotRun += Set{g.rng, Shard{i, k.shards}}.Len() - n
		}
		d := k.seeds
		if k.shards > 1 {
			d += fmt.Sprintf(" in %d shards", k.shards)
		}
		if len(missing) > 0 {
			m.Problems = append(m.Problems, fmt.Sprintf("no results for %s from shard %s of %d (seeds %s): that shard's job failed before running a seed, or its file was not passed to simgen merge",
				k.pkg, strings.Join(missing, ", "), k.shards, k.seeds))
			d += fmt.Sprintf(" with shard %s missing", strings.Join(missing, ", "))
		}
		if !slices.Contains(desc, d) {
			desc = append(desc, d)
		}
	}
	m.Summary.Seeds = strings.Join(desc, ", ")
	if m.Summary.Seeds == "" {
		m.Summary.Seeds = "seeds unknown"
	}
}
