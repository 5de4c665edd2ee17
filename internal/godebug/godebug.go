// Package godebug reads GODEBUG settings the way the Go runtime resolves them,
// for shims whose std counterparts change behaviour with a setting.
package godebug

import (
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

// Value returns the value of the GODEBUG setting name as the Go runtime
// sees it: from the GODEBUG environment variable if it sets name, else from
// the binary's default GODEBUG; "" when neither does.
func Value(name string) string {
	if v, ok := Lookup(os.Getenv("GODEBUG"), name); ok {
		return v
	}
	v, _ := Lookup(defaultGODEBUG(), name)
	return v
}

// defaultGODEBUG is the binary's DefaultGODEBUG build setting.
var defaultGODEBUG = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range bi.Settings {
		if s.Key == "DefaultGODEBUG" {
			return s.Value
		}
	}
	return ""
})

// Lookup finds name in a GODEBUG list ("a=1,b=2"). As in the runtime,
// the last setting of a name wins and a "#pattern" bisect suffix is ignored.
func Lookup(list, name string) (string, bool) {
	value, found := "", false
	for _, kv := range strings.Split(list, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k != name {
			continue
		}
		v, _, _ = strings.Cut(v, "#")
		value, found = v, true
	}
	return value, found
}
