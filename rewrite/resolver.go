package rewrite

import (
	"go/ast"
	"go/types"

	"github.com/dave/dst/decorator/resolver/gotypes"
)

// newDecoratorResolver resolves qualified identifiers from type information rather than by
// guessing package names from import paths, which breaks on paths whose last element is not the
// package name.
func newDecoratorResolver(uses map[*ast.Ident]types.Object) *gotypes.DecoratorResolver {
	return gotypes.New(uses)
}

// restorerResolver names the packages a variant file imports.
type restorerResolver map[string]string

func (r restorerResolver) ResolvePackage(path string) (string, error) {
	if name, ok := r[path]; ok {
		return name, nil
	}
	return "", &unknownPackageError{path}
}

type unknownPackageError struct{ path string }

func (e *unknownPackageError) Error() string { return "simgen: no package name known for " + e.path }
