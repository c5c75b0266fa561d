package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// bubbleInits makes the init functions of an example run on the virtual
// clock under the compiled engine, as they do under the interpreter: each
// "func init()" becomes "func signalwireInitN()" (a line directive keeps
// the positions after the name), and package main's harness init calls
// them inside the bubble, in order, before main. Package-level variables
// are still initialized by Go before any code of the harness runs, on the
// real clock (see the package comment).
func bubbleInits(base string, src []byte) ([]byte, []string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, base, src, parser.SkipObjectResolution)
	if err != nil {
		return src, nil // the compiler reports it
	}
	var names []string
	var at []int
	var after []token.Position
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Name.Name != "init" {
			continue
		}
		names = append(names, fmt.Sprintf("signalwireInit%d", len(names)))
		at = append(at, fset.Position(fn.Name.Pos()).Offset)
		after = append(after, fset.Position(fn.Name.End()))
	}
	out := append([]byte(nil), src...)
	for i := len(at) - 1; i >= 0; i-- {
		text := fmt.Sprintf("%s/*line %s/%s:%d:%d*/", names[i], buildModule, base, after[i].Line, after[i].Column)
		out = append(out[:at[i]], append([]byte(text), out[at[i]+len("init"):]...)...)
	}
	return out, names
}

// harnessInitCalling is the harness's init of package main, calling the
// example's renamed init functions inside the bubble before main.
func harnessInitCalling(inits []string) string {
	if len(inits) == 0 {
		return harnessInit
	}
	var calls strings.Builder
	for _, name := range inits {
		calls.WriteString(name + "(); ")
	}
	return strings.Replace(harnessInit, "signalwireHarness.Main(main)",
		"signalwireHarness.Main(func() { "+calls.String()+"main() })", 1)
}
