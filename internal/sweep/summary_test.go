package sweep

import (
	"strings"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	"github.com/stretchr/testify/require"
)

func TestNewRecord(t *testing.T) {
	pass := simstd.RunRecord{Seed: 4, Test: "TestA", Steps: 10, ElapsedNS: 100, Hash: "00000000000000aa"}
	pass2 := simstd.RunRecord{Seed: 4, Test: "TestB", Steps: 5, ElapsedNS: 50, Hash: "00000000000000bb"}
	dead := simstd.RunRecord{Seed: 4, Test: "TestB", Steps: 5, ElapsedNS: 50, Hash: "00000000000000cc", Kind: simstd.KindDeadlock, Error: "all goroutines are asleep - deadlock!"}
	for _, tc := range []struct {
		name     string
		runs     []simstd.RunRecord
		exit     int
		output   string
		want     Record
		wantHash string
	}{
		{
			name: "one passing run",
			runs: []simstd.RunRecord{pass},
			want: Record{Outcome: Pass, Tests: []string{"TestA"}, Steps: 10, ElapsedNS: 100},
		},
		{
			name: "two passing runs",
			runs: []simstd.RunRecord{pass, pass2},
			want: Record{Outcome: Pass, Tests: []string{"TestA", "TestB"}, Steps: 15, ElapsedNS: 150},
		},
		{
			name: "a failing run names test and kind",
			runs: []simstd.RunRecord{pass, dead},
			exit: 1,
			want: Record{Outcome: Fail, Tests: []string{"TestA", "TestB"}, Test: "TestB", Kind: simstd.KindDeadlock, Error: "all goroutines are asleep - deadlock!", ExitCode: 1, Steps: 15, ElapsedNS: 150},
		},
		{
			name:   "a failing process without a failing run",
			runs:   []simstd.RunRecord{pass},
			exit:   2,
			output: "panic: boom\n--- FAIL: TestC (0.00s)\n",
			want:   Record{Outcome: Fail, Tests: []string{"TestA"}, Test: "TestC", Kind: KindExit, ExitCode: 2, Steps: 10, ElapsedNS: 100},
		},
		{
			name:   "no run at all",
			exit:   -1,
			output: "signal: killed\n",
			want:   Record{Outcome: Fail, Kind: KindExit, ExitCode: -1},
		},
		{
			name: "no run, passing",
			want: Record{Outcome: Pass},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := newRecord(4, "./p", tc.runs, tc.exit, []byte(tc.output))
			tc.want.Seed, tc.want.Package, tc.want.Runs, tc.want.Hash = 4, "./p", tc.runs, CombineHashes(tc.runs)
			require.Equal(t, tc.want, got)
		})
	}
	require.Equal(t, "00000000000000aa", CombineHashes([]simstd.RunRecord{pass}), "one run: its own hash")
	two := CombineHashes([]simstd.RunRecord{pass, pass2})
	require.Len(t, two, 16)
	require.NotEqual(t, two, CombineHashes([]simstd.RunRecord{pass2, pass}), "order matters")
	require.Empty(t, CombineHashes(nil))
}

func rec(seed uint64, pkg, kind string) Record {
	r := Record{Seed: seed, Package: pkg, Outcome: Pass, ElapsedNS: int64(time.Second), WallNS: int64(100 * time.Millisecond), Hash: "h", Seeds: "1-10", Shard: "0/1",
		Runs: []simstd.RunRecord{{Seed: seed, Test: "TestX"}}, Reproduce: "simgen test --seed " + string(rune('0'+seed)) + " " + pkg}
	if kind != "" {
		r.Outcome, r.Kind, r.Test = Fail, kind, "TestX"
	}
	return r
}

func TestSummary(t *testing.T) {
	var s Summary
	s.Seeds = "1-10"
	// Added out of order, as simgen merge may: failures still print by seed, then package.
	for _, r := range []Record{rec(3, "./b", simstd.KindDeadlock), rec(1, "./a", ""), rec(3, "./a", simstd.KindTest), rec(2, "./a", ""), rec(1, "./b", simstd.KindTest)} {
		s.Add(r)
	}
	norun := rec(2, "./c", "")
	norun.Runs = nil
	s.Add(norun)
	s.Wall, s.Workers, s.NotRun = 2*time.Second, 4, 14
	var b strings.Builder
	s.Write(&b)
	require.Equal(t, `simgen: 6 seeds run (1-10, 3 packages: ./a ./b ./c): 3 passed, 3 failed (deadlock: 1, test failure: 2)
simgen: stopped at the first failure; 14 seeds not run (--keep-going runs every seed)
simgen: virtual time 6s in wall time 2s (3x real time), 3.0 seeds/s with -j 4
simgen: seed 1 of 1-10 failed; reproduce: simgen test --seed 1 ./b
    test failure in TestX
simgen: seed 3 of 1-10 failed; reproduce: simgen test --seed 3 ./a
    test failure in TestX
simgen: seed 3 of 1-10 failed; reproduce: simgen test --seed 3 ./b
    deadlock in TestX
simgen: warning: ./c ran no simulated test in any seed: -run matched no test, or the module requires a simgen older than this CLI (go get github.com/simgen/simgen@latest)
`, b.String())
	require.Equal(t, []string{"./a", "./b", "./c"}, s.Packages())
	require.Nil(t, s.Failures[0].Runs, "the summary drops per-run details of failures")

	// Without a wall time (simgen merge) the rates are per process.
	s = Summary{Seeds: "1-2"}
	s.Add(rec(1, "./a", ""))
	s.Add(rec(2, "./a", ""))
	b.Reset()
	s.Write(&b)
	require.Equal(t, `simgen: 2 seeds run (1-2, ./a): 2 passed, 0 failed
simgen: virtual time 2s in process time 200ms (summed over seeds; 10x real time), 10.0 seeds/s per process
`, b.String())

	s = Summary{Seeds: "1-9", Interrupted: true, NotRun: 9, Wall: time.Second}
	b.Reset()
	s.Write(&b)
	require.Contains(t, b.String(), "simgen: interrupted; 9 seeds not run\n")
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		r    Record
		want string
	}{
		{Record{Kind: simstd.KindStepLimit, Test: "TestA", Error: "steps limit 5 exceeded"}, "step limit in TestA: steps limit 5 exceeded"},
		{Record{Kind: simstd.KindTimeLimit}, "virtual time limit"},
		{Record{Kind: simstd.KindWatchdog, Test: "TestW"}, "watchdog in TestW"},
		{Record{Kind: simstd.KindPanic, Test: "TestP", Error: "panic: boom"}, "panic in TestP: panic: boom"},
		{Record{Kind: KindExit, ExitCode: 3}, "process failed with exit status 3"},
	} {
		require.Equal(t, tc.want, describe(tc.r))
	}
}

// A sweep interrupted before any seed finished still names its packages.
func TestSummaryNamesPlannedPackages(t *testing.T) {
	for _, tc := range []struct {
		planned []string
		want    string
	}{
		{[]string{"./a"}, "simgen: 0 seeds run (1-3, ./a): 0 passed, 0 failed\nsimgen: interrupted; 3 seeds not run\n"},
		{[]string{"./b", "./a"}, "simgen: 0 seeds run (1-3, 2 packages: ./a ./b): 0 passed, 0 failed\nsimgen: interrupted; 6 seeds not run\n"},
	} {
		s := Summary{Seeds: "1-3", Planned: tc.planned, Interrupted: true, NotRun: uint64(3 * len(tc.planned))}
		var b strings.Builder
		s.Write(&b)
		require.Equal(t, tc.want, b.String())
	}
}
