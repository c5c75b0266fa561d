package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	pathpkg "path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"signalwire/runner/harness"
)

// buildModule is the module path of the temporary module an example is
// built in. A line directive at the top of the example's copy makes the
// compiler, stack traces and runtime.Caller name its file
// buildModule + "/" + its base name.
const buildModule = "signalwire.example"

// harnessInit is added to package main: it hands main to the harness once
// every package, main included, is initialized, and gives the rewritten go
// statements, os.Exit and log.Fatal calls their wrappers.
const harnessInit = `package main

import (
	"fmt"
	"log"
	"os"

	signalwireHarness "` + buildModule + `/internal/harness"
)

func init() {
	signalwireHarness.Main(main)
}

func signalwireGo[F any](line int, f F) F { return signalwireHarness.Go(line, f) }

func signalwireDone[C any](line int, ch C) C { return signalwireHarness.DoneWait(line, ch) }

func signalwireDoneOn[C, X any](line int, ch C, x X, expr string) C {
	return signalwireHarness.DoneWaitOn(line, ch, any(x), expr)
}

func signalwireExit(code int) {
	signalwireHarness.Exit(code)
	os.Exit(code)
}

func signalwireLogFatal(v ...any) {
	log.Output(2, fmt.Sprint(v...))
	signalwireExit(1)
}

func signalwireLogFatalf(format string, v ...any) {
	log.Output(2, fmt.Sprintf(format, v...))
	signalwireExit(1)
}

func signalwireLogFatalln(v ...any) {
	log.Output(2, fmt.Sprintln(v...))
	signalwireExit(1)
}
`

// exitCalls are the functions of the standard library that end the
// program, with the wrapper (in harnessInit) that reports to the harness
// first: the same ones the interpreter is given (interp.go). An os.Exit
// reached otherwise, from a package the example imports, ends the program
// with its status but without its virtual time and trace.
var exitCalls = map[string]map[string]string{
	"os":  {"Exit": "signalwireExit"},
	"log": {"Fatal": "signalwireLogFatal", "Fatalf": "signalwireLogFatalf", "Fatalln": "signalwireLogFatalln"},
}

// tracedContext and tracedSignal are the import paths that replace
// "context" and "os/signal" in the built copy of an example.
const (
	tracedContext = buildModule + "/internal/harness/swcontext"
	tracedSignal  = buildModule + "/internal/harness/swsignal"
)

// toolchain describes the go command that builds examples.
type toolchain struct {
	version string // "go1.26.8"
	goroot  string
	lang    string // "1.26", for go.mod
}

// toolchain returns the go command's description, looking it up on first
// use. Only a successful lookup is kept: a failure, such as the caller's
// context being cancelled while "go env" ran, is the caller's alone, and the
// next call tries again.
func (r *Runner) toolchain(ctx context.Context) (*toolchain, error) {
	r.toolInit.Do(func() { r.toolLock = make(chan struct{}, 1) })
	select {
	case r.toolLock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-r.toolLock }()
	if r.tool != nil {
		return r.tool, nil
	}
	t, err := r.loadToolchain(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	r.tool = t
	return t, nil
}

func (r *Runner) loadToolchain(ctx context.Context) (*toolchain, error) {
	out, err := exec.CommandContext(ctx, r.goCmd(), "env", "GOVERSION", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("the compiled engine needs the go command: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("go env: unexpected output %q", out)
	}
	t := &toolchain{version: lines[0], goroot: lines[1]}
	m := regexp.MustCompile(`^go(\d+\.\d+)`).FindStringSubmatch(t.version)
	if m == nil {
		return nil, fmt.Errorf("go env: cannot read the language version of %q", t.version)
	}
	t.lang = m[1]
	return t, nil
}

// buildFlags and buildEnv are the go command's flags and environment for
// an example.
var (
	buildFlags = []string{"-buildvcs=false", "-ldflags=-s -w"}
	buildEnv   = []string{"GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GO111MODULE=on", "GOPROXY=off"}
)

// moduleDir returns the directory of the module examples are built in,
// with the harness in it, made once per runner and Go release. Without
// -trimpath a package's directory is part of what Go's cache knows it by:
// in a directory that stays, the harness is compiled once, not for every
// example.
func (r *Runner) moduleDir(t *toolchain) (string, error) {
	sum := sha256.Sum256([]byte(Version() + "\x00" + t.version))
	mod := filepath.Join(r.cacheDir(), "build", hex.EncodeToString(sum[:])[:16])
	if _, err := os.Stat(filepath.Join(mod, "go.mod")); err == nil {
		return mod, nil
	}
	if err := os.MkdirAll(filepath.Dir(mod), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(mod), ".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // after a successful rename, nothing is there
	files := map[string][]byte{
		"go.mod": []byte("module " + buildModule + "\n\ngo " + t.lang + "\n"),
	}
	hfiles, err := fs.Glob(embedded, "harness/*.go")
	if err != nil {
		return "", err
	}
	for _, wrapper := range []string{"harness/swcontext/*.go", "harness/swsignal/*.go"} {
		names, err := fs.Glob(embedded, wrapper)
		if err != nil {
			return "", err
		}
		hfiles = append(hfiles, names...)
	}
	for _, name := range hfiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := embedded.ReadFile(name)
		if err != nil {
			return "", err
		}
		// The harness is copied into the build's module.
		files["internal/"+name] = bytes.ReplaceAll(b, []byte(`"signalwire/runner/harness"`), []byte(`"`+buildModule+`/internal/harness"`))
	}
	if err := addCarried(files); err != nil { // modules.go
		return "", err
	}
	for name, b := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, mod); err != nil {
		// Another build made it first: the same files.
		if _, serr := os.Stat(filepath.Join(mod, "go.mod")); serr == nil {
			return mod, nil
		}
		return "", err
	}
	pruneModules(filepath.Dir(mod), mod)
	return mod, nil
}

// moduleIdle is how long a module directory of another runner version
// stays unused before a new one removes it. Each build adds and removes a
// directory in it, which updates its modification time.
const moduleIdle = 24 * time.Hour

// pruneModules removes the module directories in dir, but keep, that have
// been idle for moduleIdle: those of runners since replaced. A directory
// it cannot remove costs only its space.
func pruneModules(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if p == keep || err != nil || !e.IsDir() || time.Since(info.ModTime()) < moduleIdle {
			continue
		}
		os.RemoveAll(p)
	}
}

// build compiles the example with the harness and returns the binary. A
// program that does not compile gives a compile error instead.
func (r *Runner) build(ctx context.Context, file string, src []byte) (string, *Error, error) {
	t, err := r.toolchain(ctx)
	if err != nil {
		return "", nil, err
	}
	base := filepath.Base(file)
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\x00%s\x00%s\x00", Version(), t.version, base)
	sum.Write(src)
	key := hex.EncodeToString(sum.Sum(nil))[:32]
	bin := filepath.Join(r.cacheDir(), "bin", key)

	unlock := r.lockKey("build:" + key)
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		used(bin)
		return bin, nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", nil, err
	}
	mod, err := r.moduleDir(t)
	if err != nil {
		return "", nil, err
	}
	// The example is a package of its own in the module, in a directory
	// of its own, so that builds can run side by side.
	dir, err := os.MkdirTemp(mod, "x-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	bubbled, inits := bubbleInits(base, dropBuildConstraints(src)) // initclock.go
	files := map[string][]byte{
		base:               instrument(base, bubbled),
		"zz_signalwire.go": []byte(harnessInitCalling(inits)),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", nil, err
		}
	}
	out := filepath.Join(dir, "example.bin")
	// The flags leave the standard library's packages as the tool's own
	// build compiled them, so that Go's cache serves them: -trimpath, a
	// -gcflags for all packages or an -overlay of a standard package would
	// make Go compile the standard library again, once, on a fresh
	// machine (a minute on two cores). CGO_ENABLED=0 makes static
	// binaries; only net and the packages above it (net/http) are then
	// compiled a second time, by the first example that imports them.
	bctx, cancel := context.WithTimeout(ctx, compileTimeout) // the compile's bounds: cachebound.go
	defer cancel()
	cmd := exec.CommandContext(bctx, r.goCmd(), append(append([]string{"build"}, buildFlags...), "-o", out, "./"+filepath.Base(dir))...)
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), buildEnv...)
	cmd.SysProcAttr = groupAttr(false) // wasm: procattr*.go
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := runBounded(cmd); err != nil {
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		if bctx.Err() != nil {
			return "", &Error{Kind: KindCompile, File: file, Msg: fmt.Sprintf("compiling took longer than %s", compileTimeout)}, nil
		}
		if e := compileError(file, filepath.Base(dir), base, stderr.String()); e != nil {
			return "", e, nil
		}
		return "", nil, fmt.Errorf("building %s: %v\n%s", file, err, stderr.String())
	}
	if err := os.Rename(out, bin); err != nil {
		return "", nil, err
	}
	if err := trimCache(filepath.Dir(bin), BinaryCacheBound); err != nil {
		return "", nil, err
	}
	return bin, nil, nil
}

// instrument rewrites the copy of an example that is built, so that the
// trace sees its contexts and goroutines: import "context" becomes the
// recording wrapper of the context package, "go f(x)" becomes
// "go signalwireGo(LINE, f)(x)" and "<-x.Done()" becomes
// "<-signalwireDone(LINE, x.Done())" (signalwireDoneOn, given x too, when
// x can be evaluated twice); and so that os.Exit and log.Fatal report to
// the harness first (exitCalls). Line directives (/*line file:L:C*/) after
// each insertion keep every position the compiler and the runtime report
// exactly as in the original file, and one at the top names the file
// buildModule/base.
func instrument(base string, src []byte) []byte {
	top := []byte(fmt.Sprintf("//line %s/%s:1:1\n", buildModule, base))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, base, src, parser.SkipObjectResolution)
	if err != nil {
		return append(top, src...) // the compiler reports it, at the right place
	}
	type edit struct {
		at, end int // replace src[at:end]
		text    string
	}
	var edits []edit
	lineDirective := func(p token.Pos) string {
		pos := fset.Position(p)
		return fmt.Sprintf("/*line %s/%s:%d:%d*/", buildModule, base, pos.Line, pos.Column)
	}
	// The local names of the packages whose exits are wrapped.
	exitPkgs := map[string]map[string]string{}
	// A package whose calls are rewritten is used once more at the end of
	// the file, in case they were its only use.
	var uses []string
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || exitCalls[path] == nil {
			continue
		}
		name := pathpkg.Base(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && name != "." {
			exitPkgs[name] = exitCalls[path]
		}
	}
	for _, imp := range f.Imports {
		var to string
		switch imp.Path.Value {
		case `"context"`:
			to = tracedContext
		case `"os/signal"`:
			to = tracedSignal
		default:
			continue
		}
		at := fset.Position(imp.Path.Pos()).Offset
		edits = append(edits, edit{at, at + len(imp.Path.Value), strconv.Quote(to) + lineDirective(imp.Path.End())})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && exitPkgs[x.Name][sel.Sel.Name] != "" {
				at := fset.Position(sel.Pos()).Offset
				end := fset.Position(sel.End()).Offset
				edits = append(edits, edit{at, end, exitPkgs[x.Name][sel.Sel.Name] + lineDirective(sel.End())})
				uses = append(uses, x.Name+"."+sel.Sel.Name)
				return false
			}
			return true
		}
		if call, ok := doneReceive(n); ok { // see runner/trace_source.go
			at := fset.Position(call.Pos()).Offset
			end := fset.Position(call.End()).Offset
			open, close := "signalwireDone(%d, %s", ")"
			if x, ok := pureReceiver(call, src, fset); ok {
				open, close = "signalwireDoneOn(%d, %s", fmt.Sprintf(", %s, %q)", x, x)
			}
			edits = append(edits,
				edit{at, at, fmt.Sprintf(open, fset.Position(call.Pos()).Line, lineDirective(call.Pos()))},
				edit{end, end, close + lineDirective(call.End())})
			return true
		}
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		if id, ok := ast.Unparen(g.Call.Fun).(*ast.Ident); ok && isBuiltin(id.Name) {
			return true
		}
		fun := g.Call.Fun
		at := fset.Position(fun.Pos()).Offset
		end := fset.Position(fun.End()).Offset
		line := fset.Position(g.Pos()).Line
		edits = append(edits,
			edit{at, at, fmt.Sprintf("signalwireGo(%d, %s", line, lineDirective(fun.Pos()))},
			edit{end, end, ")" + lineDirective(fun.End())})
		return true
	})
	// From the end, so that offsets stay valid; at one offset, a
	// replacement before an insertion, which then goes in front of it.
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at > edits[j].at
		}
		return edits[i].end > edits[j].end
	})
	out := append(top, src...)
	slices.Sort(uses)
	for _, u := range slices.Compact(uses) {
		out = fmt.Appendf(out, "\nvar _ = %s\n", u)
	}
	for i := range edits {
		edits[i].at += len(top)
		edits[i].end += len(top)
	}
	for _, e := range edits {
		out = append(out[:e.at], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// isBuiltin reports whether name is a built-in function of the language
// (append, close, panic, ...), which cannot be passed as a value, so that
// go statements calling one are left alone. A program that declares its own
// function of that name is rare enough to lose its trace entry.
func isBuiltin(name string) bool {
	_, ok := types.Universe.Lookup(name).(*types.Builtin)
	return ok
}

// dropBuildConstraints blanks //go:build and // +build lines above the
// package clause (keeping line numbers), so that an example kept out of
// `go vet ./...` with //go:build ignore still builds.
func dropBuildConstraints(src []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		if bytes.HasPrefix(t, []byte("package ")) {
			break
		}
		if bytes.HasPrefix(t, []byte("//go:build ")) || bytes.HasPrefix(t, []byte("// +build ")) {
			lines[i] = []byte("\n")
		}
	}
	return bytes.Join(lines, nil)
}

var compileLineRE = regexp.MustCompile(`^(?:\./)?([^:\s]+\.go):(\d+):(?:(\d+):)? (.*)$`)

// compileError reads the compiler's messages about the example's file,
// base in the module's directory dir.
func compileError(file, dir, base, stderr string) *Error {
	e := &Error{Kind: KindCompile, File: file}
	for _, line := range strings.Split(stderr, "\n") {
		m := compileLineRE.FindStringSubmatch(line)
		// Positions after a line directive name the file as the runtime
		// sees it.
		if m == nil || strings.TrimPrefix(strings.TrimPrefix(m[1], buildModule+"/"), dir+"/") != base {
			continue
		}
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		e.Diagnostics = append(e.Diagnostics, harness.Diagnostic{Line: l, Col: c, Msg: untrace(m[4])})
	}
	if len(e.Diagnostics) == 0 {
		return nil
	}
	d := e.Diagnostics[0]
	e.Line, e.Col, e.Msg = d.Line, d.Col, d.Msg
	return e
}

// untrace names the context package as the example wrote it in a message
// of the compiler about the traced copy.
func untrace(msg string) string {
	msg = strings.ReplaceAll(msg, `"`+tracedContext+`".`, "context.")
	msg = strings.ReplaceAll(msg, `"`+tracedSignal+`".`, "signal.")
	msg = strings.ReplaceAll(msg, tracedContext, "context")
	msg = strings.ReplaceAll(msg, tracedSignal, "os/signal")
	for pkg, calls := range exitCalls {
		for fn, wrapper := range calls {
			msg = regexp.MustCompile(`\b`+wrapper+`\b`).ReplaceAllString(msg, pkg+"."+fn)
		}
	}
	return msg
}

// runCompiled builds and runs the example as a Go binary.
func (r *Runner) runCompiled(ctx context.Context, file string, src []byte, o Options) (*Result, error) {
	bin, cerr, err := r.build(ctx, file, src)
	if err != nil {
		return nil, err
	}
	if cerr != nil {
		return &Result{Engine: EngineGo, ExitCode: -1, Err: cerr, Realtime: o.Realtime}, nil
	}
	c := child{
		path:   bin,
		cfg:    o.harnessConfig(buildModule + "/" + filepath.Base(file)),
		fence:  r.fence(ctx, bin, o, true),
		output: true,
	}
	c.cfg.Trace = !o.NoTrace
	if o.GOMAXPROCS > 0 {
		c.env = append(c.env, "GOMAXPROCS="+strconv.Itoa(o.GOMAXPROCS))
	}
	raw, err := start(ctx, c, o.OutputLimit)
	if err != nil {
		return nil, err
	}
	res := raw.result(EngineGo, file, o)
	annotateTrace(res.Trace, src)
	locateSpin(res.Err, src)
	return res, nil
}
