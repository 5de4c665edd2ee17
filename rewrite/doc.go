// Package rewrite turns an ordinary Go package into its simulated variant: the same code with
// time, net, sync, context, randomness, go statements, channels, select and map iteration routed
// through the simstd runtime (see docs/generated-api.md for the calls generated code makes).
//
// Packages are loaded with golang.org/x/tools/go/packages (syntax and types for the targets,
// dependencies from export data) and edited with github.com/dave/dst so comments survive. Each
// rewrite lives in its own file and only reads the original syntax tree's types, so rewrites
// compose in any order. Rendered files keep the original file:line of every statement, either
// because an edit stayed on its line or through //line directives (see lines.go).
package rewrite
