package runner

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"signalwire/runner/harness"
)

// allowed lists the packages an example may import in allowlist-only mode,
// where no OS sandbox fences it in. A nil set allows the whole package;
// otherwise only the names in it.
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

// refused lists what an example may not import even inside the OS
// sandbox, and why: what escapes the sandbox's rules or breaks the harness
// that runs and measures the program. Every other package of the standard
// library is allowed. A path ending in "/" refuses the packages below it.
var refused = map[string]string{
	"C":                "cgo links C code, which neither engine can run in the sandbox",
	"os/exec":          "it starts other programs",
	"syscall":          "it calls the kernel around the os package and the harness",
	"unsafe":           "it breaks memory safety, and with it the harness's bookkeeping",
	"plugin":           "it loads compiled code",
	"embed":            "//go:embed reads the build's files",
	"runtime/debug":    "it changes the limits the harness sets (SetMemoryLimit, SetMaxStack, SetGCPercent...)",
	"runtime/pprof":    "profiling belongs to the harness",
	"runtime/trace":    "execution tracing belongs to the harness",
	"runtime/cgo":      "cgo is not available",
	"runtime/race":     "the race detector is not available",
	"runtime/coverage": "coverage is not available",
	"testing":          "the harness runs main inside its own testing/synctest bubble",
	"testing/":         "the harness runs main inside its own testing/synctest bubble",
	"internal/":        "internal packages of the standard library cannot be imported",
	"vendor/":          "vendored packages of the standard library cannot be imported",
}

// restricted are packages of which the OS sandbox allows only part: the
// names in only, or everything but the names in except.
var restricted = map[string]struct {
	only   map[string]bool
	except map[string]string
}{
	"runtime": {only: setOf("Caller", "Callers", "CallersFrames", "Compiler", "Error", "Frame", "Frames",
		"Func", "FuncForPC", "GC", "GOARCH", "GOMAXPROCS", "GOOS", "Gosched", "KeepAlive", "LockOSThread",
		"MemStats", "NumCPU", "NumGoroutine", "ReadMemStats", "SetFinalizer", "AddCleanup", "Cleanup",
		"Stack", "TypeAssertionError", "UnlockOSThread", "Version")},
	"os": {except: map[string]string{
		"StartProcess": "it starts other programs",
		"ProcAttr":     "it starts other programs",
	}},
}

func setOf(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// AllowedImports returns the packages examples may import without the OS
// sandbox, sorted.
func AllowedImports() []string {
	var out []string
	for p := range allowed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// RefusedImports returns what examples may not import inside the OS
// sandbox, each with the reason, as "path: reason" lines sorted by path.
func RefusedImports() []string {
	var out []string
	for p, why := range refused {
		out = append(out, p+": "+why)
	}
	sort.Strings(out)
	return out
}

// importRefusal says why path may not be imported under iso, "" when it may.
func importRefusal(path string, iso Isolation) string {
	if carriedImport(path) { // modules.go
		return ""
	}
	if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
		return carriedRefusal()
	}
	if iso == IsolationAllowlist {
		if _, ok := allowed[path]; !ok {
			return "it is not in the allowlist of examples run without the OS sandbox"
		}
		return ""
	}
	if why, ok := refused[path]; ok {
		return why
	}
	for p, why := range refused {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return why
		}
	}
	return ""
}

// nameRefusal says why pkg.name may not be used under iso, "" when it may.
func nameRefusal(path, name string, iso Isolation) string {
	if iso == IsolationAllowlist {
		if only := allowed[path]; only != nil && !only[name] {
			return fmt.Sprintf("without the OS sandbox, from %q only %s", path, nameList(only))
		}
		return ""
	}
	r, ok := restricted[path]
	if !ok {
		return ""
	}
	if r.only != nil && !r.only[name] {
		return fmt.Sprintf("from %q only %s", path, nameList(r.only))
	}
	return r.except[name]
}

func nameList(set map[string]bool) string {
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// check parses src and refuses what the runs' isolation does not allow. It
// returns a compile error for a file that does not parse or that go build
// would not build, and a refusal for a forbidden import or use.
func check(file string, src []byte, iso Isolation, o Options) *Error {
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
	at := func(kind Kind, pos token.Pos, format string, args ...any) *Error {
		p := fset.Position(pos)
		return &Error{Kind: kind, File: file, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf(format, args...)}
	}
	refuse := func(pos token.Pos, format string, args ...any) *Error {
		return at(KindRefused, pos, format, args...)
	}
	if e := buildConstraints(fset, f, at); e != nil {
		return e
	}
	if f.Name.Name != "main" {
		return refuse(f.Name.Pos(), "package %s: an example is a program in package main", f.Name.Name)
	}
	names := map[string]string{} // local name -> import path with restricted names
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if why := importRefusal(path, iso); why != "" {
			return refuse(imp.Pos(), "import %q is not allowed in examples: %s", path, why)
		}
		if _, partial := restricted[path]; !partial && (iso != IsolationAllowlist || allowed[path] == nil) {
			continue
		}
		local := path[strings.LastIndex(path, "/")+1:]
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
			if path, ok := names[id.Name]; ok {
				if why := nameRefusal(path, n.Sel.Name, iso); why != "" {
					bad = refuse(n.Pos(), "%s.%s is not allowed in examples: %s", id.Name, n.Sel.Name, why)
				}
			}
		}
		return true
	})
	if bad != nil {
		return bad
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:linkname") || strings.HasPrefix(c.Text, "//go:embed") {
				return refuse(c.Pos(), "%s is not allowed in examples", c.Text)
			}
		}
	}
	if !hasMain {
		return refuse(f.Name.Pos(), "function main is undeclared in the main package")
	}
	return hugeData(fset, f, o.MemoryLimit, at)
}

// buildConstraints refuses a file that go build would exclude. The one
// exception is //go:build ignore, which keeps an example out of
// `go vet ./...`: the runner runs such a file, as `go run file.go` does.
func buildConstraints(fset *token.FileSet, f *ast.File, at func(Kind, token.Pos, string, ...any) *Error) *Error {
	tags := map[string]bool{
		runtime.GOOS: true, runtime.GOARCH: true, "gc": true, "ignore": true,
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1" {
		tags["unix"] = true
	}
	for _, t := range build.Default.ReleaseTags {
		tags[t] = true
	}
	for _, t := range build.Default.ToolTags {
		tags[t] = true
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) && !constraint.IsPlusBuild(c.Text) {
				continue
			}
			x, err := constraint.Parse(c.Text)
			if err != nil {
				return at(KindCompile, c.Pos(), "%s: %v", c.Text, err)
			}
			var missing []string
			if !x.Eval(func(tag string) bool {
				if !tags[tag] {
					missing = append(missing, tag)
				}
				return tags[tag]
			}) {
				return at(KindCompile, c.Pos(), "build constraints exclude this file: %s (%s not set); go build would not build it", c.Text, strings.Join(missing, ", "))
			}
		}
	}
	return nil
}

// hugeData refuses a variable or composite literal larger than the memory
// limit, at compile time and at its place: such a program cannot run, and
// building it costs the compiler as much memory, time and disk as the
// value's size ("var x = [1 << 30]byte{1}").
func hugeData(fset *token.FileSet, f *ast.File, limit int64, at func(Kind, token.Pos, string, ...any) *Error) *Error {
	// A quick look first: without a large constant there is no large
	// array type.
	large := false
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && (lit.Kind == token.INT || lit.Kind == token.FLOAT) && len(lit.Value) > 3 {
			large = true
		}
		if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.SHL {
			large = true
		}
		return !large
	})
	if !large {
		return nil
	}
	sizes := types.SizesFor("gc", runtime.GOARCH)
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: noImports{}, Error: func(error) {}, Sizes: sizes}
	conf.Check("main", fset, []*ast.File{f}, info)
	sizeOf := func(t types.Type) (n int64) {
		defer func() {
			if recover() != nil {
				n = 0
			}
		}()
		switch t.Underlying().(type) {
		case *types.Array, *types.Struct:
			return sizes.Sizeof(t)
		}
		return 0
	}
	var worst *Error
	var first token.Pos
	report := func(pos token.Pos, what string, size int64) {
		if size <= limit || (first.IsValid() && pos >= first) {
			return
		}
		first = pos
		worst = at(KindMemory, pos, "%s needs %s of memory, more than the limit of %s", what, bytesString(size), bytesString(limit))
	}
	for id, obj := range info.Defs {
		if v, ok := obj.(*types.Var); ok && !v.IsField() {
			report(id.Pos(), id.Name, sizeOf(v.Type()))
		}
	}
	for x, tv := range info.Types {
		if _, ok := x.(*ast.CompositeLit); ok && tv.Type != nil {
			report(x.Pos(), "this composite literal", sizeOf(tv.Type))
		}
	}
	return worst
}

// noImports makes the type checker go on without the imported packages:
// only the sizes of the file's own types matter.
type noImports struct{}

func (noImports) Import(path string) (*types.Package, error) {
	return nil, fmt.Errorf("not loaded")
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
