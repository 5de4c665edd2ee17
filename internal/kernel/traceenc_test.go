package kernel

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// appendEvent writes exactly what encoding/json's Encoder writes, for
// events with every field set or left empty and strings full of what JSON
// must escape.
func TestAppendEventMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "世", "\u2028", "\u2029", "\xff", "\xc3", "😀", "/", "main.go:12"}
	str := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		var b bytes.Buffer
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	num := func() uint64 {
		if r.IntN(3) == 0 {
			return 0
		}
		return r.Uint64() >> r.IntN(64)
	}
	for range 5000 {
		ev := TraceEvent{Step: num(), T: int64(num()) - 1<<40, Kind: str(), Node: str(), G: num(), Pos: str(),
			Reason: str(), Peer: str(), Msg: num(), Size: int(int32(num())), Detail: str()}
		var want bytes.Buffer
		require.NoError(t, json.NewEncoder(&want).Encode(&ev))
		require.Equal(t, want.String(), string(appendEvent(nil, &ev)), "%#v", ev)
	}
}
