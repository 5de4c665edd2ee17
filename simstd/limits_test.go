package simstd_test

import (
	"flag"
	"testing"
	"time"

	"github.com/simgen/simgen/simstd"
	simtime "github.com/simgen/simgen/simstd/time"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A test's default virtual time limit follows go test -timeout, and is at
// least an hour; -timeout 0 means none, as it does natively.
func TestDefaultTimeLimitFollowsTestTimeout(t *testing.T) {
	t.Setenv(simstd.EnvTimeLimit, "")
	f := flag.Lookup("test.timeout")
	require.NotNil(t, f, "a test binary has -test.timeout")
	old := f.Value.String()
	t.Cleanup(func() { f.Value.Set(old) })
	for _, tc := range []struct {
		timeout string
		want    time.Duration
	}{{"3h", 3 * time.Hour}, {"10m", time.Hour}, {"0", 0}} {
		require.NoError(t, f.Value.Set(tc.timeout))
		assert.Equal(t, tc.want, simstd.DefaultTimeLimit(), "-timeout %s", tc.timeout)
		cfg, err := simstd.ConfigFromEnv(1)
		require.NoError(t, err)
		assert.Equal(t, tc.want, cfg.MaxTime, "-timeout %s", tc.timeout)
	}
}

// A run may go on for a day of virtual time by default (the program's
// version of this, without a test binary, is tested through simgen run).
func TestDayLongRun(t *testing.T) {
	t.Setenv(simstd.EnvTimeLimit, "")
	f := flag.Lookup("test.timeout")
	old := f.Value.String()
	t.Cleanup(func() { f.Value.Set(old) })
	require.NoError(t, f.Value.Set("0"))
	cfg, err := simstd.ConfigFromEnv(1)
	require.NoError(t, err)
	r := simstd.Run(cfg, func() {
		c := simstd.NewChan[int](0)
		simstd.Go(func() {
			for i := range 24 {
				simtime.Sleep(time.Hour)
				c.Send(i)
			}
		})
		for range 24 {
			c.Recv()
		}
	})
	require.NoError(t, r.Err)
	assert.Equal(t, 24*time.Hour, r.Elapsed)
}

func TestComputeAndLivelockFromEnv(t *testing.T) {
	for _, tc := range []struct {
		compute, livelock string
		cost, max         time.Duration
		steps             int64
	}{
		{"", "", 0, 0, 0},
		{"seeded", "", time.Microsecond, 16 * time.Microsecond, 0},
		{"500ns-2us", "", 500 * time.Nanosecond, 2 * time.Microsecond, 0},
		{"off", "off", -1, 0, -1},
		{"2us", "5000", 2 * time.Microsecond, 0, 5000},
	} {
		t.Setenv(simstd.EnvCompute, tc.compute)
		t.Setenv(simstd.EnvLivelock, tc.livelock)
		cfg, err := simstd.ConfigFromEnv(1)
		require.NoError(t, err)
		assert.Equal(t, tc.cost, cfg.StepCost, "SIMGEN_COMPUTE=%s", tc.compute)
		assert.Equal(t, tc.max, cfg.StepCostMax, "SIMGEN_COMPUTE=%s", tc.compute)
		assert.Equal(t, tc.steps, cfg.LivelockSteps, "SIMGEN_LIVELOCK=%s", tc.livelock)
	}
	t.Setenv(simstd.EnvLivelock, "")
	for _, bad := range []string{"fast", "0", "2us-1us", "-1us"} {
		t.Setenv(simstd.EnvCompute, bad)
		_, err := simstd.ConfigFromEnv(1)
		assert.EqualError(t, err, `SIMGEN_COMPUTE="`+bad+`": want a duration such as 10us, a range such as 1us-16us drawn per seed, seeded (1us-16us) or off`)
	}
	t.Setenv(simstd.EnvCompute, "")
	t.Setenv(simstd.EnvLivelock, "-3")
	_, err := simstd.ConfigFromEnv(1)
	assert.EqualError(t, err, `SIMGEN_LIVELOCK="-3": want a number of scheduling decisions, or off`)
}

func TestLivelockKind(t *testing.T) {
	r := simstd.Run(simstd.Config{Seed: 1, LivelockSteps: 10_000}, func() {
		simstd.Go(func() {
			for {
				simstd.Gosched()
			}
		})
		simstd.NewChan[int](0).Recv()
	})
	var le *simstd.LivelockError
	require.ErrorAs(t, r.Err, &le)
	assert.Equal(t, simstd.KindLivelock, simstd.FailureKind(r.Err))
	require.NotEmpty(t, le.Running)
	assert.Equal(t, []string{"limits_test.go:96"}, le.Running[0].Positions)
}
