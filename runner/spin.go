package runner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// locateSpin places the goroutines a wall-clock limit found running, and
// the error, at the endless loop they spin in when the runtime cannot say
// where. A compiled loop with an empty body ("for { n++ }" once n is
// unused) is a jump to itself with no line of its own, which the runtime
// reports as line 1 of the file (line 0 after the line directive the
// compiled engine puts at the top of its copy); the interpreter's stacks
// have no example lines at all. The loop is found in the source: a for statement with no
// condition that nothing in its body leaves (break, return, goto, panic,
// os.Exit), in the function the stack names, or for the interpreter, in
// main, else the only one in the file.
func locateSpin(e *Error, src []byte) {
	if e == nil || e.Kind != KindTimeout {
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, e.File, src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for i, g := range e.Blocked {
		if g.State != "running" && g.State != "runnable" {
			continue
		}
		if g.Line > 0 && inFuncBody(fset, f, g.Line) {
			if e.Line == 0 {
				e.Line = g.Line
			}
			continue
		}
		line := spinLine(fset, f, topFunc(g.Func))
		if line == 0 {
			continue
		}
		e.Blocked[i].Line = line
		if e.Line == 0 {
			e.Line = line
		}
	}
}

// topFunc names the top-level function of a stack frame's function:
// "main.main.func1" is in "main", "main.(*T).run" in "run"; "" for none.
func topFunc(fn string) string {
	fn, ok := strings.CutPrefix(fn, "main.")
	if !ok {
		return ""
	}
	if i := strings.LastIndex(fn, ")."); i >= 0 {
		fn = fn[i+2:]
	}
	name, _, _ := strings.Cut(fn, ".")
	return name
}

// inFuncBody reports whether line lies inside the body of a function.
func inFuncBody(fset *token.FileSet, f *ast.File, line int) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		}
		if body != nil && fset.Position(body.Lbrace).Line <= line && line <= fset.Position(body.Rbrace).Line {
			found = true
		}
		return !found
	})
	return found
}

// spinLine returns the line of the first endless loop in the function
// named fn; when fn is "", in main, else the only one in the file.
func spinLine(fset *token.FileSet, f *ast.File, fn string) int {
	loops := map[string][]int{}
	var all []int
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if l, ok := n.(*ast.ForStmt); ok && l.Cond == nil && !leaves(l.Body) {
				line := fset.Position(l.For).Line
				loops[fd.Name.Name] = append(loops[fd.Name.Name], line)
				all = append(all, line)
			}
			return true
		})
	}
	switch {
	case fn != "" && len(loops[fn]) > 0:
		return loops[fn][0]
	case fn != "":
		return 0
	case len(loops["main"]) > 0:
		return loops["main"][0]
	case len(all) == 1:
		return all[0]
	}
	return 0
}

// leaves reports whether a loop's body has a way out of the loop: an
// unlabelled break outside an inner loop, switch or select, any labelled
// break or goto, a return, or a call to panic or os.Exit. Function literals
// do not count.
func leaves(body *ast.BlockStmt) bool {
	out := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if out || m == nil || m == n {
				return !out
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, true)
				return false
			case *ast.ReturnStmt:
				out = true
			case *ast.BranchStmt:
				if m.Tok == token.GOTO || m.Tok == token.BREAK && (m.Label != nil || !nested) {
					out = true
				}
			case *ast.CallExpr:
				switch fun := ast.Unparen(m.Fun).(type) {
				case *ast.Ident:
					out = fun.Name == "panic"
				case *ast.SelectorExpr:
					if x, ok := fun.X.(*ast.Ident); ok && x.Name == "os" && fun.Sel.Name == "Exit" {
						out = true
					}
				}
			}
			return !out
		})
	}
	walk(body, false)
	return out
}
