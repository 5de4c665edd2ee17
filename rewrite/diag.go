package rewrite

import (
	"fmt"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
)

// A Finding is a construct that cannot be simulated or would make a simulation
// nondeterministic. Findings are errors unless Ignored, which a //simgen:ignore comment
// or the Allow option sets.
type Finding struct {
	Pos     token.Position
	What    string // the construct, e.g. "reflect.Select"
	Why     string // why it cannot be simulated
	Fix     string // what the user can do about it
	Ignored bool
	// Binding marks a construct the variant cannot be built with: neither //simgen:ignore
	// nor the Allow option downgrades it, since the code they would let through does not
	// compile.
	Binding bool
	// Dep is the import path of the dependency the construct is in (see Program.Deps); ""
	// for a construct in a target.
	Dep string
}

func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", posString(f.Pos), f.What, f.Why)
	if f.Fix != "" {
		fmt.Fprintf(&b, "; %s", f.Fix)
	}
	return b.String()
}

// posString prints a position relative to the working directory when that is shorter,
// so messages stay readable and clickable in editors and terminals.
func posString(p token.Position) string {
	if p.Filename != "" && filepath.IsAbs(p.Filename) {
		if wd, err := filepath.Abs("."); err == nil {
			if rel, err := filepath.Rel(wd, p.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				p.Filename = rel
			}
		}
	}
	return p.String()
}

// Findings is an error listing every finding that was not ignored.
type Findings []Finding

func (fs Findings) Error() string {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	return strings.Join(lines, "\n")
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Pos, fs[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// LoadError reports packages that do not load or type-check. The messages keep the
// positions go/packages reports.
type LoadError struct {
	Messages []string
}

func (e *LoadError) Error() string {
	return strings.Join(e.Messages, "\n")
}

func filePos(path string) token.Position { return token.Position{Filename: path} }
