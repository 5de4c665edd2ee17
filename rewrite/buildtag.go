package rewrite

import (
	"go/build/constraint"

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
	if dropPlusBuild {
		out = removePlusBuild(out)
	}
	*decs = out
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
