package runner

// What the interpreter cannot run, and how to say so: yaegi v0.16.1 lacks
// Go 1.21+ built-ins, Go 1.22+ range forms and the generic functions of the
// standard library, and reports them as unrelated compile errors or panics
// of its compiler.

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
)

var (
	undefinedBuiltinRE  = regexp.MustCompile(`^undefined: (min|max|clear)$`)
	undefinedSelectorRE = regexp.MustCompile(`^undefined selector: (\w+)\.(\w+)$`)
)

// missingFeature names what the interpreter lacks, from its compile error.
func missingFeature(msg string) string {
	if m := undefinedBuiltinRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("not supported by the interpreter: the built-in function %s (Go 1.21)", m[1])
	}
	if m := undefinedSelectorRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("not supported by the interpreter: %s.%s (yaegi's standard library lacks generic functions and APIs newer than Go 1.22)", m[1], m[2])
	}
	return ""
}

// explainUnsupported names the construct the interpreter could not handle,
// found by type-checking the program: range over an integer or a function,
// the built-in min, max and clear, and generic standard library functions.
func explainUnsupported(e *Error, src []byte) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, e.File, src, 0)
	if err != nil {
		return
	}
	info := &types.Info{
		Types:     map[ast.Expr]types.TypeAndValue{},
		Uses:      map[*ast.Ident]types.Object{},
		Instances: map[*ast.Ident]types.Instance{},
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil), Error: func(error) {}}
	conf.Check("main", fset, []*ast.File{f}, info)

	type finding struct {
		pos  token.Position
		what string
	}
	var found []finding
	add := func(n ast.Node, what string) { found = append(found, finding{fset.Position(n.Pos()), what}) }
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			switch t := info.Types[n.X].Type.(type) {
			case *types.Basic:
				if t.Info()&types.IsInteger != 0 {
					add(n, "range over an integer (Go 1.22)")
				}
			case *types.Signature:
				add(n, "range over a function, an iterator (Go 1.23)")
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && (b.Name() == "min" || b.Name() == "max" || b.Name() == "clear") {
					add(n, fmt.Sprintf("the built-in function %s (Go 1.21)", b.Name()))
				}
			}
		case *ast.SelectorExpr:
			if _, ok := info.Instances[n.Sel]; ok {
				if fn, ok := info.Uses[n.Sel].(*types.Func); ok && fn.Pkg() != nil {
					add(n, fmt.Sprintf("the generic function %s.%s", fn.Pkg().Name(), fn.Name()))
				}
			}
		}
		return true
	})
	if len(found) == 0 {
		return
	}
	best := found[0]
	for _, fd := range found {
		if fd.pos.Line == e.Line {
			best = fd
			break
		}
	}
	e.Line, e.Col = best.pos.Line, best.pos.Column
	e.Msg = "not supported by the interpreter: " + best.what
}
