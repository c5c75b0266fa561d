package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Linking a book: as `go test` links every Example of a package into one
// test binary, [Runner.Prepare] links the examples of a book into one
// binary, each example a package of its own (still "package main", with
// its own import path, so that the types it prints keep their names), and
// an environment variable selecting whose main runs. Linking is most of
// the cost of building an example; once for the book, it is paid once.
// Each run is still a process of its own, in its own sandbox.
//
// What every example linked in does in every process is what Go does
// before main: initialize its package-level variables and the packages it
// imports. So an example is linked with the others only when that is
// nothing (linkable); the others are built alone, as a single run is.

// selectEnv names the example whose main a linked book runs. The binary
// removes it from the environment before the example starts.
const selectEnv = "SIGNALWIRE_EXAMPLE"

// bookPackage is the import path of an example linked into a book.
func bookPackage(key string) string { return buildModule + "/book/x" + key[:16] }

// binary is a built example: its file and, in a linked book, its package.
type binary struct {
	path string
	pkg  string // "" for a binary of its own
}

// Job is one run of an example, as [Runner.Run] is given it.
type Job struct {
	File    string
	Src     []byte
	Options Options
}

// Prepare builds, in one go, the examples that jobs will run under the
// compiled engine and whose results and binaries are not cached yet,
// linking those that allow it into one binary, so that the runs that
// follow find them built. It is an optimization only: an example it
// cannot build, such as one that does not compile, is left to its run,
// which builds it alone and reports its errors there. The error is about
// the runner itself (no go command, ctx cancelled).
func (r *Runner) Prepare(ctx context.Context, jobs []Job) error {
	if r.GoCommandBuilds {
		return nil
	}
	t, err := r.toolchain(ctx)
	if err != nil {
		return err
	}
	iso := r.Isolation(ctx)
	type member struct {
		file, base string
		src        []byte
		key        string
		archive    string
	}
	var todo []*member
	seen := map[string]bool{}
	for _, j := range jobs {
		o := j.Options.withDefaults()
		if o.Engine == EngineYaegi || check(j.File, j.Src, iso, o) != nil {
			continue
		}
		if rk, err := r.resultKey(ctx, j.File, j.Src, o); err != nil {
			return err
		} else if rk != "" {
			if _, err := os.Stat(r.resultPath(rk)); err == nil {
				continue
			}
		}
		base := filepath.Base(j.File)
		key := binKey(t, base, j.Src)
		if seen[key] || r.builtBinary(key) != nil || !linkable(j.File, j.Src) {
			continue
		}
		seen[key] = true
		todo = append(todo, &member{file: j.File, base: base, src: j.Src, key: key})
	}
	if len(todo) < 2 {
		return nil // a run builds one example as well alone
	}
	mod, err := r.moduleDir(t)
	if err != nil {
		return err
	}
	pkgDir := filepath.Join(r.cacheDir(), "pkg")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		return err
	}
	// The packages they import are compiled, or found in Go's cache, by
	// one go command, not one per example that needs a new one. An import
	// that cannot be found leaves it to each example to say which.
	roots := []string{"runtime"}
	for _, m := range todo {
		if imps, err := fileImports(instrument(m.base, m.src), []byte(harnessInit)); err == nil {
			roots = append(roots, imps...)
		}
	}
	slices.Sort(roots)
	if _, err := r.exports(ctx, mod, slices.Compact(roots)); err != nil && err != errNoDirect {
		return err
	}
	// Compile every example, side by side.
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, runtime.NumCPU())
	)
	for _, m := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			a, err := r.compileMember(ctx, t, mod, pkgDir, m.base, m.src, m.key)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				m.archive = a
			case err != errNoDirect && firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	var linked []*member
	for _, m := range todo {
		if m.archive != "" {
			linked = append(linked, m)
		}
	}
	if len(linked) < 2 {
		return nil
	}
	slices.SortFunc(linked, func(a, b *member) int { return strings.Compare(a.key, b.key) })
	sum := sha256.New()
	fmt.Fprintf(sum, "book\x00%s\x00%s\x00", Version(), t.version)
	archives := map[string]string{}
	for _, m := range linked {
		fmt.Fprintf(sum, "%s\x00", m.key)
		archives[bookPackage(m.key)] = m.archive
	}
	name := "book-" + hex.EncodeToString(sum.Sum(nil))[:32]
	bin := filepath.Join(r.cacheDir(), "bin", name)
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		if err := r.linkBook(ctx, t, mod, bin, archives); err != nil {
			if err == errNoDirect {
				return nil // each run builds its example alone
			}
			return err
		}
	}
	for _, m := range linked {
		if err := writeFileAtomic(filepath.Join(r.cacheDir(), "bin", m.key+".link"), []byte(name+"\n")); err != nil {
			return err
		}
	}
	return trimCache(filepath.Dir(bin), BinaryCacheBound)
}

// binKey is the cache key of an example's binary.
func binKey(t *toolchain, base string, src []byte) string {
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\x00%s\x00%s\x00", Version(), t.version, base)
	sum.Write(src)
	return hex.EncodeToString(sum.Sum(nil))[:32]
}

// builtBinary returns the cached binary of the example of key: its own,
// or a linked book it is part of; nil if there is none.
func (r *Runner) builtBinary(key string) *binary {
	dir := filepath.Join(r.cacheDir(), "bin")
	own := filepath.Join(dir, key)
	if _, err := os.Stat(own); err == nil {
		used(own)
		return &binary{path: own}
	}
	link := filepath.Join(dir, key+".link")
	b, err := os.ReadFile(link)
	if err != nil {
		return nil
	}
	name := strings.TrimSpace(string(b))
	if strings.ContainsAny(name, `/\`) || !strings.HasPrefix(name, "book-") {
		return nil
	}
	book := filepath.Join(dir, name)
	if _, err := os.Stat(book); err != nil {
		return nil // trimmed: the example is built again, alone
	}
	used(link)
	used(book)
	return &binary{path: book, pkg: bookPackage(key)}
}

// compileMember compiles an example as a package of a book, into an
// archive kept in pkgDir by its key. errNoDirect: it does not compile (or
// this path cannot say); its run builds it alone and reports why.
func (r *Runner) compileMember(ctx context.Context, t *toolchain, mod, pkgDir, base string, src []byte, key string) (string, error) {
	archive := filepath.Join(pkgDir, key+".a")
	if _, err := os.Stat(archive); err == nil {
		used(archive)
		return archive, nil
	}
	dir, err := os.MkdirTemp(mod, "b-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bubbled, inits := bubbleInits(base, dropBuildConstraints(src)) // initclock.go
	files := map[string][]byte{
		base:               instrument(base, bubbled),
		"zz_signalwire.go": []byte(memberHarness(inits)),
	}
	var srcs [][]byte
	var names []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", err
		}
		srcs = append(srcs, b)
		names = append(names, p)
	}
	slices.Sort(names)
	roots, err := fileImports(srcs...)
	if err != nil {
		return "", err
	}
	exp, err := r.exports(ctx, mod, append(roots, "runtime"))
	if err != nil {
		return "", err
	}
	cfg := filepath.Join(dir, "importcfg")
	if err := os.WriteFile(cfg, importConfig(exp, nil), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "pkg.a")
	if _, ok, err := r.runTool(ctx, t, dir, "compile", compileArgs(t, out, bookPackage(key), cfg, names...)...); err != nil || !ok {
		if err != nil && err != errCompileTimeout {
			return "", err
		}
		return "", errNoDirect
	}
	if err := os.Rename(out, archive); err != nil {
		return "", err
	}
	if err := trimCache(pkgDir, BinaryCacheBound); err != nil {
		return "", err
	}
	return archive, nil
}

// memberHarness is harnessInitCalling for an example linked into a book:
// the same wrappers, and instead of an init that starts the harness, the
// function the book's main calls when the example is selected.
func memberHarness(inits []string) string {
	return strings.Replace(harnessInitCalling(inits), "func init() {", "func SignalwireMain() {", 1)
}

// linkBook compiles the book's package main, which runs the selected
// example's SignalwireMain, and links it with the examples' archives.
func (r *Runner) linkBook(ctx context.Context, t *toolchain, mod, bin string, archives map[string]string) error {
	pkgs := make([]string, 0, len(archives))
	for p := range archives {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n")
	for i, p := range pkgs {
		fmt.Fprintf(&src, "\tx%d %q\n", i, p)
	}
	src.WriteString(")\n\nfunc init() {\n\tname := os.Getenv(" + strconv.Quote(selectEnv) + ")\n\tos.Unsetenv(" + strconv.Quote(selectEnv) + ")\n\tswitch name {\n")
	for i, p := range pkgs {
		fmt.Fprintf(&src, "\tcase %q:\n\t\tx%d.SignalwireMain()\n", p, i)
	}
	src.WriteString("\t}\n\tfmt.Fprintf(os.Stderr, \"signalwire: this binary has no example %q\\n\", name)\n\tos.Exit(125)\n}\n\nfunc main() {}\n")
	dir, err := os.MkdirTemp(mod, "b-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	main := filepath.Join(dir, "book.go")
	if err := os.WriteFile(main, []byte(src.String()), 0o644); err != nil {
		return err
	}
	exp, err := r.exports(ctx, mod, []string{"fmt", "os", "runtime"})
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "importcfg")
	if err := os.WriteFile(cfg, importConfig(exp, archives), 0o644); err != nil {
		return err
	}
	obj := filepath.Join(dir, "main.a")
	if _, ok, err := r.runTool(ctx, t, dir, "compile", compileArgs(t, obj, "main", cfg, main)...); err != nil || !ok {
		if err != nil && err != errCompileTimeout {
			return err
		}
		return errNoDirect
	}
	out := filepath.Join(dir, "book.bin")
	if _, ok, err := r.runTool(ctx, t, dir, "link", linkArgs(out, cfg, obj)...); err != nil || !ok {
		if err != nil && err != errCompileTimeout {
			return err
		}
		return errNoDirect
	}
	return os.Rename(out, bin)
}

// sharedImports are packages whose initialization, run in every process
// of a linked book, does something another example could see: they are
// linked only into an example's own binary. The runtime and reflection
// name functions and packages by the import path a linked example has
// instead of "main".
var sharedImports = map[string]bool{
	"expvar":         true,
	"net/http/pprof": true,
	"runtime":        true,
	"runtime/pprof":  true,
	"runtime/trace":  true,
	"reflect":        true,
	"log/slog":       true, // a handler's AddSource names the function
	"plugin":         true,
}

// linkable reports whether the example may be linked into a book: its
// package-level variables are initialized without calling anything,
// receiving or allocating much, it declares no large array, and it imports
// nothing from sharedImports nor from outside the standard library and
// the carried modules. Its init functions are not a concern: they
// run inside the bubble, for the selected example only.
func linkable(file string, src []byte) bool {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return false
	}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || sharedImports[p] || !isStd(p) && !carriedImport(p) { // modules.go
			return false
		}
	}
	ok := true
	for _, d := range f.Decls {
		g, isGen := d.(*ast.GenDecl)
		if !isGen || g.Tok != token.VAR {
			continue
		}
		ast.Inspect(g, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if !cheapCall(n) {
					ok = false
				}
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					ok = false
				}
			case *ast.ArrayType:
				if n.Len != nil && !smallLen(n.Len) {
					ok = false
				}
			case *ast.FuncLit:
				return false // not called here: calls are refused above
			}
			return ok
		})
	}
	return ok
}

// cheapCall reports whether a call in a package-level initializer does
// nothing another example could see: make or new of a small value, or
// errors.New.
func cheapCall(c *ast.CallExpr) bool {
	switch fn := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		switch fn.Name {
		case "new":
			return true
		case "make":
			for _, a := range c.Args[1:] {
				if !smallLen(a) {
					return false
				}
			}
			return true
		}
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Name == "errors" && fn.Sel.Name == "New" {
			return true
		}
	}
	return false
}

// smallLen reports whether e is a literal length of at most 4096.
func smallLen(e ast.Expr) bool {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.INT {
		return false
	}
	n, err := strconv.ParseInt(lit.Value, 0, 64)
	return err == nil && n >= 0 && n <= 4096
}

// isStd reports whether an import path is of the standard library (no dot
// in its first element).
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// unlink gives the functions of a linked example the names they have in a
// binary of its own: "main.worker", not pkg+".worker".
func unlink(res *Result, pkg string) {
	if pkg == "" || res == nil {
		return
	}
	fix := func(s *string) { *s = strings.ReplaceAll(*s, pkg+".", "main.") }
	for i := range res.Output {
		fix(&res.Output[i].Text)
	}
	for i := range res.Leaks {
		fix(&res.Leaks[i].Func)
	}
	if e := res.Err; e != nil {
		fix(&e.Msg)
		for i := range e.Blocked {
			fix(&e.Blocked[i].Func)
		}
		for i := range e.Diagnostics {
			fix(&e.Diagnostics[i].Msg)
		}
	}
	if tr := res.Trace; tr != nil {
		for i := range tr.Goroutines {
			fix(&tr.Goroutines[i].Func)
		}
		for i := range tr.Contexts {
			fix(&tr.Contexts[i].Key)
			fix(&tr.Contexts[i].Err)
			fix(&tr.Contexts[i].Cause)
		}
	}
}
