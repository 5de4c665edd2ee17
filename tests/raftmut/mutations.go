// Package raftmut reads the catalogue of bugs that the simulation suite plants
// in example/raft, one at a time, and applies them to its source text.
//
// The catalogue (mutations.txt) is a txtar archive. Each file in it is one
// mutation, named NAME.mut. Its content is a header of "key: value" lines,
// then a line "old:" followed by the exact lines to replace, then a line
// "new:" followed by their replacement (possibly nothing, to delete them):
//
//	file: raft.go
//	desc: one line describing the bug
//	kind: safety
//	old:
//	<lines copied verbatim from the original file>
//	new:
//	<replacement lines>
//
// Header keys are file (required: the file of example/raft to edit), desc
// (required) and kind (optional: "safety" if the bug can break a safety
// property, "liveness" if it can only delay progress). Old and new run to the
// end of their last line, newline included; old must match whole lines and
// must not itself contain a line "new:" (Go code never does at column 0 but
// for a label named new). Old must occur exactly once in the file.
package raftmut

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/txtar"
)

// Mutation is one planted bug: a textual replacement in one file.
type Mutation struct {
	Name string // archive file name without ".mut"
	File string // file of the package to edit, relative to its directory
	Desc string
	Kind string // "safety", "liveness" or ""
	Old  []byte
	New  []byte
}

// Load reads the mutation archive at path.
func Load(path string) ([]Mutation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ms, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ms, nil
}

// Parse parses a mutation archive.
func Parse(data []byte) ([]Mutation, error) {
	ar := txtar.Parse(data)
	var ms []Mutation
	seen := map[string]bool{}
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".mut")
		if !ok || name == "" {
			return nil, fmt.Errorf("archive file %q: name must be NAME.mut", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("mutation %s: defined twice", name)
		}
		seen[name] = true
		m, err := parseOne(name, f.Data)
		if err != nil {
			return nil, fmt.Errorf("mutation %s: %w", name, err)
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no mutations")
	}
	return ms, nil
}

func parseOne(name string, data []byte) (Mutation, error) {
	m := Mutation{Name: name}
	rest := data
	// Header lines up to "old:".
	for {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			return m, fmt.Errorf(`no "old:" line`)
		}
		rest = after
		if string(line) == "old:" {
			break
		}
		key, val, ok := strings.Cut(string(line), ":")
		if !ok {
			return m, fmt.Errorf("header line %q is not key: value", line)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "file":
			m.File = val
		case "desc":
			m.Desc = val
		case "kind":
			if val != "safety" && val != "liveness" {
				return m, fmt.Errorf("kind %q is not safety or liveness", val)
			}
			m.Kind = val
		default:
			return m, fmt.Errorf("unknown header key %q", key)
		}
	}
	if m.File == "" || m.Desc == "" {
		return m, fmt.Errorf("file and desc are required")
	}
	// Old runs to the first line that is exactly "new:"; new is the rest.
	var old []byte
	for {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			return m, fmt.Errorf(`no "new:" line`)
		}
		rest = after
		if string(line) == "new:" {
			break
		}
		old = append(append(old, line...), '\n')
	}
	if len(old) == 0 {
		return m, fmt.Errorf("old is empty")
	}
	m.Old, m.New = old, rest
	if bytes.Equal(m.Old, m.New) {
		return m, fmt.Errorf("old and new are the same")
	}
	return m, nil
}

// Apply returns src with m's old lines replaced by its new ones. It fails
// unless old occurs exactly once in src, starting at the beginning of a line.
func (m Mutation) Apply(src []byte) ([]byte, error) {
	switch n := bytes.Count(src, m.Old); n {
	case 1:
	case 0:
		return nil, fmt.Errorf("mutation %s: old text not found in %s", m.Name, m.File)
	default:
		return nil, fmt.Errorf("mutation %s: old text occurs %d times in %s", m.Name, n, m.File)
	}
	i := bytes.Index(src, m.Old)
	if i > 0 && src[i-1] != '\n' {
		return nil, fmt.Errorf("mutation %s: old text does not start at a line in %s", m.Name, m.File)
	}
	out := make([]byte, 0, len(src)-len(m.Old)+len(m.New))
	out = append(out, src[:i]...)
	out = append(out, m.New...)
	out = append(out, src[i+len(m.Old):]...)
	return out, nil
}
