// Package godebug stands in for std's internal/godebug in the std packages simgen translates
// (net/http): the part of its API they use, reading settings as the runtime resolves them.
// Counting non-default uses for runtime/metrics is the runtime's own business and is left out.
package godebug

import simgodebug "github.com/simgen/simgen/internal/godebug"

// Setting is a GODEBUG setting.
type Setting struct {
	name string
}

// New returns the setting name; a leading '#' (an undocumented setting) is dropped.
func New(name string) *Setting {
	if len(name) > 0 && name[0] == '#' {
		name = name[1:]
	}
	return &Setting{name: name}
}

// Name returns the setting's name.
func (s *Setting) Name() string { return s.name }

// Value returns the setting's current value.
func (s *Setting) Value() string { return simgodebug.Value(s.name) }

// IncNonDefault records a use of a non-default value; simgen keeps no metrics.
func (s *Setting) IncNonDefault() {}
