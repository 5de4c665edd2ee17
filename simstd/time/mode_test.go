package time

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simgen/simgen/simstd"
)

// godebugAsync applies the asynctimerchan entries of a GODEBUG list to cur.
func godebugAsync(list string, cur bool) bool {
	for _, kv := range strings.Split(list, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "asynctimerchan="); ok {
			cur = v != "0"
		}
	}
	return cur
}

// TestModeMatchesBuildSettings checks the runtime probe against the settings
// the runtime combines: the binary's DefaultGODEBUG, then GODEBUG.
func TestModeMatchesBuildSettings(t *testing.T) {
	want := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "DefaultGODEBUG" {
				want = godebugAsync(s.Value, want)
			}
		}
	}
	want = godebugAsync(os.Getenv("GODEBUG"), want)
	assert.Equal(t, want, runtimeAsync())
}

const modeHelperEnv = "SIMGEN_TIME_MODE_HELPER"

// TestModeHelper reports the timer mode seen by a child process started by
// TestModeFromEnvironment.
func TestModeHelper(t *testing.T) {
	if os.Getenv(modeHelperEnv) == "" {
		t.Skip("run by TestModeFromEnvironment")
	}
	var stopped bool
	var capacity int
	r := simstd.Run(simstd.Config{Seed: 1}, func() {
		tm := NewTimer(Second)
		capacity = tm.C.Cap()
		Sleep(2 * Second)
		stopped = tm.Stop()
	})
	require.NoError(t, r.Err)
	fmt.Printf("mode: async=%v cap=%d stop-after-fire=%v\n", asyncTimerChan(), capacity, stopped)
}

func TestModeFromEnvironment(t *testing.T) {
	for godebug, want := range map[string]string{
		"asynctimerchan=1": "mode: async=true cap=1 stop-after-fire=false",
		"asynctimerchan=0": "mode: async=false cap=0 stop-after-fire=true",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestModeHelper$", "-test.v")
		cmd.Env = append(os.Environ(), modeHelperEnv+"=1", "GODEBUG="+godebug)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), want, "GODEBUG=%s", godebug)
	}
}
