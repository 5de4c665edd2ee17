package rewrite

import (
	"go/build/constraint"
	"go/version"
	"os"
	"path/filepath"
	"regexp"

	"github.com/dave/dst"
)

// rewriteBuildTags drops the simgen build tag from the file's //go:build line: files written
// for the simulation only ("//go:build simgen") are excluded natively and included in the
// variant. A constraint that becomes always true disappears, with its // +build lines.
func rewriteBuildTags(c *fileCtx) {
	decs := &c.file.Decs.Start
	var out dst.Decorations
	dropPlusBuild := false
	for i := 0; i < len(*decs); i++ {
		d := (*decs)[i]
		if !constraint.IsGoBuild(d) {
			out = append(out, d)
			continue
		}
		expr, err := constraint.Parse(d)
		if err != nil {
			out = append(out, d)
			continue
		}
		simplified, _, changed := withTag(expr, SimTag)
		if !changed {
			out = append(out, d)
			continue
		}
		dropPlusBuild = true
		if simplified != nil {
			out = append(out, "//go:build "+simplified.String())
			continue
		}
		if i+1 < len(*decs) && (*decs)[i+1] == "\n" {
			i++ // the blank line that separated the constraint from the package clause
		}
	}
	if v := c.langFloor(); v != "" && version.IsValid(v) {
		out = requireVersion(out, v)
		dropPlusBuild = true
	}
	if dropPlusBuild {
		out = removePlusBuild(out)
	}
	*decs = out
}

// minVersion is the language version the variant's code needs: it uses generics (simstd.Chan[T],
// simstd.MapIter). Going from an older version to it changes the meaning of no valid program;
// it must not be raised further, since go1.22 changes the semantics of loop variables.
const minVersion = "go1.18"

// langFloor returns the language version the variant file must raise itself to with a
// //go:build line, or "" when its module's go line is enough. A translated std package lives in
// the runtime module, which has no go line (see internal/buildenv), so its files state the
// version of the std source they come from.
func (c *fileCtx) langFloor() string {
	if translated[c.pkg.PkgPath] {
		if v := c.info.FileVersions[c.astFile]; v != "" {
			return version.Lang(v)
		}
		return stdLang(filepath.Dir(c.filename))
	}
	if c.needsGo118() {
		return minVersion
	}
	return ""
}

// stdLang returns the language version of the GOROOT whose source file dir holds, from its
// internal/goversion (which every build of Go has, releases and development builds alike),
// or "" when there is none.
func stdLang(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "internal", "goversion", "goversion.go")); err == nil {
			if m := goversionRE.FindSubmatch(data); m != nil {
				return "go1." + string(m[1])
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

var goversionRE = regexp.MustCompile(`(?m)^const Version = (\d+)`)

// needsGo118 reports whether the file's language version, from the module's go line and the
// file's own //go:build goN constraint, is older than minVersion.
func (c *fileCtx) needsGo118() bool {
	v := c.info.FileVersions[c.astFile]
	if v == "" && c.pkg.Module != nil && c.pkg.Module.GoVersion == "" {
		// The go command compiles a module whose go.mod is missing or has no go line (old
		// dependencies such as github.com/davecgh/go-spew v1.1.1) as go 1.16.
		v = noGoLineVersion
	}
	return v != "" && version.Compare(v, minVersion) < 0
}

// noGoLineVersion is the language version the go command assumes for a module without a go line.
const noGoLineVersion = "go1.16"

// requireVersion ANDs the //go:build constraint among decs with the release tag v, adding one
// when there is none: a go:build line naming a newer release than the module's go line raises
// the file's language version to it.
func requireVersion(decs dst.Decorations, v string) dst.Decorations {
	min := &constraint.TagExpr{Tag: v}
	for i, d := range decs {
		if !constraint.IsGoBuild(d) {
			continue
		}
		if expr, err := constraint.Parse(d); err == nil {
			decs[i] = "//go:build " + (&constraint.AndExpr{X: expr, Y: min}).String()
			return decs
		}
	}
	return append(dst.Decorations{"//go:build " + min.String(), "\n"}, decs...)
}

func removePlusBuild(decs dst.Decorations) dst.Decorations {
	var out dst.Decorations
	for _, d := range decs {
		if constraint.IsPlusBuild(d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// withTag partially evaluates x with tag set. It returns the remaining expression, or nil and
// the constant value when nothing remains, and whether tag occurred at all.
func withTag(x constraint.Expr, tag string) (rest constraint.Expr, value, changed bool) {
	switch x := x.(type) {
	case *constraint.TagExpr:
		if x.Tag == tag {
			return nil, true, true
		}
		return x, false, false
	case *constraint.NotExpr:
		r, v, ch := withTag(x.X, tag)
		if r == nil {
			return nil, !v, ch
		}
		return &constraint.NotExpr{X: r}, false, ch
	case *constraint.AndExpr:
		return combine(x.X, x.Y, tag, false)
	case *constraint.OrExpr:
		return combine(x.X, x.Y, tag, true)
	}
	return x, false, false
}

// combine evaluates x op y, where op is || when or is set and && otherwise.
func combine(x, y constraint.Expr, tag string, or bool) (constraint.Expr, bool, bool) {
	rx, vx, cx := withTag(x, tag)
	ry, vy, cy := withTag(y, tag)
	changed := cx || cy
	switch {
	case rx == nil && vx == or:
		return nil, or, changed // x decides: true || y, false && y
	case ry == nil && vy == or:
		return nil, or, changed
	case rx == nil:
		return ry, vy, changed
	case ry == nil:
		return rx, vx, changed
	case or:
		return &constraint.OrExpr{X: rx, Y: ry}, false, changed
	default:
		return &constraint.AndExpr{X: rx, Y: ry}, false, changed
	}
}
