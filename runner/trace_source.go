package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// doneReceive reports whether n is a receive from a Done method's result,
// "<-x.Done()", and returns the call; the compiled engine wraps the call
// so that the trace knows which goroutines wait on which context.
func doneReceive(n ast.Node) (*ast.CallExpr, bool) {
	u, ok := n.(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return nil, false
	}
	call, ok := ast.Unparen(u.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Done" {
		return nil, false
	}
	return call, true
}

// pureReceiver returns the source of x in a receive "<-x.Done()" when x
// can be evaluated a second time without effect: a variable, a field of
// one, or a Context() method call on one (r.Context()).
func pureReceiver(call *ast.CallExpr, src []byte, fset *token.FileSet) (string, bool) {
	x := call.Fun.(*ast.SelectorExpr).X
	var pure func(e ast.Expr) bool
	pure = func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return e.Name != "_"
		case *ast.SelectorExpr:
			return pure(e.X)
		case *ast.CallExpr:
			sel, ok := e.Fun.(*ast.SelectorExpr)
			return ok && len(e.Args) == 0 && sel.Sel.Name == "Context" && pure(sel.X)
		}
		return false
	}
	if !pure(x) {
		return "", false
	}
	a, b := fset.Position(x.Pos()).Offset, fset.Position(x.End()).Offset
	if a < 0 || b > len(src) || a >= b {
		return "", false
	}
	text := string(src[a:b])
	if strings.Contains(text, "\n") || strings.Contains(text, "/*") || strings.Contains(text, "//") {
		return "", false
	}
	return text, true
}

// annotateTrace adds to a trace what only the example's source knows: the
// variable each context was assigned to, what each goroutine runs, and
// which cancel calls were deferred.
func annotateTrace(t *Trace, src []byte) {
	if t == nil {
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	s := &sourceFacts{fset: fset, src: src, made: map[string]*madeAt{}, golines: map[int]*ast.GoStmt{}}
	s.read(f)
	for i := range t.Contexts {
		c := &t.Contexts[i]
		m := s.made[madeKey(c.Line, c.Kind)]
		if m == nil || m.ambiguous {
			continue
		}
		c.Name = m.name
		if (c.Reason == "cancel" || c.Reason == "stop") && c.CancelLine > 0 {
			c.DeferLine, c.DeferFunc = s.deferred(m, c.CancelLine)
		}
	}
	perLine := map[int]int{}
	for _, g := range t.Goroutines {
		perLine[g.Line]++
	}
	for i := range t.Goroutines {
		g := &t.Goroutines[i]
		if st := s.golines[g.Line]; st != nil {
			g.Label = s.goLabel(st, g.Args, perLine[g.Line] > 1, g.Nth)
		} else if call := s.groupGo[g.Line]; call != nil {
			// A goroutine a carried package started: errgroup's g.Go(f)
			// runs f, which the label names.
			g.Label = oneLine(s.text(call.Args[0]))
			if lit, ok := ast.Unparen(call.Args[0]).(*ast.FuncLit); ok {
				g.Label = "func"
				if stmt := firstStatement(lit.Body); stmt != nil {
					g.Label = "func: " + oneLine(s.text(stmt))
				}
			}
			if perLine[g.Line] > 1 {
				g.Label = fmt.Sprintf("%s #%d", g.Label, g.Nth)
			}
		}
	}
}

// madeAt is an assignment of a context-making call: "ctx, cancel :=
// context.WithCancel(parent)".
type madeAt struct {
	name, cancel string   // the variables; "" for none or "_"
	fn           ast.Node // the function the assignment is in
	body         *ast.BlockStmt
	ambiguous    bool // two such calls of the same kind on one line
}

func madeKey(line int, kind string) string { return strconv.Itoa(line) + " " + kind }

type sourceFacts struct {
	fset    *token.FileSet
	src     []byte
	made    map[string]*madeAt
	golines map[int]*ast.GoStmt
	groupGo map[int]*ast.CallExpr   // x.Go(f) and x.TryGo(f) calls by line: errgroup's
	calls   map[string]map[int]bool // variable -> lines where it is called, not deferred
}

func (s *sourceFacts) line(p token.Pos) int { return s.fset.Position(p).Line }

func (s *sourceFacts) text(n ast.Node) string {
	a, b := s.fset.Position(n.Pos()).Offset, s.fset.Position(n.End()).Offset
	if a < 0 || b > len(s.src) || a > b {
		return ""
	}
	return string(s.src[a:b])
}

// read collects the facts of the file.
func (s *sourceFacts) read(f *ast.File) {
	pkgs := map[string]string{} // names of the packages that make contexts -> their paths
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if path != "context" && path != "os/signal" && carriedMakers[path] == nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		pkgs[name] = path
	}
	s.calls = map[string]map[int]bool{}
	s.groupGo = map[int]*ast.CallExpr{}
	deferred := map[*ast.CallExpr]bool{}
	var funcs []ast.Node // the enclosing functions, innermost last
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			funcs = append(funcs, n)
			if b := body(n); b != nil {
				ast.Inspect(b, visit)
			}
			funcs = funcs[:len(funcs)-1]
			return false
		case *ast.GoStmt:
			s.golines[s.line(n.Pos())] = n
		case *ast.DeferStmt:
			deferred[n.Call] = true
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Go" || sel.Sel.Name == "TryGo") && len(n.Args) == 1 {
				s.groupGo[s.line(n.Pos())] = n
			}
			if id, ok := n.Fun.(*ast.Ident); ok && !deferred[n] {
				if s.calls[id.Name] == nil {
					s.calls[id.Name] = map[int]bool{}
				}
				s.calls[id.Name][s.line(n.Pos())] = true
			}
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && len(funcs) > 0 {
				s.assign(n.Lhs, n.Rhs[0], pkgs, funcs[len(funcs)-1])
			}
		case *ast.ValueSpec:
			if len(n.Values) == 1 && len(funcs) > 0 {
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				s.assign(lhs, n.Values[0], pkgs, funcs[len(funcs)-1])
			}
		}
		return true
	}
	for _, d := range f.Decls {
		ast.Inspect(d, visit)
	}
}

func body(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// carriedMakers are the functions of the carried packages (modules.go)
// that make a context: the kind the trace records for it (the call of the
// context package they make it with) and which of their results is the
// context. They have no cancel function of their own.
var carriedMakers = map[string]map[string]struct {
	kind   string
	result int
}{
	"golang.org/x/sync/errgroup": {"WithContext": {"WithCancelCause", 1}},
}

// assign records lhs = rhs when rhs makes a context.
func (s *sourceFacts) assign(lhs []ast.Expr, rhs ast.Expr, pkgs map[string]string, fn ast.Node) {
	call, ok := rhs.(*ast.CallExpr)
	if !ok {
		return
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkgs[pkg.Name] == "" {
		return
	}
	name := func(i int) string {
		if i >= len(lhs) {
			return ""
		}
		if id, ok := lhs[i].(*ast.Ident); ok && id.Name != "_" {
			return id.Name
		}
		return ""
	}
	kind, ctx, cancel := sel.Sel.Name, name(0), name(1)
	if makers := carriedMakers[pkgs[pkg.Name]]; makers != nil {
		m, ok := makers[sel.Sel.Name]
		if !ok {
			return
		}
		kind, ctx, cancel = m.kind, name(m.result), ""
	}
	key := madeKey(s.line(call.Pos()), kind)
	if m := s.made[key]; m != nil {
		m.ambiguous = true
		return
	}
	s.made[key] = &madeAt{name: ctx, cancel: cancel, fn: fn, body: body(fn)}
}

// deferred returns the line of the "defer cancel()" that made the call
// recorded at line, and the function that deferred it, when the call came
// from a defer: the function deferred the context's cancel function, and
// the line, where it returned, calls it no other way.
func (s *sourceFacts) deferred(m *madeAt, line int) (int, string) {
	if m.cancel == "" || m.body == nil || s.calls[m.cancel][line] {
		return 0, ""
	}
	if line < s.line(m.body.Lbrace) || line > s.line(m.body.Rbrace) {
		return 0, ""
	}
	at := 0
	ast.Inspect(m.body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if d, ok := n.(*ast.DeferStmt); ok && at == 0 {
			if id, ok := d.Call.Fun.(*ast.Ident); ok && id.Name == m.cancel {
				at = s.line(d.Pos())
			}
		}
		return true
	})
	if at == 0 {
		return 0, ""
	}
	name := ""
	if d, ok := m.fn.(*ast.FuncDecl); ok {
		name = d.Name.Name
	}
	return at, name
}

// goLabel says what a go statement runs: its call as written
// ("worker(ctx, i)"), or a function literal's first statement other than a
// defer. When several goroutines start from the line, the label tells them
// apart: the call with its basic arguments' values ("worker(ctx, 2)"), the
// literal with its parameters' values, else the start order ("#2").
func (s *sourceFacts) goLabel(g *ast.GoStmt, args []string, several bool, nth int) string {
	call := g.Call
	var label string
	lit, isLit := ast.Unparen(call.Fun).(*ast.FuncLit)
	if isLit {
		label = "func"
		if stmt := firstStatement(lit.Body); stmt != nil {
			label = "func: " + oneLine(s.text(stmt))
		}
	} else {
		label = oneLine(s.text(call.Fun)) + "(" + s.argsText(call, nil) + ")"
	}
	if !several {
		return label
	}
	distinct := false
	for _, a := range args {
		distinct = distinct || a != ""
	}
	switch {
	case distinct && !isLit:
		return oneLine(s.text(call.Fun)) + "(" + s.argsText(call, args) + ")"
	case distinct && isLit:
		var vals []string
		for i, a := range args {
			if a == "" {
				continue
			}
			name := ""
			if n := paramName(lit, i); n != "" {
				name = n + "="
			}
			vals = append(vals, name+a)
		}
		return label + " [" + strings.Join(vals, ", ") + "]"
	}
	return fmt.Sprintf("%s #%d", label, nth)
}

// argsText writes a call's arguments, with the values of those given.
func (s *sourceFacts) argsText(call *ast.CallExpr, values []string) string {
	parts := make([]string, len(call.Args))
	for i, a := range call.Args {
		parts[i] = oneLine(s.text(a))
		if i < len(values) && values[i] != "" {
			if _, lit := a.(*ast.BasicLit); !lit {
				parts[i] = values[i]
			}
		}
	}
	if call.Ellipsis.IsValid() && len(parts) > 0 {
		parts[len(parts)-1] += "..."
	}
	return strings.Join(parts, ", ")
}

// paramName is the name of a function literal's i-th parameter.
func paramName(lit *ast.FuncLit, i int) string {
	n := 0
	for _, f := range lit.Type.Params.List {
		if len(f.Names) == 0 {
			if n == i {
				return ""
			}
			n++
			continue
		}
		for _, id := range f.Names {
			if n == i {
				return id.Name
			}
			n++
		}
	}
	return ""
}

// firstStatement is the first statement of a block that is not a defer,
// or its first statement.
func firstStatement(b *ast.BlockStmt) ast.Stmt {
	if b == nil || len(b.List) == 0 {
		return nil
	}
	for _, st := range b.List {
		if _, ok := st.(*ast.DeferStmt); !ok {
			return st
		}
	}
	return b.List[0]
}

// oneLine is the first line of source text, without an opening brace at its
// end, with runs of white space as one space.
func oneLine(s string) string {
	first, _, more := strings.Cut(s, "\n")
	first = strings.Join(strings.Fields(first), " ")
	if more {
		first = strings.TrimSpace(strings.TrimSuffix(first, "{"))
		first += " …"
	}
	return first
}
