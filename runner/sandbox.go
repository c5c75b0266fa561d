package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"signalwire/runner/harness"
)

// allowed lists the packages an example may import. A nil set allows the
// whole package; otherwise only the names in it.
var allowed = map[string]map[string]bool{
	"bufio":             nil,
	"bytes":             nil,
	"cmp":               nil,
	"container/heap":    nil,
	"container/list":    nil,
	"context":           nil,
	"encoding/json":     nil,
	"errors":            nil,
	"fmt":               nil,
	"io":                nil,
	"log":               nil,
	"log/slog":          nil,
	"maps":              nil,
	"math":              nil,
	"math/rand":         nil,
	"math/rand/v2":      nil,
	"net":               nil,
	"net/http":          nil,
	"net/http/httptest": nil,
	"net/url":           nil,
	"os/signal":         nil,
	"slices":            nil,
	"sort":              nil,
	"strconv":           nil,
	"strings":           nil,
	"sync":              nil,
	"sync/atomic":       nil,
	"time":              nil,
	"unicode":           nil,
	"unicode/utf8":      nil,
	"os": {
		"Args": true, "Exit": true, "Getenv": true, "LookupEnv": true,
		"Stdout": true, "Stderr": true, "Stdin": true,
		"Interrupt": true, "Kill": true, "Signal": true,
	},

	// database/sql opens no connection by itself: an example brings its
	// own in-memory driver through database/sql/driver.
	"database/sql":        nil,
	"database/sql/driver": nil,
}

// AllowedImports returns the packages examples may import, sorted.
func AllowedImports() []string {
	var out []string
	for p := range allowed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// check parses src and refuses what the sandbox does not allow. It returns
// a compile error for a file that does not parse and a refusal for a
// forbidden import or use.
func check(file string, src []byte) *Error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		e := &Error{Kind: KindCompile, File: file, Msg: err.Error()}
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			for _, se := range list {
				e.Diagnostics = append(e.Diagnostics, harness.Diagnostic{Line: se.Pos.Line, Col: se.Pos.Column, Msg: se.Msg})
			}
			e.Line, e.Col, e.Msg = list[0].Pos.Line, list[0].Pos.Column, list[0].Msg
		}
		return e
	}
	refuse := func(pos token.Pos, format string, args ...any) *Error {
		p := fset.Position(pos)
		return &Error{Kind: KindRefused, File: file, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf(format, args...)}
	}
	if f.Name.Name != "main" {
		return refuse(f.Name.Pos(), "package %s: an example is a program in package main", f.Name.Name)
	}
	names := map[string]string{} // local name -> restricted import path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		only, ok := allowed[path]
		if !ok {
			return refuse(imp.Pos(), "import %q is not allowed in examples", path)
		}
		if only == nil {
			continue
		}
		local := path
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local == "." || local == "_" {
			return refuse(imp.Pos(), "import %q must be used by name in examples", path)
		}
		names[local] = path
	}
	var bad *Error
	hasMain := false
	ast.Inspect(f, func(n ast.Node) bool {
		if bad != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv == nil && n.Name.Name == "main" {
				hasMain = true
			}
		case *ast.SelectorExpr:
			id, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			if path, ok := names[id.Name]; ok && !allowed[path][n.Sel.Name] {
				bad = refuse(n.Pos(), "%s.%s is not allowed in examples (from %q only %s)", id.Name, n.Sel.Name, path, allowedList(path))
			}
		}
		return true
	})
	if bad != nil {
		return bad
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if len(c.Text) > 11 && (c.Text[:11] == "//go:linkna" || c.Text[:11] == "//go:embed ") {
				return refuse(c.Pos(), "%s is not allowed in examples", c.Text)
			}
		}
	}
	if !hasMain {
		return refuse(f.Name.Pos(), "function main is undeclared in the main package")
	}
	return nil
}

func allowedList(path string) string {
	var names []string
	for n := range allowed[path] {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
