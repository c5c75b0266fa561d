package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"signalwire/runner/harness"
)

// buildModule is the module path of the temporary module an example is
// built in. With -trimpath, stack traces name the example's file
// buildModule + "/" + its base name.
const buildModule = "signalwire.example"

// harnessInit is added to package main: it hands main to the harness once
// every package, main included, is initialized, and gives the rewritten go
// statements their wrapper.
const harnessInit = `package main

import (
	"os"

	signalwireHarness "` + buildModule + `/internal/harness"
)

func init() {
	os.SignalwireOnExit(signalwireHarness.Exit)
	signalwireHarness.Main(main)
}

func signalwireGo[F any](line int, f F) F { return signalwireHarness.Go(line, f) }

func signalwireDone[C any](line int, ch C) C { return signalwireHarness.DoneWait(line, ch) }

func signalwireDoneOn[C, X any](line int, ch C, x X, expr string) C {
	return signalwireHarness.DoneWaitOn(line, ch, any(x), expr)
}
`

// tracedContext and tracedSignal are the import paths that replace
// "context" and "os/signal" in the built copy of an example.
const (
	tracedContext = buildModule + "/internal/harness/swcontext"
	tracedSignal  = buildModule + "/internal/harness/swsignal"
)

// osPatch inserts text at the top of a function of package os, found by
// its first line.
type osPatch struct {
	file, fn, text string
}

// osPatches make writes to os.Stdout and os.Stderr frames, and let the
// harness report before os.Exit ends the program (see SignalwireOnExit in
// overlay/os_frames.go.txt).
var osPatches = []osPatch{
	{"file_posix.go", "func (f *File) write(b []byte) (n int, err error) {\n", "\tif signalwireWrite(f, b) {\n\t\treturn len(b), nil\n\t}\n"},
	{"proc.go", "func Exit(code int) {\n", "\tif f := signalwireOnExit; f != nil {\n\t\tf(code)\n\t}\n"},
}

// toolchain describes the go command that builds examples.
type toolchain struct {
	version string // "go1.26.8"
	goroot  string
	lang    string // "1.26", for go.mod
	overlay string // the overlay file that patches package os
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
	t.overlay, err = r.writeOverlay(t)
	return t, err
}

// writeOverlay prepares the overlay of package os that makes writes to
// os.Stdout and os.Stderr frames, so that their order survives, and that
// lets the harness see os.Exit.
func (r *Runner) writeOverlay(t *toolchain) (string, error) {
	frames, err := embedded.ReadFile("overlay/os_frames.go.txt")
	if err != nil {
		return "", err
	}
	osDir := filepath.Join(t.goroot, "src", "os")
	files := map[string][]byte{"zz_signalwire_frames.go": frames}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\x00%s\x00", t.version, frames)
	for _, p := range osPatches {
		orig := filepath.Join(osDir, p.file)
		src, rerr := os.ReadFile(orig)
		if rerr != nil {
			return "", rerr
		}
		if !bytes.Contains(src, []byte(p.fn)) {
			return "", fmt.Errorf("%s: cannot find %q to patch; this Go release is not supported", orig, strings.TrimSpace(p.fn))
		}
		files[p.file] = bytes.Replace(src, []byte(p.fn), []byte(p.fn+p.text), 1)
		fmt.Fprintf(sum, "%s\x00%s\x00", p.file, files[p.file])
	}
	dir := filepath.Join(r.cacheDir(), "overlay", hex.EncodeToString(sum.Sum(nil))[:16])
	index := filepath.Join(dir, "overlay.json")
	if _, err := os.Stat(index); err == nil {
		return index, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	replace := map[string]string{}
	for name, b := range files {
		path := filepath.Join(dir, name)
		if err := writeFileAtomic(path, b); err != nil {
			return "", err
		}
		replace[filepath.Join(osDir, name)] = path
	}
	idx, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	return index, writeFileAtomic(index, idx)
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
	dir, err := os.MkdirTemp("", "signalwire-build-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	bubbled, inits := bubbleInits(base, dropBuildConstraints(src)) // initclock.go
	files := map[string][]byte{
		"go.mod":           []byte("module " + buildModule + "\n\ngo " + t.lang + "\n"),
		base:               instrument(base, bubbled),
		"zz_signalwire.go": []byte(harnessInitCalling(inits)),
	}
	hfiles, err := fs.Glob(embedded, "harness/*.go")
	if err != nil {
		return "", nil, err
	}
	for _, wrapper := range []string{"harness/swcontext/*.go", "harness/swsignal/*.go"} {
		names, err := fs.Glob(embedded, wrapper)
		if err != nil {
			return "", nil, err
		}
		hfiles = append(hfiles, names...)
	}
	for _, name := range hfiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := embedded.ReadFile(name)
		if err != nil {
			return "", nil, err
		}
		// The harness is copied into the build's module.
		files["internal/"+name] = bytes.ReplaceAll(b, []byte(`"signalwire/runner/harness"`), []byte(`"`+buildModule+`/internal/harness"`))
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", nil, err
		}
	}
	out := filepath.Join(dir, "example.bin")
	bctx, cancel := context.WithTimeout(ctx, compileTimeout) // the compile's bounds: cachebound.go
	defer cancel()
	cmd := exec.CommandContext(bctx, r.goCmd(), "build", "-trimpath", "-overlay", t.overlay, "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GO111MODULE=on", "GOPROXY=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
		if e := compileError(file, base, stderr.String()); e != nil {
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
// x can be evaluated twice). Line directives (/*line file:L:C*/) after
// each insertion keep every position the compiler and the runtime report
// exactly as in the original file.
func instrument(base string, src []byte) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, base, src, parser.SkipObjectResolution)
	if err != nil {
		return src // the compiler reports it, at the right place
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
	if len(edits) == 0 {
		return src
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	out := append([]byte(nil), src...)
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

// compileError reads the compiler's messages about the example's file.
func compileError(file, base, stderr string) *Error {
	e := &Error{Kind: KindCompile, File: file}
	for _, line := range strings.Split(stderr, "\n") {
		m := compileLineRE.FindStringSubmatch(line)
		// Positions after a line directive name the file as the runtime
		// sees it.
		if m == nil || strings.TrimPrefix(m[1], buildModule+"/") != base {
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
	return strings.ReplaceAll(msg, tracedSignal, "os/signal")
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
		path:  bin,
		cfg:   o.harnessConfig(buildModule + "/" + filepath.Base(file)),
		fence: r.fence(ctx, bin, o, true),
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
