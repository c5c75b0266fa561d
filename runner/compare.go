package runner

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"signalwire/internal/diff"
)

// compare reports how the interpreter's result differs from the compiled
// one, or nil when they agree on output, exit status, failure, virtual time
// and leaks.
func compare(compiled, interp *Result) *Divergence {
	a, b := summary(compiled), summary(interp)
	if a == b {
		return nil
	}
	return &Divergence{Diff: diff.Unified("go", "yaegi", a, b), Interpreted: interp}
}

// summary renders what two engines must agree on, one fact a line.
func summary(r *Result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "exit status: %d\n", r.ExitCode)
	if !r.Realtime {
		// On the real clock, elapsed time differs from run to run.
		fmt.Fprintf(&s, "virtual time: %v\n", r.Elapsed)
	}
	if r.Err != nil {
		switch r.Err.Kind {
		case KindLeak:
			// Compared through the leaks below.
		case KindCompile, KindRefused:
			fmt.Fprintf(&s, "failure: %s\n", r.Err.Kind)
		default:
			fmt.Fprintf(&s, "failure: %s\n", r.Err.Kind)
			if r.Err.Kind == KindUnsupported {
				fmt.Fprintf(&s, "  %s\n", r.Err.Msg)
			}
		}
	}
	var states []string
	for _, l := range r.Leaks {
		states = append(states, comparableState(l.State))
	}
	sort.Strings(states)
	fmt.Fprintf(&s, "leaks: %d %s\n", len(states), strings.Join(states, ", "))
	for _, c := range r.Output {
		for _, line := range strings.SplitAfter(c.Text, "\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\n") {
				line += " (no newline)\n"
			}
			fmt.Fprintf(&s, "%s| %s", c.Stream, line)
		}
	}
	return s.String()
}

// comparableState folds the states of goroutines blocked on channels into
// one: yaegi implements some receives (range over a channel) and select{}
// with reflect.Select, so its goroutines say "select" where the compiled
// program's say "chan receive" or "select (no cases)". The count of leaks,
// and every other state (sleep, sync.Mutex.Lock, ...), must still agree.
func comparableState(s string) string {
	if strings.HasPrefix(s, "chan ") || strings.HasPrefix(s, "select") {
		return "channel operation"
	}
	return s
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
